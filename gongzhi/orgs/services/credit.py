"""Writes for evaluations, penalties and the credit lists (民政部令39号, 民政部令60号).

Re-exported by `gongzhi.orgs.services`; other apps (the party app proposing a listing for
"no Party organisation set up as required") call them through that package.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.orgs import eligibility
from gongzhi.orgs.models import (
    CreditListing,
    Evaluation,
    ListingCause,
    ListingState,
    ListKind,
    Penalty,
    PenaltyKind,
    SocialOrg,
)
from gongzhi.orgs.rules_config import rules
from gongzhi.orgs.services.common import actor_label, check_past, require, today
from gongzhi.orgs.services.registration import check_leaving, leave_registry, locked


@transaction.atomic
def evaluation_record(
    *,
    actor: Any,
    org: SocialOrg,
    evaluated_on: dt.date,
    score: int,
    authority: str = "",
    certificate_no: str = "",
) -> Evaluation:
    """Record an evaluation; the grade follows from the score by the configured cut-offs and is
    valid five years. An ineligible organisation is refused with every reason."""
    require(actor, "orgs.record_grade", org)
    check_past(evaluated_on, "evaluated_on", _("评估日期"))
    config = rules()
    if score is None or not 0 <= int(score) <= config.score_max:
        raise ValidationError({"score": _("评估得分应在 0–%(m)d 之间") % {"m": config.score_max}})
    refusals = eligibility.evaluation_refusals(org, evaluated_on)
    if refusals:
        raise ValidationError({"org": [_("不符合参加评估的条件：") + r for r in refusals]})
    evaluation = Evaluation.objects.create(
        org=org,
        evaluated_on=evaluated_on,
        score=int(score),
        grade=eligibility.grade_for(int(score)),
        valid_until=eligibility.add_years(evaluated_on, config.grade_valid_years),
        authority=authority,
        certificate_no=certificate_no,
        recorded_by=actor_label(actor),
    )
    audit.record(
        actor=actor,
        action="orgs.evaluation_record",
        obj=evaluation,
        after={"org": org.pk, "score": evaluation.score, "grade": evaluation.grade},
    )
    return evaluation


@transaction.atomic
def penalty_record(
    *,
    actor: Any,
    org: SocialOrg,
    decided_on: dt.date,
    kind: str,
    fine_yuan: Decimal | None = None,
    authority: str = "",
    decision_no: str = "",
    reason: str = "",
) -> Penalty:
    """A penalty decision. A fine at or above the threshold proposes the serious list; a
    revocation (撤销登记) takes the organisation off the registry from its date."""
    require(actor, "orgs.record_penalty", org)
    check_past(decided_on, "decided_on", _("处罚日期"))
    if decided_on < org.registered_on:
        raise ValidationError({"decided_on": _("处罚日期不能早于登记（备案）日期")})
    if org.deregistered_on is not None and decided_on > org.deregistered_on:
        raise ValidationError({"decided_on": _("处罚日期不能晚于注销（撤销）日期")})
    if kind not in PenaltyKind.values:
        raise ValidationError({"kind": _("请选择处罚种类")})
    if kind == PenaltyKind.FINE:
        if fine_yuan is None or not fine_yuan.is_finite() or fine_yuan <= 0:
            raise ValidationError({"fine_yuan": _("罚款处罚请填写大于0的金额")})
        # The column holds 12 integer digits and 2 decimals (分).
        if fine_yuan >= Decimal("1e12") or fine_yuan != fine_yuan.quantize(Decimal("0.01")):
            raise ValidationError({"fine_yuan": _("罚款金额应为不超过两位小数的合理数额")})
    elif fine_yuan is not None:
        raise ValidationError({"fine_yuan": _("只有罚款处罚填写罚款金额")})
    texts = {
        "authority": (authority, _("处罚机关"), 120),
        "decision_no": (decision_no, _("处罚决定书文号"), 60),
        "reason": (reason, _("违法事实"), 300),
    }
    for name, (value, label, limit) in texts.items():
        if len(value or "") > limit:
            raise ValidationError({name: _("%(f)s不能超过%(n)d个字") % {"f": label, "n": limit}})
    authority, decision_no, reason = ((v or "").strip() for v, _l, _n in texts.values())
    if kind == PenaltyKind.REVOCATION:
        org = locked(org)
        check_leaving(
            org, decided_on, date_field="decided_on", label=_("处罚日期"), status_field="kind"
        )
    penalty = Penalty.objects.create(
        org=org,
        decided_on=decided_on,
        kind=kind,
        fine_yuan=fine_yuan,
        authority=authority,
        decision_no=decision_no,
        reason=reason,
        recorded_by=actor_label(actor),
    )
    audit.record(
        actor=actor,
        action="orgs.penalty_record",
        obj=penalty,
        after={"kind": kind, "fine_yuan": fine_yuan},
    )
    if kind == PenaltyKind.REVOCATION:
        # 撤销登记 ends the registration: the organisation leaves the registry that day.
        leave_registry(
            actor=actor,
            org=org,
            on=decided_on,
            reason=reason or _("撤销登记"),
            revoked=True,
            approval_no=decision_no,
        )
    if fine_yuan is not None and fine_yuan >= rules().serious_fine_yuan:
        # 民政部令60号 art. 11: a fine of 50,000 yuan or more -> serious list (for review).
        listing_propose(
            actor=actor,
            org=org,
            list_kind=ListKind.SERIOUS,
            cause=ListingCause.LARGE_FINE,
            detail=decision_no or reason,
            on=decided_on,
        )
    return penalty


def _check_list(list_kind: str, cause: str) -> None:
    if list_kind not in ListKind.values:
        raise ValidationError({"list_kind": _("请选择名单")})
    if cause not in ListingCause.values:
        raise ValidationError({"cause": _("请选择列入事由")})


def _open_entry(org: SocialOrg, list_kind: str, cause: str) -> CreditListing | None:
    return (
        CreditListing.objects.filter(
            org=org,
            list_kind=list_kind,
            cause=cause,
            state__in=[ListingState.PROPOSED, ListingState.CONFIRMED],
            removed_on__isnull=True,
        )
        .order_by("-listed_on")
        .first()
    )


@transaction.atomic
def listing_add(
    *,
    actor: Any,
    org: SocialOrg,
    list_kind: str,
    cause: str,
    listed_on: dt.date,
    detail: str = "",
    authority: str = "",
    decision_no: str = "",
) -> CreditListing:
    """The authority's decision to list an organisation (confirmed at once)."""
    require(actor, "orgs.manage_listing", org)
    _check_list(list_kind, cause)
    check_past(listed_on, "listed_on", _("列入日期"))
    if listed_on < org.registered_on:
        raise ValidationError({"listed_on": _("列入日期不能早于登记（备案）日期")})
    existing = _open_entry(org, list_kind, cause)
    if existing is not None and existing.state == ListingState.CONFIRMED:
        raise ValidationError({"cause": _("该组织已因同一事由列入此名单")})
    if existing is not None:  # a pending proposal: the decision confirms it
        return listing_confirm(
            actor=actor,
            listing=existing,
            listed_on=listed_on,
            authority=authority,
            decision_no=decision_no,
        )
    entry = CreditListing.objects.create(
        org=org,
        list_kind=list_kind,
        cause=cause,
        detail=detail,
        listed_on=listed_on,
        authority=authority,
        decision_no=decision_no,
        state=ListingState.CONFIRMED,
        recorded_by=actor_label(actor),
    )
    audit.record(
        actor=actor,
        action="orgs.listing_add",
        obj=entry,
        after={"org": org.pk, "list": list_kind, "cause": cause, "on": listed_on},
    )
    return entry


