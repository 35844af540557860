"""Import of units below county level: streets/townships, communities, compounds, buildings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area, Kind, prefix_of
from gongzhi.areas.services import expected_code_error
from gongzhi.core import registry
from gongzhi.core.imports import Column, Counts, Importer, RowInvalid, p_bool, p_choice

LOWER_KINDS = [
    (k.value, k.label) for k in (Kind.TOWNSHIP, Kind.COMMUNITY, Kind.COMPOUND, Kind.BUILDING)
]


@registry.register_importer
class AreaImporter(Importer):
    kind = "areas"
    label = gettext_lazy("区划单位")
    key = ("code",)
    columns = [
        Column(
            "code",
            "区划代码",
            required=True,
            aliases=("code", "代码"),
            help=gettext_lazy("12 位统计用区划代码；小区 15 位，楼栋 18 位"),
        ),
        Column("name", "名称", required=True, aliases=("name",)),
        Column(
            "kind", "层级", parse=p_choice(LOWER_KINDS), required=True, aliases=("kind", "类型")
        ),
        Column("parent_code", "上级代码", required=True, aliases=("parent", "parent_code")),
        Column("synthetic", "虚构", parse=p_bool, aliases=("synthetic",)),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        codes = {r["parent_code"] for r in rows} | {r["code"] for r in rows}
        self.known = {a.code: a for a in Area.objects.filter(code__in=codes)}
        # Parents may be created by earlier rows of the same file.
        self.pending: dict[str, Area] = {}

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        code = str(data["code"])
        parent = self.pending.get(data["parent_code"]) or self.known.get(data["parent_code"])
        if parent is None:
            raise RowInvalid("parent_code", _("上级单位不存在"))
        problem = expected_code_error(code, data["kind"], parent)
        if problem:
            raise RowInvalid("code", problem)
        existing = self.known.get(code)
        if existing is not None and existing.kind != data["kind"]:
            raise RowInvalid("kind", _("与已有单位的层级不一致"))
        self.pending[code] = Area(
            code=code, name=data["name"], kind=data["kind"], prefix=prefix_of(code, data["kind"])
        )
        return data

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:  # type: ignore[override]
        counts = Counts()
        depth = {Kind.TOWNSHIP: 0, Kind.COMMUNITY: 1, Kind.COMPOUND: 2, Kind.BUILDING: 3}
        codes = [r["code"] for r in rows] + [r["parent_code"] for r in rows]
        by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
        # Parents before children, so each row's parent exists when it is written.
        for r in sorted(rows, key=lambda r: depth[Kind(r["kind"])]):
            values = {
                "name": r["name"],
                "kind": r["kind"],
                "parent": by_code[r["parent_code"]],
                "synthetic": bool(r["synthetic"]),
            }
            area = by_code.get(r["code"])
            if area is None:
                area = Area(code=r["code"], **values)
                area.save()
                by_code[area.code] = area
                counts.inserted += 1
            elif any(getattr(area, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(area, f, v)
                area.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts
