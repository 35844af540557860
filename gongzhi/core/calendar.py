"""Working days and periods (DESIGN.md § Layout: core/calendar.py).

A working day is Monday–Friday, except the days the State Council's annual holiday notice
(国务院办公厅关于某年部分节假日安排的通知) changes: statutory holidays (放假) are not working days,
and adjusted working weekend days (调休上班, always a Saturday or Sunday) are. Those days
live in `core.Holiday`; the platform ships none — the locality loads each year's notice
(docs/holidays.md). A year without rows falls back to Monday–Friday, which makes every
deadline the earliest it can be; `years_without_holidays` lets a page warn about it.

Deadlines "within N working days of D" (e.g. 民政部令60号: removal from the anomaly list
within 5 working days of verified rectification) are `add_working_days(D, N)`: the N-th
working day after D, D itself not counted.

Periods: `period_of(d, kind)` -> (start, end) for "month", "quarter", "half" or "year",
plus `month_start/month_end/quarter_start/quarter_end/year_start/year_end`.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from gongzhi.core import registry
from gongzhi.core.imports import Column, ModelImporter, RowInvalid, p_choice, p_date
from gongzhi.core.models import Holiday

ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """Working-day arithmetic over the Holiday table, loading one year of rows at a time.

    Module functions make a fresh one per call (so an edit in the admin counts at once);
    code that asks about many dates in one request (a list of deadlines) keeps one instance.
    """

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, str]] = {}

    def _year(self, year: int) -> dict[dt.date, str]:
        rows = self._years.get(year)
        if rows is None:
            rows = dict(
                Holiday.objects.filter(date__year=year).values_list("date", "kind").order_by()
            )
            self._years[year] = rows
        return rows

    def preload(self, start: dt.date, end: dt.date) -> None:
        """Load every year from `start` to `end` in one query."""
        missing = [y for y in range(start.year, end.year + 1) if y not in self._years]
        if not missing:
            return
        for y in missing:
            self._years[y] = {}
        for day, kind in Holiday.objects.filter(
            date__year__gte=missing[0], date__year__lte=missing[-1]
        ).values_list("date", "kind"):
            if day.year in self._years and day.year in missing:
                self._years[day.year][day] = kind

    def is_working_day(self, day: dt.date) -> bool:
        kind = self._year(day.year).get(day)
        if kind == Holiday.Kind.HOLIDAY:
            return False
        if kind == Holiday.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it for negative n); `day` for n == 0."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (negative when end is before start), so that
        `working_days_between(d, add_working_days(d, n)) == n`."""
        if end < start:
            return -self.working_days_between(end, start)
        self.preload(start, end)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return WorkCalendar().add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return WorkCalendar().working_days_between(start, end)


def years_without_holidays(years: Iterable[int]) -> list[int]:
    """Those of `years` for which no holiday notice has been loaded (Monday–Friday is used)."""
    wanted = sorted(set(years))
    loaded = set(
        Holiday.objects.filter(date__year__in=wanted, kind=Holiday.Kind.HOLIDAY)
        .values_list("date__year", flat=True)
        .distinct()
    )
    return [y for y in wanted if y not in loaded]


# --- periods ----------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "half", "year")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=_stdlib_calendar.monthrange(day.year, day.month)[1])


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    return month_end(dt.date(day.year, 3 * ((day.month - 1) // 3) + 3, 1))


def half_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 6, 30) if day.month <= 6 else dt.date(day.year, 12, 31)


def year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


_PERIODS: dict[str, tuple[Any, Any]] = {
    "month": (month_start, month_end),
    "quarter": (quarter_start, quarter_end),
    "half": (half_start, half_end),
    "year": (year_start, year_end),
}


def period_of(day: dt.date, kind: str) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the month / quarter / half-year / year containing `day`."""
    try:
        start, end = _PERIODS[kind]
    except KeyError:
        raise ValueError(
            f"unknown period kind {kind!r}; known: {', '.join(PERIOD_KINDS)}"
        ) from None
    return start(day), end(day)


# --- `gongzhi import holidays FILE` -------------------------------------------------------------


def p_holiday_kind(value: Any) -> Any:
    return p_choice(Holiday.Kind)(value)


@registry.register_importer
class HolidayImporter(ModelImporter):
    """One row per day of the year's notice: 日期, 类型 (放假 / 调休上班), 名称. Upsert by date,
    so loading the same notice twice changes nothing and a corrected notice updates the rows."""

    kind = "holidays"
    label = gettext_lazy("节假日安排")
    permission = "core.add_holiday"
    model = Holiday
    key = ("date",)
    columns = [
        Column("date", "日期", p_date, required=True, aliases=("date",)),
        Column(
            "kind",
            "类型",
            p_holiday_kind,
            required=True,
            aliases=("kind",),
            help=gettext_lazy("放假 或 调休上班"),
        ),
        Column("name", "名称", aliases=("name",), help=gettext_lazy("节日名称，如：春节")),
    ]

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        data["name"] = (data.get("name") or "")[:60]
        row = Holiday(date=data["date"], kind=data["kind"], name=data["name"])
        try:
            row.clean()
        except ValidationError as exc:
            raise RowInvalid(
                "kind", "；".join(exc.message_dict.get("kind", exc.messages))
            ) from None
        return data

    def to_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"date": data["date"], "kind": data["kind"], "name": data["name"]}


__all__ = [
    "PERIOD_KINDS",
    "HolidayImporter",
    "WorkCalendar",
    "add_working_days",
    "half_end",
    "half_start",
    "is_working_day",
    "month_end",
    "month_start",
    "period_of",
    "quarter_end",
    "quarter_start",
    "working_days_between",
    "year_end",
    "year_start",
    "years_without_holidays",
]
