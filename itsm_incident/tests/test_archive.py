from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import ItsmCase, office_calendar, utc

SWEEP_LOGGER = "odoo.addons.itsm_incident.models.itsm_deadline"


class TestArchiveNeverDelete(ItsmCase):
    """X-5: incidents and the escalation rungs that fired are archived,
    never deleted, so that their history stays auditable; a clock whose
    record is gone anyway never stops the sweep."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.Deadline = cls.env["itsm.deadline"]
        cls.Rule = cls.env["itsm.escalation.rule"]
        # Only the rungs under test.
        cls.Rule.search([]).active = False

    def start_clocks(self, tickets):
        """A 60-working-minute resolution clock on each ticket from Monday
        23 November 2026, 9:00 (warning at 9:45, due at 10:00)."""
        return self.Deadline._start(
            tickets,
            "resolution",
            60,
            self.office,
            start=utc(2026, 11, 23, 9, 0),
        )

    def delete_in_sql(self, ticket):
        """Delete a ticket behind the ORM's back, as a database script
        would: its clocks stay."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM helpdesk_ticket WHERE id = %s", ticket.id))
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Tickets
    # ------------------------------------------------------------------

    def test_manager_cannot_delete_an_incident(self):
        clock = self.start_clocks(self.ticket_reporter)
        with self.assertRaisesRegex(UserError, "archive them instead"):
            self.ticket_reporter.with_user(self.users["manager"]).unlink()
        self.assertTrue(self.ticket_reporter.exists())
        self.assertTrue(clock.exists())

    def test_administrator_cannot_delete_an_incident(self):
        admin = self.env.ref("base.user_admin")
        admin.groups_id |= self.env.ref("itsm_incident.group_itsm_manager")
        tickets = self.ticket_reporter | self.ticket_customer
        with self.assertRaisesRegex(UserError, self.ticket_customer.number):
            tickets.with_user(admin).unlink()
        self.assertEqual(tickets.exists(), tickets)

    def test_archived_incident_leaves_the_lists_and_keeps_its_history(self):
        ticket = self.ticket_reporter.with_user(self.users["manager"])
        ticket.message_post(body="Rebooted the printer.")
        ticket.action_archive()
        Ticket = self.env["helpdesk.ticket"].with_user(self.users["manager"])
        self.assertNotIn(ticket, Ticket.search([]))
        archived = Ticket.with_context(active_test=False).search(
            [("active", "=", False)]
        )
        self.assertIn(ticket, archived)
        self.assertIn(
            "Rebooted the printer.", "".join(ticket.message_ids.mapped("body"))
        )
        ticket.action_unarchive()
        self.assertIn(ticket, Ticket.search([]))

    def test_superuser_deletes_an_incident_with_its_clocks(self):
        clock = self.start_clocks(self.ticket_reporter)
        self.ticket_reporter.sudo().unlink()
        self.assertFalse(self.ticket_reporter.exists())
        self.assertFalse(clock.exists(), "no orphan clock left to the sweep")

    def test_plain_team_ticket_is_deleted_as_in_helpdesk(self):
        plain_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "is_itsm": False}
        )
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Light out", "description": "x", "team_id": plain_team.id}
        )
        self.assertFalse(ticket.is_itsm)
        helpdesk_manager = new_test_user(
            self.env,
            login="test_helpdesk_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        ticket.with_user(helpdesk_manager).unlink()
        self.assertFalse(ticket.exists())

    # ------------------------------------------------------------------
    # Escalation rules
    # ------------------------------------------------------------------

    def new_rule(self, name):
        return self.Rule.create(
            {
                "name": name,
                "trigger": "sla_breached",
                "threshold_minutes": 5,
                "team_ids": [self.desk_team.id],
                "recipient_type": "users",
                "user_ids": [self.users["manager"].id],
            }
        )

    def test_a_rule_that_fired_is_archived_not_deleted(self):
        fired = self.new_rule("SLA breached for 5 minutes")
        self.start_clocks(self.ticket_reporter)
        with freeze_time(utc(2026, 11, 23, 10, 6)):
            self.Deadline._cron_sweep()
        logs = self.env["itsm.escalation.log"].search([("rule_id", "=", fired.id)])
        self.assertEqual(logs.ticket_id, self.ticket_reporter)
        rule = fired.with_user(self.users["manager"])
        with self.assertRaisesRegex(UserError, "SLA breached for 5 minutes"):
            rule.unlink()
        self.assertTrue(fired.exists())
        self.assertEqual(logs.exists(), logs, "the log stays")
        rule.action_archive()
        self.assertFalse(fired.active)
        self.assertEqual(logs.exists(), logs)

    def test_a_rule_that_never_fired_is_deleted(self):
        rule = self.new_rule("Never fired")
        rule.with_user(self.users["manager"]).unlink()
        self.assertFalse(rule.exists())

    # ------------------------------------------------------------------
    # The sweep and the clocks of records that are gone
    # ------------------------------------------------------------------

    def test_sweep_skips_and_removes_the_clocks_of_a_gone_ticket(self):
        live, gone = self.ticket_reporter, self.ticket_customer
        gone_id = gone.id
        clocks = self.start_clocks(live | gone)
        orphan = clocks.filtered(lambda c: c.res_id == gone_id)
        self.delete_in_sql(gone)
        with (
            freeze_time(utc(2026, 11, 23, 10, 30)),
            self.assertLogs(SWEEP_LOGGER, "WARNING") as logged,
        ):
            self.Deadline._cron_sweep()
        live_clock = clocks - orphan
        self.assertEqual(live_clock.warned_at, utc(2026, 11, 23, 9, 45))
        self.assertEqual(live_clock.breached_at, utc(2026, 11, 23, 10, 0))
        note = live.message_ids.filtered(lambda m: "Deadline" in m.body)
        self.assertIn("Deadline breached: Resolution", note.body)
        with freeze_time(utc(2026, 11, 23, 10, 30)):
            live.invalidate_recordset(["sla_status"])
            self.assertEqual(live.sla_status, "breached")
        self.assertFalse(orphan.exists(), "never claimed again")
        self.assertIn(f"[{gone_id}]", logged.output[0])
        self.assertIn(str(orphan.ids), logged.output[0])
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", gone_id)]
            ),
            "no note on a ticket that is gone",
        )
        # The next sweep finds nothing left of it.
        with (
            freeze_time(utc(2026, 11, 23, 11, 0)),
            self.assertNoLogs(SWEEP_LOGGER, "WARNING"),
        ):
            self.Deadline._cron_sweep()

    def test_escalation_skips_a_gone_ticket(self):
        """The rungs find their tickets in the ticket table: a clock left by
        a gone ticket fires nothing."""
        rule = self.Rule.create(
            {
                "name": "Half of the resolution time used",
                "trigger": "sla_share",
                "sla_share_percent": 50,
                "deadline_kind": "resolution",
                "threshold_minutes": 0,
                "recipient_type": "users",
                "user_ids": [self.users["manager"].id],
            }
        )
        live, gone = self.ticket_reporter, self.ticket_customer
        gone_id = gone.id
        self.start_clocks(live | gone)
        self.delete_in_sql(gone)
        # Half-way, before the warning: only the rung falls due.
        with freeze_time(utc(2026, 11, 23, 9, 35)):
            self.Deadline._cron_sweep()
        logs = self.env["itsm.escalation.log"].search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.ticket_id, live)
        self.assertNotIn(gone_id, logs.ticket_id.ids)
