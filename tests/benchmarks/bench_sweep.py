"""Benchmark: the deadline sweep costs what is due, not what is stored.

With ``--sizes`` tickets in the database (default 100 000, then 1 000 000)
and the same ``--due`` of them due (default 10 000), time
``env["itsm.deadline"]._cron_sweep()`` and print both times and their
ratio. Targets: the sweep handles the due tickets in under 10 s, and the
ratio of the largest size to the smallest is at most 1.2.

The script builds ``--db`` the first time (or with ``--rebuild``):
``odoo-bin -i itsm_incident --without-demo=all``. Tickets are inserted with
SQL (``generate_series``), each with its two tracked deadlines (response and
resolution): the background tickets are closed, acknowledged and met, created
weeks ago; the due ones are open, acknowledged ten minutes ago (so that the
"not acknowledged" and "not resolved for 30 minutes" rungs do not fire) and
unassigned (so that no e-mail is sent: mails are not the measure), with a
running resolution deadline whose warning and due times are past. Each
measure sweeps until nothing is left (the escalation rules fire at most a
batch per rule and call), flushes and runs the pre-commit hooks as a commit
would, then rolls back, so that the same tickets are due again; the best of
``--repeat`` runs counts. The table then grows to the next size.

Not part of the test run (pytest collects ``test_*.py`` only). Run it with
the project's virtualenv from the repository root::

    /work/main/.venv/bin/python tests/benchmarks/bench_sweep.py [--db NAME]
        [--rebuild] [--due 10000] [--sizes 100000 1000000] [--explain]

    options: --repeat 2 (runs per size, the best counts; each prints the
    CPU time of this process next to the wall time), --explain (print
    EXPLAIN (ANALYZE, BUFFERS) of the claim query and of escalation rules'
    due queries at the largest size), --addons-root DIR (the checkout whose
    addons are installed, default this one), --keep (do not drop the
    database at the end).

``ODOO_SRC`` (default ``~/odoo-18.0``) locates Odoo as in ``setup/``.
"""

# pylint: disable=print-used,invalid-commit
import argparse
import time

from benchlib import (  # noqa: E402
    ROOT,
    TICKET_BASE_COLUMNS,
    addons_path,
    build_database,
    drop_database,
)

import odoo
from odoo.service import db as db_service
from odoo.tools import SQL

MODULES = "itsm_incident"
CHUNK = 100_000
TARGET_SECONDS = 10.0
TARGET_RATIO = 1.2


# ----------------------------------------------------------------------
# Data, inserted with SQL
# ----------------------------------------------------------------------

# helpdesk_ticket columns: closed background tickets and due open ones. Both
# are acknowledged incidents of priority 3 without assignee or team.
CREATED = "((now() AT TIME ZONE 'UTC') - %(age)s::interval - i * %(step)s::interval)"
TICKET_COLUMNS = {
    **TICKET_BASE_COLUMNS,
    "number": "%(prefix)s || lpad(i::text, 7, '0')",
    "name": "'Sweep benchmark ticket ' || i",
    "company_id": "%(company)s",
    "stage_id": "%(stage)s",
    "closed_date": "CASE WHEN %(closed)s THEN {created} + interval '2 hours' END",
    "acknowledged_date": "{created} + interval '1 minute'",
    "acknowledged_by_id": "%(uid)s",
    "declaration_type": "'incident'",
    # ITSM tickets (the ladder reads only those); the benchmark's tickets
    # have no team, as if their service desk team had been removed.
    "is_itsm": "true",
    "screening_state": "'valid'",
    "impact": "'moderate'",
    "urgency": "'medium'",
    "itsm_priority": "'3'",
    "itsm_priority_id": "(SELECT id FROM itsm_priority WHERE level = '3')",
    "grade": "'general'",
    "is_major": "false",
    "urgent": "false",
    "event_recovered": "false",
    "event_storm": "false",
    "recurrence_count": "1",
    "reassignment_count": "0",
    "response_minutes": "1",
    "response_met": "true",
    "resolution_met": "%(closed)s",
    "response_deadline": "{created} + interval '15 minutes'",
    "resolution_deadline": "{created} "
    "+ CASE WHEN %(closed)s THEN interval '4 hours' ELSE interval '9 minutes' END",
}

