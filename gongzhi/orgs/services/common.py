"""What every registry write shares: who acts, with which right, and the checks of dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """System actors act for everyone; users need the named permission on the object."""
    if is_user(actor) and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("无权执行此操作"))


def actor_label(actor: Any) -> str:
    return actor.get_username() if is_user(actor) else str(actor)


def today() -> dt.date:
    return timezone.localdate()


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def check_past(day: dt.date | None, field: str, label: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("请填写%(l)s") % {"l": label}})
    if day > today():
        raise ValidationError({field: _("%(l)s不能晚于今天") % {"l": label}})
    return day
