"""Coverage figures as of any date, by district (DOMAIN.md § party: 组织覆盖, 工作覆盖, and
四建联动 — 工会/共青团/妇联 built beside the Party organisation).

All counts are scoped to `user` and computed from dated facts, so the end-2020 figures
and today's are the same query with a different `as_of`. Party coverage comes from this
app's records; the four builds come from the orgs app's annual reports (its selectors: the
latest report speaking for `as_of`, builds dated on or before it), placed in the district
of the organisation's domicile as it was on `as_of`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from gongzhi.areas.models import Area
from gongzhi.core.scope import restrict
from gongzhi.orgs import selectors as orgs_selectors
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.models import (
    InstructorAssignment,
    MembershipPeriod,
    PartyMember,
    PartyOrg,
    PartyOrgCoverage,
)


def _dated(prefix: str, start: str, end: str, on: dt.date) -> Q:
    return Q(**{f"{prefix}{start}__lte": on}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": on})
    )


def _within(qs: QuerySet[Any], area_prefix: str | None) -> QuerySet[Any]:
    return qs.filter(area_code__startswith=area_prefix) if area_prefix else qs


def coverage_exists(as_of: dt.date) -> Exists:
    """An active coverage of the outer social org by an active Party organisation."""
    return Exists(
        PartyOrgCoverage.objects.filter(org=OuterRef("pk"))
        .filter(_dated("", "started_on", "ended_on", as_of))
        .filter(_dated("party_org__", "established_on", "dissolved_on", as_of))
    )


def instructor_exists(as_of: dt.date) -> Exists:
    return Exists(
        InstructorAssignment.objects.filter(org=OuterRef("pk")).filter(
            _dated("", "started_on", "ended_on", as_of)
        )
    )


def active_social_orgs(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None
) -> QuerySet[SocialOrg]:
    qs = restrict(SocialOrg.objects.all(), user).filter(
        _dated("", "registered_on", "deregistered_on", as_of)
    )
    return _within(qs, area_prefix)


def orgs_with_party_org(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None
) -> QuerySet[SocialOrg]:
    """Social organisations covered by a Party organisation of their own or a joint one."""
    return active_social_orgs(user=user, as_of=as_of, area_prefix=area_prefix).filter(
        coverage_exists(as_of)
    )


def party_orgs_as_of(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None
) -> QuerySet[PartyOrg]:
    qs = restrict(PartyOrg.objects.all(), user).filter(
        _dated("", "established_on", "dissolved_on", as_of)
    )
    return _within(qs, area_prefix)


def memberships_as_of(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None
) -> QuerySet[MembershipPeriod]:
    """The history periods in force on `as_of`: one per member in an active Party organisation.

    Scoped and placed by the period's own organisation and district (`area_code` then), not
    the member's current ones, so a member who has since moved counts where they were.
    """
    qs = (
        restrict(MembershipPeriod.objects.all(), user)
        .filter(_dated("", "started_on", "ended_on", as_of))
        .filter(member__admitted_on__lte=as_of)
        .filter(_dated("party_org__", "established_on", "dissolved_on", as_of))
    )
    return _within(qs, area_prefix)


def members_as_of(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None
) -> QuerySet[PartyMember]:
    """Members in an active Party organisation of the sector on `as_of` (from the history)."""
    periods = memberships_as_of(user=user, as_of=as_of, area_prefix=area_prefix)
    return PartyMember.objects.filter(Exists(periods.filter(member=OuterRef("pk"))))


def _formal_q(as_of: dt.date, prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}became_formal_on__isnull": False, f"{prefix}became_formal_on__lte": as_of}
    )


def member_counts(*, user: Any, as_of: dt.date, area_prefix: str | None = None) -> dict[str, int]:
    row = members_as_of(user=user, as_of=as_of, area_prefix=area_prefix).aggregate(
        total=Count("id"), formal=Count("id", filter=_formal_q(as_of))
    )
    return {
        "formal": row["formal"],
        "probationary": row["total"] - row["formal"],
        "total": row["total"],
    }


def rate(part: int, whole: int) -> Decimal:
    """A percentage with one decimal; 0 of 0 is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageFigures:
    unit_code: str
    unit_name: str
    as_of: dt.date
    social_orgs: int
    orgs_with_party_org: int
    orgs_with_instructor_only: int
    party_orgs: int
    formal_members: int
    probationary_members: int
    organisational_coverage: Decimal  # 组织覆盖率, %
    work_coverage: Decimal  # 工作覆盖率, %
    # 四建联动, from the annual reports: organisations with each mass organisation built, all
    # four (Party organisation reported too), and that as a share of the organisations (%).
    orgs_with_union: int = 0
    orgs_with_youth_league: int = 0
    orgs_with_women_federation: int = 0
    orgs_with_all_four: int = 0
    four_builds_coverage: Decimal = Decimal("0.0")

    @property
    def party_members(self) -> int:
        return self.formal_members + self.probationary_members

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["party_members"] = self.party_members
        return data


