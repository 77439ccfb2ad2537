from odoo import fields, models


class ItsmService(models.Model):
    """A service's main business flows, checked after each of its changes
    (CHG-9)."""

    _inherit = "itsm.service"

    check_item_ids = fields.One2many(
        "itsm.service.check.item",
        "service_id",
        string="Checks after a change",
    )
