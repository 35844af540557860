"""The party app's entries on a social organisation's timeline (orgs.timeline provider).

The orgs page asks every registered provider for `provider(org, user)`; this one adds the
Party organisations that cover the organisation (set up or joined, left, dissolved), the
Party-building instructors sent to it, and each complete year's organisational-life record
of the covering Party organisations against the required frequency (支部工作条例 art. 14-18).
Everything is read through the scope rule: a Party organisation the user may not see (a
joint branch seated in another district, say) is left out, with its meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scope import restrict
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import rules_config
from gongzhi.party.dates import period_bounds
from gongzhi.party.models import (
    MEMBERS_MEETINGS,
    InstructorAssignment,
    LifeKind,
    OrgLifeRecord,
    PartyOrg,
    PartyOrgCoverage,
    PartyPost,
)
from gongzhi.party.selectors.checks import applicable_kinds

PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


def _periods(year: int, period: str) -> list[tuple[dt.date, dt.date]]:
    step = 12 // PERIODS_PER_YEAR[period]
    return [period_bounds(dt.date(year, m, 1), period) for m in range(1, 13, step)]


def _org_label(party_org: PartyOrg) -> str:
    return f"{party_org.name}（{party_org.get_kind_display()}·{party_org.get_built_by_display()}）"


def _coverage_entries(coverage: PartyOrgCoverage) -> list[dict[str, Any]]:
    party_org = coverage.party_org
    url = reverse("party:org_detail", args=[party_org.pk])
    out: list[dict[str, Any]] = []
    if coverage.started_on <= party_org.established_on:
        out.append(
            {
                "date": party_org.established_on,
                "kind": "party_org_established",
                "title": _("建立党组织：%(o)s") % {"o": _org_label(party_org)},
                "detail": "",
                "url": url,
            }
        )
    else:
        out.append(
            {
                "date": coverage.started_on,
                "kind": "party_coverage_started",
                "title": _("纳入党组织覆盖：%(o)s") % {"o": _org_label(party_org)},
                "detail": _("该党组织成立于 %(d)s") % {"d": party_org.established_on.isoformat()},
                "url": url,
            }
        )
    dissolved = party_org.dissolved_on
    if dissolved and (coverage.ended_on is None or dissolved <= coverage.ended_on):
        out.append(
            {
                "date": dissolved,
                "kind": "party_org_dissolved",
                "title": _("党组织撤销：%(o)s") % {"o": party_org.name},
                "detail": "",
                "url": url,
            }
        )
    elif coverage.ended_on:
        out.append(
            {
                "date": coverage.ended_on,
                "kind": "party_coverage_ended",
                "title": _("不再由该党组织覆盖：%(o)s") % {"o": party_org.name},
                "detail": "",
                "url": url,
            }
        )
    return out


def _assignment_entries(assignment: InstructorAssignment) -> list[dict[str, Any]]:
    instructor = assignment.instructor
    who = instructor.name + (f"（{instructor.work_unit}）" if instructor.work_unit else "")
    out: list[dict[str, Any]] = [
        {
            "date": assignment.started_on,
            "kind": "instructor_assigned",
            "title": _("选派党建指导员：%(n)s") % {"n": who},
            "detail": "",
        }
    ]
    if assignment.ended_on:
        out.append(
            {
                "date": assignment.ended_on,
                "kind": "instructor_ended",
                "title": _("党建指导员选派结束：%(n)s") % {"n": instructor.name},
                "detail": "",
            }
        )
    return out


def _years_covered(
    coverage: PartyOrgCoverage, last_complete_year: int
) -> range:  # the complete calendar years in which the coverage and the Party org both ran
    party_org = coverage.party_org
    start = max(coverage.started_on, party_org.established_on)
    ends = [d for d in (coverage.ended_on, party_org.dissolved_on) if d]
    end_year = min([last_complete_year, *[d.year for d in ends]])
    return range(start.year, end_year + 1)


def _life_entry(
    party_org: PartyOrg, year: int, held: list[tuple[str, dt.date]], n_posts: int
) -> dict[str, Any] | None:
    """One year's organisational life of a Party organisation: for each kind it owed, how many
    of the year's periods (months, quarters, the year) had at least the required meetings."""
    rules = rules_config.current(dt.date(year, 12, 31))
    parts, met_all, owed_any = [], True, False
    for kind in applicable_kinds(party_org, n_posts):
        period, required = rules.meeting_frequency[kind]
        due = [
            (start, end)
            for start, end in _periods(year, period)
            # A period is owed when the organisation existed at its end (as the worklist
            # counts it) and was not dissolved by then.
            if party_org.established_on <= end
            and (party_org.dissolved_on is None or party_org.dissolved_on > end)
        ]
        if not due:
            continue
        owed_any = True
        days = [d for k, d in held if k == kind]
        met = sum(1 for start, end in due if sum(start <= d <= end for d in days) >= required)
        met_all = met_all and met == len(due)
        parts.append(f"{LifeKind(kind).label} {met}/{len(due)}")
    if not owed_any:
        return None
    return {
        "date": dt.date(year, 12, 31),
        "kind": "party_life_year",
        "title": (
            _("%(y)d年度组织生活达标：%(o)s") if met_all else _("%(y)d年度组织生活未达标：%(o)s")
        )
        % {"y": year, "o": party_org.name},
        "detail": _("按期开展的期数／应开展期数：") + "；".join(parts),
        "url": reverse("party:org_detail", args=[party_org.pk]),
    }


