"""The access matrix: what every role may do on every model of the suite.

For each model of itsm_incident, itsm_change and itsm_billing (found in
``ir.model`` through the module that declares or extends it; transient and
abstract models left out) and each role (the ITSM groups of
security/itsm_incident_security.xml, a plain employee, a portal user, the
public user), the role's user reads one record of the model and asks the ORM
whether it may write it, create one like it and delete it (``check_access``:
the access lists and record rules that ``write``, ``create`` and ``unlink``
apply before anything else), on two records:

- *home*: one of the users' own company, tied to the roles where ownership
  matters (the ticket is reported by the reporter, in the resolver's and
  agent's team, in the department the department head heads; the improvement
  action is the reporter's; the knowledge article is published);
- *foreign*: the same kind of record in another company, which no role of
  the first company should reach; models without a company have none.

Each cell of the tables below reads ``home/foreign``, each side four letters
``rwcu`` (read, write, create, unlink) with ``.`` where refused; a model
without a foreign record has the home side only. A model of the addons without
a row fails the test, so that a new model states who may touch it.
Python guards that refuse some writes on top (approved reviews, system-stamped
ticket fields, deletion of incidents, tier decisions written by hand) are
tested with their features.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ItsmCase, office_calendar, utc

# The suite's addons, base first: a model that several extend is in the
# matrix of the first.
ALL_ADDONS = ("itsm_incident", "itsm_change", "itsm_billing")
OPERATIONS = ("read", "write", "create", "unlink")

# Column names of the tables: the role, its groups.
ROLES = {
    "reporter": "itsm_incident.group_itsm_reporter",
    "resolver": "itsm_incident.group_itsm_resolver",
    "agent": "itsm_incident.group_itsm_agent",
    "manager": "itsm_incident.group_itsm_manager",
    "head": "itsm_incident.group_itsm_department_head",
    "risk": "itsm_incident.group_itsm_risk_control",
    "supervisor": "itsm_incident.group_itsm_supervisor",
    "security": "itsm_incident.group_itsm_security",
    "kpi_dept": "base.group_user,itsm_incident.group_itsm_kpi_department",
    "employee": "base.group_user",
    "portal": "base.group_portal",
    "public": None,  # base.public_user
}

TABLES = """
model                           reporter  resolver  agent     manager
helpdesk.ticket                 rwc./.... rwc./.... rwc./.... rwcu/....
helpdesk.ticket.stage           r.../.... r.../.... r.../.... rwcu/....
helpdesk.ticket.team            r.../.... r.../.... r.../.... rwcu/....
itsm.deadline                   r.../.... r.../.... r.../.... rw../....
itsm.escalation.log             r.../.... r.../.... r.../.... r.../....
itsm.escalation.rule            r.../.... r.../.... r.../.... rwcu/....
itsm.event.nature               r...      r...      r...      rwcu
itsm.event.severity             ....      ....      ....      rwcu
itsm.event.source               ..../.... ..../.... ..../.... rwcu/....
itsm.grade.rule                 r...      r...      r...      rwcu
itsm.improvement.action         rw../.... rwc./.... rwc./.... rwcu/....
itsm.incident.review            ..../.... rwc./.... rwc./.... rwcu/....
itsm.knowledge.article          r.../.... r.../.... r.../.... rwcu/....
itsm.knowledge.keyword          r...      rwc.      rwc.      rwcu
itsm.kpi.fault.rate             ....      ....      r...      r...
itsm.kpi.monthly.report         ..../.... ..../.... ..../.... r.../....
itsm.kpi.report                 ..../.... ..../.... r.../.... r.../....
itsm.kpi.summary                ..../.... ..../.... r.../.... r.../....
itsm.makeup.workday             r...      r...      r...      rwcu
itsm.priority                   r...      r...      r...      rw..
itsm.priority.matrix            r...      r...      r...      rw..
itsm.problem                    ..../.... rwc./.... rwc./.... rwcu/....
itsm.problem.proposal           ..../.... r.../.... r.../.... rwcu/....
itsm.service                    r.../.... r.../.... r.../.... rwcu/....
itsm.service.alias              ..../.... ..../.... ..../.... rwcu/....
itsm.service.interface          r.../.... r.../.... r.../.... rwcu/....
itsm.service.level              r.../.... r.../.... r.../.... rwcu/....
itsm.service.level.line         r.../.... r.../.... r.../.... rwcu/....
itsm.sms.trace                  ..../.... ..../.... ..../.... r.../....
itsm.supervision.check          ..../.... ..../.... r.../.... r.../....
itsm.supervision.check.line     ..../.... ..../.... r.../.... r.../....
itsm.supervision.checklist.item r...      r...      r...      rwcu
itsm.supervision.round          ..../.... ..../.... r.../.... r.../....
mail.activity                   rwcu/.... rwcu/.... rwcu/.... rwcu/....
mail.followers                  r.../r... r.../r... r.../r... r.../r...
res.company                     r.../.... r.../.... r.../.... r.../....
res.partner                     r.../.... r.../.... r.../.... r.../....
rating.rating                   r.../.... r.../.... r.../.... r.../....
res.users                       r.../r... r.../r... r.../r... r.../r...
resource.calendar               r.../r... r.../r... r.../r... r.../r...
resource.calendar.attendance    r...      r...      r...      r...
resource.calendar.leaves        r.../.... r.../.... r.../.... r.../....
sms.sms                         ....      ....      ....      ....
tier.definition                 r.../.... r.../.... r.../.... rwcu/....
tier.review                     rwcu/.... rwcu/.... rwcu/.... rwcu/....

