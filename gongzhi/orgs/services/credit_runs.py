"""Scheduled and batch runs over the credit lists (民政部令60号): flag missed annual reports,
promote two-year anomaly entries, end serious-list entries whose term has run.

Re-exported by `gongzhi.orgs.services`; the page's "run checks" button, the background task
and the management command call them there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.scope import restrict
from gongzhi.orgs import eligibility
from gongzhi.orgs.models import (
    CreditListing,
    ListingCause,
    ListingState,
    ListKind,
    OrgStatus,
    SocialOrg,
)
from gongzhi.orgs.rules_config import rules, serious_list_years
from gongzhi.orgs.services import common
from gongzhi.orgs.services.credit import listing_propose


def _orgs_for(actor: Any) -> Any:
    qs = SocialOrg.objects.filter(status=OrgStatus.NORMAL)
    return restrict(qs, actor) if common.is_user(actor) else qs


def listings_flag_missing_reports(
    *, actor: Any, year: int, today: dt.date | None = None
) -> list[CreditListing]:
    """Propose the anomaly list for every organisation (in the actor's scope) that missed the
    report on `year` (民政部令60号 art. 4(1)). Proposals await the authority's review."""
    today = today or common.today()
    if today <= eligibility.report_due(year):
        return []
    out = []
    candidates = (
        _orgs_for(actor)
        .exclude(kind="community")
        .filter(registered_on__lte=dt.date(year, 12, 31))
        .prefetch_related("annual_reports")
    )
    for org in candidates:
        if eligibility.missing_report(org, year, today):
            out.append(
                listing_propose(
                    actor=actor,
                    org=org,
                    list_kind=ListKind.ANOMALY,
                    cause=ListingCause.NO_ANNUAL_REPORT,
                    detail=_("%(y)d年度工作报告") % {"y": year},
                    on=today,
                )
            )
    return out


def listings_promote_overdue(*, actor: Any, today: dt.date | None = None) -> list[CreditListing]:
    """Anomaly entries in force for two years are proposed for the serious list, for review
    (民政部令60号 art. 11(1)); each entry is promoted once."""
    today = today or common.today()
    cutoff = eligibility.add_years(today, -rules().anomaly_years_to_serious)
    entries = CreditListing.objects.filter(
        org__in=_orgs_for(actor),
        list_kind=ListKind.ANOMALY,
        state=ListingState.CONFIRMED,
        removed_on__isnull=True,
        listed_on__lte=cutoff,
        promotions__isnull=True,
    ).select_related("org")
    return [
        listing_propose(
            actor=actor,
            org=entry.org,
            list_kind=ListKind.SERIOUS,
            cause=ListingCause.ANOMALY_TWO_YEARS,
            detail=_("%(d)s 列入活动异常名录（%(c)s）")
            % {"d": entry.listed_on.isoformat(), "c": entry.get_cause_display()},
            on=today,
            promoted_from=entry,
        )
        for entry in entries
    ]


# The audit trail names the scheduled run as the actor (a string actor acts for the platform).
EXPIRY_ACTOR = "task:orgs.end_expired_serious_listings"


@transaction.atomic
def listings_end_expired(*, actor: Any, today: dt.date | None = None) -> list[CreditListing]:
    """End every 严重违法失信名单 entry whose term has run (民政部令60号: five years unless the
    law says otherwise, rules_config). The entry is removed on the day its term ended, not the
    day this runs, so "was it listed on date D" stays true however late the run; each removal
    is audited. A user acts within the organisations they manage; the scheduled task
    (`EXPIRY_ACTOR`) for the whole platform. Running it twice ends nothing twice."""
    today = today or common.today()
    config = rules()
    shortest = min([config.serious_list_years, *config.serious_list_years_by_cause.values()])
    qs = CreditListing.objects.filter(
        list_kind=ListKind.SERIOUS,
        state=ListingState.CONFIRMED,
        removed_on__isnull=True,
        listed_on__lte=eligibility.add_years(today, -shortest),
    ).select_related("org", "org__authority")
    user = common.is_user(actor)
    if user:
        qs = restrict(qs, actor)
    ended: list[CreditListing] = []
    for entry in qs.order_by("listed_on", "id"):
        end = eligibility.serious_term_ends(entry)
        if end is None or end > today:
            continue
        if user and not actor.has_perm("orgs.manage_listing", entry.org):
            continue
        years = serious_list_years(entry.cause, config)
        reason = _("列入严重违法失信名单期满%(n)d年，依规移出") % {"n": years}
        # Conditional update: a concurrent run (another worker) cannot end the entry twice.
        if not CreditListing.objects.filter(pk=entry.pk, removed_on__isnull=True).update(
            removed_on=end, removal_reason=reason
        ):
            continue
        entry.removed_on, entry.removal_reason = end, reason
        audit.record(
            actor=actor,
            action="orgs.listing_expire",
            obj=entry,
            before={"removed_on": None},
            after={"removed_on": end, "reason": reason, "term_years": years, "run_on": today},
        )
        ended.append(entry)
    return ended
