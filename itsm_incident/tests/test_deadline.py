from freezegun import freeze_time

from odoo.tests.common import TransactionCase

from .common import office_calendar, utc


class TestTrackedDeadline(TransactionCase):
    """The tracked-deadline mechanism (DESIGN §2) on a ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Office 9-18")
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {"name": "Mail server down", "description": "x"}
        )
        cls.Deadline = cls.env["itsm.deadline"]

    def start(self, at, minutes=60):
        return self.Deadline._start(
            self.ticket, "resolution", "Resolution", minutes, self.office, start=at
        )

    def test_due_and_warning_times_in_working_time(self):
        deadline = self.start(utc(2026, 11, 20, 17, 30))  # Friday
        self.assertEqual(deadline.deadline, utc(2026, 11, 23, 9, 30))
        self.assertEqual(deadline.warn_at, utc(2026, 11, 23, 9, 15))

    def test_live_status_and_its_search(self):
        deadline = self.start(utc(2026, 11, 20, 17, 30))
        expected = [
            (utc(2026, 11, 20, 17, 40), "on_track"),
            (utc(2026, 11, 23, 9, 20), "warning"),
            (utc(2026, 11, 23, 9, 31), "breached"),
        ]
        for now, status in expected:
            with self.subTest(status=status), freeze_time(now):
                deadline.invalidate_recordset(["status"])
                self.assertEqual(deadline.status, status)
                self.assertEqual(
                    self.Deadline.search([("status", "=", status)]) & deadline, deadline
                )

    def test_pause_carries_the_remaining_time_over(self):
        deadline = self.start(utc(2026, 11, 20, 17, 30))
        deadline._pause(at=utc(2026, 11, 20, 17, 45))  # 15 minutes used
        self.assertEqual(deadline.status, "paused")
        deadline._resume(at=utc(2026, 11, 23, 10, 0))
        self.assertEqual(deadline.deadline, utc(2026, 11, 23, 10, 45))
        self.assertEqual(deadline.warn_at, utc(2026, 11, 23, 10, 30))

    def test_retarget_keeps_the_time_used(self):
        deadline = self.start(utc(2026, 11, 23, 9, 0))
        deadline._pause(at=utc(2026, 11, 23, 9, 40))
        deadline._resume(at=utc(2026, 11, 23, 9, 40))
        deadline._retarget(24 * 60)
        self.assertEqual(deadline.consumed_minutes, 40)
        # 24 h of working time = 1440 min; 9 h a day: 160 days' worth is not
        # what we check here, only that the 40 minutes already used count.
        self.assertEqual(
            self.office._itsm_working_minutes(
                utc(2026, 11, 23, 9, 40), deadline.deadline
            ),
            1440 - 40,
        )

    def test_stop_records_met_or_breached(self):
        on_time = self.start(utc(2026, 11, 23, 9, 0))
        on_time._stop(at=utc(2026, 11, 23, 9, 50))
        self.assertEqual((on_time.status, on_time.met), ("met", True))
        late = self.start(utc(2026, 11, 23, 9, 0))
        late._stop(at=utc(2026, 11, 23, 10, 30))
        self.assertEqual((late.status, late.met), ("breached", False))
        self.assertEqual(late.breached_at, utc(2026, 11, 23, 10, 30))

    def test_sweep_warns_and_breaches_once(self):
        deadline = self.start(utc(2026, 11, 20, 17, 30))
        with freeze_time(utc(2026, 11, 23, 9, 20)):
            self.Deadline._cron_sweep()
            self.Deadline._cron_sweep()
        self.assertEqual(deadline.warned_at, deadline.warn_at)
        self.assertFalse(deadline.breached_at)
        with freeze_time(utc(2026, 11, 23, 9, 31)):
            self.Deadline._cron_sweep()
            self.Deadline._cron_sweep()
        self.assertEqual(deadline.breached_at, deadline.deadline)
        logged = self.ticket.message_ids.mapped("body")
        self.assertEqual(len([b for b in logged if "Deadline warning" in b]), 1)
        self.assertEqual(len([b for b in logged if "Deadline breached" in b]), 1)

    def test_paused_deadlines_are_not_swept(self):
        deadline = self.start(utc(2026, 11, 20, 17, 30))
        deadline._pause(at=utc(2026, 11, 20, 17, 35))
        with freeze_time(utc(2026, 11, 30, 12, 0)):
            self.Deadline._cron_sweep()
        self.assertFalse(deadline.warned_at or deadline.breached_at)
        self.assertFalse(
            self.ticket.message_ids.filtered(lambda m: "Deadline" in m.body)
        )

    def test_starting_schedules_the_sweep_at_the_due_moments(self):
        cron = self.env.ref("itsm_incident.ir_cron_itsm_deadline_sweep")
        self.env.cr.precommit.run()  # the ticket's own moments
        before = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.start(utc(2026, 11, 20, 17, 30))
        # Gathered for the transaction, scheduled when it commits.
        self.env.cr.precommit.run()
        triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - before
        )
        self.assertEqual(
            sorted(triggers.mapped("call_at")),
            [utc(2026, 11, 23, 9, 15), utc(2026, 11, 23, 9, 30)],
        )
