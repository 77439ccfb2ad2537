from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models, tools

from ..tools.working_time import add_months, add_working_minutes, working_minutes

_TOUCHING = timedelta(milliseconds=1)
_WEEK = timedelta(days=7)
_EPOCH = datetime(2000, 1, 3, tzinfo=pytz.utc)  # a Monday


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "itsm.config.cache.mixin"]

    itsm_makeup_day_ids = fields.One2many(
        "itsm.makeup.workday",
        "calendar_id",
        string="Make-up Working Days",
        help="Days off that are worked (调休), e.g. a Saturday before a holiday.",
    )

    def _itsm_intervals(self):
        """The calendar as a function ``intervals(start, stop)`` for the
        working-time functions: attendances less leaves (public holidays) plus
        make-up working days, as aware datetimes.

        The calendar is read by aligned weeks, cached until the calendar, its
        attendances, its leaves or its make-up days change."""
        self.ensure_one()

        def intervals(start, stop):
            first = (start - _EPOCH) // _WEEK
            last = (stop - _EPOCH) // _WEEK
            merged = _merge(
                [
                    span
                    for index in range(first, last + 1)
                    for span in self._itsm_week(index)
                ]
            )
            return [
                (max(begin, start), min(end, stop))
                for begin, end in merged
                if end > start and begin < stop
            ]

        return intervals

    @tools.ormcache("self.id", "index")
    def _itsm_week(self, index):
        """Working intervals of the ``index``-th week since the epoch."""
        tz = pytz.timezone(self.tz or "UTC")
        start = _EPOCH + index * _WEEK
        stop = start + _WEEK
        work = [
            (begin, end)
            for begin, end, _meta in self._work_intervals_batch(start, stop)[False]
        ]
        work += self._itsm_makeup_intervals(start, stop, tz)
        return tuple(_merge(sorted(work)))

    def _itsm_makeup_intervals(self, start, stop, tz):
        days = self.itsm_makeup_day_ids.filtered(
            lambda day: start.astimezone(tz).date() - timedelta(days=1)
            <= day.date
            <= stop.astimezone(tz).date()
        )
        result = []
        for day in days:
            for attendance in self.attendance_ids.filtered(
                lambda a, day=day: a.dayofweek == day.weekday
                and a.day_period != "lunch"
                and not a.display_type
            ):
                midnight = datetime.combine(day.date, time.min)
                result.append(
                    (
                        tz.localize(midnight + timedelta(hours=attendance.hour_from)),
                        tz.localize(midnight + timedelta(hours=attendance.hour_to)),
                    )
                )
        return result

    def _itsm_add_working_minutes(self, start, minutes, intervals=None):
        """``start`` (naive UTC, as Odoo stores it) plus working minutes.
        ``intervals`` (from `_itsm_intervals`) may be shared between calls."""
        self.ensure_one()
        moment = add_working_minutes(
            intervals or self._itsm_intervals(), pytz.utc.localize(start), minutes
        )
        return moment.astimezone(pytz.utc).replace(tzinfo=None)

    def _itsm_month_minutes(self, start, months):
        """Working minutes from ``start`` (naive UTC) to the same moment
        ``months`` calendar months later in the calendar's time zone (the
        month's last day when it is shorter): a target of "1 month" as
        minutes for a tracked deadline."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        begin = pytz.utc.localize(start)
        end = add_months(begin, months, tz)
        return working_minutes(self._itsm_intervals(), begin, end.astimezone(pytz.utc))

    def _itsm_working_minutes(self, start, stop):
        """Working minutes between two naive UTC datetimes."""
        self.ensure_one()
        return working_minutes(
            self._itsm_intervals(), pytz.utc.localize(start), pytz.utc.localize(stop)
        )


def _merge(intervals):
    """Sorted intervals merged where they touch. Odoo ends a day that is
    worked until 24:00 at 23:59:59.999999; that gap is closed too."""
    merged = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1] + _TOUCHING:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged
