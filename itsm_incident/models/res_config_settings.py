from odoo import api, fields, models

from .itsm_priority_matrix import IMPACTS, URGENCIES

MATRIX_FIELDS = {
    (impact, urgency): f"itsm_matrix_{urgency}_{impact}"
    for impact, _i in IMPACTS
    for urgency, _u in URGENCIES
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    itsm_default_team_id = fields.Many2one(
        related="company_id.itsm_default_team_id", readonly=False
    )
    itsm_auto_assign = fields.Boolean(
        related="company_id.itsm_auto_assign", readonly=False
    )
    itsm_complaint_team_id = fields.Many2one(
        related="company_id.itsm_complaint_team_id", readonly=False
    )
    itsm_security_team_id = fields.Many2one(
        related="company_id.itsm_security_team_id", readonly=False
    )
    itsm_sales_user_id = fields.Many2one(
        related="company_id.itsm_sales_user_id", readonly=False
    )
    itsm_immediate_target_hours = fields.Float(
        string="Immediate handling within (hours)",
        config_parameter="itsm_incident.immediate_target_hours",
        default=1.0,
    )
    # The impact × urgency matrix as a 3 × 3 grid of priorities.
    itsm_matrix_high_severe = fields.Many2one("itsm.priority")
    itsm_matrix_high_moderate = fields.Many2one("itsm.priority")
    itsm_matrix_high_minor = fields.Many2one("itsm.priority")
    itsm_matrix_medium_severe = fields.Many2one("itsm.priority")
    itsm_matrix_medium_moderate = fields.Many2one("itsm.priority")
    itsm_matrix_medium_minor = fields.Many2one("itsm.priority")
    itsm_matrix_low_severe = fields.Many2one("itsm.priority")
    itsm_matrix_low_moderate = fields.Many2one("itsm.priority")
    itsm_matrix_low_minor = fields.Many2one("itsm.priority")

    @api.model
    def get_values(self):
        values = super().get_values()
        matrix = self.env["itsm.priority.matrix"]._priority_map()
        for cell, field_name in MATRIX_FIELDS.items():
            values[field_name] = matrix.get(cell, self.env["itsm.priority"]).id
        return values

    def set_values(self):
        super().set_values()
        self.env["itsm.priority.matrix"]._set_matrix(
            {cell: self[field_name] for cell, field_name in MATRIX_FIELDS.items()}
        )
