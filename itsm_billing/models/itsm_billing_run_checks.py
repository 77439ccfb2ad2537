from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

# Default share (%) by which a contract's month may differ from the previous
# month before its items are outlying (setting itsm_billing.outlier_share).
OUTLIER_SHARE = 50.0


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRun(models.Model):
    """The month against the previous one in the data check (BIL-2): the
    items of a contract (of a partner, for items without a contract) whose
    month's amount differs from what the previous month's standing run rated
    by more than the setting's share are marked outlying, for the data check
    *Outlying amounts* to find them."""

    _inherit = "itsm.billing.run"

    def _itsm_outlier_share(self):
        # sudo: a setting every run's data check reads.
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_billing.outlier_share", OUTLIER_SHARE)
        )

    def _itsm_mark_outliers(self):
        """Mark the month's outlying items, in one statement."""
        self.ensure_one()
        Item = self.env["itsm.billing.item"]
        Item.flush_model()
        self.env["itsm.billing.run"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """
                WITH month AS (
                    SELECT COALESCE(contract_id, -partner_id) AS k,
                           SUM(COALESCE(quantity, 0) * COALESCE(price_unit, 0))
                               AS total
                      FROM itsm_billing_item
                     WHERE company_id = %(company)s AND run_type = %(type)s
                       AND period_start = %(start)s
                     GROUP BY 1
                ), previous AS (
                    -- What the previous month's standing run rated.
                    SELECT COALESCE(i.contract_id, -i.partner_id) AS k,
                           SUM(i.amount) AS total
                      FROM itsm_billing_item i
                      JOIN itsm_billing_run r
                        ON r.id = i.run_id AND r.state != 'rolled_back'
                     WHERE i.company_id = %(company)s AND i.run_type = %(type)s
                       AND i.period_start = %(previous)s
                     GROUP BY 1
                ), outlying AS (
                    SELECT month.k
                      FROM month
                      JOIN previous ON previous.k = month.k
                     WHERE previous.total != 0
                       AND ABS(month.total - previous.total)
                           > ABS(previous.total) * %(share)s / 100.0
                )
                UPDATE itsm_billing_item i
                   SET is_outlying = o.k IS NOT NULL
                  FROM itsm_billing_item j
                  LEFT JOIN outlying o ON o.k = COALESCE(j.contract_id, -j.partner_id)
                 WHERE j.id = i.id
                   AND i.company_id = %(company)s AND i.run_type = %(type)s
                   AND i.period_start = %(start)s
                   AND i.is_outlying IS DISTINCT FROM (o.k IS NOT NULL)
                """,
                company=self.company_id.id,
                type=self.run_type,
                start=self.period_start,
                previous=self.period_start - relativedelta(months=1),
                share=self._itsm_outlier_share(),
            )
        )
        Item.invalidate_model(["is_outlying"])
