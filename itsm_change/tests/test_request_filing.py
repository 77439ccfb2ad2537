from odoo import http
from odoo.tests import new_test_user, tagged

from odoo.addons.itsm_incident.tests.test_portal import PortalCase
from odoo.addons.mail.tests.common import MockEmail


@tagged("post_install", "-at_install")
class TestRequestFiling(PortalCase, MockEmail):
    """Requests filed where their requesters are (CHG-10): customers from the
    portal's form, for the types open to them, with what each type asks
    for; an urgent data correction by its requester's supervisor's e-mail to
    the type's alias (S4 业务数据处理流程 3). Refused input files nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.crm = env.ref("itsm_incident.itsm_service_crm")
        cls.product = env.ref("itsm_change.request_type_product")
        cls.portal_type = env["itsm.request.type"].create(
            {
                "name": "Report subscription",
                "code": "RPT",
                "portal_ok": True,
                "ask_service": True,
                "ask_scope": True,
                "fulfilment_days": 2,
                "team_id": cls.desk_team.id,
                "description": "<p>Reports mailed every month.</p>",
            }
        )
        # The urgent data correction by e-mail.
        domain = env["mail.alias.domain"].create({"name": "itsm.example.com"})
        env.company.alias_domain_id = domain
        cls.processing = env.ref("itsm_change.request_type_processing")
        cls.processing.write(
            {"alias_name": "data-processing", "team_id": cls.desk_team.id}
        )
        cls.supervisor = cls.employees["department_head"]
        cls.supervisor.user_id.email = "head@customer.example.com"
        cls.outsider = new_test_user(
            env, login="test_outsider", email="clerk@customer.example.com"
        )
        env["hr.employee"].create({"name": "Clerk", "user_id": cls.outsider.id})

    def setUp(self):
        super().setUp()
        self.authenticate("test_portal", "test_portal")

    def submit(self, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "declaration_type": "service_request",
            "category": str(self.category.id),
            "subject": "Monthly revenue report",
            "description": "Please send us the monthly revenue report.",
        }
        data.update(values)
        return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

    def test_the_form_offers_the_types_open_to_customers(self):
        page = self.url_open("/new/ticket")
        offered = [label for _value, label, _sel in self.options(page, "request_type")]
        self.assertIn("[RPT] Report subscription", offered)
        self.assertNotIn("[PRD] Product request", offered)
        self.assertIn(
            self.crm.display_name,
            [label for _value, label, _sel in self.options(page, "service")],
        )

    def test_the_form_shows_what_the_chosen_type_asks_for(self):
        """In Chromium: the request fields appear with the type that asks
        for them, its description too; the request is filed with them."""
        before = self.tickets()
        self.start_tour("/new/ticket", "itsm_portal_request_form", login="test_portal")
        request = self.tickets() - before
        self.assertEqual(request.request_type_id, self.portal_type)
        self.assertEqual(request.service_id, self.crm)
        self.assertEqual(request.request_scope, "Revenue per store, every month.")
        self.assertFalse(request.request_purpose)

    def test_a_customer_files_a_request_of_a_type(self):
        before = self.tickets()
        answer = self.submit(
            declaration_type="incident",
            request_type=str(self.portal_type.id),
            service=str(self.crm.id),
            request_scope="Revenue per store, every month.",
        )
        self.assertEqual(answer.status_code, 302)
        ticket = self.tickets() - before
        self.assertRecordValues(
            ticket,
            [
                {
                    "request_type_id": self.portal_type.id,
                    "declaration_type": "service_request",
                    "service_id": self.crm.id,
                    "request_scope": "Revenue per store, every month.",
                    "partner_id": self.portal_partner.id,
                    "team_id": self.desk_team.id,
                    # No tier: approved at once, its fulfilment clock running.
                    "request_state": "approved",
                }
            ],
        )
        self.assertTrue(answer.headers["Location"].endswith(f"/my/ticket/{ticket.id}"))

    def test_bad_requests_are_sent_back_and_file_nothing(self):
        before = self.tickets()
        for values, reason in (
            ({"request_type": "999999"}, "Unknown request type"),
            ({"request_type": str(self.product.id)}, "Unknown request type"),
            ({"request_type": "abc"}, "Unknown request type"),
            (
                {"request_type": str(self.portal_type.id), "service": str(self.crm.id)},
                "needs the scope",
            ),
            (
                {
                    "request_type": str(self.portal_type.id),
                    "request_scope": "All stores.",
                },
                "needs the system",
            ),
            (
                {
                    "request_type": str(self.portal_type.id),
                    "request_scope": "All stores.",
                    "service": "-5",
                },
                "Unknown system",
            ),
        ):
            with self.subTest(values=values):
                answer = self.submit(**values)
                self.assertEqual(answer.status_code, 400)
                self.assertIn(reason, answer.text)
        self.assertEqual(self.tickets(), before)

    def mail(self, sender, subject="Urgent: wrong balance for customer 4711"):
        return (
            f"From: {sender}\r\n"
            "To: data-processing@itsm.example.com\r\n"
            f"Subject: {subject}\r\n"
            "Message-Id: <urgent-4711-"
            f"{sender.split('@')[0]}@customer.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "The balance of customer 4711 shows 1 200 instead of 12 000.\r\n"
        )

    def test_a_supervisor_files_an_urgent_correction_by_email(self):
        before = self.tickets()
        self.env["mail.thread"].message_process(
            None, self.mail("Head <head@customer.example.com>")
        )
        ticket = self.tickets() - before
        self.assertRecordValues(
            ticket,
            [
                {
                    "request_type_id": self.processing.id,
                    "declaration_type": "service_request",
                    "urgency": "high",
                    "partner_id": self.supervisor.user_id.partner_id.id,
                    "name": "Urgent: wrong balance for customer 4711",
                }
            ],
        )
        self.assertIn("instead of 12 000", ticket.request_scope)
        # The system is the desk's to name: the request waits for it, the
        # first assessment's clock runs.
        self.assertFalse(ticket.service_id)
        self.assertTrue(
            self.env["itsm.deadline"].search(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("kind", "=", "assessment"),
                ]
            )
        )

    def test_someone_who_supervises_nobody_is_sent_back(self):
        before = self.tickets()
        # The mails Odoo sends, kept (whether the runner's outgoing server
        # sends and deletes them at once or not).
        with self.mock_mail_gateway():
            self.env["mail.thread"].message_process(
                None, self.mail("Clerk <clerk@customer.example.com>")
            )
        self.assertEqual(self.tickets(), before)
        bounce = self._new_mails.filtered(
            lambda mail: "clerk@customer.example.com" in (mail.email_to or "")
        )
        self.assertEqual(len(bounce), 1)
        self.assertIn("by the requester's supervisor only", bounce.body_html)
