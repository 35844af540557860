"""Synthetic geography of the whole city below county level (DOMAIN.md § Administrative divisions).

The 12 county-level units and the 3 functional zones are real (`areas.divisions`); every
street/township, community/village and compound below them is invented, named with
“（虚构）” and flagged `synthetic`. Codes follow the 12-digit statistical scheme
(county 6 + township 3 + community 3) extended by 3 digits for a compound, so scope
prefixes work exactly as for real units.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongzhi.areas.divisions import COUNTY_UNITS, ZONES
from gongzhi.areas.models import Area, Kind

# (townships, communities per township, compounds per community) for each county-level unit.
# Roughly the real proportions: urban districts have fewer, denser streets; counties many
# townships with villages; zones a handful of streets.
UNIT_SHAPE: dict[str, tuple[int, int, int]] = {
    "430405": (10, 8, 4),  # 珠晖区
    "430406": (8, 8, 4),  # 雁峰区
    "430407": (8, 8, 4),  # 石鼓区
    "430408": (7, 8, 4),  # 蒸湘区
    "430412": (4, 6, 2),  # 南岳区
    "430421": (25, 12, 1),  # 衡阳县
    "430422": (24, 12, 1),  # 衡南县
    "430423": (12, 12, 1),  # 衡山县
    "430424": (17, 12, 1),  # 衡东县
    "430426": (23, 12, 1),  # 祁东县
    "430481": (30, 12, 1),  # 耒阳市
    "430482": (25, 12, 1),  # 常宁市
    "430471": (2, 5, 3),  # 综合保税区
    "430472": (3, 5, 3),  # 高新区
    "430473": (3, 5, 3),  # 松木经开区
}
URBAN = {"430405", "430406", "430407", "430408", "430412", "430471", "430472", "430473"}

_CHARS = (
    "东西南北中新和平安宁康乐兴华建设胜利光明长青湘江蒸水耒石鼓回雁岳屏松木白沙金桥"
    "红旗解放人民联合团结幸福繁荣丰收杨柳桃花荷塘梅竹兰桂枫樟泉溪湖山岭冲坪湾塘洲"
    "福寿永昌文化书院龙凤鹤鸣云霞星月春秋阳晖清泰丰茂盛荣"
)
_COMPOUND_SUFFIX = ["小区", "苑", "花园", "家园", "雅居", "新村", "公寓", "佳苑"]


@dataclass
class Geography:
    """The units the generator places records in (codes only; the rows are in `areas`)."""

    townships: dict[str, list[str]] = field(default_factory=dict)  # county prefix -> codes
    communities: dict[str, list[str]] = field(default_factory=dict)  # township code -> codes
    compounds: dict[str, list[str]] = field(default_factory=dict)  # community code -> codes

    def all_communities(self) -> list[str]:
        return [c for cs in self.communities.values() for c in cs]

    def communities_of_unit(self, unit6: str) -> list[str]:
        return [c for t in self.townships.get(unit6, []) for c in self.communities.get(t, [])]


def _shape(unit6: str, scale: float) -> tuple[int, int, int]:
    streets, communities, compounds = UNIT_SHAPE[unit6]
    # Reduced-scale cities keep every county-level unit but thin the synthetic levels.
    f = min(1.0, max(scale, 0.0) ** 0.5)
    return (
        max(1, round(streets * f)),
        max(1, round(communities * f)),
        max(1, round(compounds * f)),
    )


def _name(rng: random.Random, used: set[str], length: int = 2) -> str:
    for _ in range(200):
        name = "".join(rng.choice(_CHARS) for _ in range(length))
        if name not in used:
            used.add(name)
            return name
    name = "".join(rng.choice(_CHARS) for _ in range(length + 1))
    used.add(name)
    return name


def build_geography(*, rng: random.Random, scale: float = 1.0) -> Geography:
    """Create the synthetic units (bulk, idempotent: existing codes are kept) and return them."""
    existing = dict(Area.objects.values_list("code", "id"))
    parents = {code: existing[code] for code, _n, _k in COUNTY_UNITS + ZONES}
    geo = Geography()
    new_rows: list[Area] = []
    pending_parent: dict[str, str] = {}  # child code -> parent code, for ids after insert

    def add(code: str, name: str, kind: str, parent_code: str) -> None:
        if code in existing:
            return
        area = Area(code=code, name=name, kind=kind, synthetic=True)
        area.prefix = code[: {"township": 9, "community": 12, "compound": 15}[kind]]
        new_rows.append(area)
        pending_parent[code] = parent_code

    for unit_code, _unit_name, _kind in COUNTY_UNITS + ZONES:
        unit6 = unit_code[:6]
        n_streets, n_comm, n_comp = _shape(unit6, scale)
        urban = unit6 in URBAN
        used: set[str] = set()
        geo.townships[unit6] = []
        for s in range(1, n_streets + 1):
            s_code = f"{unit6}{s:03d}000"
            suffix = "街道" if urban or s <= 2 else ("镇" if s % 3 else "乡")
            add(s_code, f"{_name(rng, used)}{suffix}（虚构）", Kind.TOWNSHIP, unit_code)
            geo.townships[unit6].append(s_code)
            geo.communities[s_code] = []
            c_used: set[str] = set()
            for c in range(1, n_comm + 1):
                c_code = f"{unit6}{s:03d}{c:03d}"
                village = not urban and suffix != "街道"
                c_name = f"{_name(rng, c_used)}{'村' if village else '社区'}（虚构）"
                add(c_code, c_name, Kind.COMMUNITY, s_code)
                geo.communities[s_code].append(c_code)
                geo.compounds[c_code] = []
                p_used: set[str] = set()
                for p in range(1, (1 if village else n_comp) + 1):
                    p_code = f"{c_code}{p:03d}"
                    p_name = f"{_name(rng, p_used)}{rng.choice(_COMPOUND_SUFFIX)}（虚构）"
                    add(p_code, p_name, Kind.COMPOUND, c_code)
                    geo.compounds[c_code].append(p_code)

    # Insert level by level so each level's parent ids are known.
    for kind in (Kind.TOWNSHIP, Kind.COMMUNITY, Kind.COMPOUND):
        level = [a for a in new_rows if a.kind == kind]
        for a in level:
            a.parent_id = existing.get(pending_parent[a.code]) or parents.get(
                pending_parent[a.code]
            )
        Area.objects.bulk_create(level, batch_size=2000)
        existing.update(Area.objects.filter(kind=kind).values_list("code", "id"))
    return geo
