from odoo import Command
from odoo.tests import tagged

from .common import ItsmCase, follow_up


# After the installation: a request marks the assignee to tell only once the
# registry is ready (loaded, as after the commit of an installation), never
# while modules are being installed.
@tagged("post_install", "-at_install")
class TestAssignmentNotice(ItsmCase):
    """The assignee of a new ticket hears of it from a cron right after the
    commit; reassigned by hand later, the new one hears of it at once, as in
    Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("itsm_incident.ir_cron_itsm_ticket_follow_up")
        cls.agent = cls.users["agent"]
        cls.resolver = cls.users["resolver"]
        (cls.agent | cls.resolver).notification_type = "email"
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Storm", "user_ids": [Command.set(cls.agent.ids)]}
        )
        # The tickets of the common fixtures were assigned too: told now.
        follow_up(cls.env)

    def declare(self, name, **vals):
        """A ticket declared in a transaction of its own (tracking on)."""
        ticket = (
            self.env["helpdesk.ticket"]
            .with_context(tracking_disable=False)
            .create({"name": name, "description": "x", "team_id": self.team.id} | vals)
        )
        self.env.cr.precommit.run()  # as the commit does
        return ticket

    def notices(self, user, tickets):
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def send(self):
        return follow_up(self.env)

    def triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def test_creating_leaves_the_notice_pending_and_wakes_the_cron(self):
        self.env.cr.precommit.run()
        before = self.triggers()
        Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=False)
        tickets = Ticket.create(
            {"name": "Mail down", "description": "x", "team_id": self.team.id}
        ) | Ticket.create(
            {"name": "VPN down", "description": "x", "team_id": self.team.id}
        )
        self.assertEqual(tickets.user_id, self.agent, "assigned at once")
        self.assertEqual(tickets.itsm_notice_user_id, self.agent, "notice pending")
        self.assertFalse(self.notices(self.agent, tickets), "not in the request")
        self.assertEqual(self.triggers(), before, "scheduled when it commits")
        self.env.cr.precommit.run()
        self.assertEqual(len(self.triggers() - before), 1, "once per transaction")

    def test_the_assignee_follows_the_tickets_from_the_cron(self):
        Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=False)
        tickets = Ticket.create(
            [
                {
                    "name": f"Switch {i} down",
                    "description": "x",
                    "team_id": self.team.id,
                }
                for i in range(3)
            ]
        )
        self.env.cr.precommit.run()
        self.assertEqual(tickets.user_id, self.agent, "assigned in the creation")
        for ticket in tickets:
            self.assertNotIn(self.agent.partner_id, ticket.message_partner_ids)
        self.send()
        for ticket in tickets:
            self.assertIn(
                self.agent.partner_id, ticket.message_partner_ids, "follows it now"
            )
        follower = tickets[0].message_follower_ids.filtered(
            lambda f: f.partner_id == self.agent.partner_id
        )
        self.assertEqual(
            follower.subtype_ids,
            self.env["mail.message.subtype"].default_subtypes("helpdesk.ticket")[0],
            "with the default subtypes, as Odoo subscribes an assignee",
        )

    def test_a_ticket_of_the_default_team_is_assigned_and_followed_too(self):
        """No team in the values: the service desk team comes from the
        company's default, the assignee right after the insert."""
        self.env.company.itsm_default_team_id = self.team
        ticket = (
            self.env["helpdesk.ticket"]
            .with_context(tracking_disable=False)
            .create({"name": "Phone line dead", "description": "x"})
        )
        self.env.cr.precommit.run()
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(ticket.itsm_notice_user_id, self.agent)
        self.assertNotIn(self.agent.partner_id, ticket.message_partner_ids)
        self.send()
        self.assertIn(self.agent.partner_id, ticket.message_partner_ids)
        self.assertEqual(len(self.notices(self.agent, ticket)), 1)

    def test_the_cron_sends_one_notice_once(self):
        # The mail queued, as until the cron commits: in a test, Odoo's
        # runner would send it at once and delete it.
        self.env = self.env(
            context=dict(self.env.context, mail_notify_force_send=False)
        )
        ticket = self.declare("Printer jams")
        self.assertEqual(self.send(), 2, "its notice and its follow-up")
        notice = self.notices(self.agent, ticket)
        self.assertEqual(len(notice), 1)
        self.assertIn(ticket.display_name, notice.subject)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", notice.id)])
        self.assertIn(self.agent.partner_id, mail.recipient_ids)
        self.assertIn(f"res_id={ticket.id}", mail.body_html, "the ticket's link")
        self.assertFalse(ticket.itsm_notice_user_id, "no longer pending")
        self.assertEqual(self.send(), 0)
        self.assertEqual(len(self.notices(self.agent, ticket)), 1, "sent once")

    def test_tickets_of_several_transactions_make_one_digest(self):
        tickets = self.env["helpdesk.ticket"]
        for i in range(5):
            tickets |= self.declare(f"Alert {i}")
        self.send()
        notices = self.notices(self.agent, tickets)
        self.assertEqual(len(notices), 1, "one digest for the assignee")
        self.assertIn("5 tickets", notices.subject)
        for ticket in tickets:
            self.assertIn(ticket.display_name, notices.body)

    def test_reassigned_by_hand_before_the_cron(self):
        ticket = self.declare("Disk full")
        ticket.with_context(tracking_disable=False).user_id = self.resolver
        self.assertFalse(ticket.itsm_notice_user_id)
        self.assertEqual(
            len(self.notices(self.resolver, ticket)), 1, "Odoo tells the new one"
        )
        self.assertIn(self.resolver.partner_id, ticket.message_partner_ids)
        self.send()
        self.assertFalse(self.notices(self.agent, ticket), "no stale notice")
        self.assertNotIn(self.agent.partner_id, ticket.message_partner_ids)
        self.assertEqual(len(self.notices(self.resolver, ticket)), 1)

    def test_an_assignee_chosen_by_the_creator_is_told_after_the_commit(self):
        ticket = self.declare("Screen flickers", user_id=self.resolver.id)
        self.assertEqual(ticket.user_id, self.resolver, "the creator's choice")
        self.assertEqual(ticket.itsm_notice_user_id, self.resolver)
        self.assertFalse(self.notices(self.resolver, ticket), "not in the request")
        self.send()
        notice = self.notices(self.resolver, ticket)
        self.assertEqual(len(notice), 1, "told once, not by Odoo as well")
        self.assertIn("You have been assigned", notice.subject)

    def test_nobody_is_told_of_assigning_themselves(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .with_context(tracking_disable=False)
            .create({"name": "Own ticket", "description": "x", "team_id": self.team.id})
        )
        self.assertEqual(ticket.user_id, self.agent)
        self.assertFalse(ticket.itsm_notice_user_id)
        self.assertIn(self.agent.partner_id, ticket.message_partner_ids)

    def test_a_backlog_goes_in_batches_with_progress(self):
        """After a restart, say: the pending follow-ups go in batches, the
        cron runner told how many remain (each ticket's notice and follow-up);
        every ticket is named once."""
        tickets = self.declare("Queue 1") | self.declare("Queue 2")
        tickets |= self.declare("Queue 3")
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        Ticket = self.env["helpdesk.ticket"].with_context(
            ir_cron_progress_id=progress.id
        )
        self.assertEqual(Ticket._cron_itsm_follow_up(batch_size=2), 4)
        self.assertEqual((progress.done, progress.remaining), (4, 2))
        self.assertEqual(Ticket._cron_itsm_follow_up(batch_size=2), 2)
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        notices = self.notices(self.agent, tickets)
        self.assertEqual(len(notices), 2, "a digest of two, then one notice")
        for ticket in tickets:
            named = notices.filtered(
                lambda m, t=ticket: t.display_name in (m.subject or "") + m.body
            )
            self.assertEqual(len(named), 1)
