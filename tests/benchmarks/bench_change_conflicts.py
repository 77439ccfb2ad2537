"""Benchmark: checking a change for conflicts and freezes through the ORM
answers in under 10 ms with a million scheduled changes (issue 15, CHG-8).

The script builds ``--db`` (``odoo-bin -i itsm_change --without-demo=all``)
and inserts with SQL (``generate_series``) ``--services`` services (default
5 000) in five layers, four in five depending on one or two services of
the layer below, and ``--size`` changes (default 1 000 000) over five
years around today, slots of 1 to 8 hours, one or two services each (about
1.5 million links), 90 % of them in a scheduled state (submitted, approved,
testing, implementing), the rest closed or cancelled. It commits and
``ANALYZE``s, then, as a change manager (record rules apply), for ``--checks``
random draft changes (a random slot in the five years, one or two random
services), times what approving one asks: ``_itsm_check_slot()``, the other
scheduled changes overlapping it on its services, those they depend on or
those depending on them (the service closure and the overlap, a GiST index
scan on ``tstzrange(planned_start, planned_end)``, in one query), plus the
freezes its slot meets (cached). Prints the mean,
median, 95th percentile and worst. Target: a mean under 10 ms.
``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of one slot query.

Not part of the test run (pytest collects ``test_*.py`` only). Run it with
the project's virtualenv from the repository root::

    /work/main/.venv/bin/python tests/benchmarks/bench_change_conflicts.py
        [--db NAME] [--size 1000000] [--services 5000] [--checks 500]
        [--explain] [--keep]

``ODOO_SRC`` (default ``~/odoo-18.0``) locates Odoo as in ``setup/``.
"""

# pylint: disable=print-used,invalid-commit
import argparse
import random
import statistics
import time
from datetime import datetime, timedelta

from benchlib import ROOT, drop_database, fresh_environment  # noqa: E402

from odoo.tools import SQL

MODULES = "itsm_change"
TARGET_MS = 10.0
YEARS = 5
SCHEDULED = ("submitted", "approved", "testing", "implementing")


