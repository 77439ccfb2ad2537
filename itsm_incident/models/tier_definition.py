from odoo import api, models


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + ["itsm.problem.proposal"]

    def write(self, vals):
        result = super().write(vals)
        if "model_id" in vals and not self.env.su:
            # The rules say whose tiers one administers (ITSM managers: the
            # ITSM models', security review M6); Odoo checks them before a
            # write only, so a tier is not moved out of one's reach either.
            self.check_access("write")
        return result
