from datetime import datetime

import pytz

from odoo import SUPERUSER_ID, Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class ItsmCase(TransactionCase):
    """A small organisation with one user per ITSM role.

    Org chart: Division > {IT > Service Desk, Business}; a second team that
    the resolver is not part of; tickets reported by two employees.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As in the Service Desk app: new teams are ITSM teams, new tickets
        # go to the company's service desk team.
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, itsm_service_desk=True)
        )
        roles = {
            "reporter": "itsm_incident.group_itsm_reporter",
            "other_reporter": "itsm_incident.group_itsm_reporter",
            "resolver": "itsm_incident.group_itsm_resolver",
            "agent": "itsm_incident.group_itsm_agent",
            "manager": "itsm_incident.group_itsm_manager",
            "department_head": "itsm_incident.group_itsm_department_head",
            "division_leader": "itsm_incident.group_itsm_department_head",
            "risk_control": "itsm_incident.group_itsm_risk_control",
            "supervisor": "itsm_incident.group_itsm_supervisor",
        }
        cls.users = {
            role: new_test_user(cls.env, login=f"test_{role}", groups=group)
            for role, group in roles.items()
        }
        cls.portal_company = cls.env["res.partner"].create(
            {"name": "Customer A", "is_company": True}
        )
        cls.other_company = cls.env["res.partner"].create(
            {"name": "Customer B", "is_company": True}
        )
        cls.users["portal"] = new_test_user(
            cls.env, login="test_portal", groups="base.group_portal"
        )
        cls.users["portal"].partner_id.parent_id = cls.portal_company

        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"]
        cls.division = Department.create({"name": "Division"})
        cls.business = Department.create(
            {"name": "Business", "parent_id": cls.division.id}
        )
        cls.it = Department.create({"name": "IT", "parent_id": cls.division.id})
        cls.employees = {
            role: Employee.create({"name": role, "user_id": cls.users[role].id})
            for role in ("division_leader", "department_head", "reporter")
        }
        cls.employees["other_reporter"] = Employee.create(
            {
                "name": "other_reporter",
                "user_id": cls.users["other_reporter"].id,
                "department_id": cls.it.id,
            }
        )
        cls.division.manager_id = cls.employees["division_leader"]
        cls.business.manager_id = cls.employees["department_head"]
        cls.employees["reporter"].department_id = cls.business

        Team = cls.env["helpdesk.ticket.team"]
        cls.desk_team = Team.create(
            {
                "name": "Desk",
                "user_ids": [
                    Command.set([cls.users["agent"].id, cls.users["resolver"].id])
                ],
            }
        )
        cls.network_team = Team.create({"name": "Network"})

        Ticket = cls.env["helpdesk.ticket"]
        cls.ticket_reporter = Ticket.create(
            {
                "name": "Printer jammed",
                "description": "The printer on the 3rd floor is jammed.",
                "partner_id": cls.users["reporter"].partner_id.id,
                "team_id": cls.desk_team.id,
            }
        )
        cls.ticket_other = Ticket.create(
            {
                "name": "Router down",
                "description": "The branch router does not answer.",
                "partner_id": cls.users["other_reporter"].partner_id.id,
                "team_id": cls.network_team.id,
            }
        )
        cls.ticket_customer = Ticket.create(
            {
                "name": "Tills offline",
                "description": "All tills offline.",
                "partner_id": cls.portal_company.id,
                "contact_phone": "+86 21 5555 0100",
                "team_id": cls.desk_team.id,
            }
        )
        cls.ticket_other_customer = Ticket.create(
            {
                "name": "Website slow",
                "description": "Their website is slow.",
                "partner_id": cls.other_company.id,
                "contact_phone": "+86 21 5555 0200",
                "team_id": cls.desk_team.id,
            }
        )

    def screen(self, tickets):
        """Screen these tickets as valid declarations (INC-2), as the desk
        agent does before anyone acknowledges, handles, resolves or closes
        them; for tests about what follows. Returns them."""
        return screen(tickets, self.users["agent"])

    def visible_menus(self, role_or_user):
        """The ITSM menus (xml ids) a role's user, or a user, finds in the web
        client: the menu tree it loads, so a menu under a hidden parent is
        not counted."""
        user = self.users.get(role_or_user) or role_or_user
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {
            menu["xmlid"]
            for menu in menus.values()
            if (menu.get("xmlid") or "").startswith("itsm_incident.")
        }

    def readable(self, role, tickets):
        """The tickets among `tickets` that the role's user can read."""
        return tickets.with_user(self.users[role]).search([("id", "in", tickets.ids)])


SHANGHAI = pytz.timezone("Asia/Shanghai")

# The contact details a valid declaration needs (INC-2), for tickets whose
# caller has no contact record.
CALLER = {
    "partner_name": "Customer D",
    "contact_name": "Ms Wu",
    "contact_phone": "+86 21 5555 0101",
}


def utc(*args):
    """A naive UTC datetime (as Odoo stores it) from Shanghai local time."""
    return SHANGHAI.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


def office_calendar(env, name, periods=((9, 18, "morning"),)):
    """A Monday-to-Friday calendar in Shanghai with these daily periods."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "Asia/Shanghai",
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"{weekday} {period}",
                        "dayofweek": str(weekday),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": period,
                    }
                )
                for weekday in range(5)
                for start, stop, period in periods
            ],
        }
    )


def follow_up(env):
    """What the commit of the tickets' transaction sets off: the follow-up
    cron (assignee notices, recurrences, problem proposals), run as the cron
    runs it. Returns how many follow-ups it did."""
    return env["helpdesk.ticket"].with_user(SUPERUSER_ID)._cron_itsm_follow_up()


def screen(tickets, user):
    """``user`` (a service desk agent) screens these tickets as valid
    declarations (INC-2: the Valid button, with its contact check and its
    routing by type). Returns them."""
    tickets.with_user(user).action_screen_valid()
    return tickets


def close_the_loop(ticket, confirmed=True):
    """Record what closing a ticket requires (INC-12: a verified fix, the
    resolution record and summary, then Resolved and the reporter's
    confirmation), as its handler and reporter would have; for tests that
    close tickets for another purpose. ``confirmed=False`` leaves it
    resolved, awaiting the reporter."""
    ticket.sudo().write(
        {
            "fix_description": "Replaced the faulty part.",
            "verification_state": "passed",
            "verification_result": "Works again.",
            "resolution_cause": "A faulty part.",
            "resolution_measures": "Replaced it.",
            "resolution_result": "The service works again.",
            "resolution_prevention": "Check the part every month.",
            "resolution_lessons": "Watch this part in the monthly check.",
        }
    )
    for each in ticket.sudo():
        if not (each.stage_id.closed or each.stage_id.itsm_resolved):
            each.stage_id = each._itsm_stage_with("itsm_resolved")
    if confirmed:
        # Confirmed when it was resolved: no clock read of the test's own.
        for each in ticket.sudo():
            each.reporter_confirmed_date = each.resolved_date
    return ticket
