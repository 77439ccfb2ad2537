from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    itsm_default_team_id = fields.Many2one(
        related="company_id.itsm_default_team_id",
        readonly=False,
    )
