from odoo import Command
from odoo.tests.common import TransactionCase

from .common import office_calendar, utc


class TestWorkingTime(TransactionCase):
    """Working-time arithmetic at the edges (X-4): night, lunch, weekend,
    public holiday, make-up working day (调休), round the clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(
            cls.env,
            "Shanghai office",
            ((9, 12, "morning"), (13, 18, "afternoon")),
        )
        cls.around_the_clock = cls.env.ref("itsm_incident.calendar_24x7")

    def add(self, start, minutes, calendar=None):
        return (calendar or self.office)._itsm_add_working_minutes(start, minutes)

    def test_within_a_working_morning(self):
        # Tuesday 2026-11-17, 09:30 + 60 min
        self.assertEqual(
            self.add(utc(2026, 11, 17, 9, 30), 60), utc(2026, 11, 17, 10, 30)
        )

    def test_lunch_break_is_not_working_time(self):
        self.assertEqual(
            self.add(utc(2026, 11, 17, 11, 30), 60), utc(2026, 11, 17, 13, 30)
        )

    def test_a_night_starts_the_next_morning(self):
        self.assertEqual(
            self.add(utc(2026, 11, 17, 20, 0), 60), utc(2026, 11, 18, 10, 0)
        )

    def test_a_weekend_is_skipped(self):
        # Friday 17:30 + 60 min: 30 min on Friday, 30 on Monday
        self.assertEqual(
            self.add(utc(2026, 11, 20, 17, 30), 60), utc(2026, 11, 23, 9, 30)
        )

    def test_a_public_holiday_is_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.office.id,
                "date_from": utc(2026, 11, 23, 0, 0),
                "date_to": utc(2026, 11, 23, 23, 59, 59),
            }
        )
        self.assertEqual(
            self.add(utc(2026, 11, 20, 17, 30), 60), utc(2026, 11, 24, 9, 30)
        )

    def test_a_makeup_working_day_is_worked(self):
        self.env["itsm.makeup.workday"].create(
            {
                "calendar_id": self.office.id,
                "name": "调休",
                "date": "2026-11-21",
                "weekday": "0",
            }
        )
        self.assertEqual(
            self.add(utc(2026, 11, 20, 17, 30), 60), utc(2026, 11, 21, 9, 30)
        )
        self.assertEqual(
            self.office._itsm_working_minutes(
                utc(2026, 11, 21, 0, 0), utc(2026, 11, 22, 0, 0)
            ),
            8 * 60,
        )

    def test_working_minutes_between(self):
        # Friday 17:00 -> Monday 10:00: 60 on Friday + 60 on Monday
        self.assertEqual(
            self.office._itsm_working_minutes(
                utc(2026, 11, 20, 17, 0), utc(2026, 11, 23, 10, 0)
            ),
            120,
        )
        self.assertEqual(
            self.office._itsm_working_minutes(
                utc(2026, 11, 23, 10, 0), utc(2026, 11, 20, 17, 0)
            ),
            0,
        )

    def test_around_the_clock(self):
        start = utc(2026, 11, 21, 23, 0)  # a Saturday night
        self.assertEqual(
            self.add(start, 90, self.around_the_clock), utc(2026, 11, 22, 0, 30)
        )
        self.assertEqual(
            self.around_the_clock._itsm_working_minutes(
                start, utc(2026, 11, 23, 23, 0)
            ),
            48 * 60,
        )

    def test_zero_minutes_is_now_and_a_calendar_without_hours_is_refused(self):
        start = utc(2026, 11, 21, 23, 0)
        self.assertEqual(self.add(start, 0), start)
        empty = self.env["resource.calendar"].create(
            {"name": "Never", "attendance_ids": [Command.clear()]}
        )
        with self.assertRaises(ValueError):
            self.add(start, 60, empty)

    def test_a_holiday_entered_later_is_taken_into_account(self):
        start = utc(2026, 11, 20, 17, 30)
        self.assertEqual(self.add(start, 60), utc(2026, 11, 23, 9, 30))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday announced late",
                "calendar_id": self.office.id,
                "date_from": utc(2026, 11, 23, 0, 0),
                "date_to": utc(2026, 11, 23, 23, 59, 59),
            }
        )
        self.assertEqual(self.add(start, 60), utc(2026, 11, 24, 9, 30))
        self.office.attendance_ids.filtered(lambda a: a.dayofweek == "1").unlink()
        self.assertEqual(self.add(start, 60), utc(2026, 11, 25, 9, 30))
