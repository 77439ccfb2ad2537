"""Work a request leaves for right after its transaction commits.

A request marks the records (a column that is not NULL while work is
pending, under a partial index) and asks for a cron run; the cron claims the
marks set-wise and does the work for every request since its last run. The
user does not wait for it, and a storm of small transactions becomes a few
large batches.
"""

from odoo.tools import SQL

# The cron that follows new tickets up right after their transaction commits
# (assignee notices, the tickets' own follow-up): one trigger per transaction.
TICKET_FOLLOW_UP = "itsm_incident.ir_cron_itsm_ticket_follow_up"


def trigger_after_commit(env, cron_xmlid, moments=()):
    """Run the cron ``cron_xmlid`` right after this transaction commits, or
    at ``moments``. The calls of one transaction are gathered and scheduled
    once, by a pre-commit hook: one trigger per distinct moment, one insert
    for all."""
    data = env.cr.precommit.data
    key = f"itsm_incident.after_commit.{cron_xmlid}"
    pending = data.get(key)
    if pending is None:
        pending = data[key] = set()
        env.cr.precommit.add(lambda: _schedule(env, cron_xmlid, key))
    pending.update(moments)


def _schedule(env, cron_xmlid, key):
    moments = env.cr.precommit.data.pop(key, None)
    if moments is None:
        return
    # The cron's id is cached (env.ref would check that it exists).
    cron_id = env["ir.model.data"]._xmlid_to_res_id(cron_xmlid)
    # sudo: the cron's schedule, whoever left it work.
    env["ir.cron"].sudo().browse(cron_id)._trigger(sorted(moments) or None)


def claim_marks(cr, table, column, limit, returning=()):
    """Clear the marks (``column`` not NULL) of up to ``limit`` rows that no
    other transaction holds, oldest first, in one UPDATE … RETURNING: each
    mark is claimed once, even by two workers at a time. The rows to claim
    are chosen once (a materialized CTE): as a subquery of the UPDATE, the
    planner may scan them again for each row and claim more than
    ``limit``. Returns the rows ``(id, mark, *returning)`` and how many
    marks remain (counted only when the batch is full)."""
    extra = SQL("").join(
        SQL(", %s", SQL.identifier("marked", name)) for name in returning
    )
    cr.execute(
        SQL(
            """
            WITH pending AS MATERIALIZED (
                SELECT id, %(column)s AS mark FROM %(table)s
                 WHERE %(column)s IS NOT NULL
                 ORDER BY id
                 LIMIT %(limit)s
                 FOR UPDATE SKIP LOCKED)
            UPDATE %(table)s AS marked SET %(column)s = NULL
              FROM pending
             WHERE marked.id = pending.id
            RETURNING marked.id, pending.mark%(extra)s
            """,
            table=SQL.identifier(table),
            column=SQL.identifier(column),
            limit=limit,
            extra=extra,
        )
    )
    rows = cr.fetchall()
    remaining = 0
    if len(rows) == limit:
        cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE %s IS NOT NULL",
                SQL.identifier(table),
                SQL.identifier(column),
            )
        )
        remaining = cr.fetchone()[0]
    return rows, remaining
