"""Benchmark: the KPI pivot and the dashboard answer in under a second with
a million tickets (INC-16).

The script builds ``--db`` (``odoo-bin -i itsm_incident --without-demo=all``)
and inserts ``--size`` tickets (default 1 000 000) with SQL
(``generate_series``): two years of history over 20 departments, 12
categories, 6 teams and 30 handlers; all closed but ``--open`` of them
(default 3 000, with running response and resolution deadlines, some past
their warning or due time); working-time durations and met flags as the SLA
mirrors them; a rating for 30 % of the tickets, an escalation for 1 %, a
recurrence flag for 5 %. Then, as an ITSM manager (record rules apply):

- the refresh of the KPI sums (``itsm.kpi.summary``, a materialized view
  refreshed by an hourly cron), once;
- the KPIs pivot grouped by department × month reported, as the pivot view
  loads it: four ``read_group`` calls (total, rows, columns, cells) with its
  default measures (count, on-time rate, satisfaction), over all tickets;
- the same with every measure (response and resolution times, on-time rate,
  SLA compliance, satisfaction, recurrence rate, escalation level);
- the dashboard's ``get_dashboard_data()``;
- for information, the live per-ticket facts (``itsm.kpi.report``) pivot
  with its default filter (reported this month).

Each is run ``--repeat`` times (default 3) after a warm-up; the best and the
worst count. Target: under 1 s each. ``--explain`` prints EXPLAIN (ANALYZE,
BUFFERS) of the department × month query.

Not part of the test run (pytest collects ``test_*.py`` only). Run it with
the project's virtualenv from the repository root::

    /work/main/.venv/bin/python tests/benchmarks/bench_kpi.py [--db NAME]
        [--size 1000000] [--open 3000] [--repeat 3] [--explain] [--keep]

``ODOO_SRC`` (default ``~/odoo-18.0``) locates Odoo as in ``setup/``.
"""

# pylint: disable=print-used,invalid-commit
import argparse
import time

from benchlib import (  # noqa: E402
    ROOT,
    TICKET_BASE_COLUMNS,
    drop_database,
    fresh_environment,
)

import odoo
from odoo.tools import SQL

MODULES = "itsm_incident"
CHUNK = 200_000
TARGET_SECONDS = 1.0
DEPARTMENTS, CATEGORIES, TEAMS, HANDLERS = 20, 12, 6, 30

# Ticket i: reported i * (2 years / size) ago; the last --open ones are open.
CREATED = "((now() AT TIME ZONE 'UTC') - i * %(step)s::interval)"
OPEN = "(i <= %(open)s)"
CLOSED_AT = f"CASE WHEN NOT {OPEN} THEN {{created}} + interval '5 hours' END"
TICKET_COLUMNS = {
    **TICKET_BASE_COLUMNS,
    "number": "'KPI-' || lpad(i::text, 8, '0')",
    "name": "'KPI benchmark ticket ' || i",
    "company_id": "%(company)s",
    "stage_id": f"CASE WHEN {OPEN} THEN %(open_stage)s ELSE %(closed_stage)s END",
    "department_id": "(%(departments)s)[1 + i %% {departments}]",
    "responsible_department_id": "(%(departments)s)[1 + (i / 7) %% {departments}]",
    "category_id": "(%(categories)s)[1 + (i / 3) %% {categories}]",
    "team_id": "(%(teams)s)[1 + i %% {teams}]",
    "is_itsm": "true",
    "user_id": "(%(handlers)s)[1 + (i / 5) %% {handlers}]",
    # The handler's department (a handler belongs to one department).
    "handling_department_id": "(%(departments)s)[1 + ((i / 5) %% {handlers}) "
    "%% {departments}]",
    "channel_id": "(%(channels)s)[1 + i %% array_length(%(channels)s, 1)]",
    "declaration_type": "(ARRAY['incident', 'incident', 'incident', "
    "'service_request', 'complaint'])[1 + i %% 5]",
    "screening_state": "(ARRAY['valid', 'valid', 'valid', 'valid', 'valid', "
    "'valid', 'valid', 'valid', 'invalid', 'out_of_scope'])[1 + i %% 10]",
    "impact": "'moderate'",
    "urgency": "'medium'",
    "itsm_priority": "(ARRAY['1', '2', '3', '3', '4'])[1 + (i / 11) %% 5]",
    "grade": "'general'",
    "is_major": "false",
    "urgent": "false",
    "event_recovered": "false",
    "event_storm": "false",
    "recurrence_count": "1",
    "reassignment_count": "0",
    "acknowledged_date": "{created} + interval '20 minutes'",
    "acknowledged_by_id": "%(uid)s",
    "response_minutes": "20",
    "response_working_minutes": "5 + i %% 55",
    "response_met": "i %% 17 <> 0",
    "resolution_working_minutes": f"CASE WHEN {OPEN} THEN 0 ELSE 30 + i %% 600 END",
    "resolution_met": f"NOT {OPEN} AND i %% 9 <> 0",
    "resolution_done_date": CLOSED_AT,
    "resolved_date": CLOSED_AT,
    "closed_date": CLOSED_AT,
    "response_deadline": "{created} + interval '1 hour'",
    "resolution_deadline": "{created} + interval '8 hours'",
    "is_recurrence": "i %% 20 = 0",
}

