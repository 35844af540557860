"""Demo Party records for `gongzhi load-demo --dataset small` (every record marked synthetic).

Uses whatever social organisations exist when it runs (the orgs app loads first); with
none, it still creates a comprehensive compound Party organisation and its members.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import services
from gongzhi.party.dates import add_months
from gongzhi.party.models import PartyOrg

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "海燕",
    "伟",
    "芳",
    "军",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
]


def _id_number(rng: random.Random, birth: dt.date) -> str:
    # 430400 (衡阳市) is valid for every birth year (DOMAIN.md: codes as they were at issue).
    n = f"430400{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    return n + ric.calc_check_digit(n + "0")


def _members(
    ctx: Any, rng: random.Random, org: PartyOrg, n: int, employer: SocialOrg | None, today: dt.date
) -> list[Any]:
    out = []
    for i in range(n):
        birth = dt.date(rng.randrange(1960, 1998), rng.randrange(1, 13), rng.randrange(1, 28))
        probationary = i == n - 1  # one probationary member per organisation
        admitted = (
            add_months(today, -rng.randrange(6, 11))
            if probationary
            else dt.date(rng.randrange(max(birth.year + 20, 1990), 2020), rng.randrange(1, 13), 1)
        )
        activist = add_months(admitted, -18)
        out.append(
            services.member_create(
                actor="demo",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + "（虚构）",
                party_org=org,
                admitted_on=admitted,
                status="probationary" if probationary else "formal",
                became_formal_on=None if probationary else add_months(admitted, 12),
                id_number=_id_number(rng, birth),
                phone=f"139{rng.randrange(10**7, 10**8)}",
                gender=rng.choice(["male", "female"]),
                ethnicity="汉族",
                applied_on=add_months(activist, -3),
                activist_on=activist,
                candidate_on=add_months(activist, 13),
                employer=employer,
                synthetic=True,
            )
        )
    return out


@transaction.atomic
def load_small(ctx: Any) -> None:
    # Loading the demo twice adds nothing (make run loads it only into an empty database).
    if PartyOrg.objects.filter(synthetic=True).exists():
        return
    rng = random.Random(ctx.seed)
    today = timezone.localdate()
    community = Area.objects.get(code="430405001001")
    compound = Area.objects.get(code="430405001001001")
    orgs = list(
        SocialOrg.objects.filter(
            deregistered_on__isnull=True, area_code__startswith="4304"
        ).order_by("id")[:12]
    )

    # A comprehensive Party organisation of a residential compound (区域组建), always.
    compound_org = services.party_org_create(
        actor="demo",
        name="雅苑小区综合党支部（虚构）",
        kind="branch",
        built_by="regional",
        regional_kind="compound",
        area=community,
        served_area=compound,
        established_on=dt.date(2019, 3, 1),
        term_started_on=add_months(today, -34),  # 换届 falls due within 90 days
        party_groups=2,
        synthetic=True,
    )
    compound_members = _members(ctx, rng, compound_org, 8, None, today)
    for kind, m in zip(["secretary", "organisation", "propaganda"], compound_members, strict=False):
        services.post_assign(
            actor="demo",
            party_org=compound_org,
            kind=kind,
            member=m,
            started_on=dt.date(2019, 3, 1),
        )

    party_orgs = [compound_org]
    if orgs:
        # One branch of its own, one joint branch over up to five, the rest left for instructors.
        own = services.party_org_create(
            actor="demo",
            name=f"{orgs[0].name}党支部",
            kind="branch",
            built_by="single",
            area=orgs[0].area,
            covered_orgs=[orgs[0]],
            established_on=max(orgs[0].registered_on, dt.date(2018, 1, 1)),
            synthetic=True,
        )
        _members(ctx, rng, own, 5, orgs[0], today)
        party_orgs.append(own)
        joint_orgs = orgs[1:5]
        if joint_orgs:
            joint = services.party_org_create(
                actor="demo",
                name=f"{joint_orgs[0].area.name}社会组织联合党支部（虚构）",
                kind="joint_branch",
                built_by="joint",
                area=joint_orgs[0].area,
                covered_orgs=joint_orgs,
                established_on=max(max(o.registered_on for o in joint_orgs), dt.date(2018, 1, 1)),
                synthetic=True,
            )
            for o in joint_orgs:
                _members(ctx, rng, joint, 1, o, today)
            party_orgs.append(joint)
        rest = orgs[5:]
        if rest:
            instructor = services.instructor_create(
                actor="demo",
                name="周指导员（虚构）",
                area=rest[0].area,
                phone="13900001111",
                work_unit="街道党工委",
            )
            for o in rest[: len(rest) // 2 + 1]:
                services.instructor_assign(
                    actor="demo", instructor=instructor, org=o, started_on=dt.date(2021, 5, 1)
                )

    # Organisational life: last month's 支委会 and this month's 主题党日 for the compound branch.
    last_month = add_months(today.replace(day=1), -1)
    services.life_record_create(
        actor="demo",
        party_org=compound_org,
        kind="committee_meeting",
        held_on=last_month,
        topic="研究小区议事协商事项",
        attendees=compound_members[:3],
    )
    services.life_record_create(
        actor="demo",
        party_org=compound_org,
        kind="general_meeting",
        held_on=last_month,
        topic="支部党员大会：通报季度工作",
        attendees=compound_members[:6],
    )
    services.life_record_create(
        actor="demo",
        party_org=compound_org,
        kind="theme_day",
        held_on=today.replace(day=1),
        topic="主题党日：清洁家园志愿服务",
        attendees=compound_members,
    )
    for m in compound_members[:3]:
        services.dues_record(
            actor="demo",
            member=m,
            month=last_month,
            base=Decimal(rng.randrange(2500, 12000)),
            paid_on=last_month,
        )

    # A regional alliance of the Party organisations with its lists, and a community report.
    alliance = services.alliance_create(
        actor="demo",
        name="东风街道区域党建联盟（虚构）",
        area=community.parent,
        established_on=dt.date(2024, 1, 1),
        synthetic=True,
    )
    members = [
        services.alliance_member_add(
            actor="demo", alliance=alliance, party_org=p, joined_on=dt.date(2024, 1, 1)
        )
        for p in party_orgs
    ]
    services.alliance_meeting_record(
        actor="demo",
        alliance=alliance,
        held_on=dt.date(2024, 3, 1),
        topic="首次联席会议",
        decisions="确定轮值顺序",
    )
    need = services.item_create(
        actor="demo",
        alliance=alliance,
        kind="need",
        title="老旧小区加装电梯政策宣讲",
        created_on=dt.date(2024, 4, 1),
    )
    services.item_create(
        actor="demo",
        alliance=alliance,
        kind="resource",
        title="法律咨询志愿服务",
        created_on=dt.date(2024, 4, 1),
        offered_by=members[0],
    )
    services.item_claim(
        actor="demo", item=need, claimed_on=dt.date(2024, 4, 10), member=members[-1]
    )
    report = services.community_report_create(
        actor="demo", community=community, reported_on=dt.date(2024, 2, 1), party_org=party_orgs[-1]
    )
    services.service_record_create(
        actor="demo",
        report=report,
        served_on=today.replace(day=1),
        hours=Decimal("3"),
        content="社区环境整治",
    )

    # The demo Party secretary governs the compound branch.
    secretary = ctx.users.get("_by_name", {}).get("secretary")
    if secretary is not None:
        from gongzhi.accounts.services import membership_add

        membership_add(actor="demo", user=secretary, role="party_secretary", org=compound_org)
    ctx.extra["party_orgs"] = [p.pk for p in party_orgs]
