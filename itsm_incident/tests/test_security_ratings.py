from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL

from .security_common import SecurityHttpCase

INTERNAL = ("employee", "reporter", "resolver", "agent", "supervisor", "risk_control")


@tagged("post_install", "-at_install")
class TestSecurityRatings(SecurityHttpCase):
    """A rating confirms and closes a resolved ticket and feeds the
    satisfaction KPI (INC-12, INC-16): only the reporter gives it, once,
    from their rating request (security review H4)."""

    def ratings(self, ticket):
        ticket.invalidate_recordset()
        return [
            (r.partner_id, r.rating, r.consumed, r.feedback)
            for r in ticket.sudo().rating_ids.sorted("id")
        ]

    def satisfaction(self, ticket):
        """The ticket's satisfaction in the KPI report, and the rated count
        and sum of the KPI summary."""
        self.env.flush_all()
        report = self.env["itsm.kpi.report"].search([("ticket_id", "=", ticket.id)])
        self.env["itsm.kpi.summary"]._refresh()
        [(count, total)] = self.env.execute_query(
            SQL(
                "SELECT sum(rated_count), sum(rating_sum) FROM itsm_kpi_summary "
                "WHERE company_id = %s",
                ticket.company_id.id,
            )
        )
        return report.satisfaction, count, total

    def test_employees_read_no_rating_token(self):
        """H4.1: a pending token is the reporter's link to rate (and close)
        their ticket without logging in: no employee reads one, by any RPC."""
        ticket = self.resolved_ticket()
        rating = ticket.sudo().rating_ids
        self.assertTrue(rating.access_token)
        for role in INTERNAL:
            with self.subTest(role=role):
                self.login(role)
                for call in (
                    ("search_read", [], {"fields": ["access_token"]}),
                    ("read", [rating.ids], {"fields": ["access_token", "res_id"]}),
                    (
                        "search",
                        [[("access_token", "=", rating.access_token)]],
                        {},
                    ),
                    (
                        "web_search_read",
                        [],
                        {"domain": [], "specification": {"access_token": {}}},
                    ),
                ):
                    method, args, kwargs = call
                    with self.assertRaises(JsonRpcException, msg=method):
                        self.rpc("rating.rating", method, *args, **kwargs)
                # What they may read has no token.
                try:
                    rows = self.rpc("rating.rating", "read", rating.ids)
                except JsonRpcException:
                    rows = []
                for row in rows:
                    self.assertNotIn("access_token", row)
        # And so, no rating as the public user with a guessed token.
        self.login(None)
        for token in ("x" * 43, rating.access_token[:-1] + "x"):
            answer = self.get(f"/rate/{token}/1")
            self.assertIn(answer.status_code, (404, 403))
        self.assertEqual(
            self.ratings(ticket), [(self.portal.partner_id, 0, False, False)]
        )

    def test_no_rating_is_written_outside_its_request(self):
        """H4.2, H4.4: no employee writes, creates or applies a ticket's
        rating through RPC; the reporter's pending rating is unchanged."""
        ticket = self.resolved_ticket()
        rating = ticket.sudo().rating_ids
        before = (self.snapshot(ticket), self.ratings(ticket))
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        for role in INTERNAL + ("manager",):
            with self.subTest(role=role):
                self.login(role)
                self.assert_refused_rpc(
                    "rating.rating",
                    "write",
                    rating.ids,
                    {"rating": 1, "consumed": True, "feedback": "forged"},
                )
                self.assert_refused_rpc(
                    "rating.rating",
                    "create",
                    {
                        "res_model_id": model_id,
                        "res_id": ticket.id,
                        "partner_id": self.portal.partner_id.id,
                        "rating": 5,
                        "consumed": True,
                    },
                )
                self.assert_refused_rpc(
                    "helpdesk.ticket",
                    "rating_apply",
                    ticket.ids,
                    1,
                    rating=rating.id,
                    feedback="forged",
                )
                self.assertEqual((self.snapshot(ticket), self.ratings(ticket)), before)

    def test_no_rating_through_the_chatter(self):
        """H4.3: portal_rating lets /mail/message/post carry a rating; on a
        ticket it is dropped: the reporter, the desk or the holder of the
        ticket's link post a message, never a rating."""
        ticket = self.resolved_ticket()
        before = self.ratings(ticket)
        post = {
            "thread_model": "helpdesk.ticket",
            "thread_id": ticket.id,
            "post_data": {
                "body": "Five stars!",
                "message_type": "comment",
                "rating_value": 5,
            },
        }
        for role in ("portal", "agent", "resolver", None):
            with self.subTest(role=role):
                self.login(role)
                params = dict(post)
                if role is None:
                    params["token"] = ticket.sudo().access_token
                self.json("/mail/message/post", **params)
                self.assertEqual(self.ratings(ticket), before)
        # Nor by the ORM's message_post (RPC) of a reader.
        self.login("agent")
        self.assert_refused_rpc(
            "helpdesk.ticket",
            "message_post",
            ticket.ids,
            body="5/5",
            message_type="comment",
            rating_value=5,
        )
        self.assertEqual(self.ratings(ticket), before)
        self.assertEqual(ticket.stage_id, self.resolved, "nothing confirmed")

    def test_the_reporter_rates_once_and_the_kpi_counts_it_once(self):
        """The reporter's rating from their link confirms the resolution and
        is the ticket's satisfaction; extra ratings change neither the
        ticket nor the KPI."""
        ticket = self.resolved_ticket()
        token = ticket.sudo().rating_ids.access_token
        self.login(None)
        answer = self.post(f"/rate/{token}/submit_feedback", rate="5", feedback="Ok")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(ticket.stage_id, self.done)
        rated = self.satisfaction(ticket)
        self.assertEqual(rated[0], 5)
        self.assertGreaterEqual(rated[1], 1, "counted in the summary")
        after = self.ratings(ticket)
        # Again from the link, from the portal page, and through the chatter.
        self.assertEqual(
            self.post(f"/rate/{token}/submit_feedback", rate="1").status_code, 409
        )
        self.login("portal")
        self.assertEqual(
            self.post(f"/my/ticket/{ticket.id}/confirm", rate="1").status_code, 409
        )
        self.json(
            "/mail/message/post",
            thread_model="helpdesk.ticket",
            thread_id=ticket.id,
            post_data={"body": "1/5", "message_type": "comment", "rating_value": 1},
        )
        self.assertEqual(self.ratings(ticket), after)
        # A rating of someone else than the reporter (one given before these
        # checks, or by the colleague of a shared link) is not theirs.
        self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.users["colleague"].partner_id.id,
                "rating": 1,
                "consumed": True,
            }
        )
        self.assertEqual(self.satisfaction(ticket), rated)
