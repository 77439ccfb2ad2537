from odoo import fields, models


class ItsmBillingRunChallenge(models.TransientModel):
    """The supervisor challenges a run's result with a reason: the run is
    rolled back (BIL-7)."""

    _name = "itsm.billing.run.challenge"
    _description = "Challenge a Billing Run"

    run_id = fields.Many2one("itsm.billing.run", required=True, readonly=True)
    result_digest = fields.Char(related="run_id.result_digest")
    invoice_count = fields.Integer(related="run_id.invoice_count")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.run_id._itsm_challenge(self.reason)
        return {"type": "ir.actions.act_window_close"}
