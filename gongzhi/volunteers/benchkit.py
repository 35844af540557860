"""Benchmark hooks of the volunteers app (bench/README.md § Contracts). Plain functions.

The bench calls them after the demo city is loaded. Until the city generator writes the
city's 1.1 million volunteers, `ensure_volunteers` tops the registry up to the run's scale
the way a generator does (`keys.prepare_batch` then `keys.bulk_insert`, 5,000 at a time),
so that search is measured over a realistic index, not over the demo's 200 people.

Synthetic ID numbers are unique by construction (`synthetic_id_number(i)`): the index `i`
picks the sequence, one of eight birthplace codes valid from 1983 to 2004, and a birth
date; separate index ranges keep the generated registry, the check-in volunteers and the
import file apart, so every import row is new and every check-in volunteer is distinct.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from stdnum.cn import ric

from gongzhi.areas.models import Area, Kind
from gongzhi.volunteers.keys import bulk_insert, prepare_batch
from gongzhi.volunteers.models import (
    Enrollment,
    EnrollmentStatus,
    Gender,
    HoursEntry,
    Volunteer,
    VolunteerStatus,
)

CITY_VOLUNTEERS = 1_100_000  # registered volunteers in Hengyang (issue 5)
CITY_PREFIX = "4304"
BATCH = 5000
# Index ranges of synthetic ID numbers (see synthetic_id_number): generated registry from 0,
# check-in volunteers from CHECKIN_BASE, import rows from IMPORT_BASE.
CHECKIN_BASE = 25_000_000
IMPORT_BASE = 30_000_000
# Birthplace codes in use for every birth year from 1983 to 2004 (GB/T 2260, stdnum's history):
# districts of Changsha and Zhuzhou — people born there who live in Hengyang. The demo's ID
# numbers use Hengyang's own codes, so the two can never collide.
ID_CODES = ("430102", "430103", "430104", "430105", "430111", "430202", "430203", "430204")
BIRTH_FROM = dt.date(1983, 1, 1)
BIRTH_DAYS = 7670  # to the end of 2003
DAY_STRIDE = 7919  # a prime, coprime with BIRTH_DAYS: spreads consecutive indexes over the years

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力波宁燕斌海鹏飞凤云"
    "晨欣怡雨轩浩宇子涵梓豪睿博思嘉佳琪俊熙雪梅丹峰亮成志新德金春秋冬松柏林"
)
SKILLS = ["摄影", "驾驶", "心理疏导", "书法", "维修", "手语", "外语", "急救", "文艺", "电脑"]


def synthetic_id_number(i: int) -> tuple[str, dt.date, bool]:
    """A valid, unique GB 11643 number for index `i` (< 61 million): (number, birth, male)."""
    seq = i % 1000
    k = i // 1000
    code = ID_CODES[k % len(ID_CODES)]
    d = k // len(ID_CODES)
    if d >= BIRTH_DAYS:
        raise ValueError("synthetic ID numbers are exhausted")
    birth = BIRTH_FROM + dt.timedelta(days=(d * DAY_STRIDE) % BIRTH_DAYS)
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0"), birth, seq % 2 == 1


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"


def _homes() -> list[tuple[int, str]]:
    """(id, code) of the units volunteers live in: communities if any, else counties."""
    from gongzhi.demo import load_small_areas

    if not Area.objects.filter(kind=Kind.COMMUNITY).exists():
        load_small_areas()
    homes = list(
        Area.objects.filter(kind__in=[Kind.COMMUNITY, Kind.COUNTY])
        .order_by("code")
        .values_list("pk", "code")
    )
    return homes


def _person(rng: random.Random, i: int, home: tuple[int, str], today: dt.date) -> Volunteer:
    idn, birth, male = synthetic_id_number(i)
    return Volunteer(
        name=_name(rng),
        id_number=idn,
        phone=_phone(rng),
        gender=Gender.MALE if male else Gender.FEMALE,
        birth_date=birth,
        area_id=home[0],
        area_code=home[1],
        registered_on=today - dt.timedelta(days=rng.randrange(1, 3000)),
        consent_on=today,
        consent_version="2021-1",
        skills=rng.sample(SKILLS, 2),
        synthetic=True,
    )


def ensure_volunteers(target: int, *, seed: int = 2020) -> int:
    """Top the registry up to `target` volunteers (5,000 per batch); returns how many were added."""
    have = Volunteer.objects.count()
    if have >= target:
        return 0
    rng = random.Random(seed + have)
    homes = _homes()
    today = timezone.localdate()
    start = Volunteer.objects.filter(synthetic=True, id_number_bidx__gt="").count()
    added = 0
    while have + added < target:
        n = min(BATCH, target - have - added)
        batch = [
            _person(rng, start + added + j, homes[(start + added + j) % len(homes)], today)
            for j in range(n)
        ]
        with transaction.atomic():
            bulk_insert(Volunteer, prepare_batch(batch))
        added += n
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE volunteers_volunteer")
    return added


# --- search -------------------------------------------------------------------------------


def _search_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text): what people type at a service desk, drawn from the loaded volunteers —
    a full number or its first 12 characters, a full name, a surname and the first given
    character, the name in Traditional characters, full pinyin or its first letters, the
    initials, and a phone tail."""
    from gongzhi.core.textkeys import to_traditional

    rng = random.Random(seed)
    total = Volunteer.objects.count()
    if not total:
        return []
    n = max(4, count // 8)
    # Random ids between the first and the last: no ORDER BY random() over a million rows.
    bounds = Volunteer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    span = range(bounds["lo"], bounds["hi"] + 1)
    ids = rng.sample(span, min(n, len(span)))
    rows = list(
        Volunteer.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("number", "name", "name_pinyin", "name_initials", "phone_last4")
    )
    out: list[tuple[str, str]] = []
    for number, name, pinyin, initials, tail in rows:
        out += [
            ("number", number),
            ("number", number[:12]),
            ("name", name),
            ("name", name[:2]),
            ("name", to_traditional(name)),
            ("pinyin", pinyin),
            ("initials", initials),
        ]
        if tail:
            out.append(("phone", tail))
    rng.shuffle(out)
    return out


def volunteer_search_paths(*, count: int, scale: float = 1.0, seed: int = 2020) -> list[str]:
    """Searches on the organisers' volunteer page and the API, by number, name (Simplified,
    Traditional), pinyin, initials and phone tail."""
    ensure_volunteers(max(100, round(CITY_VOLUNTEERS * scale)), seed=seed)
    queries = _search_queries(count, seed)
    paths = []
    for n, (_kind, text) in enumerate(queries):
        base = "/api/v1/volunteers/people" if n % 4 == 3 else "/volunteers/people/"
        paths.append(f"{base}?{urlencode({'q': text})}")
    return paths


def volunteer_search_floor_sql(
    *, count: int, scale: float = 1.0, seed: int = 2020
) -> list[tuple[str, list[Any]]]:
    """The same searches by hand: one indexed range look-up each, limited to 50 rows, in the
    city's scope (what `selectors.volunteer_search` must at least do)."""
    from gongzhi.core.textkeys import search_variants

    ensure_volunteers(max(100, round(CITY_VOLUNTEERS * scale)), seed=seed)
    pg = connection.vendor == "postgresql"
    cols = "id, number, name, name_pinyin, phone_last4, area_code, approved_minutes"
    # The scope filter as `core.scope` writes it: a LIKE prefix. On SQLite a LIKE never uses
    # an index, so the planner takes the search column's range index and filters the scope on
    # the few rows it yields; a range on area_code instead would make it scan the whole city.
    scope = "area_code LIKE %s"
    scope_args: list[Any] = [CITY_PREFIX + "%"]

    def prefix(column: str, text: str) -> tuple[str, list[Any]]:
        if pg:
            cond, args = f"{column} LIKE %s", [text + "%"]
        else:
            cond, args = f"{column} >= %s AND {column} < %s", [text, text + "\U0010ffff"]
        sql = f"SELECT {cols} FROM volunteers_volunteer WHERE {cond} AND {scope} LIMIT 50"
        return sql, args + scope_args

    out: list[tuple[str, list[Any]]] = []
    for kind, text in _search_queries(count, seed):
        if kind == "phone":
            sql = f"SELECT {cols} FROM volunteers_volunteer WHERE phone_last4 = %s AND {scope} LIMIT 50"
            out.append((sql, [text, *scope_args]))
        elif kind == "number":
            out.append(prefix("number", text))
        elif kind == "pinyin":
            out.append(prefix("name_pinyin", text))
        elif kind == "initials":
            out.append(prefix("name_initials", text))
        else:
            out.append(prefix("name_simplified", search_variants(text)[0]))
    return out


# --- a volunteer's page -------------------------------------------------------------------


def _busy_volunteers(count: int, seed: int) -> list[int]:
    """Up to `count` volunteers with many ledger lines: the volunteers of randomly drawn
    entries (a draw weighted by entries, no GROUP BY over the whole ledger), busiest first."""
    rng = random.Random(seed + 5)
    bounds = HoursEntry.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return []
    span = range(bounds["lo"], bounds["hi"] + 1)
    drawn = rng.sample(span, min(len(span), count * 8))
    candidates = set(HoursEntry.objects.filter(pk__in=drawn).values_list("volunteer_id", flat=True))
    ranked = (
        HoursEntry.objects.filter(volunteer_id__in=candidates)
        .values("volunteer_id")
        .annotate(n=Count("id"))
        .order_by("-n", "volunteer_id")
        .values_list("volunteer_id", flat=True)
    )
    return list(ranked[:count])


def volunteer_page_paths(*, count: int, scale: float = 1.0, seed: int = 2020) -> list[str]:
    """The organisers' page of one volunteer (identity masked, hours by year, the latest
    ledger lines, stars, teams, records) for volunteers with many hours entries."""
    ids = _busy_volunteers(count, seed)
    if not ids:  # no ledger loaded (a tiny run): any volunteers
        ensure_volunteers(max(100, round(CITY_VOLUNTEERS * scale)), seed=seed)
        ids = list(Volunteer.objects.order_by("pk").values_list("pk", flat=True)[:count])
    return [f"/volunteers/people/{pk}/" for pk in ids]


# --- check-in under load ------------------------------------------------------------------

EVENT_SIZE = 2000  # volunteers per shift: "check-in at a 2,000-person event" (issue 7)


def checkin_requests(*, count: int, scale: float = 1.0, seed: int = 2020) -> list[dict[str, Any]]:
    """`count` volunteers, each with an account, an API token and an enrollment in a shift
    running now (2,000 per shift), and the request each one's phone sends on scanning the
    shift's QR code: POST /api/v1/volunteers/checkin {"token": ...} with its bearer token.

    Every call makes new volunteers (a repeated check-in changes nothing: different work)."""
    from gongzhi.accounts.models import ApiToken, User
    from gongzhi.volunteers import services

    rng = random.Random(seed + count)
    homes = _homes()
    area = Area.objects.get(pk=homes[0][0])
    now = timezone.now()
    today = timezone.localdate()
    base = CHECKIN_BASE + Volunteer.objects.filter(synthetic=True).count()
    tag = secrets.token_hex(3)
    team = services.team_create(
        actor="bench",
        name=f"基准测试签到志愿队{tag}（虚构）",
        kind="grassroots",
        owner_kind="community",
        area=area,
        established_on=today,
        synthetic=True,
    )
    activity = services.activity_create(
        actor="bench",
        team=team,
        title=f"大型活动签到压力测试{tag}（虚构）",
        category="civilised_city",
        area=area,
        synthetic=True,
    )
    shifts = [
        services.shift_create(
            actor="bench",
            activity=activity,
            starts_at=now - dt.timedelta(minutes=30),
            ends_at=now + dt.timedelta(hours=10),
            capacity=EVENT_SIZE,
        )
        for _ in range(max(1, -(-count // EVENT_SIZE)))
    ]
    requests: list[dict[str, Any]] = []
    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"bench_{tag}_{start + j}",
                        display_name="基准测试志愿者（虚构）",
                        password="!",  # unusable: the phone client uses its token
                        synthetic=True,
                    )
                    for j in range(n)
                ]
            )
            people = [_person(rng, base + start + j, homes[0], today) for j in range(n)]
            for v, u in zip(people, users, strict=True):
                v.user_id = u.pk
            people = Volunteer.objects.bulk_create(prepare_batch(people), batch_size=1000)
            keys = ["gz_" + secrets.token_urlsafe(32) for _ in range(n)]
            ApiToken.objects.bulk_create(
                ApiToken(user=u, name="bench", key_hash=ApiToken.hash_key(k), prefix=k[:8])
                for u, k in zip(users, keys, strict=True)
            )
            enrollments = []
            for j, v in enumerate(people):
                shift = shifts[(start + j) // EVENT_SIZE]
                enrollments.append(
                    Enrollment(
                        shift=shift,
                        volunteer=v,
                        status=EnrollmentStatus.ENROLLED,
                        queued_at=now,
                        area_code=shift.area_code,
                        owner_org_id=shift.owner_org_id,
                    )
                )
                requests.append(
                    {
                        "method": "POST",
                        "path": "/api/v1/volunteers/checkin",
                        "headers": {
                            "Authorization": f"Bearer {keys[j]}",
                            "Content-Type": "application/json",
                        },
                        "body": json.dumps({"token": shift.checkin_token}),
                    }
                )
            Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    return requests


# --- import ---------------------------------------------------------------------------------


def volunteer_import_rows(*, count: int, seed: int = 2020) -> Iterator[list[Any]]:
    """`count` new volunteers in the order of the `volunteers` importer's columns."""
    from gongzhi.volunteers.importers import VolunteerImporter

    rng = random.Random(seed + 11)
    homes = _homes()
    keys = [c.key for c in VolunteerImporter.columns]
    today = timezone.localdate()
    for i in range(count):
        idn, _birth, _male = synthetic_id_number(IMPORT_BASE + i)
        row = {
            "name": _name(rng),
            "id_number": idn,
            "phone": _phone(rng),
            "area_code": homes[i % len(homes)][1],
            "registered_on": today - dt.timedelta(days=rng.randrange(1, 3000)),
            "skills": "，".join(rng.sample(SKILLS, 2)),
            "status": str(VolunteerStatus.ACTIVE.label),
        }
        yield [row[k] for k in keys]


__all__ = [
    "checkin_requests",
    "ensure_volunteers",
    "volunteer_import_rows",
    "volunteer_page_paths",
    "volunteer_search_floor_sql",
    "volunteer_search_paths",
]
