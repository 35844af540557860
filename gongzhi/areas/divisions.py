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
