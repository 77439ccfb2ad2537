"""What the change models share, and the date arithmetic of change windows
and freezes as pure functions (aware datetimes, explicit arguments)."""

import calendar as calendar_module
from datetime import datetime, time, timedelta

# The context value the change's buttons write their workflow fields with.
# An object, not a flag: a JSON-RPC call can put any flag in its context,
# never this object, so only the buttons (which check the state and the
# user's role) change a state.
STEP = object()


def _at(day, hours, tz):
    """``day`` (a date) at ``hours`` (a float, 24 allowed) in ``tz``."""
    return tz.localize(datetime.combine(day, time.min) + timedelta(hours=hours))


def window_occurrences(start, tz, window_start, window_end):
    """The change-window occurrences that may contain a change starting at
    ``start`` (aware): the one opening on the local day of ``start`` and the
    one opening the day before (a window may span midnight, e.g. 22:00 to
    06:00), as (open, close) aware datetimes."""
    day = start.astimezone(tz).date()
    spans_midnight = window_end <= window_start
    result = []
    for opening_day in (day - timedelta(days=1), day):
        closing_day = opening_day + timedelta(days=1 if spans_midnight else 0)
        result.append(
            (_at(opening_day, window_start, tz), _at(closing_day, window_end, tz))
        )
    return result


def within_window(start, end, tz, window_start, window_end):
    """Whether [start, end] (aware) lies within one occurrence of the daily
    window [window_start, window_end] (hours, local time of ``tz``)."""
    return any(
        opening <= start and end <= closing
        for opening, closing in window_occurrences(start, tz, window_start, window_end)
    )


def next_window_opening(moment, tz, window_start):
    """The first opening of the daily window at or after ``moment``."""
    day = moment.astimezone(tz).date()
    opening = _at(day, window_start, tz)
    while opening < moment:
        day += timedelta(days=1)
        opening = _at(day, window_start, tz)
    return opening


def _month_day(year, month, day):
    """``day`` of the month, the month's last day when it is shorter."""
    return min(day, calendar_module.monthrange(year, month)[1])


def monthly_spans(start, end, tz, day_from, day_to):
    """The occurrences of a monthly freeze from ``day_from`` 00:00 to the end
    of ``day_to`` (local days of ``tz``; ``day_to`` before ``day_from`` runs
    into the next month) that may meet [start, end), as (begin, stop) aware
    datetimes."""
    first = start.astimezone(tz).date().replace(day=1)
    last = end.astimezone(tz).date()
    # From the month before the start (a span running into the next month)
    # to the month of the end.
    year, month = (
        (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    )
    spans = []
    while (year, month) <= (last.year, last.month):
        begin_day = datetime(year, month, _month_day(year, month, day_from)).date()
        stop_year, stop_month = year, month
        if day_to < day_from:
            stop_year, stop_month = (year + 1, 1) if month == 12 else (year, month + 1)
        stop_day = datetime(
            stop_year, stop_month, _month_day(stop_year, stop_month, day_to)
        ).date() + timedelta(days=1)
        spans.append((_at(begin_day, 0, tz), _at(stop_day, 0, tz)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return spans


def overlaps(begin, end, other_begin, other_end):
    """Whether the half-open intervals [begin, end) and [other_begin,
    other_end) meet."""
    return begin < other_end and other_begin < end


def working_day_close(intervals, start, tz):
    """The end of the working day a change starting at ``start`` (aware)
    belongs to (S4 系统变更通知 时限): the day of the start when its work has
    begun by then (a change in working hours, or in the evening after
    them), else the last working day before (a change in a night window
    after midnight, or on a day off). ``intervals(begin, stop)`` gives the
    working intervals (aware, sorted), as ``resource.calendar``'s
    ``_itsm_intervals``; None when no working day is found in the month
    before."""
    day = start.astimezone(tz).date()
    close = {}
    for begin, end in intervals(start - timedelta(days=31), start + timedelta(days=1)):
        begin_day = begin.astimezone(tz).date()
        if begin_day < day or (begin_day == day and begin <= start):
            close[begin_day] = max(end, close.get(begin_day, end))
    return close[max(close)] if close else None
