"""Calendar arithmetic the Party rules need: months, and month/quarter/year periods."""

from __future__ import annotations

import calendar
import datetime as dt


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
    if period == "month":
        return f"{start.year}年{start.month}月"
    if period == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"


def quarter_key(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
