from lxml import html

from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval, time

from .security_common import SecurityHttpCase

PDF = b"%PDF-1.4 internal"


@tagged("post_install", "-at_install")
class TestSecurityPortal(SecurityHttpCase):
    """The portal's ticket routes act for the reporter only, by POST with a
    CSRF token, and show the reporter what is theirs to read (security
    review M1-M4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A plain helpdesk team (no ITSM): its customers close their tickets
        # from the portal, as in helpdesk_mgmt.
        cls.facilities = cls.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        cls.plain = cls.env["helpdesk.ticket"].create(
            {
                "name": "Door squeaks",
                "description": "The front door squeaks.",
                "partner_id": cls.portal.partner_id.id,
                "team_id": cls.facilities.id,
            }
        )
        cls.plain.message_subscribe(partner_ids=cls.users["employee"].partner_id.ids)

    def close_url(self, ticket, stage=None):
        stage = stage or self.cancelled
        return f"/ticket/close?ticket_id={ticket.id}&stage_id={stage.id}"

    def close(self, ticket, stage=None, csrf=True):
        stage = stage or self.cancelled
        data = {"ticket_id": ticket.id, "stage_id": stage.id}
        if not csrf:
            self.env.flush_all()
            response = self.url_open("/ticket/close", data=data, allow_redirects=False)
            self.env.invalidate_all()
            return response
        return self.post("/ticket/close", **data)

    # ------------------------------------------------------------------
    # M1: /ticket/close
    # ------------------------------------------------------------------

    def test_only_the_reporter_closes_from_the_portal_by_post(self):
        ticket = self.plain
        stage = ticket.stage_id
        self.assertTrue(self.cancelled.close_from_portal)
        self.login("portal")
        # A link or an image (GET) never closes: no CSRF token on a GET.
        self.assertEqual(self.get(self.close_url(ticket)).status_code, 405)
        # A form of another site posts without the session's CSRF token.
        self.assertEqual(self.close(ticket, csrf=False).status_code, 400)
        self.assertEqual(ticket.stage_id, stage)
        # Readers who are not the reporter: a colleague of their company, a
        # supervisor (reads every ticket, changes none). (An employee who
        # may change the ticket in the back office may here too.)
        for role in ("colleague", "supervisor"):
            with self.subTest(role=role):
                self.login(role)
                self.assertIn(self.close(ticket).status_code, (403, 404))
                self.assertEqual(ticket.stage_id, stage)
        # Another customer's portal user: the ticket does not exist for them.
        self.login("stranger")
        self.assertEqual(self.close(ticket).status_code, 404)
        # A stage that does not close from the portal: helpdesk_mgmt's
        # answer for a plain team's ticket, back to it unchanged.
        self.login("portal")
        answer = self.close(ticket, self.in_progress)
        self.assertEqual(answer.status_code, 302)
        self.assertTrue(answer.headers["Location"].endswith(f"/my/ticket/{ticket.id}"))
        self.assertEqual(ticket.stage_id, stage)
        # The reporter, by the form of their ticket page (helpdesk_mgmt's
        # redirect).
        answer = self.close(ticket)
        self.assertEqual(answer.status_code, 302)
        self.assertEqual(ticket.stage_id, self.cancelled)

    def test_an_employee_who_may_change_the_ticket_closes_it_too(self):
        ticket = self.plain
        self.assertTrue(ticket.with_user(self.users["agent"]).has_access("write"))
        self.login("agent")
        self.assertEqual(self.close(ticket).status_code, 302)
        self.assertEqual(ticket.stage_id, self.cancelled)
        self.assertEqual(ticket.write_uid, self.users["agent"], "as themselves")

    def test_the_close_buttons_post_with_a_csrf_token(self):
        self.login("portal")
        page = html.fromstring(self.get(f"/my/ticket/{self.plain.id}").content)
        forms = page.xpath("//form[@action='/ticket/close']")
        self.assertTrue(forms)
        for form in forms:
            self.assertEqual(form.get("method").upper(), "POST")
            self.assertTrue(form.xpath(".//input[@name='csrf_token']"))

    # ------------------------------------------------------------------
    # M2: confirm / reject
    # ------------------------------------------------------------------

    def test_only_the_reporter_confirms_or_rejects(self):
        ticket = self.resolved_ticket()
        before = self.snapshot(ticket)
        for role in ("colleague", "supervisor", "risk_control", "agent"):
            with self.subTest(role=role):
                self.login(role)
                for action, data in (
                    ("confirm", {"rate": "1"}),
                    ("reject", {"reason": "Not mine, but still broken."}),
                ):
                    answer = self.post(f"/my/ticket/{ticket.id}/{action}", **data)
                    self.assertIn(answer.status_code, (403, 404), action)
                    self.assertEqual(self.snapshot(ticket), before)
                if role == "colleague":
                    page = self.get(f"/my/ticket/{ticket.id}")
                    self.assertEqual(page.status_code, 200)
                    self.assertNotIn("Is it resolved for you?", page.text)
        self.assertNotIn(
            "rejected", " ".join(ticket.message_ids.mapped("body")).lower()
        )
        # The holder of a token is not the reporter when logged in as
        # someone else.
        token = ticket.sudo()._portal_ensure_token()
        self.login("colleague")
        answer = self.post(
            f"/my/ticket/{ticket.id}/confirm", rate="1", access_token=token
        )
        self.assertEqual(answer.status_code, 403)
        self.assertEqual(self.snapshot(ticket), before)
        # The reporter.
        self.login("portal")
        answer = self.post(f"/my/ticket/{ticket.id}/confirm", rate="5")
        self.assertEqual(answer.status_code, 303)
        self.assertEqual(ticket.stage_id, self.done)
        rating = ticket.sudo().rating_ids.filtered("consumed")
        self.assertEqual(rating.partner_id, self.portal.partner_id)

    # ------------------------------------------------------------------
    # M3: attachments
    # ------------------------------------------------------------------

    def test_the_page_lists_only_public_attachments(self):
        ticket = self.resolved_ticket()
        Attachment = self.env["ir.attachment"]
        public = Attachment.create(
            {
                "name": "screenshot.png",
                "raw": b"png",
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        agent = self.users["agent"].partner_id.id
        ticket.message_post(
            author_id=agent,
            body="Here is the log.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=public.ids,
        )
        internal = Attachment.create(
            {
                "name": "admin-passwords.txt",
                "raw": b"x",
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        ticket.message_post(
            author_id=agent,
            body="Internal: the admin passwords.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachment_ids=internal.ids,
        )
        # The record form printed by the desk once closed, kept on the ticket.
        record = Attachment.create(
            {
                "name": f"Incident record - {ticket.number} - closed.pdf",
                "raw": PDF,
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        self.login("portal")
        page = self.get(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("screenshot.png", page.text)
        for hidden in (internal, record):
            self.assertNotIn(hidden.name, page.text)
            # No token for them either: the portal reads an attachment only
            # with its token.
            self.assertFalse(hidden.sudo().access_token)
            answer = self.get(f"/web/content/{hidden.id}?download=true")
            self.assertIn(answer.status_code, (403, 404))
            # Nor by RPC, although the reporter reads the ticket.
            try:
                rows = self.rpc(
                    "ir.attachment",
                    "search_read",
                    [("id", "=", hidden.id)],
                    fields=["name", "datas"],
                )
            except JsonRpcException:
                rows = []
            self.assertEqual(rows, [])
            self.assert_refused_rpc("ir.attachment", "read", hidden.ids, ["datas"])
        # Nor through the chatter of the page.
        for route, extra in (
            ("/mail/thread/data", {"request_list": ["attachments", "followers"]}),
            ("/mail/thread/messages", {}),
        ):
            try:
                result = self.json(
                    route, thread_model=ticket._name, thread_id=ticket.id, **extra
                )
            except JsonRpcException:
                result = {}
            for hidden in (internal, record):
                self.assertNotIn(hidden.name, str(result), route)
            if route == "/mail/thread/messages":
                self.assertIn("screenshot.png", str(result), "the route answers")

    def test_the_record_form_printed_by_the_desk_is_not_the_portals(self):
        """The desk's print of a closed ticket is kept with it; printed
        from the portal, the record is rendered for the customer and not
        taken from (or kept as) that copy."""
        report = self.env.ref("itsm_incident.action_report_helpdesk_ticket")
        ticket = self.resolved_ticket()
        ticket.sudo()._itsm_confirm()
        self.assertTrue(ticket.closed_date)
        names = {
            role: safe_eval(
                report.attachment,
                {"object": ticket.with_user(self.users[role]), "time": time},
            )
            for role in ("agent", "portal")
        }
        self.assertTrue(names["agent"], "kept for the desk")
        self.assertFalse(names["portal"], "rendered for the customer, not kept")

    # ------------------------------------------------------------------
    # M4: security incidents through their token
    # ------------------------------------------------------------------

    def test_a_security_incident_opened_with_its_token_is_acknowledged(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "declaration_type": "security_incident",
                "name": "Phishing wave",
                "description": "Mail asking for passwords, secret details.",
                "partner_id": self.portal.partner_id.id,
                "team_id": self.desk_team.id,
            }
        )
        token = ticket.sudo()._portal_ensure_token()
        for role in (None, "portal", "colleague", "stranger"):
            with self.subTest(role=role):
                self.login(role)
                page = self.get(f"/my/ticket/{ticket.id}?access_token={token}")
                self.assertEqual(page.status_code, 200)
                self.assertIn("Security incident received", page.text)
                self.assertNotIn("secret details", page.text)
                # Nor its chatter through the token.
                params = {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": ticket.id,
                    "token": token,
                }
                try:
                    messages = self.json("/mail/thread/messages", **params)
                except Exception:  # noqa: BLE001 - refused is fine
                    messages = {}
                self.assertNotIn("secret details", str(messages))
                self.assertNotIn("Phishing wave", str(messages))

    # ------------------------------------------------------------------
    # Isolation
    # ------------------------------------------------------------------

    def test_a_customer_reaches_nothing_of_another_customer_or_internal(self):
        """Portal user of customer A, through every portal route and RPC:
        nothing of customer B or of company B, nothing internal (tickets of
        employees, internal notes and their files, ratings, knowledge
        drafts, review reports, the desk's printed record).

        Routes: /my, /my/tickets, /my/ticket/<id> (with and without a
        wrong token), /my/ticket/<id>/confirm, /my/ticket/<id>/reject,
        /ticket/close, /rate/<token>/<rate>, /my/knowledge,
        /my/knowledge/<id>, /report/pdf|html/<report>/<id> (incident record,
        review report), /web/content/<id>, /web/image/<id>,
        /mail/thread/data, /mail/thread/messages, /mail/message/post,
        /web/dataset/call_kw (search_read and read of helpdesk.ticket,
        mail.message, ir.attachment, rating.rating, itsm.knowledge.article,
        itsm.incident.review)."""
        env = self.env
        theirs = self.resolved_ticket(
            partner=self.users["stranger"].partner_id, name="Customer B's outage"
        )
        internal = self.ticket_reporter
        # A ticket of another company of the database (multi-company).
        company_b = env["res.company"].create({"name": "Company B"})
        foreign = env["helpdesk.ticket"].create(
            {
                "name": "Company B's outage",
                "description": "In company B.",
                "company_id": company_b.id,
                "team_id": env["helpdesk.ticket.team"]
                .create({"name": "Desk B", "company_id": company_b.id})
                .id,
                "partner_id": self.users["stranger"].partner_id.id,
            }
        )
        targets = theirs | internal | foreign
        secret_files = env["ir.attachment"].create(
            [
                {
                    "name": f"secret-{t.id}.txt",
                    "raw": b"secret",
                    "res_model": t._name,
                    "res_id": t.id,
                }
                for t in targets
            ]
        )
        for ticket, attachment in zip(targets, secret_files, strict=True):
            ticket.message_post(
                body="Visible to its own customer",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachment.ids,
            )
        # Customer A's own ticket with an internal note.
        mine = self.resolved_ticket()
        mine.message_post(
            body="INTERNAL-NOTE-A",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        draft = env["itsm.knowledge.article"].create(
            {"name": "DRAFT-ARTICLE", "solution": "Internal steps."}
        )
        review = env["itsm.incident.review"].create({"ticket_id": mine.id})
        ratings = targets.sudo().rating_ids | mine.sudo().rating_ids
        messages = env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "in", targets.ids)]
        ) | env["mail.message"].search([("body", "ilike", "INTERNAL-NOTE-A")])
        before = [self.snapshot(t) for t in targets | mine]

        self.login("portal")
        for url in ("/my", "/my/tickets", "/my/knowledge"):
            page = self.get(url)
            for text in (theirs.name, internal.name, "DRAFT-ARTICLE"):
                self.assertNotIn(text, page.text, url)
        self.assertNotIn("INTERNAL-NOTE-A", self.get(f"/my/ticket/{mine.id}").text)
        self.assertEqual(self.get(f"/my/knowledge/{draft.id}").status_code, 404)
        for ticket in targets:
            for url in (
                f"/my/ticket/{ticket.id}",
                f"/my/ticket/{ticket.id}?access_token=wrong",
                f"/report/pdf/itsm_incident.report_helpdesk_ticket/{ticket.id}",
                f"/report/html/itsm_incident.report_helpdesk_ticket/{ticket.id}",
            ):
                with mute_logger("odoo.http"):  # the report's AccessError
                    answer = self.get(url)
                self.assertNotIn(ticket.name, answer.text, url)
                self.assertNotEqual(answer.status_code, 200, url)
            for action, data in (
                ("confirm", {"rate": "5"}),
                ("reject", {"reason": "x"}),
            ):
                answer = self.post(f"/my/ticket/{ticket.id}/{action}", **data)
                self.assertEqual(answer.status_code, 404)
            self.assertEqual(self.close(ticket).status_code, 404)
            for route in ("/mail/thread/messages", "/mail/thread/data"):
                params = {"thread_model": "helpdesk.ticket", "thread_id": ticket.id}
                if route == "/mail/thread/data":
                    params["request_list"] = ["attachments", "followers"]
                try:
                    result = self.json(route, **params)
                except Exception:  # noqa: BLE001 - refused is fine
                    result = {}
                self.assertNotIn("Visible to its own customer", str(result))
                self.assertNotIn("secret-", str(result))
            with self.assertRaisesRegex(JsonRpcException, "NotFound"):
                self.json(
                    "/mail/message/post",
                    thread_model="helpdesk.ticket",
                    thread_id=ticket.id,
                    post_data={"body": "INTRUDER", "message_type": "comment"},
                )
        review_pdf = (
            f"/report/pdf/itsm_incident.report_itsm_incident_review/{review.id}"
        )
        with mute_logger("odoo.http"):
            self.assertNotEqual(self.get(review_pdf).status_code, 200)
        for attachment in secret_files:
            url = f"/web/content/{attachment.id}?download=true"
            self.assertIn(self.get(url).status_code, (403, 404), url)
            # /web/image answers a placeholder picture.
            self.assertNotIn(b"secret", self.get(f"/web/image/{attachment.id}").content)
        # The rating routes open with a token; the portal user reads none
        # (rating.rating below), guesses get nothing.
        for rating in ratings:
            self.assertIn(self.get(f"/rate/{rating.id}/5").status_code, (403, 404))
        for model, ids in (
            ("helpdesk.ticket", targets.ids),
            ("mail.message", messages.ids),
            ("ir.attachment", secret_files.ids),
            ("rating.rating", ratings.ids),
            ("itsm.knowledge.article", draft.ids),
            ("itsm.incident.review", review.ids),
        ):
            with self.subTest(model=model):
                try:
                    rows = self.rpc(
                        model, "search_read", [("id", "in", ids)], fields=["id"]
                    )
                except Exception:  # noqa: BLE001 - refused is fine
                    rows = []
                self.assertEqual(rows, [])
                self.assert_refused_rpc(model, "read", ids, ["id"])
        self.assertEqual([self.snapshot(t) for t in targets | mine], before)
        self.assertFalse(
            env["mail.message"].search_count([("body", "ilike", "INTRUDER")])
        )
        self.assertEqual(review.state, "draft")
