from odoo import api, models


class TierDefinition(models.Model):
    """Billing runs have approval tiers: the four-eyes check and the
    supervisor's review (BIL-4, BIL-6)."""

    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + ["itsm.billing.run"]
