from odoo import fields, models
from odoo.tools import create_unique_index


class AccountMove(models.Model):
    _inherit = "account.move"

    itsm_billing_run_id = fields.Many2one(
        "itsm.billing.run",
        string="Billing Run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The billing or settlement run that made this document.",
    )
    itsm_billing_rollback_run_id = fields.Many2one(
        "itsm.billing.run",
        string="Reverses Billing Run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The rolled-back run whose invoice this credit note reverses.",
    )
    itsm_billing_contract_id = fields.Many2one(
        "contract.contract",
        string="Billed Contract",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )

    def init(self):
        result = super().init()
        # One document per contract and run: a retried chunk of a run finds
        # its invoices made and makes none twice.
        create_unique_index(
            self.env.cr,
            "account_move_itsm_billing_run_contract_uniq",
            self._table,
            ["itsm_billing_run_id", "itsm_billing_contract_id"],
        )
        return result
