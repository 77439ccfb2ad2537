from odoo import models
from odoo.tools import SQL


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class AccountMove(models.Model):
    _inherit = "account.move"

    def init(self):
        result = super().init()
        # One vendor bill per partner and settlement run (BIL-3): a retried
        # chunk of a run finds its bills made and makes none twice.
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS
                       account_move_itsm_settlement_run_partner_uniq
                    ON account_move (itsm_billing_run_id, partner_id)
                 WHERE move_type = 'in_invoice'
                   AND itsm_billing_run_id IS NOT NULL
                """
            )
        )
        return result
