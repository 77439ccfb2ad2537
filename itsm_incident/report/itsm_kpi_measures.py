from odoo import api, fields, models
from odoo.osv.expression import OR as domain_or
from odoo.tools import SQL

from ..models.helpdesk_ticket import DECLARATION_TYPES
from ..models.itsm_priority import PRIORITY_LEVELS


def excluded_sql(ticket="t", stage="s"):
    """Whether a ticket is cancelled or rejected (SQL, over the aliases of
    helpdesk_ticket and of its helpdesk_ticket_stage): closed in a stage that
    does not close the loop (helpdesk_mgmt's Cancelled and Rejected; Done
    closes the loop, see data/itsm_closure_data.xml), or screened out
    (invalid, out of scope). Such tickets stay out of the time and on-time
    measures (response and resolution times, on-time rates, SLA compliance)
    and are counted on their own."""
    return SQL(
        "((COALESCE(%(stage)s.closed, FALSE)"
        " AND NOT COALESCE(%(stage)s.itsm_closed_loop, FALSE))"
        " OR COALESCE(%(ticket)s.screening_state IN ('invalid', 'out_of_scope'),"
        " FALSE))",
        ticket=SQL.identifier(ticket),
        stage=SQL.identifier(stage),
    )


class ItsmKpiMeasures(models.AbstractModel):
    """What the KPI facts (one row per ticket) and the KPI sums (by month)
    share: the dimensions both are grouped by (the reporter's, the
    responsible and the handling department, S1 §3.2.3 and §5), the
    measures, and the "my department" filter."""

    _name = "itsm.kpi.measures"
    _description = "ITSM KPI Measures"

    company_id = fields.Many2one("res.company", readonly=True)
    declaration_type = fields.Selection(DECLARATION_TYPES, string="Type", readonly=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Reporter's department",
        readonly=True,
        help="The department the ticket was reported for.",
    )
    responsible_department_id = fields.Many2one(
        "hr.department",
        readonly=True,
        help="The department responsible for the ticket's event nature: the "
        "one S1 assesses.",
    )
    handling_department_id = fields.Many2one(
        "hr.department",
        readonly=True,
        help="The department of the handler when they took the ticket.",
    )
    service_id = fields.Many2one("itsm.service", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Handler", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    itsm_priority = fields.Selection(
        PRIORITY_LEVELS, string="ITSM Priority", readonly=True
    )
    response_hours = fields.Float(
        string="Response time (working hours)", readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Resolution time (working hours)", readonly=True, aggregator="avg"
    )
    on_time_rate = fields.Float(
        string="On-time rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of resolved tickets resolved within their target; "
        "cancelled and rejected tickets are left out.",
    )
    response_rate = fields.Float(
        string="Response on time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of responded tickets responded within their target; "
        "cancelled and rejected tickets are left out.",
    )
    sla_rate = fields.Float(
        string="SLA compliance (%)",
        readonly=True,
        aggregator="avg",
        help="Share of resolved tickets that met both their response and "
        "resolution targets; cancelled and rejected tickets are left out.",
    )
    satisfaction = fields.Float(
        readonly=True,
        aggregator="avg",
        help="The reporter's rating (1 to 5); averaged over the rated tickets.",
    )
    recurrence_rate = fields.Float(
        string="Recurrence rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of tickets repeating a similar incident already closed.",
    )
    escalation_level = fields.Integer(
        string="Escalation level",
        readonly=True,
        aggregator="max",
        help="How many rungs of the escalation ladder fired (over several "
        "tickets: the most on one).",
    )
    is_my_department = fields.Boolean(
        string="My department",
        compute="_compute_is_my_department",
        search="_search_is_my_department",
    )

    def _compute_is_my_department(self):
        departments = self._itsm_my_departments()
        for row in self:
            row.is_my_department = bool(
                (
                    row.department_id
                    | row.responsible_department_id
                    | row.handling_department_id
                )
                & departments
            )

    def _search_is_my_department(self, operator, value):
        """Reported for, responsible for or handled by one's departments."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        ids = self._itsm_my_departments().ids
        domain = domain_or(
            [(field, "in", ids)]
            for field in (
                "department_id",
                "responsible_department_id",
                "handling_department_id",
            )
        )
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.model
    def _itsm_my_departments(self):
        """The departments one works in or heads, with their sub-departments."""
        # sudo: the user's own employees and the departments they head.
        user = self.env.user.sudo()
        departments = user.employee_ids.department_id
        departments |= (
            self.env["hr.department"]
            .sudo()
            .search([("manager_id.user_id", "=", user.id)])
        )
        return (
            self.env["hr.department"]
            .sudo()
            .search([("id", "child_of", departments.ids)])
            if departments
            else departments
        )
