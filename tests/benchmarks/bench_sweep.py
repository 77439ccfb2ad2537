"""Benchmark: the deadline sweep costs what is due, not what is stored, and
tells people what a user would be told.

With ``--sizes`` tickets in the database (default 100 000, then 1 000 000)
and the same ``--due`` of them due (default 10 000), time
``env["itsm.deadline"]._cron_sweep()`` and print both times and their
ratio. Targets: the sweep handles the due records, notices included, in
under 10 s, and the ratio of the largest size to the smallest is at most 1.2.

The script builds ``--db`` the first time (or with ``--rebuild``):
``odoo-bin -i itsm_incident --without-demo=all``. It then gives it an
organisation through the ORM (issue 13): a division whose leader manages
``--departments`` departments (default 20), each with a manager, and
``--handlers`` handlers (default 200) who are employees of the departments,
their supervisor being their department's manager; and an ITSM service desk
team. Tickets are inserted with SQL (``generate_series``), each with its two
tracked deadlines (response and resolution): the background tickets are
closed, acknowledged and met, created weeks ago, unassigned; the due ones
are open ITSM tickets of the team, assigned round-robin to the handlers,
acknowledged ten minutes ago (so that the "not acknowledged" and "not
resolved for 30 minutes" rungs do not fire), with a running resolution
deadline whose warning and due times are past. So the seeded SLA rungs fire
for each due ticket: the warning to its handler and to the department
manager, the breach to the department manager (mail and activity). Next to
them, ``--actions`` open improvement actions (default 2 000), owned
round-robin by the handlers, carry a running ``action_due`` deadline past its
warning and due times (a second model on the same ladder): their owner is
reminded, their supervisor told of the breach (mail and activity).

A burst is told as one digest per recipient and rung (a handler with fifty
warnings gets one mail listing them, a manager with five hundred too), as
``itsm_escalation_rule._split_digests`` does above
``itsm_incident.escalation_digest_from`` notices: ten thousand mails to one
manager is not a notice anyone reads, one mail per rung that lists the
records is, and it keeps every record's own chatter note and log line. The
script counts what the sweep leaves: mails (the digests are those without a
record), the busiest recipient's mails, activities, chatter notes, text
messages and how many records each rule fired for.

Last measured (2026-12-05, shared 2-core machine, three developers' test
runs alongside): 8.24 s at 100 000 tickets, 7.47 s at 1 000 000 (ratio
0.91), CPU of Odoo 4.1 s at both, 68 000 events, 460 mails (all digests:
one per recipient and rung per sweep), 40 activities (one per recipient and
rung), 12 000 chatter notes. Before one digest per sweep (2026-12-04): 37 s.
cProfile: the rules' firing ~50 % (recipients ~25 %, mails and digests
~14 %), the tickets' deadline sync after breaches ~18 %, claiming ~8 %.

Each measure sweeps until nothing is left (the escalation rules fire at most a
batch per rule and call), flushes and runs the pre-commit hooks as a commit
would, then rolls back, so that the same records are due again; the best of
``--repeat`` runs counts. The table then grows to the next size.

Not part of the test run (pytest collects ``test_*.py`` only). Run it with
the project's virtualenv from the repository root::

    /work/main/.venv/bin/python tests/benchmarks/bench_sweep.py [--db NAME]
        [--rebuild] [--due 10000] [--sizes 100000 1000000] [--explain]

    options: --repeat 2 (runs per size, the best counts; each prints the
    CPU time of this process next to the wall time), --handlers 200,
    --departments 20, --actions 2000 (due improvement actions; 0: none),
    --explain (print EXPLAIN (ANALYZE, BUFFERS) of the claim query and of
    escalation rules' due queries at the largest size), --profile FILE
    (cProfile one more sweep at the smallest size), --addons-root DIR
    (the checkout whose addons are installed, default this one), --keep (do
    not drop the database at the end).

``ODOO_SRC`` (default ``~/odoo-18.0``) locates Odoo as in ``setup/``.
"""

# pylint: disable=print-used,invalid-commit
import argparse
import cProfile
import pstats
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
# are acknowledged incidents of priority 3; the due ones are assigned
# round-robin to the handlers, in the benchmark's service desk team (the
# background ones have neither).
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
    # ITSM tickets (the ladder reads only those).
    "is_itsm": "true",
    "team_id": "CASE WHEN %(closed)s THEN NULL ELSE %(team)s::int END",
    "user_id": "CASE WHEN %(closed)s THEN NULL "
    "ELSE (%(handlers)s::int[])[1 + mod(i - 1, %(handler_count)s)] END",
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


