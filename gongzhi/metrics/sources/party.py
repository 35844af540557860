"""Figures of the Party side: organisations covered, Party organisations, members, work coverage.

`count` is the party app's coverage selectors (scoped); the staged changes rebuild the same
definitions from the same dated facts: a coverage counts while the coverage, its Party
organisation and the social organisation are all active; a member while one of their
membership periods (the history) covers the day, they are admitted, and that period's
Party organisation is active — in that period's district.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.metrics.figures import Figure, Row, clip, interval_changes, intervals_union, register
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.models import (
    InstructorAssignment,
    MembershipPeriod,
    PartyMember,
    PartyOrg,
    PartyOrgCoverage,
)
from gongzhi.party.selectors import coverage as cov

Span = tuple[dt.date, dt.date | None]


def _org_spans() -> dict[int, tuple[str, Span]]:
    return {
        i: (code[:12], (reg, dereg))
        for i, code, reg, dereg in SocialOrg.objects.values_list(
            "id", "area_code", "registered_on", "deregistered_on"
        )
    }


def _coverage_spans(orgs: dict[int, tuple[str, Span]]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = defaultdict(list)
    for org_id, s, e, ps, pe in PartyOrgCoverage.objects.values_list(
        "org_id", "started_on", "ended_on", "party_org__established_on", "party_org__dissolved_on"
    ):
        if org_id in orgs:
            spans[org_id].append(clip(s, e, (ps, pe), orgs[org_id][1]))
    return spans


def _stage_covered() -> list[Row]:
    orgs = _org_spans()
    out: list[Row] = []
    for org_id, spans in _coverage_spans(orgs).items():
        out += intervals_union(orgs[org_id][0], spans)
    return out


def _stage_worked() -> list[Row]:
    orgs = _org_spans()
    spans = _coverage_spans(orgs)
    for org_id, s, e in InstructorAssignment.objects.values_list(
        "org_id", "started_on", "ended_on"
    ):
        if org_id in orgs:
            spans[org_id].append(clip(s, e, orgs[org_id][1]))
    out: list[Row] = []
    for org_id, org_spans in spans.items():
        out += intervals_union(orgs[org_id][0], org_spans)
    return out


def _stage_party_orgs() -> list[Row]:
    out: list[Row] = []
    for code, s, e in PartyOrg.objects.values_list("area_code", "established_on", "dissolved_on"):
        out += interval_changes(code[:12], s, e)
    return out


def _stage_members() -> list[Row]:
    """+1/-1 for each membership period while it counts (party.selectors.members_as_of).

    From the history (`MembershipPeriod`), not the member row: a member transferred to
    another district counts in the old one up to the receipt and in the new one from it.
    A period counts from its start, once the member is admitted, while its own Party
    organisation is established and not dissolved.
    """
    out: list[Row] = []
    for code, s, e, admitted, ps, pe in MembershipPeriod.objects.values_list(
        "area_code",
        "started_on",
        "ended_on",
        "member__admitted_on",
        "party_org__established_on",
        "party_org__dissolved_on",
    ):
        start, end = clip(s, e, (admitted, None), (ps, pe))
        if end is None or end > start:
            out += interval_changes(code[:12], start, end)
    return out


def _count(fn: Any) -> Any:
    def count(user: Any, day: dt.date, prefix: str | None) -> int:
        return int(fn(user=user, as_of=day, area_prefix=prefix).count())

    return count


def _count_worked(user: Any, day: dt.date, prefix: str | None) -> int:
    f = cov.coverage_figures(user=user, as_of=day, area_prefix=prefix)
    return f.orgs_with_party_org + f.orgs_with_instructor_only


_PARTY = ["party.PartyOrg", "party.PartyOrgCoverage", "orgs.SocialOrg"]
register(
    Figure(
        "orgs_with_party_org",
        _("已建党组织的社会组织"),
        _("家"),
        _count(cov.orgs_with_party_org),
        stage=_stage_covered,
        watch=_PARTY,
        headline=True,
        order=40,
    )
)
register(
    Figure(
        "party_orgs",
        _("社会组织党组织"),
        _("个"),
        _count(cov.party_orgs_as_of),
        stage=_stage_party_orgs,
        watch=["party.PartyOrg"],
        headline=True,
        order=50,
    )
)
register(
    Figure(
        "party_members",
        _("党员"),
        _("名"),
        _count(cov.members_as_of),
        stage=_stage_members,
        watch=["party.MembershipPeriod", "party.PartyMember", "party.PartyOrg"],
        headline=True,
        order=60,
    )
)
register(
    Figure(
        "orgs_with_work_coverage",
        _("党的工作覆盖的社会组织"),
        _("家"),
        _count_worked,
        stage=_stage_worked,
        watch=[*_PARTY, "party.InstructorAssignment"],
        order=70,
    )
)


# --- 应建未建: organisations with >= 3 formal members and no branch of their own --------------
def _count_should_build(user: Any, day: dt.date, prefix: str | None) -> int:
    from gongzhi.party.selectors.checks import orgs_requiring_party_org

    qs = orgs_requiring_party_org(user=user, as_of=day)
    return qs.filter(area_code__startswith=prefix).count() if prefix else qs.count()


def _stage_should_build() -> list[Row]:
    from gongzhi.party.models import BuiltBy
    from gongzhi.party.rules_config import current

    need = current().min_formal_members_for_own_branch
    orgs = _org_spans()
    members: dict[int, list[tuple[dt.date, dt.date | None, dt.date]]] = defaultdict(list)
    for employer, joined, left, formal in PartyMember.objects.filter(
        employer__isnull=False, became_formal_on__isnull=False
    ).values_list("employer_id", "joined_on", "left_on", "became_formal_on"):
        members[employer].append((joined, left, formal))  # type: ignore[arg-type]
    own: dict[int, list[Span]] = defaultdict(list)
    for org_id, s, e, ps, pe in PartyOrgCoverage.objects.filter(
        party_org__built_by=BuiltBy.SINGLE
    ).values_list(
        "org_id", "started_on", "ended_on", "party_org__established_on", "party_org__dissolved_on"
    ):
        own[org_id].append(clip(s, e, (ps, pe)))
    out: list[Row] = []
    for org_id, facts in members.items():
        if org_id not in orgs:
            continue
        code, (reg, dereg) = orgs[org_id]
        points = {reg} | ({dereg} if dereg else set())
        for joined, left, formal in facts:
            points |= {joined, formal} | ({left} if left else set())
        for s, e in own[org_id]:
            points |= {s} | ({e} if e else set())

        def inside(day: dt.date, s: dt.date, e: dt.date | None) -> bool:
            return s <= day and (e is None or e > day)

        current_v = 0
        for day in sorted(points):
            formal_n = sum(1 for j, gone, f in facts if inside(day, j, gone) and f <= day)
            v = int(
                inside(day, reg, dereg)
                and formal_n >= need
                and not any(inside(day, s, e) for s, e in own[org_id] if e is None or e > s)
            )
            if v != current_v:
                out.append((code, day, v - current_v))
                current_v = v
    return out


register(
    Figure(
        "should_build_not_built",
        _("应建未建（≥3名正式党员未单独建立党组织）"),
        _("家"),
        _count_should_build,
        stage=_stage_should_build,
        watch=["party.PartyMember", "party.PartyOrgCoverage", "party.PartyOrg", "orgs.SocialOrg"],
        order=75,
    )
)
