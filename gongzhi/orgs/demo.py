"""The small demo data set: about twenty synthetic organisations in the demo streets, with
annual reports, a grade, a listing, and the demo org administrator's membership.

Every organisation is marked `synthetic`; names come from Faker zh_CN and are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from faker import Faker

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.orgs import services
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import CommunityCategory, OrgKind, SocialOrg

# (district, street) pairs of gongzhi/demo.py SMALL_STREETS; community 001/002 under each.
STREETS = ["430405001", "430405002", "430406001", "430406002", "430407001", "430408001"]
SUFFIX = {
    OrgKind.SOCIAL_GROUP: ["协会", "促进会", "联合会", "研究会"],
    OrgKind.SERVICE_ORG: ["社会工作服务中心", "养老服务中心", "康复中心", "培训学校"],
    OrgKind.FOUNDATION: ["慈善基金会", "教育基金会"],
    OrgKind.COMMUNITY: ["志愿服务队", "文艺队", "邻里互助会", "调解会"],
}
INDUSTRIES = ["社会服务", "教育", "文化", "体育", "卫生", "科技", "农业农村", "商务"]
SEQUENCE = [OrgKind.SOCIAL_GROUP, OrgKind.SERVICE_ORG, OrgKind.COMMUNITY] * 6 + [
    OrgKind.FOUNDATION,
    OrgKind.SERVICE_ORG,
]


def _name(fake: Faker, kind: str, street: Area, used: set[str]) -> str:
    while True:
        base = (
            fake.last_name() + fake.first_name() if kind == OrgKind.FOUNDATION else fake.city_name()
        )
        district = street.parent.name[:2] if street.parent else ""
        name = f"衡阳市{district}{base}{random.choice(SUFFIX[OrgKind(kind)])}（虚构）"
        if name not in used:
            used.add(name)
            return name


def load_small(ctx: Any) -> None:
    if SocialOrg.objects.filter(synthetic=True).exists():
        return
    random.seed(ctx.seed)
    fake = Faker("zh_CN")
    fake.seed_instance(ctx.seed)
    used: set[str] = set()
    orgs: list[SocialOrg] = []
    for i, kind in enumerate(SEQUENCE):
        street = Area.objects.select_related("parent").get(code=STREETS[i % len(STREETS)] + "000")
        community = Area.objects.get(code=f"{street.code[:9]}{1 + i % 2:03d}")
        registered_on = dt.date(2012 + i % 10, 1 + i % 12, 1 + i % 27)
        common: dict[str, Any] = {
            "actor": "demo",
            "name": _name(fake, kind, street, used),
            "kind": kind,
            "area": community,
            "registered_on": registered_on,
            "synthetic": True,
            "domicile": fake.street_address(),
            "industry": random.choice(INDUSTRIES),
            "legal_rep_name": fake.name(),
            "legal_rep_phone": fake.phone_number(),
            "council_size": random.randint(5, 15),
        }
        if kind == OrgKind.COMMUNITY:
            org = services.org_register(
                authority=street,
                community_category=random.choice(CommunityCategory.values),
                **common,
            )
        else:
            # Most registrations are at the district; a few at the city's bureau.
            city_level = i % 7 == 0
            authority = Area.objects.get(
                code="430400000000" if city_level else street.code[:6] + "000000"
            )
            org = services.org_register(
                authority=authority,
                credit_code=make_credit_code(kind, authority.code, 9000 + i),
                supervising_unit="" if kind == OrgKind.COMMUNITY else "衡阳市民政局",
                purpose=str(fake.sentence()),
                business_scope=str(fake.sentence()),
                founding_funds=random.choice([3, 10, 50, 200]),
                **common,
            )
        orgs.append(org)
    this_year = dt.date.today().year
    for n, org in enumerate(orgs):
        if org.kind == OrgKind.COMMUNITY:
            continue
        for year in range(max(org.registered_on.year, this_year - 5), this_year):
            if n % 9 == 4 and year == this_year - 1:
                continue  # one organisation missed its latest report
            employees = random.randint(3, 60)
            party = n % 3 != 0
            services.report_file(
                actor="demo",
                org=org,
                year=year,
                submitted_on=dt.date(year + 1, 4, 1 + n % 28),
                result="basic" if n % 5 == 1 else "qualified",
                employees=employees,
                social_workers=employees // 5,
                other_professionals=employees // 6,
                volunteers=random.randint(10, 300),
                income=random.randint(10, 500),
                spending=random.randint(10, 450),
                has_party_org=party,
                no_party_org_reason="" if party else "党员不足3人，已选派党建指导员",
                party_instructor="" if party else fake.name(),
                party_members=random.randint(3, 20) if party else random.randint(0, 2),
                party_activists=random.randint(0, 4),
                has_union=party and n % 2 == 0,
                union_on=dt.date(max(org.registered_on.year, 2016), 7, 1)
                if party and n % 2 == 0
                else None,
                has_youth_league=party and n % 4 == 1,
                youth_league_on=dt.date(max(org.registered_on.year, 2017), 5, 4)
                if party and n % 4 == 1
                else None,
                has_women_federation=party and n % 4 in (1, 2),
                women_federation_on=dt.date(max(org.registered_on.year, 2018), 3, 8)
                if party and n % 4 in (1, 2)
                else None,
            )
    today = dt.date.today()
    graded = [
        o for o in orgs if o.kind != OrgKind.COMMUNITY and o.registered_on.year < this_year - 3
    ][:3]
    for org, score in zip(graded, (935, 812, 705), strict=False):
        from gongzhi.orgs.eligibility import evaluation_refusals

        on = today - dt.timedelta(days=30)
        if not evaluation_refusals(org, on):
            services.evaluation_record(actor="demo", org=org, evaluated_on=on, score=score)
    services.listing_add(
        actor="demo",
        org=orgs[-2],
        list_kind="anomaly",
        cause="unreachable",
        listed_on=today - dt.timedelta(days=60),
        detail="登记住所无法联系（演示）",
        authority="衡阳市民政局",
    )
    services.listings_flag_missing_reports(
        actor="demo", year=this_year - 1 if today.month > 5 else this_year - 2
    )
    ctx.extra["orgs"] = orgs
    org_admin = ctx.users.get("_by_name", {}).get("orgadmin")
    if org_admin is not None:
        from gongzhi.accounts.services import membership_add

        membership_add(actor="demo", user=org_admin, role=Role.ORG_ADMIN, org=orgs[1])
