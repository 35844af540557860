"""Django-admin permissions that follow from a role rather than from per-user grants.

The system administrator gets `is_staff` with the role (accounts.services.membership_add); the
model permissions it needs in /admin/ come from `roles.SYSTEM_ADMIN_PERMISSIONS`, so there is
no permission table to keep in step with the role and revoking the role revokes them.
"""

from __future__ import annotations

from typing import Any

from gongzhi.accounts.roles import SYSTEM_ADMIN_PERMISSIONS, Role


class RolePermissionBackend:
    """Answers permission questions only (authentication stays with ModelBackend)."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def _granted(self, user: Any) -> frozenset[str]:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return frozenset()
        if user.has_role(Role.SYSTEM_ADMIN):
            return SYSTEM_ADMIN_PERMISSIONS
        return frozenset()

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return perm in self._granted(user)

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self._granted(user))
