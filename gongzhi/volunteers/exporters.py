"""Streamed exports of volunteers and hours, scoped and masked (core/exports.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry
from gongzhi.core.exports import ExportColumn, Exporter
from gongzhi.volunteers import selectors
from gongzhi.volunteers.models import (
    EntryKind,
    EntrySource,
    EntryStatus,
    Gender,
    VolunteerStatus,
)
from gongzhi.volunteers.rules_config import category_label


def label_of(choices: Any) -> Any:
    """value -> its label in the export's language, translated once per value and language.

    `get_FOO_display()` rebuilds the choices dict and translates on every call, which cost
    more than writing the cell on a 1.1M-row export (docs/performance.md)."""
    cache: dict[tuple[str | None, Any], str] = {}
    labels = dict(choices.choices)

    def get(value: Any) -> str:
        key = (get_language(), value)
        text = cache.get(key)
        if text is None:
            text = cache[key] = str(labels.get(value, value or ""))
        return text

    return get


_gender = label_of(Gender)
_status = label_of(VolunteerStatus)
_source = label_of(EntrySource)
_kind = label_of(EntryKind)
_entry_status = label_of(EntryStatus)


@registry.register_exporter
class VolunteerExporter(Exporter):
    kind = "volunteers"
    label = _("志愿者")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("志愿者编号", lambda v: v.number),
        ExportColumn("姓名", lambda v: v.name),
        ExportColumn("性别", lambda v: _gender(v.gender)),
        ExportColumn("身份证号码", lambda v: v.id_number, pii="id_number"),
        ExportColumn("手机号码", lambda v: v.phone, pii="phone"),
        ExportColumn("居住地区划代码", lambda v: v.area_code),
        ExportColumn("居住地", lambda v: v.area.name),
        ExportColumn("注册日期", lambda v: v.registered_on),
        ExportColumn("状态", lambda v: _status(v.status)),
        ExportColumn("累计认定时长（小时）", lambda v: v.approved_hours),
        ExportColumn("星级", lambda v: v.stars),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.volunteer_list(user=user)


@registry.register_exporter
class HoursExporter(Exporter):
    kind = "hours"
    label = _("服务时长")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("记录号", lambda h: h.pk),
        ExportColumn("志愿者编号", lambda h: h.volunteer.number),
        ExportColumn("姓名", lambda h: h.volunteer.name),
        ExportColumn("队伍编号", lambda h: h.team.code),
        ExportColumn("队伍", lambda h: h.team.name),
        ExportColumn("服务日期", lambda h: h.service_date),
        ExportColumn("服务时长（小时）", lambda h: h.hours),
        ExportColumn("往返路程（分钟，不计入）", lambda h: h.travel_minutes),
        ExportColumn("服务类别", lambda h: category_label(h.category) if h.category else ""),
        ExportColumn("服务内容", lambda h: h.content),
        ExportColumn("来源", lambda h: _source(h.source)),
        ExportColumn("类型", lambda h: _kind(h.kind)),
        ExportColumn("冲正原因", lambda h: h.reason),
        ExportColumn("审核状态", lambda h: _entry_status(h.status)),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.hours_list(user=user)
