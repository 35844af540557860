"""Figures of the Party side: organisations covered, Party organisations, members, work coverage.

`count` is the party app's coverage selectors (scoped); the staged changes rebuild the same
definitions from the same dated facts: a coverage counts while the coverage, its Party
organisation and the social organisation are all active; a member while in the sector
(joined_on..left_on, admitted) and their Party organisation is active.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.metrics.figures import Figure, Row, clip, interval_changes, intervals_union, register
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.models import InstructorAssignment, PartyMember, PartyOrg, PartyOrgCoverage
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
    out: list[Row] = []
    for code, joined, left, admitted, ps, pe in PartyMember.objects.filter(
        party_org__isnull=False
    ).values_list(
        "area_code",
        "joined_on",
        "left_on",
        "admitted_on",
        "party_org__established_on",
        "party_org__dissolved_on",
    ):
        start, end = clip(joined, left, (admitted, None), (ps, pe))
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
        watch=["party.PartyMember", "party.PartyOrg"],
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
