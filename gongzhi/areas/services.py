"""Writes of administrative units below county level."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import CHILD_KIND, CODE_LENGTH, PREFIX_LENGTH, Area, Kind
from gongzhi.core import audit


def expected_code_error(code: str, kind: str, parent: Area | None) -> str | None:
    """Why `code` cannot name a unit of `kind` under `parent`, or None."""
    kind = Kind(kind)
    if not (code.isascii() and code.isdigit()) or len(code) != CODE_LENGTH[kind]:
        return _("区划代码应为 %(n)d 位数字") % {"n": CODE_LENGTH[kind]}
    if parent is None:
        return _("缺少上级单位")
    if CHILD_KIND.get(Kind(parent.kind)) != kind and not (
        parent.kind == Kind.CITY and kind in (Kind.COUNTY, Kind.ZONE)
    ):
        return _("%(parent)s 下不能直接设 %(kind)s") % {
            "parent": parent.get_kind_display(),
            "kind": kind.label,
        }
    if not code.startswith(parent.prefix):
        return _("区划代码应以上级代码 %(prefix)s 开头") % {"prefix": parent.prefix}
    tail = code[PREFIX_LENGTH[kind] :]
    if tail.strip("0"):
        return _("区划代码在本层级以下的位数应为 0")
    if code[len(parent.prefix) : PREFIX_LENGTH[kind]].strip("0") == "":
        return _("本层级的代码段不能全为 0")
    return None


@transaction.atomic
def area_create(
    *, actor: Any, code: str, name: str, kind: str, parent: Area, synthetic: bool = False
) -> Area:
    problem = expected_code_error(code, kind, parent)
    if problem:
        raise ValidationError({"code": problem})
    area = Area(code=code, name=name, kind=kind, parent=parent, synthetic=synthetic)
    area.full_clean()
    area.save()
    audit.record(
        actor=actor,
        action="area.create",
        obj=area,
        after={"code": code, "name": name, "kind": kind},
    )
    return area
