"""Working-time arithmetic (DESIGN §1, SPEC X-4) as pure functions.

A calendar is represented by a function ``intervals(start, stop)`` that
returns the working intervals ``(begin, end)`` (aware datetimes, sorted, not
overlapping) inside ``[start, stop)``. `resource.calendar` provides it from its
attendances, leaves (public holidays) and make-up working days; a 24 × 7
calendar is simply one whose intervals cover everything.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

WINDOW = timedelta(days=14)
MAX_WINDOWS = 120  # about 4.5 years ahead: a target further away is an error


def clip(intervals, start, stop):
    """The parts of ``intervals`` inside ``[start, stop)``."""
    return [
        (max(begin, start), min(end, stop))
        for begin, end in intervals
        if end > start and begin < stop
    ]


def working_minutes(intervals, start, stop):
    """Working minutes between ``start`` and ``stop`` (0 when stop <= start)."""
    if stop <= start:
        return 0.0
    return sum(
        (end - begin).total_seconds() / 60
        for begin, end in clip(intervals(start, stop), start, stop)
    )


def add_working_minutes(intervals, start, minutes):
    """The moment when ``minutes`` of working time have passed since ``start``.

    Zero minutes give ``start`` itself, even outside working hours. Raises
    ``ValueError`` when the calendar has no working time for years ahead.
    """
    if minutes <= 0:
        return start
    remaining = timedelta(minutes=minutes)
    window_start = start
    for _window in range(MAX_WINDOWS):
        window_stop = window_start + WINDOW
        for begin, end in clip(
            intervals(window_start, window_stop), start, window_stop
        ):
            if end - begin >= remaining:
                return begin + remaining
            remaining -= end - begin
        window_start = window_stop
    raise ValueError("The calendar has no working time in the years ahead.")


def add_months(start, months, tz):
    """``start`` (aware) plus calendar months in the time zone ``tz``: the
    same day of the month and time of day, the month's last day when it is
    shorter (31 January + 1 month = 28 or 29 February)."""
    local = start.astimezone(tz).replace(tzinfo=None)
    return tz.localize(local + relativedelta(months=months))
