from odoo import api, models


class ItsmConfigCacheMixin(models.AbstractModel):
    """Configuration that ITSM reads through cached lookups (matrix, grade
    rules, escalation thresholds, working calendars): any change clears the
    registry's caches so that the next lookup reads it again."""

    _name = "itsm.config.cache.mixin"
    _description = "ITSM Cached Configuration"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
