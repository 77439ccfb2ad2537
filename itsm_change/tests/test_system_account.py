from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.itsm_incident.tests.common import ItsmCase, office_calendar, utc

from .test_request import RefusedContext

WEDNESDAY_10H = utc(2026, 11, 25, 10, 0)
RESOLUTION = {
    "fix_description": "Created the account in the CRM.",
    "verification_result": "The holder logged in.",
    "resolution_cause": "An account request.",
    "resolution_measures": "Done in the CRM's user admin.",
    "resolution_result": "The account works.",
    "resolution_prevention": "None needed.",
    "resolution_lessons": "None.",
}


class TestSystemAccounts(ItsmCase):
    """The account register (S4 系统帐号管理流程): account requests keep it
    when they are fulfilled, after their approvals; HR's records of a
    departure or a change of post file the removal of every account the
    person holds, with no approval (HR's record is it) and a 1-working-day
    clock; the desk reads the register, nobody deletes from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.resource_calendar_id = office_calendar(
            env, "Office 8h", periods=((9, 12, "morning"), (13, 18, "afternoon"))
        )
        bizmgmt_user = new_test_user(
            env, login="test_bizmgmt", groups="itsm_incident.group_itsm_department_head"
        )
        cls.bizmgmt_user = bizmgmt_user
        bizmgmt = env["hr.department"].create(
            {
                "name": "Business management",
                "parent_id": cls.division.id,
                "manager_id": env["hr.employee"]
                .create({"name": "Bizmgmt head", "user_id": bizmgmt_user.id})
                .id,
            }
        )
        cls.account_type = env.ref("itsm_change.request_type_account")
        cls.account_type.write(
            {"approving_department_id": bizmgmt.id, "team_id": cls.desk_team.id}
        )
        cls.crm = env.ref("itsm_incident.itsm_service_crm")
        cls.billing = env.ref("itsm_incident.itsm_service_billing")
        cls.hr_officer = new_test_user(env, login="test_hr", groups="hr.group_hr_user")
        cls.reporter = cls.employees["reporter"]
        Account = env["itsm.system.account"]
        cls.crm_account = Account.create(
            {
                "login": "zhang.wei",
                "service_id": cls.crm.id,
                "employee_id": cls.reporter.id,
                "rights": "Sales",
            }
        )
        cls.billing_account = Account.create(
            {
                "login": "zwei",
                "service_id": cls.billing.id,
                "employee_id": cls.reporter.id,
                "rights": "Invoices (read)",
            }
        )
        cls.old_account = Account.create(
            {
                "login": "zw-old",
                "service_id": cls.crm.id,
                "employee_id": cls.reporter.id,
            }
        )
        cls.old_account.state = "removed"

    def file(self, action, **vals):
        with freeze_time(WEDNESDAY_10H):
            return (
                self.env["helpdesk.ticket"]
                .with_user(self.users["reporter"])
                .create(
                    {
                        "name": "Account request",
                        "description": "Please.",
                        "partner_id": self.users["reporter"].partner_id.id,
                        "request_type_id": self.account_type.id,
                        "service_id": self.crm.id,
                        "request_account_action": action,
                        "request_scope": "Sales",
                        **vals,
                    }
                )
            )

    def approve(self, request):
        """Each step's approver approves, with their opinion."""
        with freeze_time(utc(2026, 11, 25, 14, 0)):
            for user in (self.users["department_head"], self.bizmgmt_user):
                action = request.with_user(user).action_request_approve()
                self.env["comment.wizard"].with_user(user).with_context(
                    **action["context"]
                ).create({"comment": "Agreed."}).add_comment()
        self.assertEqual(request.request_state, "approved")

    def resolve(self, request, **vals):
        """The desk screens, fixes, verifies and resolves the request."""
        with freeze_time(utc(2026, 11, 26, 9, 30)):
            mine = request.with_user(self.users["agent"])
            if mine.screening_state != "valid":
                mine.action_screen_valid()
            mine.write(dict(RESOLUTION, **vals))
            mine.action_verify_passed()
            mine.action_resolve()

    def removals(self, employee):
        return self.env["helpdesk.ticket"].search(
            [
                ("request_account_holder_id", "=", employee.id),
                ("request_account_action", "=", "remove"),
            ]
        )

    def test_a_new_account_enters_the_register_when_fulfilled(self):
        request = self.file("new", request_scope="Refunds")
        # Not fulfilled before the last approval.
        with RefusedContext(self, UserError, "last approval"):
            self.resolve(request, request_account_login="zhang.wei2")
        self.approve(request)
        with RefusedContext(self, UserError, "login of the new account"):
            self.resolve(request)
        self.assertFalse(request.request_account_id)
        self.resolve(request, request_account_login=" zhang.wei2 ")
        account = request.request_account_id
        self.assertRecordValues(
            account,
            [
                {
                    "login": "zhang.wei2",
                    "service_id": self.crm.id,
                    "employee_id": self.reporter.id,
                    "rights": "Refunds",
                    "state": "active",
                    "grant_request_id": request.id,
                    "granted_date": utc(2026, 11, 26, 9, 30),
                }
            ],
        )
        # Resolved again after the reporter reopened it: no second account.
        request.sudo().stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        self.resolve(request)
        self.assertEqual(
            self.env["itsm.system.account"].search_count(
                [("login", "=", "zhang.wei2")]
            ),
            1,
        )

    def test_a_login_is_one_holders_in_a_system(self):
        Account = self.env["itsm.system.account"]
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Account.create(
                    {
                        "login": "Zhang.Wei",
                        "service_id": self.crm.id,
                        "employee_id": self.employees["other_reporter"].id,
                    }
                )
        # In another system, or once the old one is removed, it is free.
        Account.create(
            {
                "login": "zhang.wei",
                "service_id": self.billing.id,
                "employee_id": self.employees["other_reporter"].id,
            }
        )
        Account.create(
            {
                "login": "zw-old",
                "service_id": self.crm.id,
                "employee_id": self.employees["other_reporter"].id,
            }
        )

    def test_a_change_of_rights_and_a_removal(self):
        change = self.file(
            "change",
            request_account_id=self.crm_account.id,
            request_scope="Sales and refunds",
        )
        self.approve(change)
        self.resolve(change)
        self.assertEqual(self.crm_account.rights, "Sales and refunds")
        self.assertEqual(self.crm_account.state, "active")

        removal = self.file("remove", request_account_id=self.crm_account.id)
        self.approve(removal)
        self.resolve(removal)
        self.assertRecordValues(
            self.crm_account,
            [
                {
                    "state": "removed",
                    "removal_cause": "request",
                    "removed_date": utc(2026, 11, 26, 9, 30),
                }
            ],
        )
        self.assertEqual(self.crm_account.request_ids, change | removal)
        self.assertEqual(
            self.reporter.with_user(self.users["agent"]).itsm_account_count, 1
        )

    def test_what_a_change_or_removal_is_about_is_checked(self):
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        with RefusedContext(self, ValidationError, "Name the account"):
            self.file("remove")
        with RefusedContext(self, ValidationError, "removed already"):
            self.file("remove", request_account_id=self.old_account.id)
        with RefusedContext(self, ValidationError, "not an account of"):
            self.file("change", request_account_id=self.billing_account.id)
        self.assertEqual(Ticket.search_count([]), before)

    def test_a_departure_removes_every_account_without_approval(self):
        wizard = (
            self.env["hr.departure.wizard"]
            .with_user(self.hr_officer)
            .with_context(active_id=self.reporter.id, toggle_active=True)
            .create(
                {
                    "departure_reason_id": self.env.ref("hr.departure_resigned").id,
                    "departure_date": "2026-11-25",
                }
            )
        )
        with freeze_time(WEDNESDAY_10H):
            wizard.action_register_departure()
        self.assertFalse(self.reporter.active)
        removals = self.removals(self.reporter)
        self.assertEqual(
            removals.request_account_id, self.crm_account | self.billing_account
        )
        self.assertEqual(set(removals.mapped("request_state")), {"approved"})
        self.assertEqual(set(removals.mapped("request_origin")), {"departure"})
        self.assertFalse(removals.review_ids)
        self.assertIn("Resigned", removals[0].description)
        # One working day from Wednesday 10:00.
        clocks = self.env["itsm.deadline"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", removals.ids),
                ("kind", "=", "fulfilment"),
            ]
        )
        self.assertEqual(clocks.mapped("deadline"), [utc(2026, 11, 26, 10, 0)] * 2)
        # Fulfilled: the register shows why.
        self.resolve(removals[0])
        self.assertEqual(removals[0].request_account_id.removal_cause, "departure")
        # Archived again by hand: the removals under way are not filed twice.
        self.reporter.with_user(self.hr_officer).action_unarchive()
        self.reporter.with_user(self.hr_officer).action_archive()
        self.assertEqual(self.removals(self.reporter), removals)

    def test_a_change_of_post_removes_the_accounts(self):
        employee = self.reporter.with_user(self.hr_officer)
        employee.department_id = self.reporter.department_id  # the same: nothing
        self.assertFalse(self.removals(self.reporter))
        employee.department_id = self.it
        removals = self.removals(self.reporter)
        self.assertEqual(len(removals), 2)
        self.assertEqual(set(removals.mapped("request_origin")), {"transfer"})
        # A new job for someone without accounts files nothing.
        other = self.employees["other_reporter"].with_user(self.hr_officer)
        other.job_id = self.env["hr.job"].create({"name": "Analyst"})
        self.assertFalse(self.removals(other))

    def test_the_register_is_read_by_whom_it_concerns_and_kept(self):
        Account = self.env["itsm.system.account"]
        mine = self.crm_account | self.billing_account | self.old_account
        # Employees read their own (to ask for a change or removal), their
        # department's head those of the department, the desk all of them.
        self.assertEqual(Account.with_user(self.users["reporter"]).search([]), mine)
        self.assertFalse(Account.with_user(self.users["other_reporter"]).search([]))
        for user in (self.users["department_head"], self.users["resolver"]):
            self.assertEqual(
                Account.with_user(user).search(
                    [("employee_id", "=", self.reporter.id)]
                ),
                mine,
            )
        with self.assertRaises(AccessError):
            self.crm_account.with_user(self.users["other_reporter"]).read(["rights"])
        # The requests keep it: nobody writes it by hand but ITSM managers,
        # nobody deletes from it.
        with self.assertRaises(AccessError):
            self.crm_account.with_user(self.users["agent"]).rights = "Everything"
        with self.assertRaises(AccessError):
            self.crm_account.with_user(self.users["manager"]).unlink()
        # HR's origin is the system's stamp.
        with self.assertRaises(AccessError):
            self.file(
                "remove",
                request_account_id=self.crm_account.id,
                request_origin="departure",
            )
