from odoo import models
from odoo.tools import SQL

# How many variances against the previous month the run report lists.
TOP_VARIANCES = 10


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """What the run report (BIL-8, PDF) shows: the totals of the run's
    result by kind of item, its month against the previous one, and the
    largest variances per customer or partner (from
    ``itsm.billing.variance.report``)."""

    _inherit = "itsm.billing.run"

    def action_print_report(self):
        report = self.env.ref("itsm_billing.action_report_itsm_billing_run")
        return report.report_action(self)

    def _itsm_report_kind_totals(self):
        """[(kind label, lines, amount)] of the run's stored result lines,
        summed in SQL, in the order of the item kinds."""
        self.ensure_one()
        self.flush_recordset(["result_lines"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.value ->> 3, COUNT(*), SUM((l.value ->> 6)::numeric)
                  FROM itsm_billing_run r
                 CROSS JOIN LATERAL jsonb_array_elements(r.result_lines) l
                 WHERE r.id = %s
                 GROUP BY l.value ->> 3
                """,
                self.id,
            )
        )
        rows = {
            kind: (count, float(amount))
            for kind, count, amount in self.env.cr.fetchall()
        }
        Item = self.env["itsm.billing.item"]
        return [
            (label, *rows[kind])
            for kind, label in Item._fields["kind"]._description_selection(self.env)
            if kind in rows
        ]

    def _itsm_report_variances(self):
        """The run's rows of the variance report (none when the run does
        not count: rolled back, or no results yet)."""
        self.ensure_one()
        return self.env["itsm.billing.variance.report"].search(
            [("run_id", "=", self.id)]
        )

    def _itsm_report_month_totals(self):
        """{amount, previous_amount, variance_amount, line_count,
        previous_count} of the run's month against the previous one."""
        self.ensure_one()
        fields_ = [
            "amount",
            "previous_amount",
            "variance_amount",
            "line_count",
            "previous_count",
        ]
        groups = self.env["itsm.billing.variance.report"]._read_group(
            [("run_id", "=", self.id)], [], [f"{f}:sum" for f in fields_]
        )
        return dict(zip(fields_, groups[0], strict=True))

    def _itsm_report_largest_variances(self, limit=TOP_VARIANCES):
        self.ensure_one()
        return self.env["itsm.billing.variance.report"].search(
            [("run_id", "=", self.id), ("variance_abs", "!=", 0)],
            order="variance_abs desc, partner_id",
            limit=limit,
        )
