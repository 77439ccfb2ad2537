from freezegun import freeze_time

from odoo.exceptions import ValidationError

from .common import CALLER, ItsmCase, follow_up, office_calendar, utc


class TestEscalationShareOfSla(ItsmCase):
    """A rung at a share of the response or resolution target (issue #4:
    "or share of SLA"), measured in working time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.env.company.resource_calendar_id = cls.office
        # P2: 4 working hours to resolve, office hours.
        cls.env.ref("itsm_incident.itsm_priority_2").write(
            {"resolution_target_hours": 4, "resolution_calendar_id": cls.office.id}
        )
        cls.awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.Rule = cls.env["itsm.escalation.rule"]
        # Only the rung under test.
        cls.Rule.search([]).active = False
        cls.rule = cls.Rule.create(
            {
                "name": "Half of the resolution time used",
                "trigger": "sla_share",
                "sla_share_percent": 50,
                "deadline_kind": "resolution",
                "threshold_minutes": 0,
                "recipient_type": "users",
                "user_ids": [cls.users["manager"].id],
            }
        )

    def new_ticket(self):
        """A phone declaration, screened as valid by the desk."""
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Payment gateway slow",
                "description": "x",
                "team_id": self.desk_team.id,
                "impact": "moderate",
                "urgency": "high",
                **CALLER,
            }
        )
        return self.screen(ticket)

    def sweep(self, *local_time):
        with freeze_time(utc(*local_time)):
            self.env["itsm.deadline"]._cron_sweep()

    def fired(self, ticket, rule=None):
        return self.env["itsm.escalation.log"].search_count(
            [("ticket_id", "=", ticket.id), ("rule_id", "=", (rule or self.rule).id)]
        )

    def test_fires_once_at_the_share_of_the_target(self):
        with freeze_time(utc(2026, 11, 23, 9, 0)):  # Monday
            ticket = self.new_ticket()
        self.assertEqual(ticket.itsm_priority, "2")
        self.sweep(2026, 11, 23, 10, 59)
        self.assertEqual(self.fired(ticket), 0, "not half-way yet")
        self.sweep(2026, 11, 23, 11, 0)
        self.assertEqual(self.fired(ticket), 1, "2 of 4 working hours used")
        note = ticket.message_ids.filtered(lambda m: self.rule.name in m.body)
        self.assertEqual(len(note), 1)
        self.sweep(2026, 11, 23, 12, 0)
        self.assertEqual(self.fired(ticket), 1, "once, ever")

    def test_counted_in_working_time_and_the_sweep_is_woken_then(self):
        cron = self.env.ref("itsm_incident.ir_cron_itsm_deadline_sweep")
        self.env.cr.precommit.run()
        before = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with freeze_time(utc(2026, 11, 20, 17, 0)):  # Friday, an hour to go
            ticket = self.new_ticket()
            self.env.cr.precommit.run()  # the ticket's commit
            self.assertEqual(
                self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
                before,
                "its follow-up schedules the sweep, not the request",
            )
            follow_up(self.env)  # right after it
            self.env.cr.precommit.run()
        triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - before
        )
        # One hour on Friday, the second on Monday morning.
        self.assertIn(utc(2026, 11, 23, 10, 0), triggers.mapped("call_at"))
        self.sweep(2026, 11, 21, 12, 0)  # Saturday: 19 hours, 1 working hour
        self.assertEqual(self.fired(ticket), 0)
        self.sweep(2026, 11, 23, 10, 0)
        self.assertEqual(self.fired(ticket), 1)

    def test_past_the_deadline_and_pauses_do_not_count(self):
        late = self.Rule.create(
            {
                "name": "Half the target again after the breach",
                "trigger": "sla_share",
                "sla_share_percent": 150,
                "deadline_kind": "resolution",
                "threshold_minutes": 0,
                "recipient_type": "users",
                "user_ids": [self.users["manager"].id],
            }
        )
        with freeze_time(utc(2026, 11, 23, 9, 0)):
            ticket = self.new_ticket()
        with freeze_time(utc(2026, 11, 23, 10, 0)):  # 1 hour used
            ticket.stage_id = self.awaiting
        self.sweep(2026, 11, 23, 12, 0)
        self.assertEqual(self.fired(ticket), 0, "paused: the clock stands still")
        with freeze_time(utc(2026, 11, 24, 9, 0)):  # Tuesday, 3 hours left
            ticket.stage_id = self.in_progress
        self.sweep(2026, 11, 24, 9, 59)
        self.assertEqual(self.fired(ticket), 0)
        self.sweep(2026, 11, 24, 10, 0)
        self.assertEqual(self.fired(ticket), 1, "2 working hours used")
        self.sweep(2026, 11, 24, 13, 59)
        self.assertEqual(self.fired(ticket, late), 0, "breached at 12:00, 6 h at 14:00")
        self.sweep(2026, 11, 24, 14, 0)
        self.assertEqual(self.fired(ticket, late), 1)

    def test_a_share_out_of_range_is_refused_and_nothing_changes(self):
        all_rules = self.Rule.with_context(active_test=False)
        count = all_rules.search_count([])
        for share in (0, -10, 1001):
            # assertRaises (not …Regex) rolls back to a savepoint, as a
            # refused request does.
            with self.assertRaises(ValidationError) as refused:
                self.Rule.create(
                    {
                        "name": "Bad share",
                        "trigger": "sla_share",
                        "sla_share_percent": share,
                        "threshold_minutes": 0,
                        "recipient_type": "supervisor",
                    }
                )
            self.assertIn("from 1 % to 1000 %", str(refused.exception))
        self.assertEqual(all_rules.search_count([]), count)
        with self.assertRaises(ValidationError) as refused:
            self.rule.sla_share_percent = 0.5
        self.assertIn("from 1 % to 1000 %", str(refused.exception))
        self.assertEqual(self.rule.sla_share_percent, 50)
        with self.assertRaises(ValidationError) as refused:
            self.rule.deadline_kind = False
        self.assertIn("choose the deadline", str(refused.exception))
        self.assertEqual(self.rule.deadline_kind, "resolution")