# The clocks of the open tickets: response met, resolution running; a third
# on track, a third past the warning, a third past the deadline.
DEADLINE_COLUMNS = {
    "res_model": "'helpdesk.ticket'",
    "res_id": "t.id",
    "kind": "k.kind",
    "calendar_id": "%(calendar)s",
    "target_minutes": "480",
    "warn_share": "0.75",
    "started_at": "t.create_date",
    "resumed_at": "t.create_date",
    "consumed_minutes": "0",
    "deadline": "(now() AT TIME ZONE 'UTC') + (1 - t.id %% 3) * interval '2 hours'",
    "warn_at": "(now() AT TIME ZONE 'UTC') + (1 - t.id %% 3) * interval '2 hours' "
    "- interval '1 hour'",
    "state": "CASE WHEN k.kind = 'response' THEN 'done' ELSE 'running' END",
    "done_at": "CASE WHEN k.kind = 'response' THEN t.create_date END",
    "met": "k.kind = 'response'",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "t.create_date",
    "write_date": "t.create_date",
}


def setup_org(env):
    """Departments, categories, teams, handlers and a manager, by the ORM."""
    departments = env["hr.department"].create(
        [{"name": f"Department {n}"} for n in range(DEPARTMENTS)]
    )
    categories = env["helpdesk.ticket.category"].create(
        [{"name": f"Category {n}"} for n in range(CATEGORIES)]
    )
    teams = env["helpdesk.ticket.team"].create(
        [{"name": f"Team {n}", "is_itsm": True} for n in range(TEAMS)]
    )
    resolver = env.ref("itsm_incident.group_itsm_resolver")
    handlers = env["res.users"].create(
        [
            {
                "name": f"Handler {n}",
                "login": f"kpi_handler_{n}",
                "groups_id": [(6, 0, resolver.ids)],
            }
            for n in range(HANDLERS)
        ]
    )
    manager = env["res.users"].create(
        {
            "name": "KPI Manager",
            "login": "kpi_manager",
            "groups_id": [(6, 0, env.ref("itsm_incident.group_itsm_manager").ids)],
        }
    )
    env.flush_all()
    return departments, categories, teams, handlers, manager


