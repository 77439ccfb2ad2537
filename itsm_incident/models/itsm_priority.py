from odoo import api, fields, models, tools

PRIORITY_LEVELS = [("1", "P1"), ("2", "P2"), ("3", "P3"), ("4", "P4")]
# helpdesk_mgmt's own priority (0 low … 3 very high) mirrors ours (1 highest).
HELPDESK_PRIORITY = {"1": "3", "2": "2", "3": "1", "4": "0"}


class ItsmPriority(models.Model):
    """A priority level of the impact × urgency matrix and its targets."""

    _name = "itsm.priority"
    _description = "ITSM Priority Level"
    _order = "level"
    _rec_name = "name"

    level = fields.Selection(PRIORITY_LEVELS, required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    immediate = fields.Boolean(
        help="Handled on the spot (即时处理): the resolution target is the "
        "'immediate handling' duration of the ITSM settings.",
    )
    resolution_target_hours = fields.Float(
        string="Resolution target (hours)",
        help="Maximum time to resolve an incident of this priority.",
    )
    response_immediate = fields.Boolean(
        default=True,
        help="Respond immediately (即时响应): the response target is the "
        "'immediate handling' duration of the ITSM settings.",
    )
    response_target_hours = fields.Float(
        string="Response target (hours)",
        help="Maximum time to acknowledge a ticket of this priority.",
    )
    response_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Response measured in",
        help="Working calendar of the response target; empty: the company's.",
    )
    resolution_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Resolution measured in",
        help="Working calendar of the resolution target; empty: the company's.",
    )
    load_weight = fields.Integer(
        default=1,
        help="Weight of an open ticket of this priority in an assignee's "
        "workload when tickets are assigned automatically.",
    )
    effective_resolution_hours = fields.Float(
        compute="_compute_effective_resolution_hours",
        string="Resolution within (hours)",
    )
    effective_response_hours = fields.Float(
        compute="_compute_effective_resolution_hours",
        string="Response within (hours)",
    )

    _sql_constraints = [
        ("level_unique", "unique(level)", "Each priority level exists once."),
        (
            "resolution_target_positive",
            "CHECK(immediate OR resolution_target_hours > 0)",
            "A priority that is not handled immediately needs a resolution target.",
        ),
    ]

    @api.depends(
        "immediate",
        "resolution_target_hours",
        "response_immediate",
        "response_target_hours",
    )
    def _compute_effective_resolution_hours(self):
        immediate_hours = self._immediate_target_hours()
        for priority in self:
            priority.effective_resolution_hours = (
                immediate_hours
                if priority.immediate
                else priority.resolution_target_hours
            )
            priority.effective_response_hours = (
                immediate_hours
                if priority.response_immediate
                else priority.response_target_hours
            )

    @api.model
    @tools.ormcache()
    def _level_data(self):
        """{level: (id, load weight)}, cached until a level changes."""
        # sudo: the four levels are configuration every ticket reader uses.
        return {
            priority.level: (priority.id, priority.load_weight)
            for priority in self.sudo().search([])  # pylint: disable=no-search-all
        }

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    @api.model
    def _immediate_target_hours(self):
        # sudo: a setting every ticket's target depends on, not a secret.
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("itsm_incident.immediate_target_hours", 1.0)
        )
