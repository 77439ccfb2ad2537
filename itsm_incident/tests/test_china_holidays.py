from datetime import date

import pytz
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from .common import office_calendar, utc


class TestChinaHolidays(TransactionCase):
    """China's public holidays (法定节假日) and make-up working days (调休)
    loaded from the chinesecalendar package (issue 12, X-3/X-4). Fixed years
    the package knows; "next year" under freeze_time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = office_calendar(cls.env, "Shanghai office")  # 9-18
        cls.manager = new_test_user(
            cls.env,
            login="test_holiday_manager",
            groups="itsm_incident.group_itsm_manager",
        )
        cls.agent = new_test_user(
            cls.env, login="test_holiday_agent", groups="itsm_incident.group_itsm_agent"
        )

    def add(self, start, minutes):
        return self.office._itsm_add_working_minutes(start, minutes)

    def leaves(self, calendar=None):
        return self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", (calendar or self.office).id)], order="date_from"
        )

    def test_spring_festival_is_off_and_its_makeup_saturday_worked(self):
        self.office._itsm_load_china_holidays([2026])
        # Friday 13 Feb 17:30 + 60 min: 30 on Friday, 30 on Saturday the 14th
        self.assertEqual(
            self.add(utc(2026, 2, 13, 17, 30), 60), utc(2026, 2, 14, 9, 30)
        )
        # Saturday 17:30 + 60 min: the festival, 15 to 23 Feb, is skipped
        self.assertEqual(
            self.add(utc(2026, 2, 14, 17, 30), 60), utc(2026, 2, 24, 9, 30)
        )
        self.assertEqual(
            self.office._itsm_working_minutes(
                utc(2026, 2, 14, 0, 0), utc(2026, 2, 24, 0, 0)
            ),
            9 * 60,
        )
        festival = self.leaves().filtered(lambda leave: leave.date_from.month == 2)
        self.assertRecordValues(
            festival,
            [
                {
                    "name": "Spring Festival 春节",
                    "resource_id": False,
                    "time_type": "leave",
                    "date_from": utc(2026, 2, 15, 0, 0),
                    "date_to": utc(2026, 2, 24, 0, 0),
                }
            ],
        )
        self.assertRecordValues(
            self.office.itsm_makeup_day_ids.filtered(
                lambda day: day.date == date(2026, 2, 14)
            ).with_context(lang="en_US"),
            [{"name": "Spring Festival make-up day", "weekday": "0"}],
        )

    def test_national_day_joined_by_mid_autumn_2025(self):
        leaves, days = self.office._itsm_load_china_holidays([2025])
        self.assertEqual(len(leaves), 6)
        self.assertEqual(len(days), 5)
        self.assertRecordValues(
            leaves[-1],
            [
                {
                    "name": "National Day, Mid-autumn Festival 国庆节、中秋",
                    "date_from": utc(2025, 10, 1, 0, 0),
                    "date_to": utc(2025, 10, 9, 0, 0),
                }
            ],
        )
        # A ticket of Tuesday 30 Sep 17:30 waits for Thursday 9 Oct
        self.assertEqual(
            self.add(utc(2025, 9, 30, 17, 30), 60), utc(2025, 10, 9, 9, 30)
        )
        # Saturday 11 Oct and Sunday 28 Sep are worked (调休)
        self.assertEqual(
            self.add(utc(2025, 10, 10, 17, 30), 60), utc(2025, 10, 11, 9, 30)
        )
        self.assertEqual(
            self.add(utc(2025, 9, 26, 17, 30), 60), utc(2025, 9, 28, 9, 30)
        )

    def test_loading_twice_adds_nothing_and_keeps_days_entered_by_hand(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National Day (entered by hand)",
                "calendar_id": self.office.id,
                "date_from": utc(2026, 10, 1, 0, 0),
                "date_to": utc(2026, 10, 1, 23, 59, 59),
            }
        )
        self.env["itsm.makeup.workday"].create(
            {
                "calendar_id": self.office.id,
                "name": "调休",
                "date": "2026-10-10",
                "weekday": "4",
            }
        )
        leaves, days = self.office._itsm_load_china_holidays([2026])
        self.assertEqual(len(leaves), 7)
        self.assertRecordValues(
            leaves[-1],
            [{"date_from": utc(2026, 10, 2, 0, 0), "date_to": utc(2026, 10, 8, 0, 0)}],
        )
        self.assertEqual(len(days), 5)
        self.assertNotIn(date(2026, 10, 10), days.mapped("date"))
        self.assertEqual(
            self.office.itsm_makeup_day_ids.filtered(
                lambda day: day.date == date(2026, 10, 10)
            ).weekday,
            "4",
        )
        again = self.office._itsm_load_china_holidays([2026])
        self.assertFalse(again[0] or again[1])
        self.assertEqual(len(self.leaves()), 8)
        leaves, days = self.office._itsm_load_china_holidays([2025, 2026])
        self.assertEqual({leave.date_from.year for leave in leaves}, {2024, 2025})
        self.assertEqual({day.date.year for day in days}, {2025})

    def test_next_year_loaded_by_an_itsm_manager(self):
        with freeze_time("2025-12-01"):
            action = self.office.with_user(
                self.manager
            ).action_itsm_load_china_holidays()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            {leave.date_to.year for leave in self.leaves()}, {2026}, "2026's only"
        )
        self.assertEqual(len(self.leaves()), 7)
        self.assertEqual(
            {day.date.year for day in self.office.itsm_makeup_day_ids}, {2026}
        )
        with freeze_time("2025-12-01"), self.assertRaises(AccessError):
            self.office.with_user(self.agent).action_itsm_load_china_holidays()

    def test_the_button_is_on_the_calendar_form_of_itsm_managers(self):
        def form(user):
            views = (
                self.env["resource.calendar"]
                .with_user(user)
                .get_views([(False, "form")])
            )
            return views["views"]["form"]["arch"]

        self.assertIn("action_itsm_load_china_holidays", form(self.manager))
        self.assertNotIn("action_itsm_load_china_holidays", form(self.agent))

    def test_a_year_the_package_does_not_know_is_refused(self):
        with (
            freeze_time("2099-12-01"),
            self.assertRaisesRegex(UserError, "pip install -U chinesecalendar"),
        ):
            self.office.with_user(self.manager).action_itsm_load_china_holidays()
        with self.assertRaises(UserError):
            self.office._itsm_load_china_holidays([2026, 2100])
        self.assertFalse(self.leaves())
        self.assertFalse(self.office.itsm_makeup_day_ids)

    def test_install_seeds_the_company_calendar_not_the_round_the_clock_one(self):
        calendar = self.env.ref("resource.resource_calendar_std")
        tz = pytz.timezone(calendar.tz)
        starts = [
            pytz.utc.localize(leave.date_from).astimezone(tz).date()
            for leave in self.leaves(calendar)
        ]
        self.assertEqual(min(starts), date(2024, 1, 1))
        self.assertIn(date(2026, 2, 15), starts)
        self.assertIn(date(2026, 2, 14), calendar.itsm_makeup_day_ids.mapped("date"))
        around = self.env.ref("itsm_incident.calendar_24x7")
        self.assertFalse(self.leaves(around))
        self.assertFalse(around.itsm_makeup_day_ids)
        with freeze_time("2025-12-01"), self.assertRaises(UserError):
            around.action_itsm_load_china_holidays()
        self.assertFalse(self.leaves(around))
        # The Spring Festival is worked round the clock
        self.assertEqual(
            around._itsm_working_minutes(
                utc(2026, 2, 16, 0, 0), utc(2026, 2, 17, 0, 0)
            ),
            24 * 60,
        )

    def test_makeup_day_worked_like_the_usual_day(self):
        late_monday = office_calendar(self.env, "Late Monday")
        late_monday.attendance_ids.filtered(
            lambda attendance: attendance.dayofweek == "0"
        ).hour_from = 10
        _leaves, days = late_monday._itsm_load_china_holidays([2026])
        self.assertEqual(set(days.mapped("weekday")), {"1"})

    def test_makeup_days_are_named_in_chinese_too(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        _leaves, days = self.office._itsm_load_china_holidays([2026])
        day = days.filtered(lambda day: day.date == date(2026, 2, 14))
        self.assertEqual(
            day.with_context(lang="en_US").name, "Spring Festival make-up day"
        )
        self.assertEqual(day.with_context(lang="zh_CN").name, "春节调休")