def _four_builds(builds: dict[str, int], total: int) -> dict[str, Any]:
    return {
        "orgs_with_union": builds.get("union", 0),
        "orgs_with_youth_league": builds.get("youth_league", 0),
        "orgs_with_women_federation": builds.get("women_federation", 0),
        "orgs_with_all_four": builds.get("all_four", 0),
        "four_builds_coverage": rate(builds.get("all_four", 0), total),
    }


def _org_counts(qs: QuerySet[SocialOrg], as_of: dt.date) -> QuerySet[Any]:
    return qs.annotate(has_party=coverage_exists(as_of), has_instructor=instructor_exists(as_of))


def coverage_figures(
    *, user: Any, as_of: dt.date, area_prefix: str | None = None, unit_name: str = ""
) -> CoverageFigures:
    orgs = _org_counts(active_social_orgs(user=user, as_of=as_of, area_prefix=area_prefix), as_of)
    row = orgs.aggregate(
        total=Count("id"),
        party=Count("id", filter=Q(has_party=True)),
        instructor_only=Count("id", filter=Q(has_party=False, has_instructor=True)),
    )
    members = member_counts(user=user, as_of=as_of, area_prefix=area_prefix)
    builds = orgs_selectors.four_builds_as_of(user=user, as_of=as_of, within=area_prefix)
    worked = row["party"] + row["instructor_only"]
    return CoverageFigures(
        unit_code=area_prefix or "",
        unit_name=unit_name,
        as_of=as_of,
        social_orgs=row["total"],
        orgs_with_party_org=row["party"],
        orgs_with_instructor_only=row["instructor_only"],
        party_orgs=party_orgs_as_of(user=user, as_of=as_of, area_prefix=area_prefix).count(),
        formal_members=members["formal"],
        probationary_members=members["probationary"],
        organisational_coverage=rate(row["party"], row["total"]),
        work_coverage=rate(worked, row["total"]),
        **_four_builds(builds, row["total"]),
    )


def coverage_by_district(*, user: Any, as_of: dt.date) -> list[CoverageFigures]:
    """One row per county/district (first 6 digits of the division code), in five queries."""
    district = Substr("area_code", 1, 6)
    org_rows = (
        _org_counts(active_social_orgs(user=user, as_of=as_of), as_of)
        .annotate(district=district)
        .values("district")
        .annotate(
            total=Count("id"),
            party=Count("id", filter=Q(has_party=True)),
            instructor_only=Count("id", filter=Q(has_party=False, has_instructor=True)),
        )
    )
    party_rows = (
        party_orgs_as_of(user=user, as_of=as_of)
        .annotate(district=district)
        .values("district")
        .annotate(n=Count("id"))
    )
    # Members by the district of the organisation they belonged to on `as_of` (the history).
    member_rows = (
        memberships_as_of(user=user, as_of=as_of)
        .annotate(district=district)
        .values("district")
        .annotate(
            total=Count("member_id", distinct=True),
            formal=Count("member_id", filter=_formal_q(as_of, "member__"), distinct=True),
        )
    )
    builds = {
        code[:6]: counts
        for code, counts in orgs_selectors.four_builds_by_district(user=user, as_of=as_of).items()
    }
    data: dict[str, dict[str, int]] = {}
    for r in org_rows:
        data.setdefault(r["district"], {}).update(
            total=r["total"], party=r["party"], instructor_only=r["instructor_only"]
        )
    for r in party_rows:
        data.setdefault(r["district"], {})["party_orgs"] = r["n"]
    for r in member_rows:
        data.setdefault(r["district"], {}).update(members=r["total"], formal=r["formal"])
    for code in builds:
        data.setdefault(code, {})
    names = dict(
        Area.objects.filter(code__in=[f"{d}000000" for d in data]).values_list("code", "name")
    )
    out = []
    for code in sorted(data):
        d = data[code]
        total, party = d.get("total", 0), d.get("party", 0)
        out.append(
            CoverageFigures(
                unit_code=code,
                unit_name=names.get(f"{code}000000", code),
                as_of=as_of,
                social_orgs=total,
                orgs_with_party_org=party,
                orgs_with_instructor_only=d.get("instructor_only", 0),
                party_orgs=d.get("party_orgs", 0),
                formal_members=d.get("formal", 0),
                probationary_members=d.get("members", 0) - d.get("formal", 0),
                organisational_coverage=rate(party, total),
                work_coverage=rate(party + d.get("instructor_only", 0), total),
                **_four_builds(builds.get(code, {}), total),
            )
        )
    return out
