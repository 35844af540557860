"""应建未建 → the anomaly list: the party app finds the cause, the orgs app keeps the list.

DESIGN.md § Layout: a rule that needs two apps lives in the upper one and calls the lower
one's service. The party app knows who has ≥ 3 formal members and no Party organisation of
its own (`selectors.orgs_requiring_party_org`); the orgs app owns 活动异常名录 and its
review (`gongzhi.orgs.services.listing_propose`, idempotent per organisation, list and cause).
A proposal is only a proposal: the registration authority confirms or declines it there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.scope import EVERYTHING, UserScope
from gongzhi.orgs import services as orgs_services
from gongzhi.orgs.models import (
    CreditListing,
    ListingCause,
    ListingState,
    ListKind,
    OrgKind,
    OrgStatus,
    SocialOrg,
)
from gongzhi.party import rules_config


class WholePlatform:
    """The reader a background task uses: the scope rule's 'everything', no permissions.

    Selectors take a user to scope by; a task acting for the platform passes this, while
    the audit trail names the task (a string actor), as the orgs app's system actors do.
    """

    is_authenticated = True

    def get_scope(self) -> UserScope:
        return EVERYTHING


@dataclass
class ListingCheck:
    """What one run found: organisations with the cause, new proposals, ones already open."""

    as_of: dt.date
    found: int = 0
    proposed: list[CreditListing] = field(default_factory=list)
    already_open: int = 0
    recently_declined: int = 0
    not_listable: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "found": self.found,
            "proposed": [entry.pk for entry in self.proposed],
            "already_open": self.already_open,
            "recently_declined": self.recently_declined,
            "not_listable": self.not_listable,
        }


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and not isinstance(actor, WholePlatform)


@transaction.atomic
def listings_propose_no_party_org(*, actor: Any, as_of: dt.date | None = None) -> ListingCheck:
    """Propose 活动异常名录 (cause 未按要求建立党组织) for every organisation in the actor's scope
    that has ≥ 3 formal members and no Party organisation of its own on `as_of`.

    A user needs `party.propose_listing` and acts within their scope; a string actor (a
    background task) acts for the whole platform. No duplicates: an open proposal or entry
    is left as it is, and an organisation whose proposal the authority declined within
    `listing_repropose_after_days` is not proposed again.
    """
    from gongzhi.party.selectors import orgs_requiring_party_org

    if _is_user(actor) and not actor.has_perm("party.propose_listing"):
        raise PermissionDenied(_("无权执行此操作"))
    as_of = as_of or timezone.localdate()
    reader = actor if _is_user(actor) else WholePlatform()
    result = ListingCheck(as_of=as_of)
    formal = dict(
        orgs_requiring_party_org(user=reader, as_of=as_of).values_list("pk", "formal_members")
    )
    ids = sorted(formal)
    result.found = len(ids)
    if not ids:
        _record(actor, result)
        return result
    # Lock the organisations (in id order, so two runs cannot deadlock) before looking for
    # open entries: a second run waits here and then sees the first one's proposals.
    orgs = list(SocialOrg.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    open_ids = set(
        CreditListing.objects.filter(
            org_id__in=ids,
            list_kind=ListKind.ANOMALY,
            cause=ListingCause.NO_PARTY_ORG,
            state__in=[ListingState.PROPOSED, ListingState.CONFIRMED],
            removed_on__isnull=True,
        ).values_list("org_id", flat=True)
    )
    window = dt.timedelta(days=rules_config.current(as_of).listing_repropose_after_days)
    declined_ids = set(
        CreditListing.objects.filter(
            org_id__in=ids,
            list_kind=ListKind.ANOMALY,
            cause=ListingCause.NO_PARTY_ORG,
            state=ListingState.REJECTED,
            listed_on__gt=as_of - window,
        ).values_list("org_id", flat=True)
    )
    for org in orgs:
        # 民政部令60号 covers organisations registered with civil affairs; community social
        # organisations are filed (备案) with the street and are not on its lists.
        if org.kind == OrgKind.COMMUNITY or org.status != OrgStatus.NORMAL:
            result.not_listable += 1
        elif org.pk in open_ids:
            result.already_open += 1
        elif org.pk in declined_ids:
            result.recently_declined += 1
        else:
            result.proposed.append(
                orgs_services.listing_propose(
                    actor=actor,
                    org=org,
                    list_kind=ListKind.ANOMALY,
                    cause=ListingCause.NO_PARTY_ORG,
                    detail=_("截至 %(d)s 有正式党员 %(n)d 名，未单独建立党组织（应建未建）")
                    % {"d": as_of.isoformat(), "n": formal.get(org.pk, 0)},
                    on=as_of,
                )
            )
    _record(actor, result)
    return result


def _record(actor: Any, result: ListingCheck) -> None:
    audit.record(
        actor=actor,
        action="party.listings_propose_no_party_org",
        object_type="party.listing_check",
        object_id=result.as_of.isoformat(),
        after=result.as_dict(),
    )
