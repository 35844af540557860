"""The worklist (待办事项): every open check for a unit, as items, and their count.

`worklist()` turns the checks' results into items for a page; `worklist_count()` gives the
same number with a handful of aggregate queries whatever the unit's size (the home card at
city scale), from the same check definitions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.party import rules_config
from gongzhi.party.dates import period_bounds, previous_period
from gongzhi.party.models import MEMBERS_MEETINGS, LifeKind, OrgLifeRecord, PartyOrg, TransferState
from gongzhi.party.selectors.checks import (
    branches_too_large,
    branches_without_committee,
    count_of,
    election_due_q,
    elections_due,
    joint_branches_over_limit,
    meeting_gaps,
    orgs_requiring_party_org,
    orgs_that_should_be_committees,
    orgs_without_party_work,
    party_org_checks,
    party_orgs_with_counts,
    probations_due,
    receipts_overdue,
    transfers_expired,
)
from gongzhi.party.selectors.records import transfer_list


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
                    reverse("orgs:detail", args=[org.pk]),
                )
            )
        # The work-coverage gap stays a Party-building reminder here: it is no cause of
        # 民政部令60号 (the orgs app's ListingCause has none), so nothing is proposed for it.
        for org in orgs_without_party_work(user=user, as_of=today):
            items.append(
                WorkItem(
                    "work_gap",
                    "warning",
                    org.name,
                    _("既无党组织也无党建指导员（工作覆盖空白）"),
                    reverse("orgs:detail", args=[org.pk]),
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


def _meeting_gap_conditions(today: dt.date) -> dict[str, Any]:
    """`meeting_gaps` as conditions on a `party_orgs_with_counts` row, one per kind of
    organisational life and period (this one and the last): the organisation owed it (as
    `applicable_kinds` says, and existed at the period's end) and held it too few times."""
    rules = rules_config.current()
    out: dict[str, Any] = {}
    for kind, (period, required) in rules.meeting_frequency.items():
        owed = Q()
        if kind == LifeKind.COMMITTEE_MEETING:
            owed &= Q(n_posts__gte=rules.branch_committee_min_size)
        if kind == LifeKind.GROUP_MEETING:
            owed &= Q(party_groups__gt=0)
        for which, (start, end) in (
            ("current", period_bounds(today, period)),
            ("last", previous_period(today, period)),
        ):
            held = (
                OrgLifeRecord.objects.filter(
                    party_org=OuterRef("pk"), kind=kind, held_on__gte=start
                )
                .filter(held_on__lte=min(end, today))
                # A members' meeting without a quorum does not count as held.
                .exclude(kind__in=MEMBERS_MEETINGS, quorate=False)
            )
            short = (
                ~Exists(held) if required == 1 else LessThan(count_of(held, "party_org"), required)
            )
            out[f"meeting:{kind}:{which}"] = owed & Q(established_on__lte=end) & short
    return out


def worklist_count(*, user: Any, today: dt.date | None = None) -> int:
    """`len(worklist(user=user, today=today))` in five aggregate queries, whatever the size of
    the user's unit: the home page's card at city scale does not build the items."""
    today = today or timezone.localdate()
    total = orgs_requiring_party_org(user=user, as_of=today).count()
    total += orgs_without_party_work(user=user, as_of=today).count()
    conditions = {
        **party_org_checks(),
        "election_due": election_due_q(today),
        **_meeting_gap_conditions(today),
    }
    # Each condition becomes a boolean column first, then one aggregate counts the true ones
    # (the conditions' correlated subqueries must be resolved against the Party org rows).
    flags = {
        f"c{i}": ExpressionWrapper(q, output_field=BooleanField())
        for i, q in enumerate(conditions.values())
    }
    per_party_org = (
        party_orgs_with_counts(user=user, as_of=today)
        .annotate(**flags)
        .aggregate(**{f"n{name}": Count("pk", filter=Q(**{name: True})) for name in flags})
    )
    total += sum(int(n or 0) for n in per_party_org.values())
    total += probations_due(user=user, today=today).count()
    transfers = transfer_list(user=user).aggregate(
        expired=Count("pk", filter=Q(state=TransferState.ISSUED, valid_until__lt=today)),
        overdue=Count("pk", filter=Q(state=TransferState.RECEIVED, receipt_due_on__lt=today)),
    )
    return total + int(transfers["expired"] or 0) + int(transfers["overdue"] or 0)
