"""The registry as of a date: what it said on day D, for the dashboards (the catalogue:
selectors/__init__)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Substr

from gongzhi.core.scope import restrict
from gongzhi.orgs.models import OrgChange, SocialOrg
from gongzhi.orgs.selectors.records import latest_report


def _field_at(field: str, as_of: dt.date) -> Coalesce:
    """The value `field` had on `as_of`: the `before` of the first change after that day, or
    the current value when nothing changed it since."""
    earliest_later = (
        OrgChange.objects.filter(org=OuterRef("pk"), effective_on__gt=as_of)
        .filter(before__has_key=field)
        .order_by("effective_on", "id")
        .values(v=KT(f"before__{field}"))[:1]
    )
    return Coalesce(
        Subquery(earliest_later, output_field=CharField()),
        F(field),
        output_field=CharField(),
    )


AT_FIELDS = ("name", "kind", "area_code", "industry")


def orgs_registered_as_of(
    *,
    user: Any,
    as_of: dt.date,
    within: str | None = None,
    fields: tuple[str, ...] = AT_FIELDS,
) -> QuerySet[SocialOrg]:
    """`fields`: the `<field>_at` values to annotate. Each is a correlated subquery that
    Django builds and compiles on every call (most of the time of a count on a small
    registry), so the counts below ask only for the ones they group or filter by."""
    qs = restrict(SocialOrg.objects.all(), user).filter(registered_on__lte=as_of)
    qs = qs.filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=as_of))
    wanted = set(fields) | ({"area_code"} if within else set())
    qs = qs.annotate(**{f"{f}_at": _field_at(f, as_of) for f in AT_FIELDS if f in wanted})
    if within:
        qs = qs.filter(area_code_at__startswith=_within_prefix(within))
    return qs


def _within_prefix(code: str) -> str:
    """A 12-digit unit code or a prefix → the prefix that names the unit."""
    if len(code) >= 12:
        from gongzhi.areas.models import Area

        area = Area.objects.filter(code=code).only("prefix").first()
        if area is not None:
            return area.prefix
    return code


def _as_of(user: Any, as_of: dt.date, within: str | None, *fields: str) -> QuerySet[SocialOrg]:
    return orgs_registered_as_of(user=user, as_of=as_of, within=within, fields=fields)


def org_count_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> int:
    return _as_of(user, as_of, within).count()


def _grouped(qs: QuerySet, key: Any) -> dict[str, int]:
    rows = qs.order_by().values(k=key).annotate(n=Count("id")).values_list("k", "n")
    out: dict[str, int] = {}
    for k, n in rows:
        out[k or ""] = out.get(k or "", 0) + n
    return out


def counts_by_kind(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    return _grouped(_as_of(user, as_of, within, "kind"), F("kind_at"))


def counts_by_district(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    grouped = _grouped(_as_of(user, as_of, within, "area_code"), Substr("area_code_at", 1, 6))
    return {f"{k}000000": n for k, n in grouped.items()}


def counts_by_industry(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    return _grouped(_as_of(user, as_of, within, "industry"), F("industry_at"))


def _report_year_for(as_of: dt.date) -> int:
    """A report on year Y speaks for 31 December of Y."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


REPORT_TOTALS = ("employees", "social_workers", "other_professionals", "volunteers")


def report_totals_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    latest = latest_report(upto_year=_report_year_for(as_of))
    qs = _as_of(user, as_of, within).annotate(
        **{
            f"r_{f}": Subquery(latest.values(f)[:1], output_field=IntegerField())
            for f in REPORT_TOTALS
        }
    )
    sums = qs.aggregate(**{f: Sum(f"r_{f}") for f in REPORT_TOTALS})
    return {f: int(sums[f] or 0) for f in REPORT_TOTALS}


def employees_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> int:
    return report_totals_as_of(user=user, as_of=as_of, within=within)["employees"]


def _four_builds(
    user: Any, as_of: dt.date, within: str | None, *fields: str
) -> tuple[QuerySet[SocialOrg], dict[str, Count]]:
    latest = latest_report(upto_year=_report_year_for(as_of))

    def at(field: str, output: Any) -> Subquery:
        return Subquery(latest.values(field)[:1], output_field=output)

    qs = _as_of(user, as_of, within, *fields).annotate(
        l_party=at("has_party_org", BooleanField()),
        l_union=at("has_union", BooleanField()),
        l_union_on=at("union_on", DateField()),
        l_youth=at("has_youth_league", BooleanField()),
        l_youth_on=at("youth_league_on", DateField()),
        l_women=at("has_women_federation", BooleanField()),
        l_women_on=at("women_federation_on", DateField()),
    )
    # Only the latest report counts, and only builds dated on or before the day asked about.
    b_party = Q(l_party=True)
    b_union = Q(l_union=True, l_union_on__lte=as_of)
    b_youth = Q(l_youth=True, l_youth_on__lte=as_of)
    b_women = Q(l_women=True, l_women_on__lte=as_of)
    counts = {
        "party": Count("id", filter=b_party),
        "union": Count("id", filter=b_union),
        "youth_league": Count("id", filter=b_youth),
        "women_federation": Count("id", filter=b_women),
        "all_four": Count("id", filter=b_party & b_union & b_youth & b_women),
    }
    return qs, counts


def four_builds_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    qs, counts = _four_builds(user, as_of, within)
    return {k: int(v or 0) for k, v in qs.aggregate(**counts).items()}


def four_builds_by_district(
    *, user: Any, as_of: dt.date, within: str | None = None
) -> dict[str, dict[str, int]]:
    """`four_builds_as_of` for each county/district (12-digit code) in one query."""
    qs, counts = _four_builds(user, as_of, within, "area_code")
    rows = (
        qs.order_by().values(k=Substr("area_code_at", 1, 6)).annotate(**counts).values("k", *counts)
    )
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        key = f"{row.pop('k') or ''}000000"
        bucket = out.setdefault(key, dict.fromkeys(counts, 0))
        for name, n in row.items():
            bucket[name] += int(n or 0)
    return out
