"""Public holidays and make-up working days (调休) of mainland China.

The dates come from the ``chinesecalendar`` package, which transcribes the
State Council's yearly notice (国务院办公厅关于部分节假日安排的通知); these
functions turn them into plain data for `resource.calendar`.
"""

import logging
from datetime import timedelta

_logger = logging.getLogger(__name__)

try:
    import chinese_calendar
except ImportError:  # the manifest's external_dependencies asks for it
    chinese_calendar = None
    _logger.debug("Cannot import chinese_calendar (pip install chinesecalendar)")


def known_years():
    """The years whose holidays the installed package knows, ascending."""
    return sorted({day.year for day in chinese_calendar.holidays})


def chinese_name(english):
    """The Chinese name of a holiday named ``english`` by the package."""
    return chinese_calendar.Holiday(english).chinese


def holiday_runs(year, skip=()):
    """The public holidays of ``year`` as runs of consecutive days off
    ``(first, last, names)``: ``names`` the holidays of the run in order, as
    a run may join two of them (National Day and Mid-autumn in 2025). Days in
    ``skip`` are left out and split a run."""
    runs = []
    for day in sorted(chinese_calendar.holidays):
        if day.year != year or day in skip:
            continue
        name = chinese_calendar.holidays[day]
        if runs and runs[-1][1] + timedelta(days=1) == day:
            first, _last, names = runs[-1]
            runs[-1] = (first, day, names if name in names else names + [name])
        else:
            runs.append((day, day, [name]))
    return runs


def makeup_days(year):
    """The make-up working days (调休) of ``year``: ``{date: holiday name}``,
    the holiday whose days off they make up for."""
    return {
        day: name for day, name in chinese_calendar.workdays.items() if day.year == year
    }
