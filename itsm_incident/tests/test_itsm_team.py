from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import ItsmCase, follow_up, utc


class TestItsmTeam(ItsmCase):
    """ITSM is a property of the team: the tickets of other helpdesk teams
    (customer care, HR, facilities) stay plain helpdesk_mgmt tickets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.care_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Customer care",
                "is_itsm": False,
                "user_ids": [
                    Command.set([cls.users["agent"].id, cls.users["resolver"].id])
                ],
            }
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.resolved = cls.env.ref("itsm_incident.helpdesk_ticket_stage_resolved")

    def new_ticket(self, team, **values):
        return self.env["helpdesk.ticket"].create(
            {
                "name": "Invoice address wrong",
                "description": "Please correct our invoice address.",
                "partner_id": self.users["reporter"].partner_id.id,
                "team_id": team.id,
                "impact": "severe",
                "urgency": "high",
                **values,
            }
        )

    def clocks(self, ticket):
        return self.env["itsm.deadline"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )

    def test_the_service_desk_creates_itsm_teams_and_the_flag_decides(self):
        self.assertTrue(self.desk_team.is_itsm, "created in the Service Desk")
        plain = self.env["helpdesk.ticket.team"].with_context(itsm_service_desk=False)
        self.assertFalse(plain.create({"name": "Facilities"}).is_itsm)
        itsm = self.new_ticket(self.desk_team)
        care = self.new_ticket(self.care_team)
        self.assertTrue(itsm.is_itsm)
        self.assertFalse(care.is_itsm)
        self.assertEqual(itsm.itsm_priority, "1")
        self.assertFalse(care.itsm_priority, "no priority matrix")
        # The team form shows the flag.
        form = self.env["helpdesk.ticket.team"].get_views([(False, "form")])
        self.assertIn('name="is_itsm"', form["views"]["form"]["arch"])

    def test_the_form_shows_the_service_desk_only_for_an_itsm_team(self):
        with Form(self.env["helpdesk.ticket"].with_user(self.users["agent"])) as form:
            form.name = "Badge does not open the door"
            form.description = "Since this morning."
            form.team_id = self.care_team
            # helpdesk_mgmt's form: no declaration, matrix or screening.
            for fname in ("impact", "urgency", "declaration_type", "nature_id"):
                with self.subTest(fname=fname), self.assertRaises(AssertionError):
                    setattr(form, fname, form._values[fname])
            form.team_id = self.desk_team
            form.impact = "moderate"
            form.urgency = "high"
            self.assertEqual(form.itsm_priority, "2")
        self.assertTrue(form.record.is_itsm)

    def test_the_stars_follow_the_itsm_priority_and_stay_free_elsewhere(self):
        itsm = self.new_ticket(self.desk_team)  # severe × high: P1
        care = self.new_ticket(self.care_team, priority="1")
        self.assertEqual((itsm.itsm_priority, itsm.priority), ("1", "3"))
        agent = self.users["agent"]
        with self.assertRaises(UserError):
            itsm.with_user(agent).write({"priority": "0", "name": "Renamed"})
        self.assertEqual((itsm.priority, itsm.name), ("3", "Invoice address wrong"))
        # The same stars (a client sending them back) are no change.
        itsm.with_user(agent).write({"priority": "3", "urgency": "high"})
        # The matrix moves them.
        itsm.with_user(agent).write({"impact": "minor", "urgency": "low"})
        self.assertEqual((itsm.itsm_priority, itsm.priority), ("4", "0"))
        care.with_user(agent).priority = "2"
        self.assertEqual(care.priority, "2", "helpdesk_mgmt's free stars")

    def test_a_plain_ticket_has_no_clocks_and_closes_as_in_helpdesk(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            care = self.new_ticket(self.care_team)
            itsm = self.new_ticket(self.desk_team)
        self.assertFalse(self.clocks(care))
        self.assertEqual(len(self.clocks(itsm)), 2, "response and resolution")
        self.assertNotIn(self.resolved, self.care_team._get_applicable_stages())
        self.assertIn(self.resolved, self.desk_team._get_applicable_stages())
        # Done at once: no closed loop, as without the suite.
        care.with_user(self.users["agent"]).stage_id = self.done
        self.assertTrue(care.closed)
        self.assertEqual(care.stage_id, self.done)

    def test_a_plain_ticket_is_not_assigned_by_workload(self):
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        self.assertNotIn(self.env.user, self.desk_team.user_ids)
        care = self.new_ticket(self.care_team)
        itsm = self.new_ticket(self.desk_team)
        # helpdesk_mgmt's "assign to the creator" stands for a plain team.
        self.assertEqual(care.user_id, self.env.user)
        # The service desk assigns its own by skill and workload.
        self.assertIn(itsm.user_id, self.desk_team.user_ids)
        self.env.company.helpdesk_mgmt_ticket_auto_assign = False
        self.assertFalse(self.new_ticket(self.care_team).user_id)

    def test_the_ladder_and_the_follow_up_leave_plain_tickets_alone(self):
        self.env["itsm.escalation.rule"].create(
            {
                "name": "Anything not acknowledged",
                "trigger": "unacknowledged",
                "threshold_minutes": 5,
                "recipient_type": "handler",
            }
        )
        care = self.new_ticket(self.care_team, user_id=self.users["agent"].id)
        itsm = self.new_ticket(self.desk_team, user_id=self.users["agent"].id)
        follow_up(self.env)
        with freeze_time(care.create_date + timedelta(minutes=10)):
            self.env["itsm.deadline"]._cron_sweep()
        logs = self.env["itsm.escalation.log"].search(
            [("ticket_id", "in", (care | itsm).ids)]
        )
        self.assertEqual(logs.ticket_id, itsm, "only the ITSM ticket escalates")
        self.assertFalse(care.itsm_follow_up_pending)
        self.assertFalse(care.recurrence_count, "not counted as a recurrence")

    def test_moving_to_an_itsm_team_starts_the_clocks_and_back_pauses_them(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket(self.care_team)
        self.assertFalse(self.clocks(ticket))
        with freeze_time(utc(2026, 11, 23, 10, 0)):
            ticket.team_id = self.desk_team
            self.assertTrue(ticket.is_itsm)
            self.assertEqual(ticket.itsm_priority, "1")
            clocks = self.clocks(ticket)
            self.assertEqual(set(clocks.mapped("state")), {"running"})
            self.assertEqual(
                clocks.mapped("started_at"), [utc(2026, 11, 23, 10, 0)] * 2
            )
        with freeze_time(utc(2026, 11, 23, 11, 0)):
            ticket.team_id = self.care_team
            self.assertEqual(set(clocks.mapped("state")), {"paused"})
        with freeze_time(utc(2026, 11, 23, 12, 0)):
            ticket.team_id = self.desk_team
            self.assertEqual(set(clocks.mapped("state")), {"running"})

    def test_mail_to_a_plain_alias_creates_no_contact(self):
        msg = {
            "message_id": "<care-1@example.com>",
            "subject": "Where is my parcel?",
            "from": "Someone New <someone.new@example.com>",
            "email_from": "Someone New <someone.new@example.com>",
            "to": "care@example.com",
            "body": "<p>It was due yesterday.</p>",
        }
        Ticket = self.env["helpdesk.ticket"]
        Partner = self.env["res.partner"]
        care = Ticket.browse(
            Ticket.message_new(dict(msg), {"team_id": self.care_team.id}).id
        )
        self.assertFalse(Partner.search([("email", "=", "someone.new@example.com")]))
        self.assertFalse(care.partner_id)
        itsm = Ticket.message_new(
            dict(msg, message_id="<desk-1@example.com>"), {"team_id": self.desk_team.id}
        )
        sender = Partner.search([("email", "=", "someone.new@example.com")])
        self.assertEqual(itsm.partner_id, sender, "the service desk knows the sender")
