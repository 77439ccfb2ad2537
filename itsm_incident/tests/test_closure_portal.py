from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .test_closure import RESOLUTION, ClosureCase


@tagged("post_install", "-at_install")
class TestClosurePortal(HttpCase, ClosureCase):
    """The portal reporter confirms and rates, or rejects, from the ticket
    page and from the resolution notice's links (INC-12)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = cls.users["portal"]
        cls.portal.partner_id.email = "portal@customer-a.example.com"
        cls.stranger = new_test_user(
            cls.env, login="test_portal_b", groups="base.group_portal"
        )
        cls.stranger.partner_id.parent_id = cls.other_company

    def resolved_ticket(self):
        ticket = self.new_incident(partner_id=self.portal.partner_id.id)
        self.handle(ticket).action_resolve()
        return ticket

    def post(self, url, **data):
        return self.url_open(
            url, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def test_the_reporter_confirms_and_rates_in_chromium(self):
        ticket = self.resolved_ticket()
        self.start_tour(
            f"/my/ticket/{ticket.id}",
            "itsm_portal_confirm_resolution",
            login="test_portal",
        )
        self.assertEqual(ticket.stage_id, self.done)
        self.assertTrue(ticket.reporter_confirmed_date)
        rating = ticket.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Printing works again, thank you.")
        self.assertEqual(rating.partner_id, self.portal.partner_id)

    def test_the_ticket_page_shows_the_resolution_and_the_choice(self):
        ticket = self.resolved_ticket()
        self.authenticate("test_portal", "test_portal")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        shown = {k: v for k, v in RESOLUTION.items() if k != "resolution_lessons"}
        for text in (*shown.values(), "Is it resolved for you?", "Not resolved"):
            self.assertIn(text.replace("'", "&#39;"), page.text)
        self.assertNotIn(
            RESOLUTION["resolution_lessons"], page.text, "the summary is internal"
        )

    def test_the_reporter_rejects_from_the_portal(self):
        ticket = self.resolved_ticket()
        self.authenticate("test_portal", "test_portal")
        answer = self.post(f"/my/ticket/{ticket.id}/reject", reason="   ")
        self.assertEqual(answer.status_code, 409)
        self.assertIn("Nothing was changed", answer.text)
        self.assertEqual(ticket.stage_id, self.resolved)
        answer = self.post(
            f"/my/ticket/{ticket.id}/reject", reason="The 3rd floor still jams."
        )
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(ticket.stage_id, self.in_progress)
        self.assertEqual(ticket.reopen_count, 1)
        self.assertIn("We carry on with your ticket", answer.text)

    def test_refusals_on_the_portal_change_nothing(self):
        ticket = self.resolved_ticket()
        before = self.snapshot(ticket)
        # Another company's portal user: the ticket does not exist for them.
        self.authenticate("test_portal_b", "test_portal_b")
        answer = self.post(f"/my/ticket/{ticket.id}/confirm", rate="1")
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(self.snapshot(ticket), before)
        # Nor may they use the rating link of someone else's notice.
        token = ticket.rating_ids.access_token
        answer = self.post(f"/rate/{token}/submit_feedback", rate="1")
        self.assertEqual(answer.status_code, 403)
        self.assertIn("You cannot rate this", answer.text)
        self.assertEqual(self.snapshot(ticket), before)
        # The reporter without a rate; then rating twice.
        self.authenticate("test_portal", "test_portal")
        answer = self.post(f"/my/ticket/{ticket.id}/confirm", rate="")
        self.assertEqual(answer.status_code, 409)
        self.assertIn("Choose how satisfied you are", answer.text)
        self.assertEqual(self.snapshot(ticket), before)
        self.post(f"/my/ticket/{ticket.id}/confirm", rate="3", feedback="Fine")
        self.assertEqual(ticket.stage_id, self.done)
        after = self.snapshot(ticket)
        answer = self.post(f"/my/ticket/{ticket.id}/confirm", rate="1")
        self.assertEqual(answer.status_code, 409)
        self.assertIn("already confirmed", answer.text)
        answer = self.post(f"/rate/{token}/submit_feedback", rate="1")
        self.assertEqual(answer.status_code, 409)
        self.assertIn("already rated", answer.text)
        self.assertEqual(self.snapshot(ticket), after)
        self.assertEqual(ticket.rating_ids.rating, 3)

    def test_the_notice_link_rates_and_confirms(self):
        ticket = self.resolved_ticket()
        token = ticket.rating_ids.access_token
        # Not logged in: the link of the e-mail is enough.
        self.authenticate(None, None)
        page = self.url_open(f"/rate/{token}/5")
        self.assertEqual(page.status_code, 200)
        answer = self.post(f"/rate/{token}/submit_feedback", rate="5", feedback="Great")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(ticket.stage_id, self.done)
        self.assertEqual(ticket.rating_ids.rating, 5)
        self.assertEqual(self.url_open(f"/rate/{token}/1").status_code, 409)