def insert_tickets(cr, count, closed, prefix, org=None):
    """``count`` tickets with their two deadlines, in one statement; the
    open ones are assigned round-robin to ``org``'s handlers."""
    org = org or {"team": None, "handlers": [odoo.SUPERUSER_ID]}
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
            "team": org["team"],
            "handlers": org["handlers"],
            "handler_count": len(org["handlers"]),
            # Background: weeks ago, a second apart; due: ten minutes ago,
            # a millisecond apart.
            "age": "21 days" if closed else "10 minutes",
            "step": "1 second" if closed else "1 millisecond",
        },
    )


# ----------------------------------------------------------------------
# The organisation, through the ORM
# ----------------------------------------------------------------------

DIVISION = "Sweep benchmark division"


def _users(env, logins):
    """Internal users with these logins (created when missing), in order."""
    Users = env["res.users"].with_context(
        no_reset_password=True, mail_create_nosubscribe=True, tracking_disable=True
    )
    existing = Users.search([("login", "in", logins)]).grouped("login")
    missing = [login for login in logins if login not in existing]
    if missing:
        created = Users.create(
            [
                {
                    "login": login,
                    "name": login.replace("-", " ").title(),
                    "email": f"{login}@bench.example.com",
                    "tz": "UTC",
                }
                for login in missing
            ]
        )
        existing.update(created.grouped("login"))
    return env["res.users"].union(*(existing[login] for login in logins))


def _employees(env, users, values):
    """The employees of ``users``, created with ``values(user)`` if missing."""
    Employee = env["hr.employee"].with_context(
        mail_create_nosubscribe=True, tracking_disable=True
    )
    existing = Employee.search([("user_id", "in", users.ids)]).grouped("user_id")
    missing = [user for user in users if user not in existing]
    if missing:
        created = Employee.create(
            [
                {"name": user.name, "user_id": user.id, **values(user)}
                for user in missing
            ]
        )
        existing.update(created.grouped("user_id"))
    return env["hr.employee"].union(*(existing[user] for user in users))


def build_org(env, departments, handlers):
    """A division led by one user, ``departments`` departments under it, each
    with a manager who reports to the leader, and ``handlers`` handlers spread
    round-robin over the departments (their supervisor: its manager); an ITSM
    service desk team. Returns {"team", "handlers"} (ids), in order."""
    start = time.perf_counter()
    Department = env["hr.department"].with_context(tracking_disable=True)
    leader_user = _users(env, ["sweep-leader"])
    leader = _employees(env, leader_user, lambda user: {})
    division = Department.search([("name", "=", DIVISION)], limit=1)
    if not division:
        division = Department.create({"name": DIVISION, "manager_id": leader.id})
    leader.department_id = division
    manager_users = _users(env, [f"sweep-manager-{n:02d}" for n in range(departments)])
    managers = _employees(env, manager_users, lambda user: {"parent_id": leader.id})
    depts = Department.search([("parent_id", "=", division.id)], order="id")
    if len(depts) < departments:
        depts |= Department.create(
            [
                {
                    "name": f"Sweep department {n:02d}",
                    "parent_id": division.id,
                    "manager_id": managers[n].id,
                }
                for n in range(len(depts), departments)
            ]
        )
    for manager, department in zip(managers, depts, strict=True):
        if manager.department_id != department:
            manager.department_id = department
    handler_users = _users(env, [f"sweep-handler-{n:03d}" for n in range(handlers)])
    position = {user: n for n, user in enumerate(handler_users)}
    _employees(
        env,
        handler_users,
        lambda user: {
            "department_id": depts[position[user] % departments].id,
            "parent_id": managers[position[user] % departments].id,
        },
    )
    team = env["helpdesk.ticket.team"].search(
        [("name", "=", "Sweep benchmark desk")], limit=1
    ) or env["helpdesk.ticket.team"].with_context(itsm_service_desk=True).create(
        {"name": "Sweep benchmark desk", "is_itsm": True}
    )
    env.cr.commit()
    print(
        f"  organisation: 1 division leader, {departments} department managers, "
        f"{handlers} handlers, team {team.name!r} "
        f"({time.perf_counter() - start:.1f} s)",
        flush=True,
    )
    return {"team": team.id, "handlers": handler_users.ids}


