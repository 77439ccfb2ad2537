from odoo import models


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "itsm.config.cache.mixin"]

    def _itsm_config_cached(self):
        # The working time of the clocks subtracts the calendars' own leaves
        # (public holidays); a person's leave changes nothing there, so it
        # does not clear every worker's caches (security review L4).
        return any(not leave.resource_id for leave in self.sudo())
