"""Export of administrative units in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.areas.selectors import area_list
from gongzhi.core import registry
from gongzhi.core.exports import ExportColumn, Exporter


@registry.register_exporter
class AreaExporter(Exporter):
    kind = "areas"
    label = _("区划单位")
    columns = [
        ExportColumn(_("区划代码"), lambda a: a.code),
        ExportColumn(_("名称"), lambda a: a.name),
        ExportColumn(_("层级"), lambda a: a.get_kind_display()),
        ExportColumn(_("上级代码"), lambda a: a.parent.code if a.parent_id else ""),
        ExportColumn(_("虚构"), lambda a: _("是") if a.synthetic else _("否")),
    ]

    def queryset(self, user: Any) -> Any:
        return area_list(user=user).order_by("code")
