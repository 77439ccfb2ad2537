from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    itsm_default_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Service Desk Team",
        check_company=True,
        help="Team that receives new tickets created without a team, "
        "e.g. by employees reporting an incident.",
    )
