from odoo import fields, models


class ItsmServiceLevel(models.Model):
    """A customer's service level (INC-8, BIL-1): response and resolution
    targets per priority that replace the priority's own for its tickets."""

    _name = "itsm.service.level"
    _description = "ITSM Service Level"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    line_ids = fields.One2many("itsm.service.level.line", "service_level_id")
    partner_ids = fields.One2many(
        "res.partner", "itsm_service_level_id", string="Customers"
    )