@transaction.atomic
def listing_propose(
    *,
    actor: Any,
    org: SocialOrg,
    list_kind: str,
    cause: str,
    detail: str = "",
    on: dt.date | None = None,
    promoted_from: CreditListing | None = None,
) -> CreditListing:
    """Propose a listing for the authority's review (flags, other apps, promotions). Idempotent:
    an open proposal or entry with the same list and cause is returned, not duplicated."""
    _check_list(list_kind, cause)
    existing = _open_entry(org, list_kind, cause)
    if existing is not None:
        return existing
    entry = CreditListing.objects.create(
        org=org,
        list_kind=list_kind,
        cause=cause,
        detail=detail,
        listed_on=on or today(),
        state=ListingState.PROPOSED,
        promoted_from=promoted_from,
        recorded_by=actor_label(actor),
    )
    audit.record(
        actor=actor,
        action="orgs.listing_propose",
        obj=entry,
        after={"org": org.pk, "list": list_kind, "cause": cause},
    )
    return entry


@transaction.atomic
def listing_confirm(
    *,
    actor: Any,
    listing: CreditListing,
    listed_on: dt.date | None = None,
    authority: str = "",
    decision_no: str = "",
) -> CreditListing:
    require(actor, "orgs.manage_listing", listing.org)
    if listing.state != ListingState.PROPOSED:
        raise ValidationError({"state": _("只有待审核的记录可以确认")})
    listing.state = ListingState.CONFIRMED
    listing.listed_on = check_past(listed_on or today(), "listed_on", _("列入日期"))
    listing.authority = authority or listing.authority
    listing.decision_no = decision_no or listing.decision_no
    listing.save()
    audit.record(actor=actor, action="orgs.listing_confirm", obj=listing)
    return listing


@transaction.atomic
def listing_reject(*, actor: Any, listing: CreditListing, reason: str) -> CreditListing:
    require(actor, "orgs.manage_listing", listing.org)
    if listing.state != ListingState.PROPOSED:
        raise ValidationError({"state": _("只有待审核的记录可以不予列入")})
    if not (reason or "").strip():
        raise ValidationError({"removal_reason": _("请填写不予列入的理由")})
    listing.state = ListingState.REJECTED
    listing.removal_reason = reason.strip()
    listing.save()
    audit.record(actor=actor, action="orgs.listing_reject", obj=listing, after={"reason": reason})
    return listing


@transaction.atomic
def listing_remove(
    *,
    actor: Any,
    listing: CreditListing,
    removed_on: dt.date,
    reason: str,
    rectified_on: dt.date | None = None,
    rectification: str = "",
) -> CreditListing:
    """移出名录. With a verified rectification the removal is due within 5 working days of it
    (民政部令60号 art. 7); a later removal is still recorded and the page shows it was late."""
    require(actor, "orgs.manage_listing", listing.org)
    if not listing.in_force:
        raise ValidationError({"state": _("该记录不在名录中，无需移出")})
    check_past(removed_on, "removed_on", _("移出日期"))
    if removed_on < listing.listed_on:
        raise ValidationError({"removed_on": _("移出日期不能早于列入日期")})
    if rectified_on is not None:
        if rectified_on < listing.listed_on or rectified_on > removed_on:
            raise ValidationError({"rectified_on": _("整改核实日期应在列入日期与移出日期之间")})
        listing.rectified_on = rectified_on
        listing.rectification = rectification
    if not (reason or "").strip():
        raise ValidationError({"removal_reason": _("请填写移出原因")})
    listing.removed_on = removed_on
    listing.removal_reason = reason.strip()
    listing.save()
    audit.record(
        actor=actor,
        action="orgs.listing_remove",
        obj=listing,
        after={"removed_on": removed_on, "reason": reason, "rectified_on": rectified_on},
    )
    return listing
