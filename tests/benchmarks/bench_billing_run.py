"""A billing run over 1 000 000 usage items in the background (issue 17).

10 000 customers with a sale contract each (two usage-unit lines) and
1 000 000 usage items (origin *import*, as the usage import makes them),
inserted with SQL on a copy of ``--template`` (a database with the addons
installed), committed and analysed. The month's data is checked, then:

- run 1: a real ``odoo-bin`` (its cron thread, a free port, its own copy of
  the data made with ``createdb -T``) is told to run (XML-RPC, as the
  operator); the run goes to the background and the billing run cron does
  it chunk by chunk. Timed until *computed*: rated items per second,
  invoices per second;
- run 2: another copy; the server is killed (SIGKILL) at about half of the
  progress and started again; the resumed run must end with exactly the
  totals of run 1 (invoices, amounts, per-contract totals, result digest)
  and no contract with two invoices.

Target: under 10 minutes for the uninterrupted run. Not part of setup/test::

    .venv/bin/python tests/benchmarks/bench_billing_run.py --template itsm_test
        [--customers 10000] [--items 1000000] [--port 8171] [--keep]

Exits 1 when a check fails.
"""

# A command-line benchmark: it prints, and commits its data for the servers.
# pylint: disable=print-used,invalid-commit
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

from benchlib import ODOO_SRC, ROOT, addons_path

import odoo
from odoo.tools import SQL

MONTH = "2031-01-01"
TARGET_SECONDS = 600
PASSWORD = "bench-operator-1"
# Usage lines per contract: (product name, unit price).
LINES = (("Bench storage GB", 0.35), ("Bench API calls (1000)", 1.2))


