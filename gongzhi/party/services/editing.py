"""The one way a Party record's editable fields change: checked, validated, saved, audited."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from gongzhi.core import audit

M = TypeVar("M", bound=Model)


def audited_update(
    *,
    actor: Any,
    obj: M,
    changes: dict[str, Any],
    editable: Collection[str],
    validate: Callable[[M], None],
    snapshot: Callable[[M], dict[str, Any]],
    action: str,
) -> M:
    """Fields outside `editable` change only through their own service (a transfer moves a
    member, an election starts a term), so naming one here is refused, not ignored."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError({f: _("不可在此修改") for f in sorted(unknown)})
    before = snapshot(obj)
    for field, value in changes.items():
        setattr(obj, field, value)
    validate(obj)
    obj.save()
    audit.record(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj))
    return obj