def party_timeline(org: SocialOrg, user: Any) -> list[dict[str, Any]]:
    """The provider registered with `gongzhi.orgs.timeline` (in PartyConfig.ready)."""
    if not user.has_perm("party.view"):
        return []
    visible = restrict(PartyOrg.objects.all(), user)
    coverages = list(
        PartyOrgCoverage.objects.filter(org=org, party_org__in=visible)
        .select_related("party_org")
        .order_by("started_on", "pk")
    )
    assignments = (
        restrict(InstructorAssignment.objects.filter(org=org), user)
        .select_related("instructor")
        .order_by("started_on", "pk")
    )
    events: list[dict[str, Any]] = []
    for coverage in coverages:
        events.extend(_coverage_entries(coverage))
    for assignment in assignments:
        events.extend(_assignment_entries(assignment))

    last_complete_year = timezone.localdate().year - 1
    years: dict[int, set[int]] = defaultdict(set)  # party org id -> years to report
    party_orgs: dict[int, PartyOrg] = {}
    for coverage in coverages:
        party_orgs[coverage.party_org_id] = coverage.party_org
        years[coverage.party_org_id].update(_years_covered(coverage, last_complete_year))
    all_years = {y for ys in years.values() for y in ys}
    if not all_years:
        return events
    first, last = dt.date(min(all_years), 1, 1), dt.date(max(all_years), 12, 31)
    held: dict[tuple[int, int], list[tuple[str, dt.date]]] = defaultdict(list)
    records = (
        OrgLifeRecord.objects.filter(party_org__in=list(years), held_on__range=(first, last))
        # A members' meeting without a quorum does not count as held.
        .exclude(kind__in=MEMBERS_MEETINGS, quorate=False)
        .values_list("party_org_id", "kind", "held_on")
    )
    for party_org_id, kind, day in records:
        held[(party_org_id, day.year)].append((kind, day))
    posts = list(
        PartyPost.objects.filter(party_org__in=list(years), started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .values_list("party_org_id", "started_on", "ended_on")
    )
    for party_org_id, org_years in years.items():
        for year in sorted(org_years):
            year_end = dt.date(year, 12, 31)
            # Posts held at the year's end decide whether a committee (支委会) was owed.
            n_posts = sum(
                1
                for pid, started, ended in posts
                if pid == party_org_id
                and started <= year_end
                and (ended is None or ended > year_end)
            )
            entry = _life_entry(party_orgs[party_org_id], year, held[(party_org_id, year)], n_posts)
            if entry is not None:
                events.append(entry)
    return events
