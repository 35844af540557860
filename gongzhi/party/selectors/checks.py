"""The checks the platform runs (issue 4 § Checks) and the worklist built from them.

Each check is a scoped selector; `worklist()` turns their results into items for a unit.
Thresholds come from rules_config, never from literals here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _formal_employees(as_of: dt.date) -> Count:
    return Count(
        "party_members",
        filter=_dated("party_members__", "joined_on", "left_on", as_of)
        & Q(party_members__became_formal_on__lte=as_of),
        distinct=True,
    )


def orgs_requiring_party_org(*, user: Any, as_of: dt.date) -> QuerySet[SocialOrg]:
    """应建未建: ≥ 3 formal members and no branch of its own (支部工作条例 art. 5).

    This is the credit-list cause "no Party organisation set up as required" (民政部令60号);
    the orgs app's anomaly-list service takes these organisations.
    """
    rules = rules_config.current()
    own = Exists(
        PartyOrgCoverage.objects.filter(org=OuterRef("pk"), party_org__built_by=BuiltBy.SINGLE)
        .filter(_dated("", "started_on", "ended_on", as_of))
        .filter(_dated("party_org__", "established_on", "dissolved_on", as_of))
    )
    return (
        active_social_orgs(user=user, as_of=as_of)
        .annotate(formal_members=_formal_employees(as_of))
        .filter(formal_members__gte=rules.min_formal_members_for_own_branch)
        .filter(~own)
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
        n_members=Count(
            "members",
            filter=_dated("members__", "joined_on", "left_on", as_of),
            distinct=True,
        ),
        n_covered=Count(
            "coverages",
            filter=_dated("coverages__", "started_on", "ended_on", as_of),
            distinct=True,
        ),
        n_posts=Count(
            "posts", filter=_dated("posts__", "started_on", "ended_on", as_of), distinct=True
        ),
    )


def joint_branches_over_limit(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    rules = rules_config.current()
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        kind=PartyOrgKind.JOINT_BRANCH, n_covered__gt=rules.joint_branch_max_units
    )


def branches_without_committee(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    # 支部工作条例 art. 9: ≥ 7 members → a committee of 3-5 (at most 7).
    rules = rules_config.current()
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        kind__in=BRANCH_KINDS,
        n_members__gte=rules.branch_committee_min_members,
        n_posts__lt=rules.branch_committee_min_size,
    )


def branches_too_large(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    # A branch has at most 50 members; more → 党总支 (≥ 100 → 基层党委).
    rules = rules_config.current()
    return party_orgs_with_counts(user=user, as_of=as_of).filter(
        kind__in=BRANCH_KINDS, n_members__gt=rules.branch_max_members
    )


def orgs_that_should_be_committees(*, user: Any, as_of: dt.date) -> QuerySet[PartyOrg]:
    rules = rules_config.current()
    return (
        party_orgs_with_counts(user=user, as_of=as_of)
        .filter(n_members__gte=rules.committee_org_min_members)
        .exclude(kind=PartyOrgKind.COMMITTEE)
        .exclude(kind__in=BRANCH_KINDS)
    )


def elections_due(*, user: Any, today: dt.date) -> QuerySet[PartyOrg]:
    """换届: term expired or ending within the warning window (rules_config)."""
    horizon = today + dt.timedelta(days=rules_config.current().election_warning_days)
    return party_orgs_as_of(user=user, as_of=today).filter(election_due_on__lte=horizon)


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


@dataclass(frozen=True)
class WorkItem:
    check: str
    severity: str  # "danger" | "warning" | "info"
    subject: str
    message: str
    url: str = ""


def _org_url(org: PartyOrg) -> str:
    return reverse("party:org_detail", args=[org.pk])


def worklist(
    *, user: Any, today: dt.date | None = None, party_org: PartyOrg | None = None
) -> list[WorkItem]:
    """Every open check for the user's unit (or one Party organisation in it)."""
    today = today or timezone.localdate()
    rules = rules_config.current()
    items: list[WorkItem] = []

    def only(qs: QuerySet[Any], field: str = "pk") -> QuerySet[Any]:
        return qs.filter(**{field: party_org.pk}) if party_org is not None else qs

    if party_org is None:
        for org in orgs_requiring_party_org(user=user, as_of=today):
            items.append(
                WorkItem(
                    "should_set_up",
                    "danger",
                    org.name,
                    _("有正式党员 %(n)d 名，应单独建立党组织（应建未建）")
                    % {"n": org.formal_members},  # type: ignore[attr-defined]
                )
            )
        for org in orgs_without_party_work(user=user, as_of=today):
            items.append(
                WorkItem(
                    "work_gap",
                    "warning",
                    org.name,
                    _("既无党组织也无党建指导员（工作覆盖空白）"),
                )
            )
    for org in only(joint_branches_over_limit(user=user, as_of=today)):
        items.append(
            WorkItem(
                "joint_over_limit",
                "danger",
                org.name,
                _("联合党支部覆盖 %(n)d 个单位，超过 %(max)d 个")
                % {"n": org.n_covered, "max": rules.joint_branch_max_units},  # type: ignore[attr-defined]
                _org_url(org),
            )
        )
    for org in only(branches_without_committee(user=user, as_of=today)):
        items.append(
            WorkItem(
                "no_committee",
                "danger",
                org.name,
                _("党员 %(n)d 名，应设立支部委员会") % {"n": org.n_members},  # type: ignore[attr-defined]
                _org_url(org),
            )
        )
    for org in only(branches_too_large(user=user, as_of=today)):
        n = org.n_members  # type: ignore[attr-defined]
        suggestion = (
            _("建议成立基层党委") if n >= rules.committee_org_min_members else _("建议成立党总支")
        )
        items.append(
            WorkItem(
                "branch_too_large",
                "warning",
                org.name,
                _("党支部党员 %(n)d 名，超过 %(max)d 名；%(s)s")
                % {"n": n, "max": rules.branch_max_members, "s": suggestion},
                _org_url(org),
            )
        )
    for org in only(orgs_that_should_be_committees(user=user, as_of=today)):
        items.append(
            WorkItem(
                "should_be_committee",
                "info",
                org.name,
                _("党员 %(n)d 名，建议成立基层党委") % {"n": org.n_members},  # type: ignore[attr-defined]
                _org_url(org),
            )
        )
    for org in only(elections_due(user=user, today=today)):
        due = org.election_due_on
        assert due is not None
        overdue = due < today
        items.append(
            WorkItem(
                "election_due",
                "danger" if overdue else "warning",
                org.name,
                (
                    _("任期已于 %(d)s 届满，应及时换届")
                    if overdue
                    else _("任期将于 %(d)s 届满，请准备换届")
                )
                % {"d": due.isoformat()},
                _org_url(org),
            )
        )
    for gap in meeting_gaps(user=user, today=today, party_org=party_org):
        items.append(
            WorkItem(
                f"meeting:{gap.kind}:{'current' if gap.current else 'last'}",
                "warning" if gap.current else "danger",
                gap.party_org.name,
                _("%(period)s%(kind)s已开展 %(held)d 次，应至少 %(req)d 次")
                % {
                    "period": gap.label,
                    "kind": LifeKind(gap.kind).label,
                    "held": gap.held,
                    "req": gap.required,
                },
                _org_url(gap.party_org),
            )
        )
    for m in only(probations_due(user=user, today=today), "party_org_id"):
        ends = m.probation_ends_on
        assert ends is not None
        items.append(
            WorkItem(
                "probation_due",
                "danger" if ends < today else "warning",
                m.name,
                (
                    _("预备期已于 %(d)s 届满，尚未讨论转正")
                    if ends < today
                    else _("预备期将于 %(d)s 届满，请准备讨论转正")
                )
                % {"d": ends.isoformat()},
                reverse("party:member_detail", args=[m.pk]),
            )
        )
    for t in only(transfers_expired(user=user, today=today), "from_org_id"):
        items.append(
            WorkItem(
                "letter_expired",
                "danger",
                t.member.name,
                _("介绍信已于 %(d)s 过期，须重新开具") % {"d": t.valid_until.isoformat()},  # type: ignore[union-attr]
                reverse("party:transfer_detail", args=[t.pk]),
            )
        )
    for t in only(receipts_overdue(user=user, today=today), "from_org_id"):
        items.append(
            WorkItem(
                "receipt_overdue",
                "danger",
                t.member.name,
                _("回执应于 %(d)s 前退回，已逾期；转出党组织仍负责管理")
                % {"d": t.receipt_due_on.isoformat()},  # type: ignore[union-attr]
                reverse("party:transfer_detail", args=[t.pk]),
            )
        )
    return items
