"""Named permissions of the accounts app and the core (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.roles import REVEAL_ROLES, Role
from gongzhi.core.scope import in_scope_of, restrict


@rules.predicate
def has_reveal_role(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*REVEAL_ROLES))


@rules.predicate
def object_in_scope(user: Any, obj: Any) -> bool:
    # No object: the permission is asked for in general (exports); scope is applied by the selector.
    if obj is None:
        return True
    if in_scope_of(obj, user):
        return True
    try:
        return restrict(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
    except TypeError:
        return False


@rules.predicate
def is_audit_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.AUDIT_ADMIN))


@rules.predicate
def is_security_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.SECURITY_ADMIN))


rules.add_perm("core.reveal_pii", has_reveal_role & object_in_scope)
rules.add_perm("core.view_audit", is_audit_admin)
rules.add_perm("accounts.manage_users", is_security_admin)