def insert_services(env, count):
    company = env.company.id
    env.cr.execute(
        SQL(
            """
            INSERT INTO itsm_service (sequence, active, name, code, company_id,
                                      criticality, create_uid, write_uid,
                                      create_date, write_date)
            SELECT 10, true, jsonb_build_object('en_US', 'Service ' || i),
                   'BENCH' || i, %(company)s, 'medium', 1, 1,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(count)s) AS i
            """,
            company=company,
            count=count,
        )
    )
    env.cr.execute("SELECT array_agg(id ORDER BY id) FROM itsm_service")
    ids = env.cr.fetchone()[0]
    # Five layers (infrastructure, platforms, applications, business
    # services, channels) of equal size: four services in five depend on one
    # or two services of the layer below, as real catalogues do.
    per = max(count // 5, 1)
    env.cr.execute(
        SQL(
            """
            INSERT INTO itsm_service_dependency_rel (service_id, depends_on_id)
            SELECT DISTINCT s.id, d.id
              FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                      FROM itsm_service) s,
                   LATERAL (SELECT (s.n / %(per)s - 1) * %(per)s
                                   + mod(s.n * 7 + k * 13, %(per)s) AS m
                              FROM generate_series(0, mod(s.n, 2)::int) AS k) t
              JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                      FROM itsm_service) d ON d.n = t.m
             WHERE s.n >= %(per)s AND mod(s.n, 5) <> 0
            """,
            per=per,
        )
    )
    return ids


def insert_changes(env, size, services):
    company = env.company.id
    first = datetime.utcnow() - timedelta(days=365 * YEARS / 2)
    step = timedelta(days=365 * YEARS) / size
    env.cr.execute(
        SQL(
            """
            INSERT INTO itsm_change (number, name, company_id, state, change_type,
                                     risk, requester_id, planned_start,
                                     planned_end, user_impacting,
                                     cross_department, create_uid, write_uid,
                                     create_date, write_date)
            SELECT 'CHG' || lpad(i::text, 8, '0'), 'Bench change ' || i,
                   %(company)s,
                   CASE WHEN mod(i, 10) = 0 THEN 'closed'
                        WHEN mod(i, 10) = 5 THEN 'cancelled'
                        ELSE (ARRAY['submitted', 'approved', 'approved',
                                    'approved', 'testing', 'implementing',
                                    'approved', 'approved'])[1 + mod(i, 8)] END,
                   (ARRAY['standard', 'normal', 'normal', 'emergency'])[1 + mod(i, 4)],
                   'medium', 1,
                   %(first)s + i * %(step)s,
                   %(first)s + i * %(step)s + (1 + mod(i, 8)) * interval '1 hour',
                   mod(i, 3) = 0, false, 1, 1,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(size)s) AS i
            """,
            company=company,
            first=first,
            step=step,
            size=size,
        )
    )
    count = len(services)
    env.cr.execute(
        SQL(
            """
            INSERT INTO itsm_change_service_rel (change_id, service_id)
            SELECT DISTINCT c.id, (%(services)s::int[])[1 + s.k]
              FROM itsm_change c,
                   LATERAL (SELECT mod(c.id::bigint * 7919, %(count)s) AS k
                            UNION ALL
                            SELECT mod(c.id::bigint * 104729 + 17, %(count)s)
                             WHERE mod(c.id, 2) = 0) s
            """,
            services=services,
            count=count,
        )
    )


def check(change):
    """What approving ``change`` asks of its schedule besides its own
    fields: the conflicts and the freezes."""
    conflicts, freezes = change._itsm_check_slot()
    return len(conflicts), len(freezes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="itsm_change_bench")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=5_000)
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--addons-root", default=str(ROOT))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    _registry, cr, env = fresh_environment(args.db, MODULES, args.addons_root)
    start = time.perf_counter()
    services = insert_services(env, args.services)
    insert_changes(env, args.size, services)
    cr.commit()
    cr.execute("ANALYZE itsm_change")
    cr.execute("ANALYZE itsm_change_service_rel")
    cr.execute("ANALYZE itsm_service_dependency_rel")
    cr.commit()
    cr.execute("SELECT count(*) FROM itsm_change_service_rel")
    links = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM itsm_service_dependency_rel")
    dependencies = cr.fetchone()[0]
    print(
        f"Inserted {args.size} changes, {links} change-service links, "
        f"{args.services} services with {dependencies} dependencies in "
        f"{time.perf_counter() - start:.0f} s (GiST index included)."
    )
    manager = env["res.users"].create(
        {
            "name": "Bench change manager",
            "login": "bench_change_manager",
            "groups_id": [(6, 0, env.ref("itsm_change.group_itsm_change_manager").ids)],
        }
    )
    cr.commit()
    env = env(user=manager.id)
    rng = random.Random(15)
    now = datetime.utcnow()
    first = now - timedelta(days=365 * YEARS / 2)
    drafts = env["itsm.change"].create(
        [
            {
                "name": f"Bench check {n}",
                "planned_start": (
                    slot := first
                    + timedelta(minutes=rng.randrange(365 * YEARS * 24 * 60))
                ),
                "planned_end": slot + timedelta(hours=rng.randint(1, 8)),
                "service_ids": [(6, 0, rng.sample(services, rng.choice((1, 1, 2))))],
            }
            for n in range(args.checks)
        ]
    )
    cr.commit()
    env.invalidate_all()
    # Warm-up: registry caches, plans.
    for change in drafts[:20]:
        check(change)
    timings, found = [], []
    for change in drafts:
        env.invalidate_all()
        begin = time.perf_counter()
        found.append(check(change))
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    mean = statistics.fmean(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    conflicts = statistics.fmean(c for c, _f in found)
    frozen = sum(1 for _c, f in found if f)
    print(
        f"\nConflict + freeze check of {len(timings)} draft changes through the "
        f"ORM, as a change manager, {args.size} changes in the table:\n"
        f"  mean {mean:.2f} ms, median {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, worst {timings[-1]:.2f} ms "
        f"(target: mean < {TARGET_MS:.0f} ms)\n"
        f"  {conflicts:.1f} conflicts found per change on average; "
        f"{frozen} changes in a freeze"
    )
    if args.explain:
        change = drafts[0]
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", change._itsm_slot_query()))
        print("\n".join(row[0] for row in cr.fetchall()))
    print("PASS" if mean < TARGET_MS else "FAIL")
    cr.rollback()
    cr.close()
    if not args.keep:
        drop_database(args.db)


if __name__ == "__main__":
    main()