# itsm_improvement_action columns: open, owned round-robin by the handlers,
# due yesterday; their ``action_due`` deadline past its warning and due times.
ACTION_COLUMNS = {
    "name": "'Sweep benchmark action ' || i",
    "action_type": "'corrective'",
    "user_id": "(%(handlers)s::int[])[1 + mod(i - 1, %(handler_count)s)]",
    "date_deadline": "(now() AT TIME ZONE 'UTC')::date - 1",
    "state": "'open'",
    "company_id": "%(company)s",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "(now() AT TIME ZONE 'UTC') - interval '3 days'",
    "write_date": "(now() AT TIME ZONE 'UTC') - interval '3 days'",
}
ACTION_DEADLINE_COLUMNS = {
    "res_model": "'itsm.improvement.action'",
    "res_id": "a.id",
    "kind": "'action_due'",
    "calendar_id": "%(calendar)s",
    "target_minutes": "2 * 1440",
    "warn_share": "0.75",
    "started_at": "a.create_date",
    "resumed_at": "a.create_date",
    "consumed_minutes": "0",
    "deadline": "a.create_date + interval '2 days'",
    "warn_at": "a.create_date + interval '36 hours'",
    "state": "'running'",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "a.create_date",
    "write_date": "a.create_date",
}


def insert_actions(env, count, org):
    """``count`` due improvement actions with their deadline, in one
    statement."""
    if not count:
        return
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'itsm_improvement_action'"
    )
    existing = {row[0] for row in cr.fetchall()}
    names = [name for name in ACTION_COLUMNS if name in existing]
    cr.execute(
        f"""
        WITH a AS (
            INSERT INTO itsm_improvement_action ({", ".join(names)})
            SELECT {", ".join(ACTION_COLUMNS[name] for name in names)}
              FROM generate_series(1, %(count)s) AS i
            RETURNING id, create_date)
        INSERT INTO itsm_deadline ({", ".join(ACTION_DEADLINE_COLUMNS)})
        SELECT {", ".join(ACTION_DEADLINE_COLUMNS.values())} FROM a
        """,
        {
            "count": count,
            "handlers": org["handlers"],
            "handler_count": len(org["handlers"]),
            "company": env.company.id,
            "calendar": env.ref("itsm_incident.calendar_24x7").id,
            "uid": odoo.SUPERUSER_ID,
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
    for table in (
        "helpdesk_ticket",
        "itsm_deadline",
        "itsm_escalation_log",
        "itsm_improvement_action",
    ):
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
        for table in ("mail_message", "mail_mail", "mail_activity", "sms_sms")
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
    # Mails: per record (with a model) or digests (without); the chatter
    # notes are the other new messages; the busiest recipient's mails.
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE m.model IS NULL),
               count(*) FILTER (WHERE m.model = 'helpdesk.ticket'),
               count(*) FILTER (WHERE m.model = 'itsm.improvement.action')
          FROM mail_mail mm JOIN mail_message m ON m.id = mm.mail_message_id
         WHERE mm.id > %s
        """,
        [before["mail_mail"]],
    )
    counts["digests"], counts["ticket_mails"], counts["action_mails"] = cr.fetchone()
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE m.model = 'helpdesk.ticket'),
               count(*) FILTER (WHERE m.model = 'itsm.improvement.action'),
               count(*)
          FROM mail_message m
         WHERE m.id > %s
           AND NOT EXISTS (SELECT 1 FROM mail_mail mm
                            WHERE mm.mail_message_id = m.id)
        """,
        [before["mail_message"]],
    )
    counts["ticket_notes"], counts["action_notes"], counts["notes"] = cr.fetchone()
    cr.execute(
        """
        SELECT COALESCE(sum(n), 0), count(*), COALESCE(max(n), 0)
          FROM (SELECT r.res_partner_id, count(*) AS n
                  FROM mail_mail_res_partner_rel r
                 WHERE r.mail_mail_id > %s
                 GROUP BY r.res_partner_id) AS r
        """,
        [before["mail_mail"]],
    )
    counts["deliveries"], counts["readers"], counts["busiest"] = cr.fetchone()
    cr.execute(
        "SELECT count(*) FILTER (WHERE warned_at IS NOT NULL), "
        "count(*) FILTER (WHERE breached_at IS NOT NULL) "
        "FROM itsm_deadline WHERE state = 'running'"
    )
    counts["warned"], counts["breached"] = cr.fetchone()
    cr.execute(
        "SELECT r.name->>'en_US', count(l.id) FROM itsm_escalation_rule r "
        "JOIN itsm_escalation_log l ON l.rule_id = r.id "
        "GROUP BY r.id ORDER BY r.sequence, r.id"
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


def print_run(size, due, actions, run):
    calls = ", ".join(f"{done} ({at:.2f} s)" for done, at in run["calls"])
    counts = run["counts"]
    print(
        f"\n{size} tickets, {due} due and {actions} improvement actions due: "
        f"{run['seconds']:.2f} s for {run['events']} events "
        f"({run['events'] / run['seconds']:.0f}/s); CPU of this process "
        f"(Odoo, not PostgreSQL): {run['cpu']:.2f} s"
    )
    print(f"  per _cron_sweep() call, events (cumulated time): {calls}")
    print(
        f"  running deadlines warned {counts['warned']}, breached {counts['breached']}"
    )
    print(
        f"  mails {counts['mail_mail']}: digests {counts['digests']}, on tickets "
        f"{counts['ticket_mails']}, on improvement actions {counts['action_mails']};"
        f" {counts['deliveries']} deliveries to {counts['readers']} recipients, "
        f"the busiest got {counts['busiest']}"
    )
    print(
        f"  activities {counts['mail_activity']}, chatter notes {counts['notes']} "
        f"(tickets {counts['ticket_notes']}, improvement actions "
        f"{counts['action_notes']}), text messages {counts['sms_sms']}, all "
        f"messages {counts['mail_message']}"
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


def profile_sweep(env, path):
    """cProfile one sweep (rolled back), save it to ``path`` and print where
    the time goes."""
    profile = cProfile.Profile()
    profile.enable()
    sweep(env)
    profile.disable()
    profile.dump_stats(path)
    print(f"\nProfile of one sweep (saved to {path}), by cumulative time:")
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(40)
    print("By own time:")
    stats.sort_stats("tottime").print_stats(25)


def verdict(ok):
    return "ok" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="itsm_sweep_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--handlers", type=int, default=200)
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument(
        "--actions", type=int, default=2000, help="due improvement actions"
    )
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile one more sweep at the smallest size, save it to FILE",
    )
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
    org = build_org(env, args.departments, args.handlers)
    print(
        f"Inserting {sizes[0] - args.due} closed tickets, {args.due} due and "
        f"{args.actions} due improvement actions…"
    )
    batch_number = grow(cr, sizes[0] - args.due, 0)
    insert_tickets(cr, args.due, False, "DUE-", org)
    insert_actions(env, args.actions, org)
    cr.commit()
    analyze(cr)
    results = {}
    for size in sizes:
        batch_number = grow(cr, size, batch_number)
        results[size] = measure(env, args.repeat)
        print_run(size, args.due, args.actions, results[size])
        if args.profile and size == sizes[0]:
            profile_sweep(env, args.profile)
    if args.explain:
        explain(env)
    cr.rollback()
    cr.close()

    small, large = sizes[0], sizes[-1]
    ratio = results[large]["seconds"] / results[small]["seconds"]
    worst = max(run["seconds"] for run in results.values())
    print(
        f"\nSweep of {args.due} due tickets assigned to {args.handlers} handlers "
        f"in {args.departments} departments and {args.actions} due improvement "
        f"actions, notices included (best of {args.repeat}):"
    )
    print(
        f"  {'tickets':>9} {'seconds':>8} {'CPU':>7} {'events':>7} {'mails':>6} "
        f"{'digests':>7} {'activities':>10} {'notes':>6} {'busiest':>7}"
    )
    for size in sizes:
        run = results[size]
        counts = run["counts"]
        print(
            f"  {size:>9} {run['seconds']:8.2f} {run['cpu']:7.2f} "
            f"{run['events']:7d} {counts['mail_mail']:6d} {counts['digests']:7d} "
            f"{counts['mail_activity']:10d} {counts['notes']:6d} "
            f"{counts['busiest']:7d}"
        )
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
