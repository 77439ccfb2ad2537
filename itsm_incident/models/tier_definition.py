from odoo import api, models


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + ["itsm.problem.proposal"]
