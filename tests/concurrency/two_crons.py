"""Two Odoo servers sweep one database (issue 18).

Two real ``odoo-bin`` processes with a cron thread each, on one database
holding ``--due`` (default 10 000) tickets whose resolution deadline is past
its warning and due times (inserted with SQL, as tests/benchmarks/
bench_sweep.py does, with its organisation of handlers and department
managers). The sweep's cron job is triggered; the job does a batch a call
(``itsm_incident.sweep_batch_size``, set low here) and Odoo runs it again,
on whichever server takes it. The first server is killed (SIGKILL) in the
middle of the sweep; the other one goes on. Checked afterwards:

- every deadline was warned and breached, once;
- every rung of the ladder fired once per ticket (one log line per rule and
  ticket) and every ticket got the same chatter notes (none twice);
- both servers swept (their logs), the second after the first was killed.

Run by setup/test on a copy of its test database::

    .venv/bin/python tests/concurrency/two_crons.py --template itsm_test
        [--db itsm_test_crons] [--due 10000] [--timeout 120]

Exits 1 when a check fails.
"""

# A command-line check: it prints, and commits its data for the servers.
# pylint: disable=print-used,invalid-commit
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_sweep import build_org, insert_tickets  # noqa: E402
from benchlib import ODOO_SRC, ROOT, addons_path  # noqa: E402

import odoo  # noqa: E402

SWEEP = "itsm_incident.ir_cron_itsm_deadline_sweep"
# What each swept ticket's chatter says once: its resolution deadline's
# warning and breach, and the rungs that tell someone.
TOLD = (
    "Deadline warning: Resolution",
    "Deadline breached: Resolution",
    "SLA warning: tell the handler",
    "SLA breached: tell the department manager",
)


