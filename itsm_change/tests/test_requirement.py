import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.itsm_incident.tests.common import close_the_loop, utc

from .test_request import FRIDAY_16H, RequestCase

TUESDAY_11H = utc(2026, 12, 1, 11, 0)


@tagged("post_install", "-at_install")
class TestRequirements(HttpCase, RequestCase):
    """Business requirements (S4 业务需求管理流程): the first assessment
    within 3 working days meets its clock and reaches the requester; one
    that changes products carries the product department's confirmation;
    one beyond the system's scope is proposed as a new project; an accepted
    one raises its change; the requester evaluates the delivery with the
    feedback form on the portal; the request prints with its trail."""

    def requirement_request(self, **vals):
        return self.file(
            self.requirement,
            at=FRIDAY_16H,
            service_id=self.crm.id,
            request_scope="A daily order report for the sales team",
            **vals,
        )

    def assess(self, request, outcome="implement", user="agent", at=TUESDAY_11H):
        with freeze_time(at):
            mine = request.with_user(self.users[user])
            mine.write(
                {
                    "request_assessment": "Feasible in the reporting module; "
                    "about two weeks.",
                    "request_assessment_outcome": outcome,
                }
            )
            mine.action_request_assess()
        request.invalidate_recordset()

    def test_the_first_assessment_meets_its_clock(self):
        request = self.requirement_request()
        clock = self.clock(request, "assessment")
        self.assertEqual(clock.deadline, utc(2026, 12, 2, 16, 0))
        # Refused, and nothing changes: not the desk, nothing written.
        with self.refused(AccessError, "Only the service desk"):
            request.with_user(self.users["reporter"]).request_assessment = "Fine."
        with self.refused(UserError, "Write the first assessment"):
            request.with_user(self.users["agent"]).action_request_assess()
        self.assertEqual(clock.state, "running")
        self.assess(request)
        self.assertEqual(clock.state, "done")
        self.assertTrue(clock.met, "Tuesday, within 3 working days of Friday")
        self.assertEqual(request.request_assessed_date, TUESDAY_11H)
        self.assertEqual(request.request_assessed_by_id, self.users["agent"])
        notice = request.message_ids.filtered(
            lambda message: "First assessment of your request"
            in (message.subject or "")
        )
        self.assertEqual(notice.partner_ids, self.users["reporter"].partner_id)
        self.assertIn("about two weeks", notice.body)
        with self.refused(UserError, "was sent"):
            request.with_user(self.users["agent"]).action_request_assess()
        with self.refused(UserError, "does not change"):
            request.with_user(self.users["agent"]).request_assessment = "Other."

    def test_a_late_assessment_breaches_its_clock(self):
        request = self.requirement_request()
        self.assess(request, at=utc(2026, 12, 3, 10, 0))
        clock = self.clock(request, "assessment")
        self.assertEqual(clock.state, "done")
        self.assertFalse(clock.met)

    def test_beyond_the_systems_scope_it_is_proposed_as_a_project(self):
        request = self.requirement_request()
        self.assess(request, outcome="project")
        notice = request.message_ids.filtered(
            lambda message: "First assessment" in (message.subject or "")
        )
        self.assertIn("new project", notice.body)
        self.assertEqual(
            set(
                self.env["itsm.deadline"]
                .search(
                    [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", request.id)]
                )
                .mapped("state")
            ),
            {"done"},
            "its clocks stop here",
        )
        with self.refused(UserError, "says it is implemented"):
            request.with_user(self.users["agent"]).action_request_raise_change()
        self.assertFalse(request.request_change_ids)

    def test_a_change_of_products_carries_the_confirmation(self):
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        with self.refused(ValidationError, "product department's confirmation"):
            self.requirement_request(request_changes_products=True)
        self.assertEqual(Ticket.search_count([]), before, "nothing filed")
        request = self.requirement_request(
            request_changes_products=True,
            request_product_confirmation=base64.b64encode(b"%PDF-1.4 confirmed"),
            request_product_confirmation_name="product-confirmation.pdf",
        )
        self.assertTrue(request.request_product_confirmation)
        with self.refused(ValidationError, "product department's confirmation"):
            request.request_product_confirmation = False
        self.assertTrue(request.request_product_confirmation)

    def test_an_accepted_requirement_raises_its_change(self):
        request = self.requirement_request()
        with self.refused(UserError, "says it is implemented"):
            request.with_user(self.users["agent"]).action_request_raise_change()
        self.assess(request)
        with self.refused(AccessError, "Only the service desk"):
            request.with_user(self.users["reporter"]).action_request_raise_change()
        action = request.with_user(self.users["agent"]).action_request_raise_change()
        change = self.env["itsm.change"].browse(action["res_id"])
        self.assertEqual(change.state, "draft")
        self.assertEqual(change.ticket_ids, request)
        self.assertEqual(change.service_ids, self.crm)
        self.assertEqual(request.request_change_ids, change)

    def test_the_requester_evaluates_the_delivery_on_the_portal(self):
        request = self.screen(self.requirement_request())
        self.assess(request)
        with freeze_time(utc(2026, 12, 10, 10, 0)):
            close_the_loop(request, confirmed=False)
        self.assertTrue(request.stage_id.itsm_resolved)
        done = request.message_ids.filtered(
            lambda message: "Done:" in (message.subject or "")
        )
        self.assertIn("feedback form", done.body)
        self.authenticate("test_reporter", "test_reporter")
        page = self.url_open(f"/my/ticket/{request.id}")
        self.assertIn("Feedback form", page.text)
        token = self.csrf_token(page.text)
        # No evaluation: refused, nothing confirmed.
        response = self.url_open(
            f"/my/ticket/{request.id}/confirm",
            data={"csrf_token": token, "rate": "5", "feedback": "Good."},
        )
        self.assertEqual(response.status_code, 409)
        self.assertIn("meets your requirement", response.text)
        request.invalidate_recordset()
        self.assertFalse(request.reporter_confirmed_date)
        self.assertFalse(request.request_feedback_result)
        response = self.url_open(
            f"/my/ticket/{request.id}/confirm",
            data={
                "csrf_token": token,
                "rate": "5",
                "evaluation": "partly",
                "feedback": "The export to Excel is missing.",
            },
        )
        self.assertEqual(response.status_code, 200)
        request.invalidate_recordset()
        self.assertTrue(request.reporter_confirmed_date)
        self.assertEqual(request.request_feedback_result, "partly")
        self.assertEqual(request.request_feedback, "The export to Excel is missing.")
        self.assertTrue(request.stage_id.closed)

    def test_the_request_prints_with_its_approval_trail(self):
        request = self.file(self.product, request_scope="Plan 500M")
        self.act(request, self.users["department_head"], at=utc(2026, 11, 26, 10))
        self.act(request, self.marketing_manager, opinion="Fits the price list.")
        report = self.env.ref("itsm_change.action_report_itsm_request")
        html = report._render_qweb_html(report.report_name, request.ids)[0].decode()
        self.assertIn("Approval trail", html)
        self.assertIn(self.marketing_manager.name, html)
        self.assertIn("Fits the price list.", html)
        self.assertIn("Plan 500M", html)
        pdf = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, request.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        action = request.with_user(self.users["reporter"]).action_request_print()
        self.assertEqual(action["report_name"], "itsm_change.report_itsm_request")
        with self.refused(UserError, "Only requests"):
            self.ticket_reporter.action_request_print()

    def csrf_token(self, html):
        marker = 'name="csrf_token" value="'
        start = html.index(marker) + len(marker)
        return html[start : html.index('"', start)]
