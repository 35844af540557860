"""Users, their memberships in units with a role each, and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core.scope import EVERYTHING, ScopeSpec, UserScope


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    totp_required = models.BooleanField(_("要求双因素登录"), default=False)
    synthetic = models.BooleanField(_("演示账户"), default=False)

    scope = ScopeSpec(area="memberships__area__code")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def active_memberships(self) -> list[Membership]:
        """The active memberships with their units, read once per user object: roles() and
        get_scope() both need them on nearly every request (one query where it took two)."""
        cached = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = list(self.memberships.filter(active=True).select_related("area", "org_type"))
            self._active_memberships = cached
        return cached

    def roles(self) -> set[str]:
        cached = getattr(self, "_roles", None)
        if cached is None:
            cached = {m.role for m in self.active_memberships()}
            self._roles = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    def get_scope(self) -> UserScope:
        """Union of the units the user holds a role in (DESIGN.md § The scope rule)."""
        if self.is_superuser:
            return EVERYTHING
        prefixes: set[str] = set()
        orgs: dict[str, set[int]] = {}
        for m in self.active_memberships():
            if m.area is not None:
                prefixes.add(m.area.prefix)
            if m.org_type is not None and m.org_id:
                orgs.setdefault(m.org_type.app_label + "." + m.org_type.model, set()).add(m.org_id)
        # A shorter prefix already covers a longer one.
        kept = tuple(
            sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))
        )
        return UserScope(area_prefixes=kept, orgs={k: frozenset(v) for k, v in orgs.items()})


class Membership(models.Model):
    """A user's role in one unit: an area, or an organisation (social or Party)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区划单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    org_type = models.ForeignKey(
        ContentType, verbose_name=_("组织类型"), null=True, blank=True, on_delete=models.PROTECT
    )
    org_id = models.PositiveBigIntegerField(_("组织编号"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位角色")
        verbose_name_plural = _("单位角色")
        indexes = [models.Index(fields=["org_type", "org_id"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def unit(self) -> Any:
        if self.area_id:
            return self.area
        if self.org_type is not None:
            return self.org_type.get_object_for_this_type(pk=self.org_id)
        return None


class ApiToken(models.Model):
    """A revocable per-user API token; only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(_("令牌哈希"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
