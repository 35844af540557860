"""Named permissions of the party app (django-rules), each tested over a role × scope matrix.

Area administrators (city, district, street) manage the Party organisations in their area;
a Party secretary manages their own organisation's members, meetings, transfers and dues.
Objects are checked against the scope rule: out of scope, no permission.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.roles import Role
from gongzhi.accounts.rules import object_in_scope

AREA_ADMINS = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN}
# Who may see the Party pages at all (their selectors still scope every record).
VIEWERS = AREA_ADMINS | {Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY}


def _has(user: Any, roles: set[Role]) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*roles))


@rules.predicate
def is_area_admin(user: Any) -> bool:
    return _has(user, AREA_ADMINS)


@rules.predicate
def is_city_or_district_admin(user: Any) -> bool:
    return _has(user, {Role.CITY_ADMIN, Role.DISTRICT_ADMIN})


@rules.predicate
def is_party_secretary(user: Any) -> bool:
    return _has(user, {Role.PARTY_SECRETARY})


@rules.predicate
def is_community_worker(user: Any) -> bool:
    return _has(user, {Role.COMMUNITY_WORKER})


@rules.predicate
def is_party_viewer(user: Any) -> bool:
    return _has(user, VIEWERS)


rules.add_perm("party.view", is_party_viewer)
rules.add_perm("party.manage_org", is_area_admin & object_in_scope)
rules.add_perm("party.manage_member", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm("party.record_meeting", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm("party.manage_transfer", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm("party.record_dues", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm("party.manage_alliance", is_area_admin & object_in_scope)
rules.add_perm("party.claim_item", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm("party.manage_instructor", is_area_admin & object_in_scope)
# 双报到: a unit's Party organisation (its secretary, or the area's administrators) reports
# to a community and records the service done; the community lists its needs.
rules.add_perm("party.report_to_community", (is_area_admin | is_party_secretary) & object_in_scope)
rules.add_perm(
    "party.manage_community_needs", (is_area_admin | is_community_worker) & object_in_scope
)
rules.add_perm("party.import", is_city_or_district_admin)
# Proposing 活动异常名录 entries (应建未建) for the registration authority's review: the
# city and district Party-building offices that answer for the sector's coverage.
rules.add_perm("party.propose_listing", is_city_or_district_admin)


def may_step_transfer(user: Any, transfer: Any, step: str) -> bool:
    """Who may take a step of a transfer: the sending side issues, cancels and archives;
    the receiving side receives (either side may record the receipt it holds)."""
    sending = transfer.from_org is not None and user.has_perm(
        "party.manage_transfer", transfer.from_org
    )
    receiving = transfer.to_org is not None and user.has_perm(
        "party.manage_transfer", transfer.to_org
    )
    if step in ("issue", "cancel", "archive"):
        return sending or (transfer.from_org is None and receiving)
    return receiving or sending
