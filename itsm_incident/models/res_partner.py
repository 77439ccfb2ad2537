from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    itsm_service_level_id = fields.Many2one(
        "itsm.service.level",
        string="Service Level",
        help="Its targets replace the priorities' own for this customer's "
        "tickets (and its contacts').",
    )
