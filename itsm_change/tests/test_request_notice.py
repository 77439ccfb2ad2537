from freezegun import freeze_time

from odoo import SUPERUSER_ID

from odoo.addons.itsm_incident.tests.common import close_the_loop, follow_up, utc

from .test_request import RequestCase


class TestRequestNotices(RequestCase):
    """The requester hears of each step of their request (CHG-10): received,
    approved or rejected, done (with the request's own confirmation links),
    each the editable template its type chooses, in their language; an
    overdue request tells its handler through the escalation ladder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester = cls.users["reporter"]
        cls.requester.partner_id.email = "zhang.wei@example.com"

    def messages(self, request, subject):
        return request.message_ids.filtered(
            lambda message: subject in (message.subject or "")
        )

    def receipt(self, request):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", request.id),
                ("recipient_ids", "in", self.requester.partner_id.ids),
            ]
        )

    def approve_all(self, request):
        self.act(request, self.users["department_head"], at=utc(2026, 11, 26, 10))
        self.act(request, self.marketing_manager)

    def test_the_requester_hears_of_receipt_and_approval(self):
        request = self.file(self.product, request_scope="Plan 500M in billing")
        follow_up(self.env)
        receipt = self.receipt(request)
        self.assertEqual(len(receipt), 1, "the request's receipt, not the incident's")
        self.assertIn("We have received your request", receipt.subject)
        self.assertIn("Department manager", receipt.body_html, "who approves next")
        self.assertIn("done within 3 working days", receipt.body_html)
        self.assertFalse(self.messages(request, "approved"))
        self.approve_all(request)
        approved = self.messages(request, "Your request is approved")
        self.assertEqual(len(approved), 1)
        self.assertEqual(approved.partner_ids, self.requester.partner_id)
        self.assertIn(self.marketing_manager.name, approved.body)
        self.assertIn("Agreed.", approved.body, "the approvers' opinions")
        self.assertIn("It is done by", approved.body, "the fulfilment's due time")

    def test_a_rejection_tells_the_requester_why(self):
        request = self.file(self.product, request_scope="Plan")
        self.act(
            request,
            self.users["department_head"],
            action="reject",
            opinion="Not in this year's budget.",
        )
        rejected = self.messages(request, "Your request is rejected")
        self.assertEqual(len(rejected), 1)
        self.assertIn("Not in this year's budget.", rejected.body)
        self.assertFalse(self.messages(request, "approved"))

    def test_a_type_chooses_its_notices(self):
        self.product.mail_template_approved_id = False
        request = self.file(self.product, request_scope="Plan")
        self.approve_all(request)
        self.assertEqual(request.request_state, "approved")
        self.assertFalse(self.messages(request, "approved"), "none chosen: none sent")
        # A type without approval tiers: approved at once, no approval notice.
        requirement = self.file(
            self.requirement, service_id=self.crm.id, request_scope="A report"
        )
        self.assertEqual(requirement.request_state, "approved")
        self.assertFalse(self.messages(requirement, "approved"))

    def test_the_notices_speak_the_requesters_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["itsm_incident", "itsm_change"], ["zh_CN"]
        )
        self.requester.partner_id.lang = "zh_CN"
        request = self.file(self.product, request_scope="Plan")
        follow_up(self.env)
        receipt = self.receipt(request)
        self.assertEqual(len(receipt), 1)
        self.assertIn("已收到您的申请", receipt.subject)
        self.approve_all(request)
        self.assertEqual(len(self.messages(request, "已审批通过")), 1)

    def test_done_sends_the_requests_own_notice(self):
        request = self.screen(self.file(self.product, request_scope="Plan"))
        self.approve_all(request)
        with freeze_time(utc(2026, 11, 30, 10)):
            close_the_loop(request, confirmed=False)
        self.assertTrue(request.stage_id.itsm_resolved)
        done = self.messages(request, "Done:")
        self.assertEqual(len(done), 1, "the type's done notice")
        self.assertIn("/rate/", done.body, "with the rating links to confirm")
        self.assertFalse(self.messages(request, "Resolved:"), "not the incident's")
        # A plain ticket keeps the incident's resolution notice.
        incident = self.screen(self.ticket_reporter)
        with freeze_time(utc(2026, 11, 30, 10)):
            close_the_loop(incident, confirmed=False)
        self.assertEqual(len(self.messages(incident, "Resolved:")), 1)

    def test_an_overdue_request_tells_its_handler_once(self):
        request = self.file(self.product, request_scope="Plan")
        request.user_id = self.users["agent"]
        self.approve_all(request)
        due = self.clock(request, "fulfilment").deadline
        self.assertEqual(due, utc(2026, 12, 2, 16, 0))
        Deadline = self.env["itsm.deadline"].with_user(SUPERUSER_ID)
        with freeze_time(utc(2026, 12, 2, 15, 0)):
            Deadline._cron_sweep()
        self.assertFalse(self.messages(request, "Request overdue"), "not yet due")
        for _sweep in range(2):
            with freeze_time(utc(2026, 12, 2, 17, 0)):
                Deadline._cron_sweep()
        overdue = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", request.id),
                ("subject", "ilike", "Request overdue"),
            ]
        )
        self.assertEqual(len(overdue), 1, "once, however many sweeps")
        self.assertIn(self.users["agent"].partner_id, overdue.recipient_ids)
        self.assertTrue(
            request.activity_ids.filtered(
                lambda activity: activity.user_id == self.users["agent"]
            ),
            "and a to-do for the handler",
        )