# itsm_deadline columns, per ticket (t) and kind (k.kind). Background: both
# met and done. Due: response met; resolution running, warning and due
# times past (created 10 minutes ago, 9 minutes allowed, warned at 75 %).
DEADLINE_COLUMNS = {
    "res_model": "'helpdesk.ticket'",
    "res_id": "t.id",
    "kind": "k.kind",
    "calendar_id": "%(calendar)s",
    "target_minutes": "CASE WHEN k.kind = 'response' THEN 15 "
    "WHEN %(closed)s THEN 240 ELSE 9 END",
    "warn_share": "0.75",
    "started_at": "t.create_date",
    "resumed_at": "t.create_date",
    "consumed_minutes": "CASE WHEN k.kind = 'response' THEN 1 "
    "WHEN %(closed)s THEN 120 ELSE 0 END",
    "deadline": "t.create_date + CASE WHEN k.kind = 'response' "
    "THEN interval '15 minutes' WHEN %(closed)s THEN interval '4 hours' "
    "ELSE interval '9 minutes' END",
    "warn_at": "t.create_date + CASE WHEN k.kind = 'response' "
    "THEN interval '11.25 minutes' WHEN %(closed)s THEN interval '3 hours' "
    "ELSE interval '6.75 minutes' END",
    "state": "CASE WHEN k.kind = 'resolution' AND NOT %(closed)s "
    "THEN 'running' ELSE 'done' END",
    "done_at": "CASE WHEN k.kind = 'response' THEN t.create_date "
    "+ interval '1 minute' WHEN %(closed)s THEN t.create_date "
    "+ interval '2 hours' END",
    "met": "k.kind = 'response' OR %(closed)s",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "t.create_date",
    "write_date": "t.create_date",
}