def psql(db, query):
    return subprocess.run(
        ["psql", "-XtAq", "-d", db, "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def clone_rows(cr, table, source, overrides):
    """INSERT INTO ``table`` a copy of its row(s) ``source`` (an SQL FROM
    clause naming the row as ``t``) with some columns replaced by SQL
    expressions: every other column (required ones, defaults) as the ORM
    made it."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    values = [
        SQL(overrides[column]) if column in overrides else SQL.identifier("t", column)
        for column in columns
    ]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(values),
            SQL(source),
        )
    )
    return cr.rowcount


def build_data(env, customers, items):
    """The customers, their contracts and the month's usage items."""
    cr = env.cr
    # Only the benchmark's contracts are billed by the run.
    env["contract.contract"].search([]).itsm_billed_by_run = False
    products = env["product.product"].create(
        [
            {"name": name, "type": "service", "list_price": price}
            for name, price in LINES
        ]
    )
    partner = env["res.partner"].create({"name": "Bench template", "ref": "BENCHT"})
    template = env["contract.contract"].create(
        {
            "name": "Bench template contract",
            "partner_id": partner.id,
            "contract_type": "sale",
            "line_recurrence": True,
            "itsm_billed_by_run": True,
            "contract_line_ids": [
                odoo.Command.create(
                    {
                        "product_id": product.id,
                        "name": f"{product.name} #START# – #END#",
                        "quantity": 1,
                        "price_unit": price,
                        "recurring_rule_type": "monthly",
                        "recurring_interval": 1,
                        "date_start": "2030-01-01",
                        "itsm_billing_model": "usage",
                    }
                )
                for product, (_name, price) in zip(products, LINES, strict=True)
            ],
        }
    )
    env.flush_all()
    clone_rows(
        cr,
        "res_partner",
        f"res_partner t, generate_series(1, {customers}) g WHERE t.id = {partner.id}",
        {
            "name": "'Bench customer ' || g",
            "complete_name": "'Bench customer ' || g",
            "ref": "'BENCH-' || g",
        },
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE 'BENCH-%'"
    )
    clone_rows(
        cr,
        "contract_contract",
        f"contract_contract t, res_partner p WHERE t.id = {template.id} "
        "AND p.ref LIKE 'BENCH-%%' ORDER BY p.id",
        {
            "name": "'Bench contract ' || p.ref",
            "partner_id": "p.id",
            "commercial_partner_id": "p.id",
            "invoice_partner_id": "p.id",
        },
    )
    clone_rows(
        cr,
        "contract_line",
        f"contract_line t, contract_contract c WHERE t.contract_id = {template.id} "
        "AND c.name LIKE 'Bench contract BENCH-%%' ORDER BY c.id, t.id",
        {"contract_id": "c.id", "partner_id": "c.partner_id"},
    )
    per_line = max(items // (customers * len(LINES)), 1)
    cr.execute(
        SQL(
            """
            INSERT INTO itsm_billing_item
                   (name, key, kind, origin, run_type, period_start, company_id,
                    currency_id, contract_id, contract_line_id, partner_id,
                    product_id, quantity, price_unit, is_duplicate,
                    create_uid, write_uid, create_date, write_date)
            SELECT 'Usage ' || l.id || ' #' || g,
                   'usage:BENCH-' || l.id || '-' || g,
                   'usage', 'manual', 'billing', %(month)s, c.company_id,
                   co.currency_id, c.id, l.id, c.partner_id, l.product_id,
                   (mod(g * 7 + l.id, 13) + 1) * 0.5, l.specific_price, false,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM contract_line l
              JOIN contract_contract c ON c.id = l.contract_id
              JOIN res_company co ON co.id = c.company_id
             CROSS JOIN generate_series(1, %(per_line)s) g
             WHERE c.name LIKE %(pattern)s
            """,
            pattern="Bench contract BENCH-%",
            month=MONTH,
            uid=env.uid,
            per_line=per_line,
        )
    )
    return cr.rowcount


def prepare(base, template, customers, items):
    """The data, committed and analysed, and a November… January run of
    the month with its data checked, in ``base``."""
    subprocess.run(["dropdb", "--if-exists", base], check=True)
    subprocess.run(["createdb", "-T", template, base], check=True)
    registry = odoo.modules.registry.Registry(base)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        start = time.perf_counter()
        count = build_data(env, customers, items)
        cr.commit()
        for table in (
            "itsm_billing_item",
            "contract_contract",
            "contract_line",
            "res_partner",
        ):
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        cr.commit()
        print(
            f"{count} usage items of {customers} contracts inserted and analysed "
            f"in {time.perf_counter() - start:.0f} s."
        )
        groups = "itsm_billing.group_itsm_billing_"
        users = env["res.users"].create(
            [
                {
                    "name": "Bench operator",
                    "login": "bench_operator",
                    "email": "bench.operator@example.com",
                    "password": PASSWORD,
                    "groups_id": [(6, 0, env.ref(f"{groups}operator").ids)],
                },
                {
                    "name": "Bench checker",
                    "login": "bench_checker",
                    "email": "bench.checker@example.com",
                    "groups_id": [(6, 0, env.ref(f"{groups}checker").ids)],
                },
            ]
        )
        operator = users[0]
        env = env(user=operator.id)
        start = time.perf_counter()
        run = env["itsm.billing.run"].create(
            {"run_type": "billing", "period_start": MONTH}
        )
        run.action_check_data()
        print(
            f"Data checked: {run.name} is {run.state} "
            f"({time.perf_counter() - start:.0f} s)."
        )
        if run.state != "data_checked":
            sys.exit(f"The data check found anomalies: {run.anomaly_count}")
        # Nothing else runs meanwhile: the billing run cron is the job
        # under test.
        cron = env.ref("itsm_billing.ir_cron_billing_run").sudo()
        env["ir.cron"].sudo().search([("id", "!=", cron.id)]).active = False
        cr.commit()
        run_id = run.id
    odoo.modules.registry.Registry.delete(base)
    odoo.sql_db.close_db(base)
    return run_id


# The cron thread's time limit for a job run (up to 10 calls of the job, core's
# batches): a run's end step sums a million items (readme/CONFIGURE.md).
CRON_LIMIT = 600


def server(db, port, log):
    return subprocess.Popen(
        [
            sys.executable,
            str(ODOO_SRC / "odoo-bin"),
            f"--addons-path={addons_path(ROOT)}",
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=1",
            f"--limit-time-real-cron={CRON_LIMIT}",
            "--log-level=info",
            f"--logfile={log}",
        ],
        env=dict(os.environ, ITSM_DEMO_HISTORY="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_http(port, timeout=120):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            xmlrpc.client.ServerProxy(
                f"http://127.0.0.1:{port}/xmlrpc/2/common"
            ).version()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("The server did not start.")


def start_run(db, port, run_id):
    common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
    uid = common.authenticate(db, "bench_operator", PASSWORD, {})
    models = xmlrpc.client.ServerProxy(
        f"http://127.0.0.1:{port}/xmlrpc/2/object", allow_none=True
    )
    return models.execute_kw(
        db, uid, PASSWORD, "itsm.billing.run", "action_run", [[run_id]]
    )


def wake(db):
    """Wake the server's cron thread (it listens on ``postgres``)."""
    psql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


def state(db, run_id):
    text = psql(db, f"SELECT state, progress FROM itsm_billing_run WHERE id = {run_id}")
    run_state, progress = text.split("|")
    return run_state, float(progress or 0)


def run_once(base, db, run_id, port, logs, kill_at=None, timeout=3600):
    """Copy ``base`` to ``db``, run there; kill the server once the
    progress reaches ``kill_at`` % and start it again. Returns (seconds,
    seconds when the chunks were done, progress when killed)."""
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-T", base, db], check=True)
    process = server(db, port, logs / f"{db}.log")
    wait_http(port)
    start = time.perf_counter()
    answer = start_run(db, port, run_id)
    message = answer
    if isinstance(answer, dict):
        message = answer.get("params", {}).get("message")
    print(f"  action_run: {message}", flush=True)
    killed_at = chunks_done = None
    last, stalled = None, 0
    while time.perf_counter() - start < timeout:
        time.sleep(1)
        run_state, progress = state(db, run_id)
        if chunks_done is None and progress >= 100:
            chunks_done = time.perf_counter() - start
        if run_state in ("computed", "failed"):
            break
        if kill_at is not None and killed_at is None and progress >= kill_at:
            process.send_signal(signal.SIGKILL)
            process.wait()
            killed_at = progress
            print(
                f"  killed (SIGKILL) at {progress:.1f} % after "
                f"{time.perf_counter() - start:.0f} s; starting it again"
            )
            process = server(db, port, logs / f"{db}-2.log")
            wait_http(port)
            wake(db)
        stalled = stalled + 1 if (run_state, progress) == last else 0
        if stalled and stalled % 30 == 0:
            wake(db)
        last = (run_state, progress)
    seconds = time.perf_counter() - start
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    if run_state != "computed":
        print(f"  the run is {run_state} after {seconds:.0f} s")
    return seconds, chunks_done, killed_at


def totals(db, run_id):
    """What the run made: invoices, amounts, per-contract totals (hashed),
    result digest, contracts with more than one invoice, items rated and
    invoiced."""
    row = psql(
        db,
        f"""
        SELECT (SELECT state FROM itsm_billing_run WHERE id = {run_id}),
               count(*), COALESCE(sum(amount_untaxed), 0),
               COALESCE(sum(amount_total), 0),
               md5(COALESCE(string_agg(
                   itsm_billing_contract_id || ':' || amount_untaxed, ','
                   ORDER BY itsm_billing_contract_id), '')),
               (SELECT count(*) FROM (SELECT itsm_billing_contract_id FROM account_move
                                       WHERE itsm_billing_run_id = {run_id}
                                       GROUP BY 1 HAVING count(*) > 1) d),
               (SELECT count(*) FROM account_move_line l JOIN account_move m
                    ON m.id = l.move_id
                 WHERE m.itsm_billing_run_id = {run_id} AND l.display_type = 'product'),
               (SELECT result_digest FROM itsm_billing_run WHERE id = {run_id}),
               (SELECT count(*) || '|' || COALESCE(sum(amount), 0)
                      || '|' || count(move_line_id)
                  FROM itsm_billing_item WHERE run_id = {run_id})
          FROM account_move WHERE itsm_billing_run_id = {run_id}
        """,
    )
    keys = (
        "state",
        "invoices",
        "untaxed",
        "total",
        "per_contract_md5",
        "contracts_twice",
        "invoice_lines",
        "digest",
        "items_count_sum_linked",
    )
    return dict(zip(keys, row.split("|", len(keys) - 1), strict=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="itsm_test")
    parser.add_argument("--db", default=None)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--kill-at", type=float, default=50.0)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    base = args.db or f"{args.template}_billrun"
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path(ROOT)}", "--log-level=warn"]
    )
    run_id = prepare(base, args.template, args.customers, args.items)
    items = int(
        psql(
            base,
            f"SELECT count(*) FROM itsm_billing_item WHERE period_start = '{MONTH}'",
        )
    )
    logs = Path(tempfile.mkdtemp())
    print(f"Server logs in {logs}; --limit-time-real-cron={CRON_LIMIT}.", flush=True)

    print("Run 1: uninterrupted", flush=True)
    seconds, chunks, _killed = run_once(base, f"{base}_1", run_id, args.port, logs)
    first = totals(f"{base}_1", run_id)
    invoices = int(first["invoices"])
    print(
        f"  {seconds:.0f} s ({chunks or 0:.0f} s for the chunks, the end step "
        f"{seconds - (chunks or seconds):.0f} s): {items / seconds:.0f} rated items/s, "
        f"{invoices / seconds:.1f} invoices/s"
    )
    for key, value in first.items():
        print(f"  {key}: {value}")

    print(f"Run 2: killed at {args.kill_at:.0f} % and resumed", flush=True)
    seconds2, _chunks, killed = run_once(
        base, f"{base}_2", run_id, args.port, logs, kill_at=args.kill_at
    )
    second = totals(f"{base}_2", run_id)
    print(f"  {seconds2:.0f} s in all, killed at {killed}", flush=True)
    for key, value in second.items():
        print(f"  {key}: {value}")

    checks = {
        f"run 1 computed in under {TARGET_SECONDS} s": first["state"] == "computed"
        and seconds < TARGET_SECONDS,
        "run 2 killed in the middle": killed is not None,
        "run 2 computed after the restart": second["state"] == "computed",
        "one invoice per contract": int(first["invoices"]) == args.customers
        and first["contracts_twice"] == "0"
        and second["contracts_twice"] == "0",
        "run 2 has run 1's totals, digest and per-contract amounts": {
            k: v for k, v in first.items() if k != "state"
        }
        == {k: v for k, v in second.items() if k != "state"},
    }
    failed = False
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}: {name}")
        failed = failed or not ok
    if not args.keep:
        for db in (base, f"{base}_1", f"{base}_2"):
            subprocess.run(["dropdb", "--if-exists", db], check=False)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
