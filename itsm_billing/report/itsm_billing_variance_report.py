from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from ..models.itsm_billing_run import RUN_TYPES, STATES


class ItsmBillingVarianceReport(models.Model):
    """The month's result per customer or partner against the previous
    month (BIL-8): amount, count of lines and share of the month's total,
    with their variances.

    A view of the runs' stored result lines (``result_lines``, what the
    result digest is made of: the run's own result, to the cent, kept as
    computed), of the latest run of each company, kind and month that is
    not rolled back and has results. The customer is the one invoiced by
    the run for the line's contract. A customer billed in the previous
    month and not in this one has a row with nothing this month, so that
    the month's variances add up to the variance of its total."""

    _name = "itsm.billing.variance.report"
    _description = "ITSM Billing Variance Report"
    _auto = False
    _order = "period_start desc, run_type, amount desc, id"
    _rec_name = "partner_id"
    # What the view reads: flushed before each search of the report.
    _depends = {
        "itsm.billing.run": [
            "state",
            "result_lines",
            "attempt",
            "company_id",
            "run_type",
            "period_start",
        ],
        "account.move": [
            "itsm_billing_run_id",
            "itsm_billing_contract_id",
            "commercial_partner_id",
        ],
        "contract.contract": ["commercial_partner_id"],
        "itsm.billing.item": ["key", "partner_id", "run_type", "period_start"],
        "res.partner": ["commercial_partner_id"],
        "res.company": ["currency_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    run_type = fields.Selection(RUN_TYPES, string="Kind", readonly=True)
    period_start = fields.Date(string="Month", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer or partner", readonly=True
    )
    run_id = fields.Many2one("itsm.billing.run", readonly=True)
    run_state = fields.Selection(STATES, string="Run status", readonly=True)
    amount = fields.Monetary(readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    share = fields.Float(
        string="Share (%)",
        digits=(16, 2),
        readonly=True,
        help="Share of the month's total of the company and kind.",
    )
    previous_amount = fields.Monetary(string="Previous month", readonly=True)
    previous_count = fields.Integer(string="Lines previous month", readonly=True)
    previous_share = fields.Float(
        string="Share previous month (%)", digits=(16, 2), readonly=True
    )
    variance_amount = fields.Monetary(string="Variance", readonly=True)
    variance_count = fields.Integer(string="Variance of lines", readonly=True)
    variance_share = fields.Float(
        string="Variance of the share (points)", digits=(16, 2), readonly=True
    )
    variance_pct = fields.Float(
        string="Variance (%)",
        digits=(16, 2),
        readonly=True,
        aggregator=None,
        help="The variance against the previous month's amount, in percent; "
        "empty when the previous month billed nothing.",
    )
    variance_abs = fields.Monetary(
        string="Size of the variance", readonly=True, aggregator=None
    )

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._itsm_query(),
            )
        )

    def _itsm_query(self):
        return SQL(
            """
            WITH runs AS (
                -- The run that counts in each month: the latest not rolled
                -- back, once it has results.
                SELECT DISTINCT ON (r.company_id, r.run_type, r.period_start)
                       r.id, r.company_id, r.run_type, r.period_start, r.state,
                       r.result_lines
                  FROM itsm_billing_run r
                 WHERE r.state != 'rolled_back' AND r.result_lines IS NOT NULL
                 ORDER BY r.company_id, r.run_type, r.period_start, r.attempt DESC
            ), lines AS (
                -- [key, contract, contract line, kind, quantity, unit price,
                -- amount]: the customer of the run's invoice of the contract;
                -- without a contract (settlement), the item's partner.
                SELECT runs.company_id, runs.run_type, runs.period_start,
                       COALESCE(m.commercial_partner_id, c.commercial_partner_id,
                                ip.commercial_partner_id) AS partner_id,
                       (l.value ->> 6)::numeric AS amount
                  FROM runs
                 CROSS JOIN LATERAL jsonb_array_elements(runs.result_lines) l
                  LEFT JOIN contract_contract c ON c.id = (l.value ->> 1)::int
                  LEFT JOIN account_move m
                    ON m.itsm_billing_run_id = runs.id
                   AND m.itsm_billing_contract_id = c.id
                  LEFT JOIN itsm_billing_item i
                    ON c.id IS NULL
                   AND i.company_id = runs.company_id
                   AND i.run_type = runs.run_type
                   AND i.period_start = runs.period_start
                   AND i.key = l.value ->> 0
                  LEFT JOIN res_partner ip ON ip.id = i.partner_id
            ), agg AS (
                SELECT company_id, run_type, period_start, partner_id,
                       SUM(amount) AS amount, COUNT(*)::int AS line_count
                  FROM lines
                 GROUP BY company_id, run_type, period_start, partner_id
            ), keys AS (
                SELECT company_id, run_type, period_start, partner_id FROM agg
                 UNION
                -- Billed last month, not in this one (a month with a run).
                SELECT a.company_id, a.run_type, n.period_start, a.partner_id
                  FROM agg a
                  JOIN runs n
                    ON n.company_id = a.company_id AND n.run_type = a.run_type
                   AND n.period_start = (a.period_start + INTERVAL '1 month')::date
            ), months AS (
                SELECT k.company_id, k.run_type, k.period_start, k.partner_id,
                       runs.id AS run_id, runs.state AS run_state,
                       COALESCE(a.amount, 0) AS amount,
                       COALESCE(a.line_count, 0) AS line_count
                  FROM keys k
                  JOIN runs
                    ON runs.company_id = k.company_id
                   AND runs.run_type = k.run_type
                   AND runs.period_start = k.period_start
                  LEFT JOIN agg a
                    ON a.company_id = k.company_id AND a.run_type = k.run_type
                   AND a.period_start = k.period_start
                   AND a.partner_id IS NOT DISTINCT FROM k.partner_id
            ), shares AS (
                SELECT m.*,
                       m.amount * 100
                           / NULLIF(SUM(m.amount) OVER month, 0) AS share
                  FROM months m
                WINDOW month AS (PARTITION BY company_id, run_type, period_start)
            ), previous AS (
                SELECT s.*,
                       -- lag() is last month's only when that row is of the
                       -- month just before.
                       CASE WHEN LAG(s.period_start) OVER partner
                                 = (s.period_start - INTERVAL '1 month')::date
                            THEN TRUE ELSE FALSE END AS has_previous,
                       LAG(s.amount) OVER partner AS lag_amount,
                       LAG(s.line_count) OVER partner AS lag_count,
                       LAG(s.share) OVER partner AS lag_share
                  FROM shares s
                WINDOW partner AS (PARTITION BY company_id, run_type, partner_id
                                   ORDER BY period_start)
            ), measures AS (
                SELECT p.*,
                       CASE WHEN has_previous THEN lag_amount ELSE 0 END
                           AS previous_amount,
                       CASE WHEN has_previous THEN lag_count ELSE 0 END
                           AS previous_count,
                       CASE WHEN has_previous THEN lag_share ELSE 0 END
                           AS previous_share
                  FROM previous p
            )
            SELECT ROW_NUMBER() OVER (
                       ORDER BY m.company_id, m.run_type, m.period_start,
                                m.partner_id) AS id,
                   m.company_id, co.currency_id, m.run_type, m.period_start,
                   m.partner_id, m.run_id, m.run_state,
                   m.amount, m.line_count, COALESCE(m.share, 0) AS share,
                   m.previous_amount, m.previous_count,
                   COALESCE(m.previous_share, 0) AS previous_share,
                   m.amount - m.previous_amount AS variance_amount,
                   m.line_count - m.previous_count AS variance_count,
                   COALESCE(m.share, 0) - COALESCE(m.previous_share, 0)
                       AS variance_share,
                   (m.amount - m.previous_amount) * 100
                       / NULLIF(ABS(m.previous_amount), 0) AS variance_pct,
                   ABS(m.amount - m.previous_amount) AS variance_abs
              FROM measures m
              JOIN res_company co ON co.id = m.company_id
            """
        )
