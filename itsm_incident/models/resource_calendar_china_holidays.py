from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import china_holidays

# Seeded at install: from this year to the last one the package knows.
SEED_SINCE = 2024
# Odoo ends a leave entered by hand at 23:59:59: that covers the day too.
_SECOND = timedelta(seconds=1)


class ResourceCalendar(models.Model):
    """China's public holidays (法定节假日) and make-up working days (调休)
    loaded from the ``chinesecalendar`` package into a calendar."""

    _inherit = "resource.calendar"

    def action_itsm_load_china_holidays(self):
        """Load the public holidays and make-up working days of next year."""
        user = self.env.user
        if not (
            user.has_group("itsm_incident.group_itsm_manager")
            or user.has_group("base.group_system")
        ):
            raise AccessError(
                self.env._(
                    "Only ITSM managers and administrators load public holidays."
                )
            )
        self.check_access("read")
        round_the_clock = self.env.ref(
            "itsm_incident.calendar_24x7", raise_if_not_found=False
        )
        if round_the_clock and round_the_clock in self:
            raise UserError(
                self.env._(
                    "The 24 × 7 calendar counts every hour, public holidays "
                    "included: it gets no holidays."
                )
            )
        year = fields.Date.context_today(self).year + 1
        # The days are the State Council's, not the user's: resource's rules
        # let only administrators create global leaves.
        leaves, makeup_days = self.sudo()._itsm_load_china_holidays([year])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "China's holidays of %(year)s: %(leaves)s public holiday "
                    "periods and %(days)s make-up working days added.",
                    year=year,
                    leaves=len(leaves),
                    days=len(makeup_days),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _itsm_seed_china_holidays(self):
        """At install: the holidays since `SEED_SINCE` in the companies'
        working calendars (not in the 24 × 7 calendar)."""
        calendars = (
            self.env["res.company"]
            .search([("resource_calendar_id", "!=", False)])
            .resource_calendar_id
        )
        calendars -= (
            self.env.ref("itsm_incident.calendar_24x7", raise_if_not_found=False)
            or self.browse()
        )
        years = [year for year in china_holidays.known_years() if year >= SEED_SINCE]
        return calendars._itsm_load_china_holidays(years)

    def _itsm_load_china_holidays(self, years):
        """Add to each calendar, for each of ``years``, one global leave per
        run of consecutive public holidays (local midnight to midnight) and
        one make-up working day per 调休 day. Days the calendar already has
        off (a global leave over the whole day) or as make-up days are
        skipped, so that loading a year again adds nothing.

        Returns the leaves and make-up days created. Raises `UserError`,
        creating nothing, for a year the ``chinesecalendar`` package does
        not know."""
        years = sorted(set(years))
        known = china_holidays.known_years()
        unknown = [year for year in years if year not in known]
        if unknown:
            raise UserError(
                self.env._(
                    "The chinesecalendar package installed on the server does "
                    "not know China's public holidays of %(years)s yet (it "
                    "knows %(first)s to %(last)s). The State Council publishes "
                    "them around November: update the package (pip install -U "
                    "chinesecalendar) and restart Odoo, or enter the holidays "
                    "in the calendar's Time Off and the make-up working days "
                    "in its Make-up Working Days tab by hand.",
                    years=", ".join(map(str, unknown)),
                    first=known[0],
                    last=known[-1],
                )
            )
        if not self or not years:
            return self.env["resource.calendar.leaves"], self.env["itsm.makeup.workday"]
        days_off = self._itsm_days_off(years)
        makeup_dates = self._itsm_makeup_dates(years)
        leave_vals, day_vals = [], []
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "UTC")
            weekday = calendar._itsm_makeup_weekday()
            for year in years:
                for first, last, names in china_holidays.holiday_runs(
                    year, days_off[calendar.id]
                ):
                    leave_vals.append(
                        {
                            "name": _leave_name(names),
                            "calendar_id": calendar.id,
                            "resource_id": False,
                            "time_type": "leave",
                            "date_from": _utc_midnight(tz, first),
                            "date_to": _utc_midnight(tz, last + timedelta(days=1)),
                        }
                    )
                for day, holiday in china_holidays.makeup_days(year).items():
                    if day not in makeup_dates[calendar.id]:
                        day_vals.append(
                            {
                                "calendar_id": calendar.id,
                                "date": day,
                                "name": holiday,
                                "weekday": weekday,
                            }
                        )
        leaves = self.env["resource.calendar.leaves"].create(leave_vals)
        return leaves, self._itsm_create_makeup_days(day_vals)

    def _itsm_days_off(self, years):
        """{calendar id: dates of ``years`` a global leave of the calendar
        covers whole}, in the calendar's time zone."""
        first, last = min(years), max(years)
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "in", self.ids + [False]),
                ("resource_id", "=", False),
                ("time_type", "=", "leave"),
                ("date_from", "<", datetime(last + 1, 1, 2)),
                ("date_to", ">", datetime(first - 1, 12, 31)),
            ]
        )
        result = defaultdict(set)
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "UTC")
            for leave in leaves.filtered(
                lambda leave, calendar=calendar: not leave.calendar_id
                or leave.calendar_id == calendar
            ):
                start = pytz.utc.localize(leave.date_from).astimezone(tz).date()
                stop = pytz.utc.localize(leave.date_to).astimezone(tz).date()
                day = start
                while day <= stop:
                    if leave.date_from <= _utc_midnight(tz, day) and (
                        leave.date_to >= _utc_midnight(tz, day + timedelta(1)) - _SECOND
                    ):
                        result[calendar.id].add(day)
                    day += timedelta(days=1)
        return result

    def _itsm_makeup_dates(self, years):
        """{calendar id: dates of ``years`` that are make-up days already}."""
        days = self.env["itsm.makeup.workday"].search(
            [
                ("calendar_id", "in", self.ids),
                ("date", ">=", date(min(years), 1, 1)),
                ("date", "<=", date(max(years), 12, 31)),
            ]
        )
        result = defaultdict(set)
        for day in days:
            result[day.calendar_id.id].add(day.date)
        return result

    def _itsm_create_makeup_days(self, vals_list):
        """Create make-up days from values whose name is the package's
        holiday; named "Spring Festival make-up day", and "春节调休" in
        Chinese when the language is installed."""
        english = self.with_context(lang="en_US").env
        days = (
            self.env["itsm.makeup.workday"]
            .with_context(lang="en_US")
            .create(
                [
                    dict(vals, name=_makeup_day_name(english, vals["name"]))
                    for vals in vals_list
                ]
            )
        )
        if days and self.env["res.lang"]._get_code("zh_CN"):
            by_name = defaultdict(lambda: self.env["itsm.makeup.workday"])
            for day, vals in zip(days, vals_list, strict=True):
                by_name[vals["name"]] |= day
            chinese = self.with_context(lang="zh_CN").env
            for holiday, group in by_name.items():
                group.with_context(lang="zh_CN").write(
                    {
                        "name": _makeup_day_name(
                            chinese, china_holidays.chinese_name(holiday)
                        )
                    }
                )
        return days.with_env(self.env)

    def _itsm_makeup_weekday(self):
        """The weekday a make-up day is worked like: the first weekday with
        the hours most days of the week have (Monday in an office open the
        same hours Monday to Friday; Tuesday when Monday starts later). The
        State Council's notice only says the day is worked, as a full day."""
        hours = defaultdict(set)
        for attendance in self.attendance_ids:
            if attendance.day_period != "lunch" and not attendance.display_type:
                hours[attendance.dayofweek].add(
                    (attendance.hour_from, attendance.hour_to)
                )
        if not hours:
            return "0"
        counts = Counter(frozenset(day_hours) for day_hours in hours.values())
        most = max(counts.values())
        return min(
            day
            for day, day_hours in hours.items()
            if counts[frozenset(day_hours)] == most
        )


def _leave_name(names):
    """ "Spring Festival 春节": resource's leave names are not translatable,
    and the calendar's users read English or Chinese."""
    return "{} {}".format(
        ", ".join(names), "、".join(map(china_holidays.chinese_name, names))
    )


def _makeup_day_name(env, holiday):
    """ "Spring Festival make-up day" in English, "春节调休" in Chinese."""
    return env._("%(holiday)s make-up day", holiday=holiday)


def _utc_midnight(tz, day):
    """The start of ``day`` in ``tz`` as a naive UTC datetime."""
    return (
        tz.localize(datetime.combine(day, time.min))
        .astimezone(pytz.utc)
        .replace(tzinfo=None)
    )
