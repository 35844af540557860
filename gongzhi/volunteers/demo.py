"""Demo volunteers (`gongzhi load-demo`): teams, ~200 volunteers, activities, shifts, hours.

Every record is synthetic. The demo account `volunteer` gets a volunteer profile, an
enrollment in a shift that is running now (so check-in can be tried) and some hours.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from gongzhi.areas.models import Area, Kind
from gongzhi.volunteers import services
from gongzhi.volunteers.keys import fill_entry_keys, prepare_batch, recompute_totals
from gongzhi.volunteers.models import (
    Enrollment,
    EntrySource,
    EntryStatus,
    Gender,
    HoursEntry,
    Team,
    Volunteer,
)

# Division codes of Hengyang (issued at different times: stdnum knows each one's years).
ID_CODES = [
    "430421",
    "430422",
    "430423",
    "430424",
    "430426",
    "430481",
    "430482",
    "430405",
    "430406",
    "430407",
    "430408",
    "430412",
    "430402",
    "430403",
    "430404",
]


@lru_cache(maxsize=128)
def codes_valid_in(year: int) -> tuple[str, ...]:
    valid = []
    for code in ID_CODES:
        body = f"{code}{year}0101001"
        if ric.is_valid(body + ric.calc_check_digit(body + "0")):
            valid.append(code)
    return tuple(valid) or ("430400",)


def demo_id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    """A valid GB 11643 number whose division code existed in the birth year (DOMAIN.md)."""
    code = rng.choice(codes_valid_in(birth.year))
    seq = rng.randrange(0, 499) * 2 + (1 if male else 0)
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


TEAMS = [
    ("湘江社区助老志愿服务队（虚构）", "430405001001", "grassroots", "community"),
    ("东湖社区文明创建志愿队（虚构）", "430405001002", "registered", "community"),
    ("雅苑小区矛盾纠纷志愿调解队（虚构）", "430405001001001", "grassroots", "compound"),
    ("先锋街道助学志愿服务队（虚构）", "430406001001", "registered", "community"),
    ("人民路街道疫情防控志愿队（虚构）", "430407001001", "registered", "community"),
]
ACTIVITIES = [
    ("陪伴空巢老人（虚构）", "zhulao", []),
    ("社区义诊（虚构）", "zhuyi", ["medical"]),
    ("课后托管辅导（虚构）", "zhuxue", []),
    ("文明交通劝导（虚构）", "civilised_city", []),
    ("核酸检测秩序维护（虚构）", "epidemic", []),
    ("残障人士出行陪护（虚构）", "zhucan", ["first_aid"]),
]


@transaction.atomic
def load_small(ctx: Any) -> None:
    from faker import Faker

    # Loading the demo twice adds nothing (make run loads it only into an empty database).
    if Volunteer.objects.filter(synthetic=True).exists():
        return

    rng = random.Random(ctx.seed)
    fake = Faker("zh_CN")
    fake.seed_instance(ctx.seed)
    today = timezone.localdate()
    communities = list(Area.objects.filter(kind=Kind.COMMUNITY, synthetic=True).order_by("code"))
    if not communities:
        return
    org = _some_org()
    teams = []
    for i, (name, code, kind, owner_kind) in enumerate(TEAMS):
        area = Area.objects.filter(code=code).first() or communities[0]
        use_org = org is not None and i == 1
        teams.append(
            services.team_create(
                actor="demo",
                name=name,
                kind=kind,
                owner_kind="org" if use_org else owner_kind,
                owner_org=org if use_org else None,
                area=area,
                established_on=dt.date(2018, 3, 1) + dt.timedelta(days=90 * i),
                person_in_charge=fake.name(),
                clerk=fake.name(),
                contact=f"0734-{rng.randrange(1000000, 9999999)}",
                synthetic=True,
            )
        )
    # ~200 volunteers, bulk-created the way the city generator does it.
    batch = []
    for _i in range(int(200 * max(ctx.scale, 0.05))):
        male = rng.random() < 0.45
        birth = dt.date(rng.randrange(1955, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        area = rng.choice(communities)
        batch.append(
            Volunteer(
                name=fake.name_male() if male else fake.name_female(),
                id_number=demo_id_number(rng, birth, male),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                gender=Gender.MALE if male else Gender.FEMALE,
                birth_date=birth,
                area=area,
                area_code=area.code,
                registered_on=today - dt.timedelta(days=rng.randrange(30, 2500)),
                consent_on=today,
                consent_version="2021-1",
                skills=rng.sample(["摄影", "驾驶", "心理疏导", "书法", "维修", "手语", "外语"], 2),
                synthetic=True,
            )
        )
    Volunteer.objects.bulk_create(prepare_batch(batch), batch_size=500)
    volunteers = list(Volunteer.objects.filter(synthetic=True).order_by("id"))
    for i, v in enumerate(volunteers):
        member_team = teams[i % len(teams)]
        services.team_member_add(
            actor="demo",
            team=member_team,
            volunteer=v,
            role="leader" if i < len(teams) else "member",
            joined_on=v.registered_on,
        )
        if i % 7 == 0:
            services.qualification_add(
                actor="demo",
                volunteer=v,
                kind=rng.choice(["medical", "first_aid", "teacher"]),
                expires_on=today + dt.timedelta(days=rng.randrange(-100, 900)),
            )
    # The demo volunteer account.
    demo_user = ctx.users.get("_by_name", {}).get("volunteer")
    me = None
    if demo_user is not None and not Volunteer.objects.filter(user=demo_user).exists():
        from gongzhi.accounts.services import membership_add

        birth = dt.date(1992, 5, 17)
        me = services.volunteer_register(
            actor="demo",
            name="志愿者演示（虚构）",
            id_number=demo_id_number(rng, birth, True),
            phone="13800000001",
            area=Area.objects.get(code="430405001001"),
            consent=True,
            registered_on=today - dt.timedelta(days=400),
            user=demo_user,
            synthetic=True,
            skills=["摄影"],
        )
        services.team_member_add(
            actor="demo", team=teams[0], volunteer=me, joined_on=me.registered_on
        )
        services.qualification_add(
            actor="demo", volunteer=me, kind="first_aid", expires_on=today + dt.timedelta(days=365)
        )
        if not demo_user.has_role("volunteer"):
            membership_add(actor="demo", user=demo_user, role="volunteer")
        volunteers.append(me)
    # Activities and shifts: past ones (with hours), one running now, future ones to sign up for.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    entries = []
    for i, (title, category, quals) in enumerate(ACTIVITIES):
        team = teams[i % len(teams)]
        activity = services.activity_create(
            actor="demo",
            team=team,
            title=title,
            category=category,
            area=team.area,
            address="社区服务中心（虚构）",
            description="演示活动，非真实安排。",
            required_qualifications=quals,
            synthetic=True,
        )
        for k in (-30, -14, -7, 0, 2, 9):
            start = now + dt.timedelta(days=k, hours=-1 if k == 0 else 9 - now.hour)
            shift = services.shift_create(
                actor="demo",
                activity=activity,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                capacity=rng.choice([5, 8, 12]),
            )
            if k < 0:
                for v in rng.sample(volunteers[:-1], 6):
                    entries.append(
                        HoursEntry(
                            volunteer_id=v.pk,
                            team_id=team.pk,
                            activity=activity,
                            shift=shift,
                            source=EntrySource.ORGANISER,
                            status=EntryStatus.APPROVED if k < -7 else EntryStatus.PENDING,
                            minutes=rng.choice([120, 150, 180]),
                            service_date=start.date(),
                            category=category,
                            content=title,
                            area_code=shift.area_code,
                            recorded_at=timezone.now(),
                        )
                    )
            elif k == 0 and me is not None and i == 0:
                Enrollment(
                    shift=shift, volunteer=me, status="enrolled", queued_at=timezone.now()
                ).save()
    # Earlier service of every volunteer, so stars and history have something to show.
    for v in volunteers:
        for _k in range(rng.randrange(0, 25)):
            team = rng.choice(teams)
            day = today - dt.timedelta(days=rng.randrange(40, 1200))
            entries.append(
                HoursEntry(
                    volunteer_id=v.pk,
                    team_id=team.pk,
                    source=EntrySource.ORGANISER,
                    status=EntryStatus.APPROVED,
                    minutes=rng.choice([60, 120, 180, 240, 480]),
                    service_date=max(day, v.registered_on),
                    category=rng.choice(ACTIVITIES)[1],
                    content="社区志愿服务（虚构）",
                    recorded_at=timezone.now(),
                )
            )
    by_id = {t.pk: t for t in Team.objects.filter(pk__in=[t.pk for t in teams])}
    HoursEntry.objects.bulk_create(fill_entry_keys(entries, by_id), batch_size=1000)
    recompute_totals([v.pk for v in volunteers])
    ctx.extra["volunteer_teams"] = teams


def _some_org() -> Any:
    try:
        from gongzhi.orgs.models import SocialOrg
    except ImportError:  # pragma: no cover
        return None
    return SocialOrg.objects.filter(area_code__startswith="430405").order_by("id").first()
