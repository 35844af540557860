"""The checks the platform runs (issue 4 § Checks), each a scoped selector.

`selectors.worklist` turns their results into items for a unit and counts them.
Thresholds come from rules_config, never from literals here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from gongzhi.orgs.models import SocialOrg
from gongzhi.party import rules_config
from gongzhi.party.dates import period_bounds, period_label, previous_period
from gongzhi.party.models import (
    BRANCH_KINDS,
    MEMBERS_MEETINGS,
    BuiltBy,
    LifeKind,
    MemberStatus,
    OrgLifeRecord,
    PartyMember,
    PartyOrg,
    PartyOrgCoverage,
    PartyOrgKind,
    PartyPost,
    Transfer,
    TransferState,
)
from gongzhi.party.selectors.coverage import (
    _dated,
    active_social_orgs,
    coverage_exists,
    instructor_exists,
    party_orgs_as_of,
)
from gongzhi.party.selectors.records import member_list, transfer_list


def count_of(qs: QuerySet[Any], outer: str) -> Coalesce:
    """A correlated COUNT of `qs` rows for the outer row (`outer` is qs's field pointing to it).

    Subqueries rather than joins: counting members, coverages and posts of one organisation
    through three joins multiplies the rows (members × coverages × posts) before DISTINCT.
    """
    counted = qs.order_by().values(outer).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def formal_members_of_org(as_of: dt.date) -> Coalesce:
    """Formal Party members employed by the outer social organisation on `as_of`."""
    return count_of(
        PartyMember.objects.filter(employer=OuterRef("pk"), became_formal_on__lte=as_of).filter(
            _dated("", "joined_on", "left_on", as_of)
        ),
        "employer",
    )


def own_party_org_exists(as_of: dt.date) -> Exists:
    """The outer social organisation has a Party organisation of its own (单独组建) on `as_of`."""
    return Exists(
        PartyOrgCoverage.objects.filter(org=OuterRef("pk"), party_org__built_by=BuiltBy.SINGLE)
        .filter(_dated("", "started_on", "ended_on", as_of))
        .filter(_dated("party_org__", "established_on", "dissolved_on", as_of))
    )


def orgs_requiring_party_org(*, user: Any, as_of: dt.date) -> QuerySet[SocialOrg]:
    """应建未建: ≥ 3 formal members and no branch of its own (支部工作条例 art. 5).

    This is the credit-list cause "no Party organisation set up as required" (民政部令60号);
    `services.listings_propose_no_party_org` proposes these organisations to the orgs app.
    """
    rules = rules_config.current()
    return (
        active_social_orgs(user=user, as_of=as_of)
        .annotate(formal_members=formal_members_of_org(as_of))
        .filter(formal_members__gte=rules.min_formal_members_for_own_branch)
        .filter(~own_party_org_exists(as_of))
        .order_by("name")
    )


def orgs_without_party_work(*, user: Any, as_of: dt.date) -> QuerySet[SocialOrg]:
    """工作覆盖 gap: neither a Party organisation nor an instructor."""
    return (
        active_social_orgs(user=user, as_of=as_of)
        .filter(~coverage_exists(as_of))
        .filter(~instructor_exists(as_of))
        .order_by("name")
    )


def party_orgs_with_counts(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    """Active Party organisations with their active members, coverages and posts counted."""
    return party_orgs_as_of(user=user, as_of=as_of).annotate(
        n_members=count_of(
            PartyMember.objects.filter(party_org=OuterRef("pk")).filter(
                _dated("", "joined_on", "left_on", as_of)
            ),
            "party_org",
        ),
        n_covered=count_of(
            PartyOrgCoverage.objects.filter(party_org=OuterRef("pk")).filter(
                _dated("", "started_on", "ended_on", as_of)
            ),
            "party_org",
        ),
        n_posts=count_of(
            PartyPost.objects.filter(party_org=OuterRef("pk")).filter(
                _dated("", "started_on", "ended_on", as_of)
            ),
            "party_org",
        ),
    )


def party_org_checks() -> dict[str, Q]:
    """The conditions on `party_orgs_with_counts` rows behind four worklist checks (one
    definition for the lists and for `worklist_count`)."""
    rules = rules_config.current()
    return {
        "joint_over_limit": Q(
            kind=PartyOrgKind.JOINT_BRANCH, n_covered__gt=rules.joint_branch_max_units
        ),
        # 支部工作条例 art. 9: ≥ 7 members → a committee of 3-5 (at most 7).
        "no_committee": Q(
            kind__in=BRANCH_KINDS,
            n_members__gte=rules.branch_committee_min_members,
            n_posts__lt=rules.branch_committee_min_size,
        ),
        # A branch has at most 50 members; more → 党总支 (≥ 100 → 基层党委).
        "branch_too_large": Q(kind__in=BRANCH_KINDS, n_members__gt=rules.branch_max_members),
        "should_be_committee": Q(n_members__gte=rules.committee_org_min_members)
        & ~Q(kind=PartyOrgKind.COMMITTEE)
        & ~Q(kind__in=BRANCH_KINDS),
    }


def joint_branches_over_limit(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        party_org_checks()["joint_over_limit"]
    )


def branches_without_committee(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    return party_orgs_with_counts(user=user, as_of=as_of).filter(party_org_checks()["no_committee"])


def branches_too_large(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        party_org_checks()["branch_too_large"]
    )


def orgs_that_should_be_committees(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        party_org_checks()["should_be_committee"]
    )


def election_due_q(today: dt.date) -> Q:
    """换届: term expired or ending within the warning window (rules_config)."""
    horizon = today + dt.timedelta(days=rules_config.current().election_warning_days)
    return Q(election_due_on__lte=horizon)


def elections_due(*, user: Any, today: dt.date) -> QuerySet[PartyOrg]:
    return party_orgs_as_of(user=user, as_of=today).filter(election_due_q(today))


def probations_due(*, user: Any, today: dt.date) -> QuerySet[PartyMember]:
    horizon = today + dt.timedelta(days=rules_config.current().probation_warning_days)
    return member_list(user=user, status=MemberStatus.PROBATIONARY).filter(
        probation_ends_on__lte=horizon
    )


def transfers_expired(*, user: Any, today: dt.date) -> QuerySet[Transfer]:
    return transfer_list(user=user, state=TransferState.ISSUED).filter(valid_until__lt=today)


def receipts_overdue(*, user: Any, today: dt.date) -> QuerySet[Transfer]:
    return transfer_list(user=user, state=TransferState.RECEIVED).filter(receipt_due_on__lt=today)


@dataclass(frozen=True)
class MeetingGap:
    party_org: PartyOrg
    kind: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    held: int
    required: int
    current: bool

    @property
    def label(self) -> str:
        return period_label(self.starts_on, self.period)


def applicable_kinds(org: PartyOrg, n_posts: int) -> list[str]:
    """Which kinds of organisational life the organisation owes."""
    rules = rules_config.current()
    kinds = []
    for kind in rules.meeting_frequency:
        if kind == LifeKind.COMMITTEE_MEETING and n_posts < rules.branch_committee_min_size:
            continue  # no committee, no 支委会 (secretary only, art. 9)
        if kind == LifeKind.GROUP_MEETING and not org.party_groups:
            continue
        kinds.append(kind)
    return kinds


def meeting_gaps(
    *, user: Any, today: dt.date, party_org: PartyOrg | None = None
) -> list[MeetingGap]:
    """Kinds of organisational life held fewer times than required, this and last period."""
    rules = rules_config.current()
    orgs_qs = party_orgs_with_counts(user=user, as_of=today)
    if party_org is not None:
        orgs_qs = orgs_qs.filter(pk=party_org.pk)
    orgs = list(orgs_qs)
    if not orgs:
        return []
    earliest = min(previous_period(today, p)[0] for p, _n in rules.meeting_frequency.values())
    held: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    records = (
        OrgLifeRecord.objects.filter(party_org__in=[o.pk for o in orgs], held_on__gte=earliest)
        .filter(held_on__lte=today)
        # A members' meeting without a quorum does not count as held.
        .exclude(kind__in=MEMBERS_MEETINGS, quorate=False)
        .values_list("party_org_id", "kind", "held_on")
    )
    for org_id, kind, day in records:
        held[(org_id, kind)].append(day)
    gaps: list[MeetingGap] = []
    for org in orgs:
        for kind in applicable_kinds(org, org.n_posts):  # type: ignore[attr-defined]
            period, required = rules.meeting_frequency[kind]
            days = held[(org.pk, kind)]
            for current, (start, end) in (
                (True, period_bounds(today, period)),
                (False, previous_period(today, period)),
            ):
                if org.established_on > end:
                    continue
                n = sum(1 for d in days if start <= d <= end)
                if n < required:
                    gaps.append(MeetingGap(org, kind, period, start, end, n, required, current))
    return gaps
