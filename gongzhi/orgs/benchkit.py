"""Benchmark hooks of the registry (bench/README.md § Contracts). Plain functions; no `bench`.

`registry_search_paths` returns list/search page and API paths with realistic queries drawn
from the loaded registry. The bench runs them after the demo city is loaded; when the city
generator has not made a city's worth of organisations (3,023 in Hengyang, end of 2020, times
the run's scale), `ensure_orgs` tops the registry up with synthetic ones first, written the
way a generator writes them (derived keys by `fill_derived`, then `bulk_create`).
`org_import_rows` feeds the `import_orgs` scenario: rows of new organisations in the order
of the importer's columns, every one of them acceptable.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from gongzhi.areas.models import Area, Kind
from gongzhi.core.textkeys import to_traditional
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import (
    AnnualReport,
    CommunityCategory,
    CreditListing,
    Evaluation,
    ListingCause,
    ListKind,
    OrgKind,
    OrgStatus,
    ReportResult,
    SocialOrg,
    fill_derived,
)
from gongzhi.orgs.search_keys import index_orgs, name_keys

CITY_ORGS = 3_023  # social organisations in Hengyang at the end of 2020 (DOMAIN.md)
CITY_CODE = "430400000000"
# Serial ranges of synthetic credit codes, apart from the demo's (9000+) and the tests' (1000+).
GENERATED_SERIAL = 3_000_000
IMPORT_SERIAL = 5_000_000

# Kinds roughly as the city's registry has them: most are community social organisations
# and social service agencies; a few foundations.
KIND_WEIGHTS = [
    (OrgKind.COMMUNITY, 45),
    (OrgKind.SERVICE_ORG, 30),
    (OrgKind.SOCIAL_GROUP, 23),
    (OrgKind.FOUNDATION, 2),
]
SUFFIX = {
    OrgKind.SOCIAL_GROUP: ["协会", "促进会", "联合会", "研究会", "商会"],
    OrgKind.SERVICE_ORG: ["社会工作服务中心", "养老服务中心", "康复中心", "培训学校", "幼儿园"],
    OrgKind.FOUNDATION: ["慈善基金会", "教育基金会", "公益基金会"],
    OrgKind.COMMUNITY: ["志愿服务队", "文艺队", "邻里互助会", "调解会", "读书会", "健身队"],
}
THEMES = [
    "老年",
    "青少年",
    "书画",
    "象棋",
    "志愿",
    "慈善",
    "环保",
    "助学",
    "康养",
    "家政",
    "茶文化",
    "摄影",
    "太极",
    "腰鼓",
    "乡贤",
    "湘江",
    "南岳",
    "石鼓",
    "雁城",
    "花鼓戏",
    "心理",
    "助残",
    "法律",
    "妇女儿童",
    "退役军人",
    "邻里",
    "垂钓",
    "篮球",
    "龙舟",
    "非遗",
]
INDUSTRIES = ["社会服务", "教育", "文化", "体育", "卫生", "科技", "农业农村", "商务", "生态环境"]


def _areas() -> tuple[list[Area], list[Area], dict[str, list[Area]]]:
    """Counties (and zones), streets, and the communities under each street.

    Without the city generator only the real county-level units and the demo's synthetic
    streets exist; the streets are made here the way `load_demo` makes them."""
    from gongzhi.demo import load_small_areas

    if not Area.objects.filter(kind=Kind.TOWNSHIP).exists():
        load_small_areas()
    counties = list(Area.objects.filter(kind__in=[Kind.COUNTY, Kind.ZONE]).order_by("code"))
    streets = list(Area.objects.filter(kind=Kind.TOWNSHIP).order_by("code"))
    communities: dict[str, list[Area]] = {}
    for c in Area.objects.filter(kind=Kind.COMMUNITY).order_by("code"):
        communities.setdefault(c.code[:9], []).append(c)
    return counties, streets, communities


def _name(rng: random.Random, kind: str, district: str, used: set[str], mark: str) -> str:
    while True:
        place = rng.choice(THEMES) + (rng.choice(THEMES) if rng.random() < 0.6 else "")
        name = f"衡阳市{district}{place}{rng.choice(SUFFIX[OrgKind(kind)])}{mark}"
        if name in used:
            name = f"衡阳市{district}{place}第{len(used) % 97 + 2}{rng.choice(SUFFIX[OrgKind(kind)])}{mark}"
        if name not in used:
            used.add(name)
            return name


def _kinds(rng: random.Random, n: int) -> list[str]:
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    return [str(k) for k in rng.choices(kinds, weights=weights, k=n)]


def _existing_names() -> set[str]:
    return set(SocialOrg.objects.values_list("name_simplified", flat=True))


def ensure_orgs(target: int, *, seed: int = 2020) -> int:
    """Top the registry up to `target` organisations; returns how many were added.

    About 4% are deregistered; most organisations registered before this year have last
    year's annual report (40% with a Party organisation, some with the other builds); 8%
    hold a grade and 3% are on a credit list — so every filter of the list page has rows.
    """
    have = SocialOrg.objects.count()
    missing = target - have
    if missing <= 0:
        return 0
    rng = random.Random(seed + have)
    counties, streets, communities = _areas()
    city = Area.objects.get(code=CITY_CODE)
    used = _existing_names()
    today = dt.date.today()
    orgs: list[SocialOrg] = []
    serial = GENERATED_SERIAL + have
    for i, kind in enumerate(_kinds(rng, missing)):
        serial += 1
        registered = dt.date(
            rng.randrange(2000, today.year), rng.randrange(1, 13), rng.randrange(1, 29)
        )
        if kind == OrgKind.COMMUNITY:
            street = streets[i % len(streets)]
            authority = street
            area = rng.choice(communities.get(street.code[:9]) or [street])
            code = None
        else:
            county = counties[i % len(counties)]
            authority = city if i % 9 == 0 else county
            inside = [
                c
                for s in streets
                if s.code.startswith(county.code[:6])
                for c in communities.get(s.code[:9], [])
            ]
            area = rng.choice(inside) if inside else county
            code = make_credit_code(kind, authority.code, serial)
        district = county_of(area, counties).name
        dereg = i % 25 == 7
        org = SocialOrg(
            name=_name(rng, kind, district, used, "（虚构）"),
            credit_code=code,
            kind=kind,
            community_category=rng.choice(CommunityCategory.values)
            if kind == OrgKind.COMMUNITY
            else "",
            registration_level="street"
            if kind == OrgKind.COMMUNITY
            else ("city" if authority.kind == Kind.CITY else "county"),
            authority=authority,
            area=area,
            domicile=f"{area.name}{rng.randrange(1, 300)}号",
            industry=rng.choice(INDUSTRIES),
            supervising_unit="" if kind == OrgKind.COMMUNITY else "衡阳市民政局",
            legal_rep_name=rng.choice("王李张刘陈杨黄赵周吴") + rng.choice("伟芳娜敏静丽强磊军洋"),
            council_size=rng.randrange(5, 25),
            registered_on=registered,
            deregistered_on=registered + dt.timedelta(days=400 + i % 900) if dereg else None,
            deregistration_reason="自行解散（虚构）" if dereg else "",
            status=OrgStatus.DEREGISTERED if dereg else OrgStatus.NORMAL,
            synthetic=True,
        )
        if org.deregistered_on and org.deregistered_on > today:
            org.deregistered_on = today
        orgs.append(fill_derived(org))
    with transaction.atomic():
        SocialOrg.objects.bulk_create(orgs, batch_size=500)
        if any(o.pk is None for o in orgs):  # a database that does not return ids
            by_name = dict(
                SocialOrg.objects.filter(synthetic=True).values_list("name_simplified", "pk")
            )
            for o in orgs:
                o.pk = by_name[o.name_simplified]
        index_orgs(((o.pk, o.name_simplified) for o in orgs), fresh=True)
        _extras(orgs, rng, today)
    return len(orgs)


def county_of(area: Area, counties: list[Area]) -> Area:
    for c in counties:
        if area.code.startswith(c.code[:6]):
            return c
    return counties[0]


def _extras(orgs: list[SocialOrg], rng: random.Random, today: dt.date) -> None:
    """Last year's reports, some grades, some credit listings for the generated organisations."""
    year = today.year - 1
    reports, grades, listings = [], [], []
    for n, org in enumerate(orgs):
        if org.status != OrgStatus.NORMAL or org.registered_on.year > year:
            continue
        if org.kind != OrgKind.COMMUNITY and n % 10 != 3:
            employees = rng.randrange(2, 80)
            party = n % 5 < 2
            union = party and n % 2 == 0
            youth = party and n % 4 == 1
            women = party and n % 4 in (1, 2)
            reports.append(
                AnnualReport(
                    org=org,
                    year=year,
                    submitted_on=dt.date(year + 1, 3, 1 + n % 28),
                    result=ReportResult.QUALIFIED if n % 7 else ReportResult.BASIC,
                    employees=employees,
                    social_workers=employees // 5,
                    other_professionals=employees // 6,
                    volunteers=rng.randrange(0, 300),
                    has_party_org=party,
                    no_party_org_reason="" if party else "党员不足3人（虚构）",
                    party_members=rng.randrange(3, 20) if party else rng.randrange(0, 3),
                    has_union=union,
                    union_on=dt.date(max(org.registered_on.year, 2016), 7, 1) if union else None,
                    has_youth_league=youth,
                    youth_league_on=dt.date(max(org.registered_on.year, 2017), 5, 4)
                    if youth
                    else None,
                    has_women_federation=women,
                    women_federation_on=dt.date(max(org.registered_on.year, 2018), 3, 8)
                    if women
                    else None,
                    filed_by="bench",
                )
            )
        if org.kind != OrgKind.COMMUNITY and n % 12 == 5:
            on = today - dt.timedelta(days=30 + n % 1000)
            score = rng.randrange(600, 1000)
            grades.append(
                Evaluation(
                    org=org,
                    evaluated_on=on,
                    score=score,
                    grade=max(1, min(5, (score - 500) // 100)),
                    valid_until=on.replace(year=on.year + 5),
                    authority="衡阳市民政局",
                    recorded_by="bench",
                )
            )
        if n % 33 == 8:
            listings.append(
                CreditListing(
                    org=org,
                    list_kind=ListKind.SERIOUS if n % 99 == 8 else ListKind.ANOMALY,
                    cause=ListingCause.UNREACHABLE,
                    detail="登记住所无法联系（虚构）",
                    listed_on=today - dt.timedelta(days=10 + n % 600),
                    authority="衡阳市民政局",
                    recorded_by="bench",
                )
            )
    AnnualReport.objects.bulk_create(reports, batch_size=500)
    Evaluation.objects.bulk_create(grades, batch_size=500)
    CreditListing.objects.bulk_create(listings, batch_size=500)


def _pick(rng: random.Random, items: list[Any], n: int) -> list[Any]:
    return rng.sample(items, min(n, len(items))) if items else []


def registry_search_paths(*, count: int, scale: float = 1.0, seed: int = 2020) -> list[str]:
    """List/search paths as officials use the registry page (and its API): the plain list,
    names typed in Simplified or Traditional characters, whole or in part, pinyin and its
    initials, a credit code, each filter, a sort, and deeper pages."""
    ensure_orgs(max(10, round(CITY_ORGS * scale)), seed=seed)
    rng = random.Random(seed)
    rows = list(
        SocialOrg.objects.order_by("id").values_list(
            "name_simplified", "name_pinyin", "name_initials", "credit_code", "area_code"
        )
    )
    sample = _pick(rng, rows, max(8, count // 8))
    searches: list[str] = []
    for name, pinyin, initials, code, _area in sample:
        core = name.removeprefix("衡阳市")[2:]  # past the city and district: what people type
        # Full pinyin from the first syllable of that part (pinyin matches on syllables).
        mid = name_keys(name)[len(name) - len(core)][1] if core else pinyin
        searches += [
            name,
            core[:4],
            to_traditional(core[:4]),
            (mid or pinyin)[:10],
            initials[3:7] if len(initials) > 7 else initials,
        ]
        if code:
            searches.append(code[:10])
    pages = max(1, len(rows) // 50)
    districts = sorted({r[4][:6] for r in rows})
    filters = [
        "",
        "?sort=-registered_on",
        "?sort=area",
        "?kind=service_org",
        "?kind=community&status=normal",
        "?status=deregistered",
        "?grade=5",
        "?grade=none&sort=credit_code",
        "?listing=any",
        "?party=yes",
        "?party=no&kind=social_group",
        "?build=all_four",
        f"?page={min(pages, 3)}",
        f"?page={pages}",
        f"?page={max(1, pages // 2)}&sort=kind",
    ] + [f"?district={d}" for d in districts[:6]]
    from urllib.parse import urlencode

    paths = [f"/orgs/{f}" for f in filters]
    paths += [f"/orgs/?{urlencode({'q': s})}" for s in searches if s]
    paths += [
        "/api/v1/orgs/",
        "/api/v1/orgs/?grade=4&limit=20",
        "/api/v1/orgs/?build=has_union&offset=50",
    ]
    paths += [f"/api/v1/orgs/?{urlencode({'q': s})}" for s in searches[: len(searches) // 4] if s]
    rng.shuffle(paths)
    return paths[: max(count, 1)] if count < len(paths) else paths


def org_import_rows(*, count: int, seed: int = 2020) -> Iterator[list[Any]]:
    """`count` new organisations in the order of the `orgs` importer's columns.

    Credit codes come from a serial range nothing else uses and names carry an import mark,
    so every row is accepted whatever the registry already holds."""
    from gongzhi.orgs.importers import OrgImporter

    rng = random.Random(seed + 7)
    counties, streets, communities = _areas()
    keys = [c.key for c in OrgImporter.columns]
    used = _existing_names()
    for i, kind in enumerate(_kinds(rng, count)):
        if kind == OrgKind.COMMUNITY:
            street = streets[i % len(streets)]
            authority, area = street, rng.choice(communities.get(street.code[:9]) or [street])
            # The importer keys on the credit code, so a filed organisation needs one too.
            code = make_credit_code(kind, authority.code, IMPORT_SERIAL + i)
        else:
            authority = counties[i % len(counties)]
            area = authority
            code = make_credit_code(kind, authority.code, IMPORT_SERIAL + i)
        district = county_of(area, counties).name
        row = {
            "credit_code": code,
            "name": _name(rng, kind, district, used, "（虚构·导入）"),
            "kind": str(OrgKind(kind).label),
            "community_category": str(CommunityCategory(rng.choice(CommunityCategory.values)).label)
            if kind == OrgKind.COMMUNITY
            else "",
            "authority_code": authority.code,
            "area_code": area.code,
            "domicile": f"{area.name}{rng.randrange(1, 300)}号",
            "registered_on": dt.date(rng.randrange(2000, 2021), rng.randrange(1, 13), 1 + i % 28),
            "industry": rng.choice(INDUSTRIES),
            "supervising_unit": "" if kind == OrgKind.COMMUNITY else "衡阳市民政局",
            "activity_region": "衡阳市",
            "purpose": "遵守宪法、法律、法规和国家政策，服务社会（虚构）",
            "business_scope": "社区服务、公益活动（虚构）",
            "founding_funds": rng.choice([3, 10, 50, 200]),
            "unit_members": None,
            "individual_members": rng.randrange(10, 300) if kind == OrgKind.SOCIAL_GROUP else None,
            "council_size": rng.randrange(5, 25),
            "legal_rep_name": rng.choice("王李张刘陈杨黄赵周吴")
            + rng.choice("伟芳娜敏静丽强磊军洋"),
            "legal_rep_phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
            "status": str(OrgStatus.NORMAL.label),
            "deregistered_on": None,
            "deregistration_reason": "",
        }
        yield [row[k] for k in keys]
