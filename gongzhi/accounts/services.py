"""Writes for users, memberships, login security and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from gongzhi.accounts.models import ApiToken, Membership, User
from gongzhi.accounts.roles import SEPARATED_ADMINS
from gongzhi.core import audit


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    synthetic: bool = False,
    check_password: bool = True,
    password_hash: str | None = None,
) -> User:
    """`password_hash` (instead of `password`): an already hashed password
    (`make_password`), for accounts made in bulk that share one."""
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
        synthetic=synthetic,
    )
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    elif password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user, after={"username": username})
    return user


@transaction.atomic
def membership_add(
    *, actor: Any, user: User, role: str, area: Any = None, org: models.Model | None = None
) -> Membership:
    m = Membership(user=user, role=role, area=area)
    if org is not None:
        m.org_type = ContentType.objects.get_for_model(org)
        m.org_id = org.pk
    m.save()
    if role in SEPARATED_ADMINS and role in ("system_admin",):
        User.objects.filter(pk=user.pk).update(is_staff=True)
    audit.record(
        actor=actor,
        action="membership.add",
        obj=user,
        after={"role": role, "area": getattr(area, "code", None), "org": org.pk if org else None},
    )
    for cached in ("_active_memberships", "_roles", "_gongzhi_scope"):
        user.__dict__.pop(cached, None)
    return m


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(user.locked_until and user.locked_until > now)


def login_failed(*, user: User, client_ip: str = "") -> bool:
    """Count a failed password; lock after N failures (config). Returns True if now locked."""
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        fresh.failed_logins += 1
        locked = fresh.failed_logins >= settings.GONGZHI_LOCKOUT_ATTEMPTS
        if locked:
            fresh.locked_until = timezone.now() + dt.timedelta(
                minutes=settings.GONGZHI_LOCKOUT_MINUTES
            )
            fresh.failed_logins = 0
        fresh.save(update_fields=["failed_logins", "locked_until"])
        audit.record(
            actor=fresh.username,
            action="login.locked" if locked else "login.failure",
            obj=fresh,
            result="failure",
            client_ip=client_ip,
        )
    return locked


def login_succeeded(*, user: User, client_ip: str = "") -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor=user, action="login.success", obj=user, client_ip=client_ip)


def password_changed(*, user: User) -> None:
    audit.record(actor=user, action="password.change", obj=user)


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the clear key is returned once and never stored."""
    key = "gz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8]
    )
    audit.record(
        actor=actor, action="token.create", obj=token, after={"user": user.pk, "name": name}
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="token.revoke", obj=token)


def needs_two_factor(user: User) -> bool:
    return user.totp_required or user.has_role(*settings.GONGZHI_2FA_ROLES)


def totp_device_for(*, user: User) -> tuple[Any, bool]:
    """The user's confirmed TOTP device, or an unconfirmed one to enrol (created once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device, False
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return pending or TOTPDevice.objects.create(user=user, name="default", confirmed=False), True


@transaction.atomic
def two_factor_passed(*, user: User, device: Any, enrolling: bool) -> None:
    """A correct code: confirm an enrolling device and audit the second factor."""
    if enrolling:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="login.two_factor", obj=user)
