from odoo import api, fields, models, tools

PRIORITY_LEVELS = [("1", "P1"), ("2", "P2"), ("3", "P3"), ("4", "P4")]
# helpdesk_mgmt's own priority (0 low … 3 very high) mirrors ours (1 highest).
HELPDESK_PRIORITY = {"1": "3", "2": "2", "3": "1", "4": "0"}
# S2's "< 1 month" is a calendar month, not 720 hours.
TARGET_UNITS = [("hours", "Hours"), ("months", "Months")]


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
    resolution_target_unit = fields.Selection(
        TARGET_UNITS,
        string="Resolution target in",
        required=True,
        default="hours",
        help="Hours of the calendar, or calendar months: a month runs to the "
        "same day and time of the next month (the month's last day when it is "
        "shorter), in the calendar's time zone.",
    )
    resolution_target_hours = fields.Float(
        string="Resolution target (hours)",
        help="Maximum time to resolve an incident of this priority.",
    )
    resolution_target_months = fields.Integer(
        string="Resolution target (months)",
        default=1,
        help="Maximum time to resolve an incident of this priority, in "
        "calendar months (S2: P3 < 1 month).",
    )
    resolution_target_display = fields.Char(
        string="Resolution within",
        compute="_compute_effective_resolution_hours",
        help="The resolution target as people say it: 24 h, 1 month.",
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
            "CHECK(immediate OR (resolution_target_unit = 'months' AND "
            "resolution_target_months > 0) OR (resolution_target_unit = 'hours' "
            "AND resolution_target_hours > 0))",
            "A priority that is not handled immediately needs a resolution target.",
        ),
    ]

    @api.depends(
        "immediate",
        "resolution_target_unit",
        "resolution_target_hours",
        "resolution_target_months",
        "response_immediate",
        "response_target_hours",
    )
    @api.depends_context("lang")
    def _compute_effective_resolution_hours(self):
        immediate_hours = self._immediate_target_hours()
        for priority in self:
            # A target in months has no fixed number of hours (28 to 31 days).
            priority.effective_resolution_hours = (
                immediate_hours
                if priority.immediate
                else 0.0
                if priority._itsm_in_months()
                else priority.resolution_target_hours
            )
            priority.resolution_target_display = priority._itsm_target_text(
                priority.effective_resolution_hours
            )
            priority.effective_response_hours = (
                immediate_hours
                if priority.response_immediate
                else priority.response_target_hours
            )

    def _itsm_in_months(self):
        """Whether the resolution target is in calendar months (False for
        no priority)."""
        return (
            len(self) == 1
            and not self.immediate
            and self.resolution_target_unit == "months"
        )

    def _itsm_target_text(self, hours):
        """The resolution target in the reader's words: "1 month", "24 h"."""
        self.ensure_one()
        if self._itsm_in_months():
            months = self.resolution_target_months
            if months == 1:
                return self.env._("1 month")
            return self.env._("%(months)s months", months=months)
        amount = f"{hours:g}"
        return self.env._("%(hours)s h", hours=amount)

    def _itsm_resolution_minutes(self, start, calendar):
        """Minutes of ``calendar`` the resolution target gives a clock that
        starts at ``start`` (naive UTC); a target in months runs to the same
        moment of the month(s) after, whatever their lengths."""
        self.ensure_one()
        if self._itsm_in_months():
            return calendar._itsm_month_minutes(start, self.resolution_target_months)
        return self.effective_resolution_hours * 60

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
