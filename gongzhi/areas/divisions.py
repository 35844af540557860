"""Hunan, Hengyang and its county-level units (DOMAIN.md § Administrative divisions).

Codes are GB/T 2260 county codes padded to the 12-digit statistical form. The three
functional zones have no GB/T 2260 code; the statistical division codes give them
430471-430473, kept here as a separate kind of unit.
"""

PROVINCE = ("430000000000", "湖南省", "province")
CITY = ("430400000000", "衡阳市", "city")
COUNTY_UNITS = [
    ("430405000000", "珠晖区", "county"),
    ("430406000000", "雁峰区", "county"),
    ("430407000000", "石鼓区", "county"),
    ("430408000000", "蒸湘区", "county"),
    ("430412000000", "南岳区", "county"),
    ("430421000000", "衡阳县", "county"),
    ("430422000000", "衡南县", "county"),
    ("430423000000", "衡山县", "county"),
    ("430424000000", "衡东县", "county"),
    ("430426000000", "祁东县", "county"),
    ("430481000000", "耒阳市", "county"),
    ("430482000000", "常宁市", "county"),
]
ZONES = [
    ("430471000000", "衡阳综合保税区", "zone"),
    ("430472000000", "湖南衡阳高新技术产业园区", "zone"),
    ("430473000000", "湖南衡阳松木经济开发区", "zone"),
]

PREFIX = {"province": 2, "city": 4, "county": 6, "zone": 6}


def ensure_divisions(Area) -> None:  # type: ignore[no-untyped-def]
    """Create the real units if missing; `Area` may be the historical model of a migration."""
    province, _ = Area.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "kind": PROVINCE[2], "prefix": "43"}
    )
    city, _ = Area.objects.get_or_create(
        code=CITY[0],
        defaults={"name": CITY[1], "kind": CITY[2], "parent": province, "prefix": "4304"},
    )
    for code, name, kind in COUNTY_UNITS + ZONES:
        Area.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "parent": city, "prefix": code[: PREFIX[kind]]},
        )