model                           head      risk      supervisor security
helpdesk.ticket                 rwc./.... rw../.... r.../.... ..../....
helpdesk.ticket.stage           r.../.... r.../.... r.../.... r.../....
helpdesk.ticket.team            r.../.... r.../.... r.../.... r.../....
itsm.deadline                   r.../.... r.../.... r.../.... r.../....
itsm.escalation.log             r.../.... r.../.... r.../.... r.../....
itsm.escalation.rule            r.../.... r.../.... r.../.... r.../....
itsm.event.nature               r...      r...      r...      r...
itsm.event.severity             ....      ....      ....      ....
itsm.event.source               ..../.... ..../.... ..../.... ..../....
itsm.grade.rule                 r...      r...      r...      r...
itsm.improvement.action         ..../.... ..../.... r.../.... ..../....
itsm.incident.review            rw../.... r.../.... r.../.... ..../....
itsm.knowledge.article          r.../.... r.../.... r.../.... r.../....
itsm.knowledge.keyword          r...      r...      r...      r...
itsm.kpi.fault.rate             ....      r...      r...      ....
itsm.kpi.monthly.report         ..../.... ..../.... ..../.... ..../....
itsm.kpi.report                 ..../.... r.../.... r.../.... ..../....
itsm.kpi.summary                ..../.... r.../.... r.../.... ..../....
itsm.makeup.workday             r...      r...      r...      r...
itsm.priority                   r...      r...      r...      r...
itsm.priority.matrix            r...      r...      r...      r...
itsm.problem                    r.../.... r.../.... r.../.... ..../....
itsm.problem.proposal           ..../.... r.../.... r.../.... ..../....
itsm.service                    r.../.... r.../.... r.../.... r.../....
itsm.service.alias              ..../.... ..../.... ..../.... ..../....
itsm.service.interface          r.../.... r.../.... r.../.... r.../....
itsm.service.level              r.../.... r.../.... r.../.... r.../....
itsm.service.level.line         r.../.... r.../.... r.../.... r.../....
itsm.sms.trace                  ..../.... ..../.... ..../.... ..../....
itsm.supervision.check          ..../.... r.../.... rwc./.... ..../....
itsm.supervision.check.line     ..../.... r.../.... rwc./.... ..../....
itsm.supervision.checklist.item r...      r...      rwcu      r...
itsm.supervision.round          ..../.... r.../.... rwcu/.... ..../....
mail.activity                   rwcu/.... rwcu/.... rwcu/.... ..../....
mail.followers                  r.../r... r.../r... r.../r... r.../r...
res.company                     r.../.... r.../.... r.../.... r.../....
res.partner                     r.../.... r.../.... r.../.... r.../....
rating.rating                   r.../.... r.../.... r.../.... r.../....
res.users                       r.../r... r.../r... r.../r... r.../r...
resource.calendar               r.../r... r.../r... r.../r... r.../r...
resource.calendar.attendance    r...      r...      r...      r...
resource.calendar.leaves        r.../.... r.../.... r.../.... r.../....
sms.sms                         ....      ....      ....      ....
tier.definition                 r.../.... r.../.... r.../.... r.../....
tier.review                     rwcu/.... rwcu/.... rwcu/.... rwcu/....

