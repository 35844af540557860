"""Who may do what in the registry (django-rules), by role and unit.

- City and district administrators register 社会团体/社会服务机构/基金会 whose
  registration authority lies inside their area (a district admin cannot register at the
  city's civil-affairs bureau), and manage them: change, deregister, grade, list, delist.
- Street administrators file (备案) community social organisations with their street and
  manage those filings; district and city administrators oversee them too.
- An organisation's own administrator (org_admin, through an organisation membership)
  files its annual reports and sees it; registered particulars change only through the
  registration authority (变更登记).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from gongzhi.accounts.roles import Role
from gongzhi.accounts.rules import object_in_scope

AUTHORITY_ROLES = (Role.CITY_ADMIN, Role.DISTRICT_ADMIN)
FILING_ROLES = (Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)
AREA_VIEW_ROLES = (Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER)


@dataclass(frozen=True)
class RegistrationTarget:
    """What a register permission is asked about: the kind and the authority's area code."""

    kind: str
    authority_code: str


def _units(user: Any) -> list[tuple[str, str | None, int | None, str | None]]:
    """(role, area prefix, org id, org kind) of the user's active memberships, cached."""
    cached = getattr(user, "_orgs_units", None)
    if cached is None:
        cached = [
            (
                m.role,
                m.area.prefix if m.area_id else None,
                m.org_id,
                f"{m.org_type.app_label}.{m.org_type.model}" if m.org_type_id else None,
            )
            for m in user.active_memberships()  # shared with roles() and the scope
        ]
        user._orgs_units = cached
    return cached


def _covers(user: Any, roles: tuple[str, ...], code: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(
        role in roles and prefix is not None and code.startswith(prefix)
        for role, prefix, _o, _k in _units(user)
    )


def _roles_for(kind: str) -> tuple[str, ...]:
    return FILING_ROLES if kind == "community" else AUTHORITY_ROLES


@rules.predicate
def may_register_target(user: Any, target: Any) -> bool:
    if target is None:  # asked in general: may this user register anything?
        return _has_role(user, (*AUTHORITY_ROLES, Role.STREET_ADMIN))
    return _covers(user, _roles_for(target.kind), target.authority_code)


@rules.predicate
def manages_org(user: Any, org: Any) -> bool:
    if org is None:
        return _has_role(user, (*AUTHORITY_ROLES, Role.STREET_ADMIN))
    return _covers(user, _roles_for(org.kind), org.authority.code)


@rules.predicate
def is_org_admin_of(user: Any, org: Any) -> bool:
    if org is None or not getattr(user, "is_authenticated", False):
        return False
    return any(
        role == Role.ORG_ADMIN and org_id == org.pk and kind == "orgs.socialorg"
        for role, _p, org_id, kind in _units(user)
    )


def _has_role(user: Any, roles: tuple[str, ...]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(role in roles for role, *_rest in _units(user))


@rules.predicate
def is_area_viewer(user: Any) -> bool:
    return _has_role(user, AREA_VIEW_ROLES)


@rules.predicate
def is_authority_admin(user: Any) -> bool:
    return _has_role(user, AUTHORITY_ROLES)


@rules.predicate
def is_org_admin(user: Any) -> bool:
    return _has_role(user, (Role.ORG_ADMIN,))


rules.add_perm("orgs.view_org", object_in_scope)
rules.add_perm("orgs.register", may_register_target)
rules.add_perm("orgs.change_org", manages_org)
rules.add_perm("orgs.deregister_org", manages_org)
rules.add_perm("orgs.record_grade", manages_org)
rules.add_perm("orgs.manage_listing", manages_org)
rules.add_perm("orgs.record_penalty", manages_org)
rules.add_perm("orgs.file_report", manages_org | is_org_admin_of)
rules.add_perm("orgs.import_orgs", is_authority_admin)
rules.add_perm("orgs.import_reports", is_authority_admin)
rules.add_perm("orgs.export", is_area_viewer | is_org_admin)
