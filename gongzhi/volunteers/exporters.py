"""Streamed exports of volunteers and hours, scoped and masked (core/exports.py)."""

from __future__ import annotations

from typing import Any, ClassVar

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
from gongzhi.volunteers.rules_config import category_label, stars_for_minutes


def hours_of_minutes(minutes: int) -> float:
    """As `Volunteer.approved_hours` shows them."""
    return round(minutes / 60, 1)


@registry.register_exporter
class VolunteerExporter(Exporter):
    kind = "volunteers"
    label = _("志愿者")
    # Every column names its field: rows are read as tuples, no model instance is built
    # (core/exports.py; the full city's 1.6 M rows, docs/performance.md).
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn(_("志愿者编号"), field="number"),
        ExportColumn(_("姓名"), field="name"),
        ExportColumn(_("性别"), field="gender", choices=Gender),
        ExportColumn(_("身份证号码"), field="id_number", pii="id_number"),
        ExportColumn(_("手机号码"), field="phone", pii="phone"),
        ExportColumn(_("居住地区划代码"), field="area_code"),
        ExportColumn(_("居住地"), field="area__name"),
        ExportColumn(_("注册日期"), field="registered_on"),
        ExportColumn(_("状态"), field="status", choices=VolunteerStatus),
        ExportColumn(_("累计认定时长（小时）"), field="approved_minutes", convert=hours_of_minutes),
        ExportColumn(_("星级"), field="approved_minutes", convert=stars_for_minutes),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.volunteer_list(user=user)


@registry.register_exporter
class HoursExporter(Exporter):
    kind = "hours"
    label = _("服务时长")
    # Field columns as for volunteers: the ledger is the largest table (5 M lines, issue 7).
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn(_("记录号"), field="pk"),
        ExportColumn(_("志愿者编号"), field="volunteer__number"),
        ExportColumn(_("姓名"), field="volunteer__name"),
        ExportColumn(_("队伍编号"), field="team__code"),
        ExportColumn(_("队伍"), field="team__name"),
        ExportColumn(_("服务日期"), field="service_date"),
        ExportColumn(_("服务时长（小时）"), field="minutes", convert=lambda m: round(m / 60, 2)),
        ExportColumn(_("往返路程（分钟，不计入）"), field="travel_minutes"),
        ExportColumn(
            _("服务类别"), field="category", convert=lambda c: category_label(c) if c else ""
        ),
        ExportColumn(_("服务内容"), field="content"),
        ExportColumn(_("来源"), field="source", choices=EntrySource),
        ExportColumn(_("类型"), field="kind", choices=EntryKind),
        ExportColumn(_("冲正原因"), field="reason"),
        ExportColumn(_("审核状态"), field="status", choices=EntryStatus),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.hours_list(user=user)
