from odoo import api, fields, models


# One concern a file (the request types' tiers are another).
# pylint: disable=consider-merging-classes-inherited
class TierDefinition(models.Model):
    """Approval tiers of changes (CHG-6): seeded rows on ``itsm.change``,
    chosen by their domain (type, risk, prepared by a plan); the CAB steps
    are marked, so that a CAB meeting's agenda lists the changes waiting
    for them and its decision is recorded on them."""

    _inherit = "tier.definition"

    itsm_cab_tier = fields.Boolean(
        string="CAB step",
        help="The change advisory board's step: the changes waiting for it "
        "are on the agenda of the next CAB meeting, whose decision validates "
        "or rejects it.",
    )

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + ["itsm.change"]