def sql(db, query):
    return subprocess.run(
        ["psql", "-XtAq", "-d", db, "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare(db, template, due):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-T", template, db], check=True)
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path(ROOT)}", "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        org = build_org(env, departments=10, handlers=50)
        insert_tickets(cr, due, False, "TWO-", org)
        env["ir.config_parameter"].set_param("itsm_incident.sweep_batch_size", "500")
        cron = env.ref(SWEEP)
        # Nothing else runs meanwhile: the sweep is the job under test.
        env["ir.cron"].search([("id", "!=", cron.id)]).active = False
        cr.commit()
        cron_id = cron.id
    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    return cron_id


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
            "--log-level=info",
            f"--logfile={log}",
        ],
        env=dict(os.environ, ITSM_DEMO_HISTORY="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def trigger(db, cron_id):
    """As ``ir.cron._trigger`` does: a trigger due now, and the servers'
    cron threads woken (they listen on the ``postgres`` database)."""
    sql(
        db,
        f"INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES ({cron_id}, "
        "now() AT TIME ZONE 'UTC')",
    )
    sql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


def claimed(db):
    return int(
        sql(
            db,
            "SELECT count(*) FILTER (WHERE warned_at IS NOT NULL) "
            "+ count(*) FILTER (WHERE breached_at IS NOT NULL) FROM itsm_deadline "
            "WHERE res_model = 'helpdesk.ticket' AND kind = 'resolution' "
            "AND state = 'running'",
        )
    )


def batches(log):
    """How many calls of the sweep job a server's log reports."""
    if not Path(log).exists():
        return 0
    return sum(
        1
        for line in Path(log).read_text(errors="replace").splitlines()
        if "warn and escalate due deadlines" in line and "processed" in line
    )


def rungs(db):
    return int(sql(db, "SELECT count(*) FROM itsm_escalation_log"))


def sweep_with_two_servers(db, cron_id, due, timeout, logs):
    """Start both servers, trigger the sweep, kill the one sweeping once a
    fifth is claimed, wait for the rest. Returns (killed server's name,
    claims when killed, seconds, calls per server)."""
    servers = {
        name: server(db, port, logs / f"{name}.log")
        for name, port in (("first", 8169), ("second", 8179))
    }
    time.sleep(3)
    start = time.perf_counter()
    trigger(db, cron_id)
    expected = 2 * due
    killed = killed_at = last = None
    while time.perf_counter() - start < timeout:
        time.sleep(1)
        done = claimed(db)
        if killed is None and done >= expected // 5:
            # Kill whichever server is sweeping, in the middle of its run.
            killed = max(servers, key=lambda name: batches(logs / f"{name}.log"))
            servers[killed].send_signal(signal.SIGKILL)
            servers[killed].wait()
            killed_at = done
            trigger(db, cron_id)
        state = (done, rungs(db))
        if done >= expected and state == last:
            break
        if state == last:
            # Stalled: the job is ready again (the killed server's lock went
            # only now); the servers would see it at their next poll, within
            # a minute. Woken now.
            trigger(db, cron_id)
        last = state
    seconds = time.perf_counter() - start
    for process in servers.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    calls = {name: batches(logs / f"{name}.log") for name in servers}
    return killed, killed_at, seconds, calls


def outcome(db):
    """What the sweep left: deadlines warned and breached, log lines per
    rung, and how many times each ticket was told each thing in its chatter
    (however the sweep's calls merged them into notes)."""
    warned, breached = (
        int(value)
        for value in sql(
            db,
            """
            SELECT count(*) FILTER (WHERE warned_at IS NOT NULL),
                   count(*) FILTER (WHERE breached_at IS NOT NULL)
              FROM itsm_deadline d JOIN helpdesk_ticket t ON t.id = d.res_id
             WHERE d.res_model = 'helpdesk.ticket' AND d.kind = 'resolution'
               AND t.number LIKE 'TWO-%'
            """,
        ).split("|")
    )
    rules = sql(
        db,
        """
        SELECT r.name->>'en_US' || ': ' || count(l.id) || ' tickets'
          FROM itsm_escalation_log l
          JOIN itsm_escalation_rule r ON r.id = l.rule_id
          JOIN helpdesk_ticket t ON t.id = l.res_id AND l.res_model = 'helpdesk.ticket'
         WHERE t.number LIKE 'TWO-%'
         GROUP BY r.id ORDER BY r.id
        """,
    ).splitlines()
    told = {phrase: told_counts(db, phrase) for phrase in TOLD}
    return warned, breached, rules, told


def told_counts(db, phrase):
    """(tickets, fewest, most times) a ticket's notes say ``phrase``."""
    return sql(
        db,
        f"""
        SELECT count(*), COALESCE(min(n), 0), COALESCE(max(n), 0) FROM (
            SELECT m.res_id,
                   sum((length(m.body) - length(replace(m.body, '{phrase}', '')))
                       / length('{phrase}')) AS n
              FROM mail_message m JOIN helpdesk_ticket t ON t.id = m.res_id
             WHERE m.model = 'helpdesk.ticket' AND t.number LIKE 'TWO-%'
               AND m.message_type = 'notification'
             GROUP BY m.res_id) AS per_ticket
        """,
    ).split("|")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="itsm_test")
    parser.add_argument("--db", default=None)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    db = args.db or f"{args.template}_crons"
    start = time.perf_counter()
    cron_id = prepare(db, args.template, args.due)
    print(f"{args.due} due tickets in {db} ({time.perf_counter() - start:.1f} s).")
    logs = Path(tempfile.mkdtemp())
    killed, killed_at, seconds, calls = sweep_with_two_servers(
        db, cron_id, args.due, args.timeout, logs
    )
    warned, breached, rules, told = outcome(db)
    print(
        f"Swept in {seconds:.1f} s: {warned} warned and {breached} breached of "
        f"{args.due}; the {killed} server killed at {killed_at} of "
        f"{2 * args.due} claims."
    )
    print("Job calls: " + ", ".join(f"{name} {count}" for name, count in calls.items()))
    for phrase, (tickets, least, most) in told.items():
        print(f"  told “{phrase}”: {tickets} tickets, {least} to {most} times each")
    for line in rules:
        print("  rung", line)
    problems = []
    if warned != args.due or breached != args.due:
        problems.append("not every deadline was warned and breached")
    if not rules:
        problems.append("no rung fired")
    for phrase, (tickets, least, most) in told.items():
        if (int(tickets), least, most) != (args.due, "1", "1"):
            problems.append(f"not every ticket was told “{phrase}” once")
    if killed is None or not calls[killed]:
        problems.append("no server was seen sweeping before the kill")
    elif not any(count for name, count in calls.items() if name != killed):
        problems.append("no server went on after the kill")
    for problem in problems:
        print("  -", problem)
    if not problems:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
    print(f"Logs: {logs}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
