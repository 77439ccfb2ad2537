from odoo import api, fields, models
from odoo.exceptions import ValidationError

CRITICALITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]


class ItsmService(models.Model):
    """A service of the catalogue (服务目录, issue 13): a business or IT
    service or system the IT department runs (计费系统, CRM…), what incidents,
    problems, monitoring sources and changes point at as "the affected
    service"."""

    _name = "itsm.service"
    _description = "ITSM Service"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "code"]

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code (e.g. BILLING); monitoring events naming it "
        "find this service.",
    )
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Owner department",
        check_company=True,
        tracking=True,
        help="The department that runs this service.",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Support team",
        check_company=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Service manager",
        domain=[("share", "=", False)],
        tracking=True,
    )
    criticality = fields.Selection(
        CRITICALITIES, required=True, default="medium", tracking=True
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service hours",
        check_company=True,
        help="When the service is provided; empty means around the clock.",
    )
    depends_on_ids = fields.Many2many(
        "itsm.service",
        "itsm_service_dependency_rel",
        "service_id",
        "depends_on_id",
        string="Depends on",
        check_company=True,
        help="Services this one needs: their faults may affect it.",
    )
    dependant_ids = fields.Many2many(
        "itsm.service",
        "itsm_service_dependency_rel",
        "depends_on_id",
        "service_id",
        string="Needed by",
        check_company=True,
        help="Services that depend on this one.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "itsm_service_partner_rel",
        "service_id",
        "partner_id",
        string="Customers",
        help="Customers who use this service.",
    )
    using_department_ids = fields.Many2many(
        "hr.department",
        "itsm_service_department_rel",
        "service_id",
        "department_id",
        string="Using departments",
        check_company=True,
        help="Internal departments that use this service.",
    )
    interface_ids = fields.One2many(
        "itsm.service.interface",
        "service_id",
        string="Interface persons",
        copy=True,
    )
    alias_ids = fields.One2many(
        "itsm.service.alias",
        "service_id",
        string="Monitoring names",
        help="Values of the 'service' (or Alertmanager 'job') label that "
        "monitoring events use for this service.",
    )
    open_incident_count = fields.Integer(
        string="Open incidents", compute="_compute_open_incident_count"
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(company_id, code)",
            "Each service of a company needs its own code.",
        ),
    ]

    def _compute_open_incident_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [
                    ("service_id", "in", self._origin.ids),
                    ("stage_id.closed", "=", False),
                ],
                ["service_id"],
                ["__count"],
            )
        )
        for service in self:
            service.open_incident_count = counts.get(service._origin, 0)

    @api.constrains("depends_on_ids")
    def _check_dependency_cycle(self):
        if self._has_cycle("depends_on_ids"):
            raise ValidationError(
                self.env._(
                    "A service cannot depend on itself, directly or through "
                    "other services: remove a dependency to break the circle."
                )
            )

    @api.constrains("code", "company_id")
    def _check_code_unique_case_insensitive(self):
        """BILLING and billing are the same code for monitoring events."""
        codes = {code.strip().lower() for code in self.mapped("code") if code}
        if not codes:
            return
        # sudo: a code is taken by archived services too, and by those the
        # writer may not read; only codes are read.
        others = (
            self.with_context(active_test=False)
            .sudo()
            .search_fetch(
                [("company_id", "in", self.company_id.ids), ("id", "not in", self.ids)],
                ["code", "company_id"],
            )
        )
        taken = {(s.company_id, s.code.strip().lower()) for s in others if s.code}
        seen = set()
        for service in self:
            key = (service.company_id, (service.code or "").strip().lower())
            if key in taken or key in seen:
                raise ValidationError(
                    self.env._(
                        "The code %s is already used by another service.",
                        service.code,
                    )
                )
            seen.add(key)

    def action_view_open_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "itsm_incident.helpdesk_ticket_action_itsm"
        )
        action.update(
            name=self.env._("Incidents of %s", self.name),
            domain=[("service_id", "=", self.id)],
            context={
                "search_default_open": 1,
                "default_service_id": self.id,
                "itsm_service_desk": 1,
            },
        )
        return action

    def _itsm_ranked_interfaces(self, departments=None):
        """The interface persons of these services, most relevant first (S4:
        a change notice goes to the interface persons of the using
        departments, 排名按照系统变更内容相关性降序): by rank (sequence), then
        department; each employee once, at their best rank. Only those of
        `departments` when given."""
        interfaces = self.interface_ids.filtered(
            lambda line: line.employee_id.active
            and (departments is None or line.department_id in departments)
        )
        ranked = interfaces.sorted(
            lambda line: (
                line.sequence,
                line.department_id.name or "",
                line.service_id.sequence,
                line.id,
            )
        )
        result = self.env["itsm.service.interface"]
        employees = set()
        for line in ranked:
            if line.employee_id not in employees:
                employees.add(line.employee_id)
                result |= line
        return result

    @api.model
    def _itsm_match(self, names, company):
        """{name: service} for the label values monitoring events give
        (issue 13): an admin's alias first, else the service's code, else its
        name, compared case-insensitively, among the active services of
        `company`."""
        wanted = {name.strip().lower(): name for name in names if name and name.strip()}
        if not wanted:
            return {}
        # sudo: the monitoring tool maps its labels whatever the rights of
        # the source's user; only names and codes are read.
        Service = self.sudo().with_context(active_test=True)
        services = Service.search_fetch(
            [("company_id", "=", company.id)], ["code", "name"]
        )
        by_key = {}
        for service in services.with_context(lang="en_US"):
            by_key.setdefault(service.name.strip().lower(), service)
        for service in services:
            by_key.setdefault(service.name.strip().lower(), service)
        for service in services:
            by_key[service.code.strip().lower()] = service
        aliases = (
            self.env["itsm.service.alias"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("name", "in", list(wanted)),
                    ("service_id.active", "=", True),
                ],
                ["name", "service_id"],
            )
        )
        for alias in aliases:
            by_key[alias.name] = alias.service_id
        return {
            name: by_key[key].with_env(self.env)
            for key, name in wanted.items()
            if key in by_key
        }
