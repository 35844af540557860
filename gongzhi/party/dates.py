"""Calendar arithmetic the Party rules need: months, and month/quarter/year periods."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils.translation import gettext as _


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def period_bounds(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month/quarter/year containing `day`."""
    if period == "month":
        start = day.replace(day=1)
        months = 1
    elif period == "quarter":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    elif period == "year":
        start = dt.date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"unknown period {period!r}")
    return start, add_months(start, months) - dt.timedelta(days=1)


def previous_period(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    start, _end = period_bounds(day, period)
    return period_bounds(start - dt.timedelta(days=1), period)


def period_label(start: dt.date, period: str) -> str:
    """The period as the user's language names it (the interface is translatable, zh-Hans first)."""
    if period == "month":
        return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
    if period == "quarter":
        return _("%(year)d年第%(quarter)d季度") % {
            "year": start.year,
            "quarter": (start.month - 1) // 3 + 1,
        }
    return _("%(year)d年") % {"year": start.year}


def quarter_key(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
