"""Social organisations of the city: who registered where and when, and what they employ.

The plan is made in memory (a few thousand organisations), then streamed to the table.
Exactly `Targets.social_orgs` are active on 2020-12-31; others deregistered before it or
registered after it, and some of the 2020 ones deregister in 2021-2026.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum.cn import uscc

from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.geography import URBAN, Geography

KIND_SHARE = [
    ("social_group", 0.46),
    ("service_org", 0.42),
    ("foundation", 0.02),
    ("community", 0.10),
]
KIND_DIGIT = {"social_group": "1", "service_org": "2", "foundation": "3"}
DOMAINS = [
    "教育",
    "养老",
    "助残",
    "文化",
    "体育",
    "科技",
    "法律服务",
    "慈善",
    "环境保护",
    "社会工作",
    "卫生健康",
    "乡村振兴",
    "青少年",
    "妇女儿童",
    "商贸",
    "农业",
    "书画",
    "摄影",
    "心理咨询",
    "应急救援",
]
GROUP_WORDS = ["协会", "促进会", "研究会", "联合会", "商会", "学会"]
SERVICE_WORDS = ["服务中心", "社会工作服务中心", "培训学校", "发展中心", "服务社"]
COMMUNITY_WORDS = ["文体队", "志愿服务队", "调解队", "读书会", "互助会", "舞蹈队"]
COMMUNITY_CATEGORIES = ["life_service", "community_affairs", "culture_sports", "charity"]
# GB 11714: weights for the 8 body characters of the organisation code.
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _gb11714_check(body: str) -> str:
    total = sum(_ALNUM.index(c) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def credit_code(kind: str, division6: str, serial: int) -> str:
    """A valid unified social credit code: 5 (civil affairs) + kind digit + division + GB 11714 + mod 31."""
    body = f"5{serial:07d}"
    org_code = body + _gb11714_check(body)
    first17 = "5" + KIND_DIGIT[kind] + division6 + org_code
    return first17 + uscc.calc_check_digit(first17)


def rand_date(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


@dataclass
class OrgPlan:
    id: int
    kind: str
    area_code: str  # domicile community
    authority_code: str
    level: str
    registered_on: dt.date
    deregistered_on: dt.date | None = None
    name: str = ""
    # employees reported in each year's annual report (year -> employees), submitted the next spring
    employees: dict[int, int] = field(default_factory=dict)

    def active_on(self, day: dt.date) -> bool:
        return self.registered_on <= day and (
            self.deregistered_on is None or self.deregistered_on > day
        )


def _pick_kind(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for kind, share in KIND_SHARE:
        acc += share
        if x < acc:
            return kind
    return KIND_SHARE[-1][0]


def _reg_date_before(rng: random.Random, day: dt.date) -> dt.date:
    # Most organisations are recent (the registry grew fast after 2013).
    years_back = min(int(rng.expovariate(1 / 6)), day.year - T.HISTORY_START.year)
    year = day.year - years_back
    return rand_date(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), day))


def report_submitted_on(year: int, org_id: int) -> dt.date:
    """The annual report for `year` is filed in the spring of the next year (by 31 May)."""
    return dt.date(year + 1, 3, 1) + dt.timedelta(days=org_id * 7 % 90)


def plan_orgs(
    *, rng: random.Random, geo: Geography, tg: T.Targets, first_id: int, scale: float
) -> list[OrgPlan]:
    units = sorted(geo.townships)
    weights = [3.0 if u in URBAN else 1.0 for u in units]
    urban_units = [u for u in units if u in URBAN]
    orgs: list[OrgPlan] = []

    def new(registered: dt.date) -> OrgPlan:
        kind = _pick_kind(rng)
        unit = rng.choices(units, weights)[0]
        if kind == "community":
            street = rng.choice(geo.townships[unit])
            community = rng.choice(geo.communities[street])
            authority, level = street, "street"
        elif rng.random() < 0.25:
            unit = rng.choice(urban_units)
            community = rng.choice(geo.communities_of_unit(unit))
            authority, level = "430400000000", "city"
        else:
            community = rng.choice(geo.communities_of_unit(unit))
            authority, level = unit + "000000", "county"
        org = OrgPlan(first_id + len(orgs), kind, community, authority, level, registered)
        orgs.append(org)
        return org

    # Active on 2020-12-31, with boundary cases: one registered on the day itself.
    for i in range(tg.social_orgs):
        new(T.AS_OF if i == 0 else _reg_date_before(rng, T.AS_OF))
    # Deregistered before (or on) the date: not counted; one exactly on the date.
    n_before = max(1, round(T.ORGS_DEREGISTERED_BEFORE * scale))
    for i in range(n_before):
        reg = _reg_date_before(rng, dt.date(2019, 12, 31))
        org = new(reg)
        org.deregistered_on = (
            T.AS_OF if i == 0 else rand_date(rng, reg + dt.timedelta(days=365), T.AS_OF)
        )
    # 2021-2026: new registrations and deregistrations of the living city.
    active_2020 = orgs[: tg.social_orgs]
    active_2020[-1].deregistered_on = dt.date(
        2021, 1, 1
    )  # counted on 2020-12-31, gone the next day
    for year in range(2021, T.LIVING_UNTIL.year + 1):
        end = min(dt.date(year, 12, 31), T.LIVING_UNTIL)
        for _ in range(max(1, round(T.ORGS_REGISTERED_PER_YEAR_AFTER * scale))):
            new(rand_date(rng, dt.date(year, 1, 1), end))
        for org in active_2020[:-1]:
            if org.deregistered_on is None and rng.random() < T.ORG_DEREGISTRATION_RATE_AFTER:
                org.deregistered_on = rand_date(rng, dt.date(year, 1, 2), end)
    _plan_employees(rng, orgs, tg)
    _name_orgs(rng, orgs, geo)
    return orgs


def _plan_employees(rng: random.Random, orgs: list[OrgPlan], tg: T.Targets) -> None:
    """Employees per annual report; the latest reports on or before 2020-12-31 sum to the target."""
    last_year = T.LIVING_UNTIL.year - 1
    base: dict[int, float] = {}
    for org in orgs:
        size = rng.lognormvariate(2.6, 0.9)
        if org.kind == "community":
            size /= 4
        base[org.id] = size
        end = (org.deregistered_on.year - 1) if org.deregistered_on else last_year
        for year in range(org.registered_on.year, end + 1):
            if report_submitted_on(year, org.id) > T.LIVING_UNTIL:
                break
            org.employees[year] = max(0, round(size * rng.uniform(0.8, 1.2)))
    # The reports that count on 2020-12-31: for each active organisation the latest submitted.
    counted: list[tuple[OrgPlan, int]] = []
    for org in orgs:
        if not org.active_on(T.AS_OF):
            continue
        # orgs.selectors: a report on year Y speaks for 31 December of Y.
        years = [y for y in org.employees if y <= T.AS_OF.year]
        if years:
            counted.append((org, max(years)))
    if not counted:
        return
    raw = sum(org.employees[y] for org, y in counted) or 1
    factor = tg.employees / raw
    total = 0
    for org, y in counted:
        org.employees[y] = int(org.employees[y] * factor)
        total += org.employees[y]
    i = 0
    while total < tg.employees:  # hand out the rounding remainder one by one
        org, y = counted[i % len(counted)]
        org.employees[y] += 1
        total += 1
        i += 1


def _name_orgs(rng: random.Random, orgs: list[OrgPlan], geo: Geography) -> None:
    from faker.providers.company.zh_CN import Provider as Company

    prefixes = [p for p in Company.company_prefixes if len(p) <= 3]
    used: set[tuple[str, str]] = set()
    for org in orgs:
        domain = rng.choice(DOMAINS)
        if org.kind == "community":
            stem = f"{rng.choice(prefixes)}{domain}{rng.choice(COMMUNITY_WORDS)}"
        elif org.kind == "foundation":
            stem = f"{rng.choice(prefixes)}{domain}基金会"
        elif org.kind == "social_group":
            stem = f"{rng.choice(prefixes)}{domain}{rng.choice(GROUP_WORDS)}"
        else:
            stem = f"{rng.choice(prefixes)}{domain}{rng.choice(SERVICE_WORDS)}"
        name = ("衡阳市" if org.level == "city" else "") + stem
        n = 2
        while (org.authority_code, name) in used:
            name = f"{stem}（{n}）"
            n += 1
        used.add((org.authority_code, name))
        org.name = name
