from odoo import api, models


class ItsmConfigCacheMixin(models.AbstractModel):
    """Configuration that ITSM reads through cached lookups (matrix, grade
    rules, escalation thresholds, working calendars): any change clears the
    registry's caches so that the next lookup reads it again. A model whose
    records do not all feed those lookups says which do
    (``_itsm_config_cached``)."""

    _name = "itsm.config.cache.mixin"
    _description = "ITSM Cached Configuration"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._itsm_config_cached():
            self.env.registry.clear_cache()
        return records

    def write(self, vals):
        cached = self._itsm_config_cached()
        result = super().write(vals)
        if cached or self._itsm_config_cached():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        if self._itsm_config_cached():
            self.env.registry.clear_cache()
        return super().unlink()

    def _itsm_config_cached(self):
        """Whether ITSM's cached lookups read some of these records."""
        return bool(self)
