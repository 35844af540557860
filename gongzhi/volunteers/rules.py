"""Named permissions of the volunteers app (django-rules).

Organisers are the roles that govern the unit a team belongs to: area roles in whose area
the team sits, the social organisation's administrator, the Party secretary of the owning
Party organisation. Whether the object is in their scope is the scope rule's test.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.accounts.rules import object_in_scope

ORGANISER_ROLES = {*AREA_ROLES, Role.ORG_ADMIN, Role.PARTY_SECRETARY}
REGISTRAR_ROLES = {*AREA_ROLES, Role.ORG_ADMIN}


@rules.predicate
def is_organiser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*ORGANISER_ROLES))


@rules.predicate
def is_registrar(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*REGISTRAR_ROLES))


@rules.predicate
def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_volunteer_self(user: Any, volunteer: Any) -> bool:
    return bool(
        volunteer is not None
        and getattr(user, "is_authenticated", False)
        and volunteer.user_id == user.pk
    )


@rules.predicate
def has_volunteer_profile(user: Any) -> bool:
    from gongzhi.volunteers.selectors import volunteer_of

    return volunteer_of(user) is not None


organiser_in_scope = is_superuser | (is_organiser & object_in_scope)

# Organisers: a team, activity, shift, enrollment, ledger line or certificate in their scope.
rules.add_perm("volunteers.organise", organiser_in_scope)
rules.add_perm("volunteers.approve_hours", organiser_in_scope)
rules.add_perm("volunteers.issue_certificate", organiser_in_scope)
# Registrars keep the volunteer registry (and import it).
rules.add_perm("volunteers.manage_volunteers", is_superuser | (is_registrar & object_in_scope))
rules.add_perm("volunteers.import_volunteers", is_superuser | is_registrar)
rules.add_perm("volunteers.import_hours", is_superuser | is_organiser)
# A volunteer's own record: themselves, or a registrar in scope.
rules.add_perm(
    "volunteers.view_volunteer", is_volunteer_self | is_superuser | (is_organiser & object_in_scope)
)
rules.add_perm("volunteers.self_service", has_volunteer_profile)
# Training, awards and evaluations: the organisers of the team that writes them.
rules.add_perm("volunteers.record_training", organiser_in_scope)
rules.add_perm("volunteers.record_award", organiser_in_scope)
rules.add_perm("volunteers.evaluate", organiser_in_scope)
# Complaints are handled by the organiser's unit (the team's area or owning organisation).
rules.add_perm("volunteers.handle_complaint", organiser_in_scope)
# Identity corrections are decided by the registrars of the volunteer's home area.
rules.add_perm("volunteers.decide_correction", is_superuser | (is_registrar & object_in_scope))