model                           kpi_dept  employee  portal    public
helpdesk.ticket                 ..../.... ..../.... ..../.... ..../....
helpdesk.ticket.stage           r.../.... r.../.... r.../.... r.../....
helpdesk.ticket.team            r.../.... r.../.... r.../.... ..../....
itsm.deadline                   r.../.... r.../.... ..../.... ..../....
itsm.escalation.log             r.../.... r.../.... ..../.... ..../....
itsm.escalation.rule            r.../.... r.../.... ..../.... ..../....
itsm.event.nature               r...      r...      r...      ....
itsm.event.severity             ....      ....      ....      ....
itsm.event.source               ..../.... ..../.... ..../.... ..../....
itsm.grade.rule                 r...      r...      ....      ....
itsm.improvement.action         ..../.... ..../.... ..../.... ..../....
itsm.incident.review            ..../.... ..../.... ..../.... ..../....
itsm.knowledge.article          ..../.... ..../.... r.../.... ..../....
itsm.knowledge.keyword          ....      ....      r...      ....
itsm.kpi.fault.rate             ....      ....      ....      ....
itsm.kpi.monthly.report         ..../.... ..../.... ..../.... ..../....
itsm.kpi.report                 ..../.... ..../.... ..../.... ..../....
itsm.kpi.summary                ..../.... ..../.... ..../.... ..../....
itsm.makeup.workday             r...      r...      ....      ....
itsm.priority                   r...      r...      r...      ....
itsm.priority.matrix            r...      r...      ....      ....
itsm.problem                    ..../.... ..../.... ..../.... ..../....
itsm.problem.proposal           ..../.... ..../.... ..../.... ..../....
itsm.service                    r.../.... r.../.... ..../.... ..../....
itsm.service.alias              ..../.... ..../.... ..../.... ..../....
itsm.service.interface          r.../.... r.../.... ..../.... ..../....
itsm.service.level              r.../.... r.../.... ..../.... ..../....
itsm.service.level.line         r.../.... r.../.... ..../.... ..../....
itsm.sms.trace                  ..../.... ..../.... ..../.... ..../....
itsm.supervision.check          ..../.... ..../.... ..../.... ..../....
itsm.supervision.check.line     ..../.... ..../.... ..../.... ..../....
itsm.supervision.checklist.item ....      ....      ....      ....
itsm.supervision.round          ..../.... ..../.... ..../.... ..../....
mail.activity                   ..../.... ..../.... ..../.... ..../....
mail.followers                  r.../r... r.../r... ..../.... ..../....
res.company                     r.../.... r.../.... r.../.... r.../....
res.partner                     r.../.... r.../.... ..../.... ..../....
rating.rating                   r.../.... r.../.... ..../.... ..../....
res.users                       r.../r... r.../r... ..../.... ..../....
resource.calendar               r.../r... r.../r... ..../.... ..../....
resource.calendar.attendance    r...      r...      ....      ....
resource.calendar.leaves        r.../.... r.../.... ..../.... ..../....
sms.sms                         ....      ....      ....      ....
tier.definition                 r.../.... r.../.... r.../.... r.../....
tier.review                     rwcu/.... rwcu/.... ..../.... ..../....
"""


def parse_tables(text):
    """{model: {role: cell}} from the tables: blocks separated by blank
    lines, each headed by ``model`` and its roles."""
    matrix = {}
    for block in text.strip().split("\n\n"):
        header, *rows = block.strip().splitlines()
        roles = header.split()[1:]
        for row in rows:
            model, *cells = row.split()
            matrix.setdefault(model, {}).update(zip(roles, cells, strict=True))
    return matrix


def format_row(model, cells, roles):
    return f"{model:<31} " + " ".join(f"{cells[role]:<9}" for role in roles)


@tagged("post_install", "-at_install")
class TestAccessMatrix(ItsmCase):
    """The matrix of itsm_incident's models. An addon of the suite extends
    it for its own models: a subclass with its ``ADDONS``, ``ROLES``,
    ``TABLES`` and records (``_matrix_records``), see itsm_billing's."""

    ADDONS = ("itsm_incident",)
    ROLES = ROLES
    TABLES = TABLES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.home_company = env.company
        cls.foreign_company = env["res.company"].create({"name": "Other Bank"})
        cls.role_users = {
            role: (
                new_test_user(
                    env,
                    login=f"matrix_{role}",
                    groups=group,
                    company_id=cls.home_company.id,
                    company_ids=[cls.home_company.id],
                )
                if group
                else env.ref("base.public_user")
            )
            for role, group in cls.ROLES.items()
        }
        # The home ticket's people: reporter, team, department.
        employee = env["hr.employee"].create(
            {
                "name": "Matrix reporter",
                "user_id": cls.role_users["reporter"].id,
                "department_id": cls.business.id,
            }
        )
        cls.business.manager_id = env["hr.employee"].create(
            {"name": "Matrix head", "user_id": cls.role_users["head"].id}
        )
        cls.desk_team.user_ids |= cls.role_users["resolver"] | cls.role_users["agent"]
        cls.home, cls.foreign = cls._matrix_records(employee)

    @classmethod
    def _matrix_records(cls, employee):
        """({model: home record}, {model: foreign record}) of every model
        the tables name."""
        env = cls.env
        home_co, foreign_co = cls.home_company, cls.foreign_company
        Ticket = env["helpdesk.ticket"]
        foreign_team = env["helpdesk.ticket.team"].create(
            {"name": "Other desk", "company_id": foreign_co.id}
        )
        ticket = Ticket.create(
            {
                "name": "Printer jammed (matrix)",
                "description": "x",
                "partner_id": cls.role_users["reporter"].partner_id.id,
                "team_id": cls.desk_team.id,
            }
        )
        foreign_ticket = Ticket.create(
            {
                "name": "Their printer",
                "description": "x",
                "team_id": foreign_team.id,
                "company_id": foreign_co.id,
            }
        )
        tickets = {home_co: ticket, foreign_co: foreign_ticket}
        calendar = office_calendar(env, "Matrix office")
        Deadline = env["itsm.deadline"]
        clocks = {
            co: Deadline._start(t, "action_due", 60, calendar, start=utc(2026, 1, 5, 9))
            for co, t in tickets.items()
        }
        rule = env["itsm.escalation.rule"].search([], limit=1)
        first = {
            model: env[model].search([], limit=1)
            for model in (
                "itsm.event.nature",
                "itsm.event.severity",
                "itsm.grade.rule",
                "itsm.knowledge.keyword",
                "itsm.makeup.workday",
                "itsm.priority",
                "itsm.priority.matrix",
                "itsm.supervision.checklist.item",
                "resource.calendar.attendance",
            )
        }
        home, foreign = {}, {}
        for co, side in ((home_co, home), (foreign_co, foreign)):
            t = tickets[co]
            department = env["hr.department"].create(
                {"name": f"Operations {co.name}", "company_id": co.id}
            )
            hr_employee = env["hr.employee"].create(
                {
                    "name": f"Interface {co.name}",
                    "company_id": co.id,
                    "department_id": department.id,
                }
            )
            service = env["itsm.service"].create(
                {
                    "name": f"Payments {co.name}",
                    "code": f"PAY{co.id}",
                    "company_id": co.id,
                }
            )
            level = env["itsm.service.level"].create(
                {"name": f"Gold {co.name}", "company_id": co.id}
            )
            spot_check = env["itsm.supervision.round"].create(
                {
                    "name": "October",
                    "date_from": date(2026, 10, 1),
                    "date_to": date(2026, 10, 31),
                    "company_id": co.id,
                }
            )
            check = env["itsm.supervision.check"].create(
                {
                    "round_id": spot_check.id,
                    "ticket_id": t.id,
                    "line_ids": [
                        Command.create(
                            {"item_id": first["itsm.supervision.checklist.item"].id}
                        )
                    ],
                }
            )
            co_calendar = office_calendar(env, f"Office {co.name}")
            co_calendar.company_id = co
            side.update(
                {
                    "helpdesk.ticket": t,
                    "helpdesk.ticket.team": t.team_id,
                    "helpdesk.ticket.stage": env["helpdesk.ticket.stage"].create(
                        {"name": f"Waiting {co.name}", "company_id": co.id}
                    ),
                    "itsm.deadline": clocks[co],
                    "itsm.escalation.log": env["itsm.escalation.log"].create(
                        {
                            "rule_id": rule.id,
                            "res_model": t._name,
                            "res_id": t.id,
                            "ticket_id": t.id,
                            "fired_at": utc(2026, 1, 5, 10),
                        }
                    ),
                    "itsm.event.source": env["itsm.event.source"].create(
                        {"name": f"Zabbix {co.name}", "company_id": co.id}
                    ),
                    "itsm.improvement.action": env["itsm.improvement.action"].create(
                        {
                            "name": "Check the spooler",
                            "company_id": co.id,
                            "ticket_id": t.id,
                            "user_id": cls.role_users["reporter"].id,
                            "date_deadline": date(2026, 12, 31),
                        }
                    ),
                    "itsm.incident.review": env["itsm.incident.review"].create(
                        {"ticket_id": t.id}
                    ),
                    "itsm.knowledge.article": env["itsm.knowledge.article"].create(
                        {
                            "name": f"Printer jams {co.name}",
                            "symptom": "<p>Jams.</p>",
                            "solution": "<p>Open tray 2.</p>",
                            "state": "published",
                            "company_id": co.id,
                        }
                    ),
                    "itsm.kpi.monthly.report": env["itsm.kpi.monthly.report"].create(
                        {
                            "company_id": co.id,
                            "date_from": date(2026, 1, 1),
                            "date_to": date(2026, 1, 31),
                        }
                    ),
                    "itsm.problem": env["itsm.problem"].create(
                        {"name": "Spooler leaks", "company_id": co.id}
                    ),
                    "itsm.problem.proposal": env["itsm.problem.proposal"].create(
                        {
                            "reason": env["itsm.problem.proposal"]
                            ._fields["reason"]
                            .get_values(env)[0],
                            "company_id": co.id,
                        }
                    ),
                    "itsm.service": service,
                    "itsm.service.alias": env["itsm.service.alias"].create(
                        {"name": f"pay-{co.id}", "service_id": service.id}
                    ),
                    "itsm.service.interface": env["itsm.service.interface"].create(
                        {"service_id": service.id, "employee_id": hr_employee.id}
                    ),
                    "itsm.service.level": level,
                    "itsm.service.level.line": env["itsm.service.level.line"].create(
                        {
                            "service_level_id": level.id,
                            "priority_id": first["itsm.priority"].id,
                            "response_hours": 1,
                            "resolution_hours": 4,
                        }
                    ),
                    "itsm.sms.trace": env["itsm.sms.trace"].create(
                        {
                            "company_id": co.id,
                            "provider": env["itsm.sms.trace"]
                            ._fields["provider"]
                            .get_values(env)[0],
                            "state": env["itsm.sms.trace"]
                            ._fields["state"]
                            .get_values(env)[0],
                        }
                    ),
                    "itsm.escalation.rule": rule.copy(
                        {"name": f"{rule.name} ({co.name})", "company_id": co.id}
                    ),
                    "itsm.supervision.round": spot_check,
                    "mail.activity": t.activity_schedule(
                        "mail.mail_activity_data_todo",
                        summary="Call the reporter back",
                        user_id=cls.role_users["agent"].id
                        if co == home_co
                        else env.ref("base.user_admin").id,
                    ),
                    "mail.followers": env["mail.followers"].search(
                        [("res_model", "=", t._name), ("res_id", "=", t.id)], limit=1
                    ),
                    "rating.rating": env["rating.rating"].create(
                        {
                            "res_model_id": env["ir.model"]._get_id(t._name),
                            "res_id": t.id,
                            "partner_id": t.partner_id.id,
                            "rated_partner_id": env.user.partner_id.id,
                            "rating": 5,
                            "consumed": True,
                        }
                    ),
                    "itsm.supervision.check": check,
                    "itsm.supervision.check.line": check.line_ids,
                    "res.company": co,
                    "res.partner": env["res.partner"].create(
                        {"name": f"Contact of {co.name}", "company_id": co.id}
                    ),
                    "res.users": new_test_user(
                        env,
                        login=f"matrix_user_{co.id}",
                        company_id=co.id,
                        company_ids=[co.id],
                    ),
                    "resource.calendar": co_calendar,
                    "resource.calendar.leaves": env["resource.calendar.leaves"].create(
                        {
                            "name": "Holiday",
                            "calendar_id": co_calendar.id,
                            "company_id": co.id,
                            "date_from": "2026-10-01 00:00:00",
                            "date_to": "2026-10-01 23:00:00",
                        }
                    ),
                    "tier.definition": env["tier.definition"].create(
                        {
                            "name": f"Proposals {co.name}",
                            "model_id": env["ir.model"]._get_id(
                                "itsm.problem.proposal"
                            ),
                            "company_id": co.id,
                        }
                    ),
                }
            )
            side["tier.review"] = env["tier.review"].create(
                {
                    "model": "itsm.problem.proposal",
                    "res_id": side["itsm.problem.proposal"].id,
                    "definition_id": side["tier.definition"].id,
                    "company_id": co.id,
                }
            )
        env.flush_all()
        # Reports: the rows of the two tickets (SQL views, the materialized
        # ones refreshed as their cron does).
        env["itsm.kpi.summary"]._refresh()
        for model in ("itsm.kpi.report", "itsm.kpi.summary", "itsm.kpi.fault.rate"):
            for co, side in ((home_co, home), (foreign_co, foreign)):
                row = env[model].search([("company_id", "=", co.id)], limit=1)
                if row:
                    side[model] = row
        home.update(first)
        home["sms.sms"] = env["sms.sms"].create({"number": "+86 21 5555 0100"})
        return home, foreign

    def matrix_models(self):
        """The concrete models of the addons, from ir.model."""
        names = self._addon_models(self.ADDONS) - self._addon_models(
            self._covered_addons()
        )
        return sorted(
            name
            for name in names
            if name in self.env
            and not self.env[name]._abstract
            and not self.env[name]._transient
        )

    def _addon_models(self, addons):
        model_ids = (
            self.env["ir.model.data"]
            .search([("model", "=", "ir.model"), ("module", "in", addons)])
            .mapped("res_id")
        )
        return set(self.env["ir.model"].browse(model_ids).mapped("model"))

    def _covered_addons(self):
        """The addons whose matrix covers a model they extend as well."""
        covered = ()
        for addon in ALL_ADDONS:
            if addon in self.ADDONS:
                break
            covered += (addon,)
        return covered

    def allowed(self, record, user):
        """The four letters of what ``user`` may do on ``record``."""
        letters = ""
        for operation in OPERATIONS:
            mine = record.with_user(user)
            try:
                if operation == "read" and mine:
                    mine.read(["display_name"])
                else:
                    mine.check_access(operation)
            except AccessError:
                letters += "."
            else:
                letters += operation[0]
            self.env.invalidate_all()
        return letters

    def actual_cells(self, model):
        cells = {}
        for role, user in self.role_users.items():
            # A model without records (a report with no rows yet): what the
            # access lists allow on the model.
            home = self.home.get(model, self.env[model])
            cell = self.allowed(home, user)
            if model in self.foreign:
                cell += "/" + self.allowed(self.foreign[model], user)
            cells[role] = cell
        return cells

    def test_every_model_has_a_row(self):
        expected = parse_tables(self.TABLES)
        missing = [model for model in self.matrix_models() if model not in expected]
        self.assertFalse(
            missing,
            "Models of the suite without a row in the access matrix: "
            + ", ".join(missing),
        )
        self.assertFalse(
            set(expected) - set(self.matrix_models()),
            "Rows of models that are not the suite's",
        )

    def test_access_matrix(self):
        expected = parse_tables(self.TABLES)
        blocks = [
            block.strip().splitlines()[0].split()[1:]
            for block in self.TABLES.strip().split("\n\n")
        ]
        differences = []
        for model in self.matrix_models():
            actual = self.actual_cells(model)
            wanted = expected.get(model, {})
            if wanted != actual:
                differences.append(
                    "\n".join(format_row(model, actual, roles) for roles in blocks)
                )
        self.assertFalse(
            differences,
            "The access matrix differs (actual rows below):\n" + "\n".join(differences),
        )