def insert_tickets(env, size, open_count, org):
    cr = env.cr
    departments, categories, teams, handlers, _manager = org
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'helpdesk_ticket'"
    )
    existing = {row[0] for row in cr.fetchall()}
    missing = set(TICKET_COLUMNS) - existing
    if missing:
        raise SystemExit(f"helpdesk_ticket lacks {sorted(missing)}")
    names = list(TICKET_COLUMNS)
    values = [
        TICKET_COLUMNS[name]
        .replace("{created}", CREATED)
        .replace("{departments}", str(DEPARTMENTS))
        .replace("{categories}", str(CATEGORIES))
        .replace("{teams}", str(TEAMS))
        .replace("{handlers}", str(HANDLERS))
        for name in names
    ]
    cr.execute("SELECT id FROM helpdesk_ticket_stage WHERE closed ORDER BY id LIMIT 1")
    closed_stage = cr.fetchone()[0]
    cr.execute(
        "SELECT id FROM helpdesk_ticket_stage WHERE NOT closed "
        "ORDER BY sequence, id LIMIT 1"
    )
    open_stage = cr.fetchone()[0]
    cr.execute("SELECT array_agg(id) FROM helpdesk_ticket_channel")
    channels = cr.fetchone()[0]
    company = env.company
    calendar = (
        company.resource_calendar_id or env["resource.calendar"].search([], limit=1)
    ).id
    params = {
        "company": company.id,
        "open_stage": open_stage,
        "closed_stage": closed_stage,
        "departments": departments.ids,
        "categories": categories.ids,
        "teams": teams.ids,
        "handlers": handlers.ids,
        "channels": channels,
        "uid": odoo.SUPERUSER_ID,
        "open": open_count,
        "step": f"{2 * 365 * 86400 / size} seconds",
        "calendar": calendar,
    }
    for first in range(1, size + 1, CHUNK):
        last = min(first + CHUNK - 1, size)
        start = time.perf_counter()
        cr.execute(
            f"""
            WITH t AS (
                INSERT INTO helpdesk_ticket ({", ".join(names)})
                SELECT {", ".join(values)}
                  FROM generate_series(%(first)s, %(last)s) AS i
                RETURNING id, create_date, stage_id)
            INSERT INTO itsm_deadline ({", ".join(DEADLINE_COLUMNS)})
            SELECT {", ".join(DEADLINE_COLUMNS.values())}
              FROM t CROSS JOIN (VALUES ('response'), ('resolution')) AS k(kind)
             WHERE t.stage_id = %(open_stage)s
            """,
            {**params, "first": first, "last": last},
        )
        cr.commit()
        print(
            f"  {last} tickets ({last - first + 1} in "
            f"{time.perf_counter() - start:.1f} s)",
            flush=True,
        )
    start = time.perf_counter()
    # Ratings for 30 %, escalations for 1 % of the tickets.
    cr.execute(
        """
        INSERT INTO rating_rating (res_model_id, res_model, res_id, partner_id,
                                   rating, consumed, access_token, create_date,
                                   write_date)
        SELECT %(model)s, 'helpdesk.ticket', t.id, t.partner_id, 1 + t.id %% 5, true,
               md5(t.id::text), t.closed_date, t.closed_date
          FROM helpdesk_ticket t
         WHERE t.id %% 10 < 3 AND t.closed_date IS NOT NULL
        """,
        {"model": env["ir.model"]._get_id("helpdesk.ticket")},
    )
    rule = env["itsm.escalation.rule"].search(
        [("model_name", "=", "helpdesk.ticket")], limit=1
    )
    cr.execute(
        """
        INSERT INTO itsm_escalation_log
               (rule_id, res_model, res_id, ticket_id, fired_at)
        SELECT %(rule)s, 'helpdesk.ticket', t.id, t.id,
               t.create_date + interval '5 minutes'
          FROM helpdesk_ticket t WHERE t.id %% 100 = 0
        """,
        {"rule": rule.id},
    )
    for table in (
        "helpdesk_ticket",
        "itsm_deadline",
        "rating_rating",
        "itsm_escalation_log",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    cr.commit()
    print(f"  ratings, escalations, ANALYZE: {time.perf_counter() - start:.1f} s")


DEFAULT_MEASURES = ["__count", "on_time_rate:avg", "satisfaction:avg"]
ALL_MEASURES = [
    "__count",
    "response_hours:avg",
    "resolution_hours:avg",
    "on_time_rate:avg",
    "sla_rate:avg",
    "satisfaction:avg",
    "recurrence_rate:avg",
    "escalation_level:max",
]


def pivot(env, user, domain, measures, model="itsm.kpi.summary"):
    """What the pivot view asks: total, rows, columns and cells."""
    Kpi = env[model].with_user(user)
    month = "date:month" if model == "itsm.kpi.summary" else "create_date:month"
    rows = 0
    for groupby in ([], ["department_id"], [month], ["department_id", month]):
        rows += len(Kpi.read_group(domain, measures, groupby, lazy=False))
    return rows


def timed(env, label, function, repeat):
    function()  # warm-up: caches, plans
    env.invalidate_all()
    times = []
    for _run in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        env.invalidate_all()
    best, worst = min(times), max(times)
    print(
        f"  {label}: best {best * 1000:.0f} ms, worst {worst * 1000:.0f} ms "
        f"({'ok' if worst < TARGET_SECONDS else 'MISSED'}) → {result}"
    )
    return worst


def explain(env, user):
    """EXPLAIN (ANALYZE, BUFFERS) of the query the ORM runs for the cells."""
    cr = env.cr
    captured = []
    execute = cr.execute

    def capture(query, params=None, log_exceptions=True):
        captured.append((query, params))
        return execute(query, params, log_exceptions)

    cr.execute = capture
    try:
        env["itsm.kpi.summary"].with_user(user)._read_group(
            [], ["department_id", "date:month"], DEFAULT_MEASURES
        )
    finally:
        del cr.execute
    query, params = next(
        (query, params) for query, params in captured if "GROUP BY" in str(query)
    )
    if isinstance(query, SQL):
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    else:
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
    print("\nEXPLAIN ANALYZE of the department × month cells:")
    for (line,) in cr.fetchall():
        print(f"  {line}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="itsm_kpi_bench")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--addons-root", default=str(ROOT))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    _registry, cr, env = fresh_environment(args.db, MODULES, args.addons_root)
    org = setup_org(env)
    cr.commit()
    print(f"Inserting {args.size} tickets ({args.open} open)…")
    insert_tickets(env, args.size, args.open, org)
    manager = org[-1]
    env = env(context={"lang": "en_US", "tz": "UTC"})
    today = odoo.fields.Date.context_today(env["res.users"])
    month = odoo.fields.Datetime.to_datetime(today.replace(day=1))
    this_month = [("create_date", ">=", month)]
    print(f"\n{args.size} tickets, as an ITSM manager (best/worst of {args.repeat}):")
    start = time.perf_counter()
    env["itsm.kpi.summary"]._refresh()
    cr.commit()
    refresh = time.perf_counter() - start
    cr.execute("SELECT count(*) FROM itsm_kpi_summary")
    summary_rows = cr.fetchone()[0]
    print(
        f"  refresh of the KPI sums (the hourly cron): {refresh:.1f} s, "
        f"{summary_rows} rows"
    )
    worst = [
        timed(
            env,
            "KPIs pivot department × month, default measures, all tickets",
            lambda: pivot(env, manager, [], DEFAULT_MEASURES),
            args.repeat,
        ),
        timed(
            env,
            "KPIs pivot department × month, every measure, all tickets",
            lambda: pivot(env, manager, [], ALL_MEASURES),
            args.repeat,
        ),
        timed(
            env,
            "dashboard get_dashboard_data()",
            lambda: sum(
                1
                for _key in env["itsm.kpi.dashboard"]
                .with_user(manager)
                .get_dashboard_data()
            ),
            args.repeat,
        ),
    ]
    # The per-ticket facts, live, with their default filter (information).
    timed(
        env,
        "Ticket Facts pivot department × month, every measure, this month",
        lambda: pivot(env, manager, this_month, ALL_MEASURES, "itsm.kpi.report"),
        args.repeat,
    )
    if args.explain:
        explain(env, manager)
    cr.rollback()
    cr.close()
    print(
        f"\nSlowest: {max(worst) * 1000:.0f} ms (target < "
        f"{TARGET_SECONDS * 1000:.0f} ms: "
        f"{'ok' if max(worst) < TARGET_SECONDS else 'MISSED'})"
    )
    if not args.keep:
        drop_database(args.db)


if __name__ == "__main__":
    main()
