from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    itsm_service_level_id = fields.Many2one(
        "itsm.service.level",
        string="Service Level",
        # Its targets are the customer's contract: an ITSM manager's to set
        # (security review L3); the clocks read it with sudo.
        groups="itsm_incident.group_itsm_manager",
        help="Its targets replace the priorities' own for this customer's "
        "tickets (and its contacts').",
    )
