"""Figures of the social-organisation registry: organisations, employees, the four builds.

`count` is the orgs app's as-of selectors (scoped; domicile as it was on the date, from
the change history). The staged changes rebuild the same definitions per organisation:
its active span, its domicile over time (OrgChange), and its annual reports — a report
on year Y speaks for 31 December of Y (orgs.selectors._report_year_for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.metrics.figures import Family, Figure, KeyedRow, register
from gongzhi.orgs import selectors as orgs_sel
from gongzhi.orgs.models import AnnualReport, OrgChange, ReportResult, SocialOrg


@dataclass
class OrgFacts:
    code: str
    registered_on: dt.date
    deregistered_on: dt.date | None
    moves: list[tuple[dt.date, str, str]] = field(
        default_factory=list
    )  # (effective, before, after)
    reports: dict[int, Any] = field(default_factory=dict)  # year -> report values

    def area_on(self, day: dt.date) -> str:
        # orgs.selectors._field_at: the `before` of the first change after the day, else current.
        for effective, before, _after in self.moves:
            if effective > day:
                return before
        return self.code

    def active_on(self, day: dt.date) -> bool:
        return self.registered_on <= day and (
            self.deregistered_on is None or self.deregistered_on > day
        )

    def report_on(self, day: dt.date) -> Any:
        upto = day.year if (day.month, day.day) == (12, 31) else day.year - 1
        years = [y for y in self.reports if y <= upto]
        return self.reports[max(years)] if years else None


def _facts() -> dict[int, OrgFacts]:
    facts = {
        i: OrgFacts(code, reg, dereg)
        for i, code, reg, dereg in SocialOrg.objects.values_list(
            "id", "area_code", "registered_on", "deregistered_on"
        )
    }
    for org_id, effective, before, after in (
        OrgChange.objects.filter(before__has_key="area_code")
        .order_by("org_id", "effective_on", "id")
        .values_list("org_id", "effective_on", "before", "after")
    ):
        facts[org_id].moves.append(
            (effective, before["area_code"], (after or {}).get("area_code", ""))
        )
    for r in (
        AnnualReport.objects.filter(submitted_on__isnull=False)
        .exclude(result=ReportResult.NOT_SUBMITTED)
        .values(
            "org_id",
            "year",
            "employees",
            "has_party_org",
            "has_union",
            "union_on",
            "has_youth_league",
            "youth_league_on",
            "has_women_federation",
            "women_federation_on",
        )
    ):
        facts[r["org_id"]].reports[r["year"]] = r
    return facts


def _breakpoints(f: OrgFacts) -> list[dt.date]:
    days = {f.registered_on}
    if f.deregistered_on:
        days.add(f.deregistered_on)
    days.update(m[0] for m in f.moves)
    for year, r in f.reports.items():
        days.add(dt.date(year, 12, 31))
        days.add(dt.date(year + 1, 1, 1))  # the report stops speaking for Dec 31 only
        for key in ("union_on", "youth_league_on", "women_federation_on"):
            if r.get(key):
                days.add(r[key])
    return sorted(days)


Value = Callable[[Any], int]  # of the report speaking for the day (None: none), while active
_BUILDS = ("union", "youth_league", "women_federation")


def _employees(r: Any) -> int:
    return int(r["employees"]) if r else 0


def _build(key: str, day: dt.date, r: Any) -> int:
    return int(bool(r and r[f"has_{key}"] and r[f"{key}_on"] and r[f"{key}_on"] <= day))


def _values(day: dt.date, r: Any) -> dict[str, int]:
    """Each registry figure's value for an active organisation on `day`."""
    builds = {k: _build(k, day, r) for k in _BUILDS}
    return {
        "social_orgs": 1,
        "employees": _employees(r),
        **{f"orgs_{k}": v for k, v in builds.items()},
        "orgs_four_builds": int(bool(r and r["has_party_org"]) and all(builds.values())),
    }


KEYS = ("social_orgs", "employees", *(f"orgs_{k}" for k in _BUILDS), "orgs_four_builds")


def _stage() -> Iterator[KeyedRow]:
    """Changes of every registry figure (0 while inactive) at each organisation's domicile
    over time: one walk of each organisation's dated facts for all six figures."""
    for f in _facts().values():
        now: dict[str, tuple[str, int]] = dict.fromkeys(KEYS, ("", 0))
        for day in _breakpoints(f):
            values = _values(day, f.report_on(day)) if f.active_on(day) else dict.fromkeys(KEYS, 0)
            a = f.area_on(day)[:12]
            for key, v in values.items():
                area, current = now[key]
                if (a, v) != (area, current):
                    if current:
                        yield (key, area, day, -current)
                    if v:
                        yield (key, a, day, v)
                    now[key] = (a, v)


REGISTRY = Family("orgs", rows=_stage)


def _count(fn: Callable[..., int]) -> Callable[[Any, dt.date, str | None], int]:
    def count(user: Any, day: dt.date, prefix: str | None) -> int:
        return int(fn(user=user, as_of=day, within=prefix))

    return count


def _four(key: str) -> Callable[[Any, dt.date, str | None], int]:
    def count(user: Any, day: dt.date, prefix: str | None) -> int:
        return int(orgs_sel.four_builds_as_of(user=user, as_of=day, within=prefix)[key])

    return count


def orgs_active_on(user: Any, day: dt.date, prefix: str | None = None) -> Any:
    return orgs_sel.orgs_registered_as_of(user=user, as_of=day, within=prefix)


_WATCH = ["orgs.SocialOrg", "orgs.OrgChange"]
_REPORTS = [*_WATCH, "orgs.AnnualReport"]
register(
    Figure(
        "social_orgs",
        _("登记备案社会组织"),
        _("家"),
        _count(orgs_sel.org_count_as_of),
        family=REGISTRY,
        watch=_WATCH,
        headline=True,
        order=10,
    )
)
register(
    Figure(
        "employees",
        _("吸纳就业人员"),
        _("人"),
        _count(orgs_sel.employees_as_of),
        family=REGISTRY,
        watch=_REPORTS,
        headline=True,
        order=20,
    )
)
for _key, _label, _order in (
    ("union", _("已建工会"), 91),
    ("youth_league", _("已建共青团组织"), 92),
    ("women_federation", _("已建妇联组织"), 93),
):
    register(
        Figure(
            f"orgs_{_key}",
            _label,
            _("家"),
            _four(_key),
            family=REGISTRY,
            watch=_REPORTS,
            order=_order,
        )
    )
register(
    Figure(
        "orgs_four_builds",
        _("四建联动（党组织+工会+共青团+妇联）"),
        _("家"),
        _four("all_four"),
        family=REGISTRY,
        watch=_REPORTS,
        order=94,
    )
)