def insert_tickets(cr, count, closed, prefix):
    """``count`` tickets with their two deadlines, in one statement."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'helpdesk_ticket'"
    )
    existing = {row[0] for row in cr.fetchall()}
    names = [name for name in TICKET_COLUMNS if name in existing]
    values = [TICKET_COLUMNS[name].replace("{created}", CREATED) for name in names]
    cr.execute(
        "SELECT id FROM helpdesk_ticket_stage WHERE closed = %s "
        "ORDER BY unattended, sequence, id LIMIT 1",
        [closed],
    )
    stage = cr.fetchone()[0]
    cr.execute(
        "SELECT COALESCE(c.resource_calendar_id, "
        "(SELECT min(id) FROM resource_calendar)) FROM res_company c "
        "ORDER BY c.id LIMIT 1"
    )
    calendar = cr.fetchone()[0]
    cr.execute("SELECT min(id) FROM res_company")
    company = cr.fetchone()[0]
    cr.execute(
        f"""
        WITH t AS (
            INSERT INTO helpdesk_ticket ({", ".join(names)})
            SELECT {", ".join(values)}
              FROM generate_series(%(first)s, %(last)s) AS i
            RETURNING id, create_date)
        INSERT INTO itsm_deadline ({", ".join(DEADLINE_COLUMNS)})
        SELECT {", ".join(DEADLINE_COLUMNS.values())}
          FROM t CROSS JOIN (VALUES ('response'), ('resolution')) AS k(kind)
        """,
        {
            "first": 1,
            "last": count,
            "prefix": prefix,
            "company": company,
            "stage": stage,
            "calendar": calendar,
            "uid": odoo.SUPERUSER_ID,
            "closed": closed,
            # Background: weeks ago, a second apart; due: ten minutes ago,
            # a millisecond apart.
            "age": "21 days" if closed else "10 minutes",
            "step": "1 second" if closed else "1 millisecond",
        },
    )


def count_tickets(cr):
    cr.execute("SELECT count(*) FROM helpdesk_ticket")
    return cr.fetchone()[0]


def grow(cr, total, batch_number):
    """Closed background tickets up to ``total`` tickets, by chunks."""
    current = count_tickets(cr)
    while current < total:
        count = min(CHUNK, total - current)
        start = time.perf_counter()
        insert_closed(cr, count, f"B{batch_number:03d}-")
        cr.commit()
        batch_number += 1
        current += count
        print(
            f"  {current} tickets ({count} inserted in "
            f"{time.perf_counter() - start:.1f} s)",
            flush=True,
        )
    analyze(cr)
    return batch_number


def insert_closed(cr, count, prefix):
    insert_tickets(cr, count, True, prefix)


def analyze(cr):
    start = time.perf_counter()
    for table in ("helpdesk_ticket", "itsm_deadline", "itsm_escalation_log"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    cr.commit()
    print(f"  ANALYZE: {time.perf_counter() - start:.1f} s", flush=True)


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------


def max_id(cr, table):
    cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table)))
    return cr.fetchone()[0]


def sweep(env, max_calls=50):
    """Sweep until nothing is due, as a commit would; count, then roll back."""
    cr = env.cr
    before = {
        table: max_id(cr, table)
        for table in ("mail_message", "mail_mail", "mail_activity")
    }
    Deadline = env["itsm.deadline"]
    calls = []
    cpu = time.process_time()
    start = time.perf_counter()
    while len(calls) < max_calls:
        done = Deadline._cron_sweep()
        calls.append((done, time.perf_counter() - start))
        if not done:
            break
    env.flush_all()
    cr.precommit.run()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    counts = {}
    for table, last in before.items():
        cr.execute(
            SQL("SELECT count(*) FROM %s WHERE id > %s", SQL.identifier(table), last)
        )
        counts[table] = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FILTER (WHERE warned_at IS NOT NULL), "
        "count(*) FILTER (WHERE breached_at IS NOT NULL) "
        "FROM itsm_deadline WHERE state = 'running'"
    )
    counts["warned"], counts["breached"] = cr.fetchone()
    cr.execute(
        "SELECT r.name->>'en_US', count(l.id) FROM itsm_escalation_rule r "
        "JOIN itsm_escalation_log l ON l.rule_id = r.id "
        "GROUP BY r.id ORDER BY r.sequence"
    )
    counts["rules"] = cr.fetchall()
    cr.rollback()
    env.invalidate_all()
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "events": sum(done for done, _at in calls),
        "calls": calls,
        "counts": counts,
    }


def measure(env, repeat):
    runs = [sweep(env) for _run in range(repeat)]
    return min(runs, key=lambda run: run["seconds"])


def print_run(size, due, run):
    calls = ", ".join(f"{done} ({at:.2f} s)" for done, at in run["calls"])
    counts = run["counts"]
    print(
        f"\n{size} tickets, {due} due: {run['seconds']:.2f} s for "
        f"{run['events']} events ({run['events'] / run['seconds']:.0f}/s); "
        f"CPU of this process (Odoo, not PostgreSQL): {run['cpu']:.2f} s"
    )
    print(f"  per _cron_sweep() call, events (cumulated time): {calls}")
    print(
        f"  running deadlines warned {counts['warned']}, breached "
        f"{counts['breached']}; chatter messages {counts['mail_message']}, "
        f"mails {counts['mail_mail']}, activities {counts['mail_activity']}"
    )
    for name, fired in counts["rules"]:
        print(f"  rule fired {fired:6d}: {name}")


def explain(env):
    """EXPLAIN (ANALYZE, BUFFERS) of the claim queries and of the due queries
    of escalation rules, each in a transaction rolled back."""
    cr = env.cr
    now = odoo.fields.Datetime.now()
    statements = [
        (
            f"Claim query ({column})",
            env["itsm.deadline"]._claim_sql(column, due_column, now, 2000),
        )
        for column, due_column in (
            ("warned_at", "warn_at"),
            ("breached_at", "deadline"),
        )
    ]
    Rule = env["itsm.escalation.rule"]
    Ticket = env["helpdesk.ticket"].sudo()
    Log = env["itsm.escalation.log"].sudo()
    for xmlid in (
        "itsm_incident.escalation_rule_sla_breach_manager",
        "itsm_incident.escalation_rule_all_departments_30",
        "itsm_incident.escalation_rule_supervisor_5",
    ):
        rule = env.ref(xmlid, raise_if_not_found=False) or Rule
        if not rule:
            continue
        logged = Log._search([("rule_id", "=", rule.id)]).subselect("res_id")
        query = Ticket._search(
            rule._due_domain(now) + [("id", "not in", logged)], limit=2000
        )
        statements.append(
            (f"Due query of “{rule.name}”", query.select("helpdesk_ticket.id"))
        )
    for title, statement in statements:
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", statement))
        print(f"\n{title}:")
        for (line,) in cr.fetchall():
            print(f"  {line}")
        cr.rollback()


def verdict(ok):
    return "ok" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="itsm_sweep_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--addons-root", default=str(ROOT))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    if sizes[0] <= args.due:
        parser.error("every size must exceed --due")

    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path(args.addons_root)}", "--log-level=warn"]
    )
    if args.rebuild and db_service.exp_db_exist(args.db):
        db_service.exp_drop(args.db)
    if db_service.exp_db_exist(args.db):
        registry = odoo.modules.registry.Registry(args.db)
        with registry.cursor() as cr:
            existing = count_tickets(cr)
        if existing:
            # Earlier data: start again from an empty database.
            print(f"{args.db} holds {existing} tickets: rebuilding it.")
            odoo.modules.registry.Registry.delete(args.db)
            db_service.exp_drop(args.db)
    if not db_service.exp_db_exist(args.db):
        build_database(args.db, MODULES, args.addons_root)

    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tz": "UTC"})
    print(f"Inserting {sizes[0] - args.due} closed tickets and {args.due} due…")
    batch_number = grow(cr, sizes[0] - args.due, 0)
    insert_tickets(cr, args.due, False, "DUE-")
    cr.commit()
    analyze(cr)
    results = {}
    for size in sizes:
        batch_number = grow(cr, size, batch_number)
        results[size] = measure(env, args.repeat)
        print_run(size, args.due, results[size])
    if args.explain:
        explain(env)
    cr.rollback()
    cr.close()

    small, large = sizes[0], sizes[-1]
    ratio = results[large]["seconds"] / results[small]["seconds"]
    worst = max(run["seconds"] for run in results.values())
    print(
        f"\nSweep of {args.due} due tickets (best of {args.repeat}; unassigned, "
        "so no e-mail is sent: mails are not the measure):"
    )
    for size in sizes:
        print(f"  {size:>9} tickets: {results[size]['seconds']:7.2f} s")
    print(
        f"  ratio {large}/{small}: {ratio:.2f} "
        f"(target <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)})"
    )
    print(
        f"  slowest: {worst:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{verdict(worst < TARGET_SECONDS)})"
    )
    if not args.keep:
        drop_database(args.db)


if __name__ == "__main__":
    main()
