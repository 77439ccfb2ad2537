from odoo.tests import TransactionCase


class TestChangeDemo(TransactionCase):
    """The demo shows the month's changes in every state, each taken there
    through the buttons (the approved ones through their tiers), and this
    month's agreed plan."""

    def test_the_demo_has_a_change_in_every_state(self):
        changes = self.env["itsm.change"].search(
            [("requester_id", "=", self.env.ref("base.user_demo").id)]
        )
        self.assertLessEqual(
            {
                "draft",
                "submitted",
                "approved",
                "testing",
                "implementing",
                "review",
                "closed",
                "cancelled",
            },
            set(changes.mapped("state")),
        )
        for change in changes.filtered(
            lambda c: c.state in ("approved", "testing", "implementing", "review")
            and c.change_type != "standard"
        ):
            self.assertTrue(change.review_ids)
            self.assertEqual(set(change.review_ids.mapped("status")), {"approved"})
        review = self.env.ref("itsm_change.itsm_change_demo_review")
        self.assertEqual(review.state, "review")
        self.assertTrue(review.check_ids)
        self.assertFalse(any(review.check_ids.mapped("result")))
