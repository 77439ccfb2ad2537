from odoo import fields, models


# One concern a file on purpose (readme/DEVELOP.md).
# pylint: disable=consider-merging-classes-inherited
class ItsmBillingRunChallenge(models.TransientModel):
    """The same wizard refuses the check or the review of a run (a tier
    rejected by its reviewer): the run is rolled back as after a
    challenge."""

    _inherit = "itsm.billing.run.challenge"

    refusal = fields.Boolean(
        readonly=True,
        help="The reviewer of the run's current step refuses it.",
    )

    def action_confirm(self):
        self.ensure_one()
        if not self.refusal:
            return super().action_confirm()
        self.run_id._itsm_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
