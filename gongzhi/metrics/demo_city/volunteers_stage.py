"""Volunteers, teams, activities (one shift each) and the approved hours ledger of the city.

Exactly `volunteers` are registered and not withdrawn on 2020-12-31; others withdrew
before it, registered after it, or withdraw in 2021-2026. Volunteers are streamed: each
one's hours entries are drawn with them, so their running totals (approved_minutes,
last_service_on) equal their ledger, and nothing city-sized is held in memory.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import connection
from django.utils import timezone

from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city import volunteer_load as load
from gongzhi.metrics.demo_city import volunteer_rows as rows
from gongzhi.metrics.demo_city.geography import URBAN
from gongzhi.metrics.demo_city.orgs_stage import rand_date
from gongzhi.metrics.demo_city.people import People
from gongzhi.metrics.demo_city.writer import (
    TableWriter,
    date_out,
    datetime_out,
    deferred_indexes,
    next_id,
    reset_sequences,
)
from gongzhi.volunteers.keys import number_prefix

ACTIVITIES = 90_000  # at full scale, 2015-2026
TEAM_FIELDS = [
    "id",
    "code",
    "name",
    "name_simplified",
    "name_pinyin",
    "kind",
    "owner_kind",
    "owner_org",
    "owner_party_org_id",
    "area",
    "area_code",
    "person_in_charge",
    "clerk",
    "contact",
    "established_on",
    "dissolved_on",
    "synthetic",
]
ACTIVITY_FIELDS = [
    "id",
    "team",
    "title",
    "category",
    "description",
    "area",
    "area_code",
    "address",
    "owner_org_id",
    "required_qualifications",
    "status",
    "created_by",
    "created_at",
    "synthetic",
]
SHIFT_FIELDS = [
    "id",
    "activity",
    "starts_at",
    "ends_at",
    "capacity",
    "checkin_token",
    "area_code",
    "owner_org_id",
]


def write_volunteers(ctx: Any) -> None:
    from gongzhi.volunteers.keys import name_keys
    from gongzhi.volunteers.models import Activity, Counter, HoursEntry, Shift, Team, Volunteer
    from gongzhi.volunteers.rules_config import current

    rng, geo, scale, tz = ctx.rng, ctx.geo, ctx.scale, timezone.get_current_timezone()
    people = People(rng)
    categories = [code for code, _label in current().categories]
    now = timezone.now()

    # Teams: one per community, one per (non-community) organisation with a Party organisation.
    team_w = TableWriter(Team, TEAM_FIELDS, stage="志愿队伍")
    first_team = next_id(Team)
    teams_by_unit: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    tid = first_team
    for community in geo.all_communities():
        name = f"{community[-3:]}号社区志愿服务队（虚构）"
        s, full, _i = name_keys(name)
        team_w.add(
            (
                tid,
                f"T{tid:09d}",
                name,
                s,
                full,
                "grassroots",
                "community",
                None,
                None,
                ctx.area_id(community),
                community,
                people.name(),
                "",
                "",
                dt.date(2014, 1, 1),
                None,
                True,
            )
        )
        teams_by_unit[community[:6]].append((tid, community, None))
        tid += 1
    for org in ctx.orgs:
        if org.id in ctx.covered and org.kind != "community":
            name = f"{org.name}志愿服务队"
            s, full, _i = name_keys(name)
            team_w.add(
                (
                    tid,
                    f"T{tid:09d}",
                    name,
                    s,
                    full,
                    "registered",
                    "org",
                    org.id,
                    None,
                    ctx.area_id(org.area_code),
                    org.area_code,
                    people.name(),
                    "",
                    "",
                    org.registered_on,
                    org.deregistered_on,
                    True,
                )
            )
            teams_by_unit[org.area_code[:6]].append((tid, org.area_code, org.id))
            tid += 1
    ctx.counts["teams"] = team_w.close()

    # Activities with one shift each, by county-level unit and date (for drawing hours).
    n_act = max(len(teams_by_unit) * 4, round(ACTIVITIES * scale))
    act_w = TableWriter(
        Activity, ACTIVITY_FIELDS, progress=ctx.progress, stage="志愿活动", total=n_act
    )
    shift_w = TableWriter(Shift, SHIFT_FIELDS)
    first_act = next_id(Activity)
    first_shift = next_id(Shift)
    units = sorted(teams_by_unit)
    weights = [3.0 if u in URBAN else 1.0 for u in units]
    pool: dict[str, list[tuple[int, int]]] = defaultdict(list)  # unit -> (day, activity index)
    acts: list[tuple[Any, ...]] = []  # (team, activity, shift, day, category, code, owner, at)
    D, DT = date_out(), datetime_out()
    token_salt = rng.getrandbits(32)
    for n in range(n_act):
        unit = rng.choices(units, weights)[0]
        team, code, owner = rng.choice(teams_by_unit[unit])
        day = rand_date(rng, dt.date(2015, 1, 1), T.LIVING_UNTIL)
        cat = rng.choice(categories)
        title = f"{cat}志愿服务活动（{day:%Y年%m月}）"
        aid, sid = first_act + n, first_shift + n
        start = dt.datetime(day.year, day.month, day.day, rng.choice([8, 9, 14, 15]), tzinfo=tz)
        hours = rng.choice([2, 3, 4])
        act_w.add(
            (
                aid,
                team,
                title,
                cat,
                "",
                ctx.area_id(code),
                code,
                "",
                owner,
                [],
                "published",
                None,
                now,
                True,
            )
        )
        shift_w.add(
            (
                sid,
                aid,
                start,
                start + dt.timedelta(hours=hours),
                30,
                f"{token_salt:08x}{sid:024x}"[-32:],
                code,
                owner,
            )
        )
        at = DT(dt.datetime(day.year, day.month, day.day, 18, tzinfo=tz))
        pool[unit].append((day.toordinal(), n))
        acts.append((team, aid, sid, D(day), cat, code, owner, at))
    ctx.counts["activities"] = act_w.close()
    shift_w.close()

    # Volunteers with their hours, drawn in chunks (worker processes) and written here.
    plan = _plan(ctx, geo, pool, acts, now=str(DT(now)))
    numbers = rows.Numbers(plan.prefixes, dict(Counter.objects.values_list("key", "last")))
    sink = load.sink_for(plan, acts)
    done = entries = 0
    waited = wrote = 0.0
    indexes = deferred_indexes(Volunteer, HoursEntry)
    cpu_started = time.process_time()
    with indexes:
        mark = time.perf_counter()
        for chunk in load.drawn_chunks(plan, ctx.workers):
            got = time.perf_counter()
            waited += got - mark
            sink.write(chunk, numbers.take(chunk.prefix_ids))
            mark = time.perf_counter()
            wrote += mark - got
            done += len(chunk.volunteers)
            entries += chunk.n_entries
            if ctx.progress:
                ctx.progress("志愿者", done, plan.total)
        sink.close()
        rebuild, cpu_rebuild = time.perf_counter(), time.process_time()
    ctx.seconds["volunteers.waiting_for_workers"] = round(waited, 2)
    ctx.seconds["volunteers.writing"] = round(wrote, 2)
    ctx.seconds["volunteers.indexes"] = round(time.perf_counter() - rebuild, 2)
    ctx.cpu_seconds["volunteers.loading"] = round(cpu_rebuild - cpu_started, 2)
    ctx.cpu_seconds["volunteers.indexes"] = round(time.process_time() - cpu_rebuild, 2)
    ctx.counts["volunteers"], ctx.counts["hours_entries"] = done, entries
    for key, last in numbers.counters().items():
        Counter.objects.update_or_create(key=key, defaults={"last": last})
    reset_sequences(Team, Activity, Shift, Volunteer, HoursEntry)


def _plan(
    ctx: Any,
    geo: Any,
    pool: dict[str, list[tuple[int, int]]],
    acts: list[tuple[Any, ...]],
    *,
    now: Any,
) -> rows.Plan:
    from gongzhi.volunteers.models import Volunteer

    scale, tg = ctx.scale, ctx.tg
    communities = geo.all_communities()
    cum, acc = [], 0.0
    for c in communities:
        acc += 3.0 if c[:6] in URBAN else 1.0
        cum.append(acc)
    prefixes: list[str] = []
    by_unit_year: dict[tuple[str, int], int] = {}
    for unit in sorted({c[:6] for c in communities}):
        for year in range(rows.VOLUNTEERS_FROM.year, T.LIVING_UNTIL.year + 1):
            by_unit_year[unit, year] = len(prefixes)
            prefixes.append(number_prefix(unit, dt.date(year, 1, 1)))
    unit_days, unit_acts = {}, {}
    for unit, items in pool.items():
        items.sort()
        unit_days[unit] = [d for d, _n in items]
        unit_acts[unit] = [n for _d, n in items]
    tails = []
    if connection.vendor == "postgresql":
        tails = [rows.act_tail(*a) for a in acts]
    years_after = list(range(2021, T.LIVING_UNTIL.year + 1))
    plan = rows.Plan(
        seed=ctx.seed,
        vendor=connection.vendor,
        first_vid=next_id(Volunteer),
        active=tg.volunteers,
        before=max(1, round(T.VOLUNTEERS_LEFT_BEFORE * scale)),
        after_per_year=max(1, round(T.VOLUNTEERS_REGISTERED_PER_YEAR_AFTER * scale)),
        years_after=years_after,
        communities=communities,
        community_cum=cum,
        community_area=[ctx.area_id(c) for c in communities],
        community_prefix=[
            [by_unit_year.get((c[:6], 2000 + y), 0) for y in range(31)] for c in communities
        ],
        prefixes=prefixes,
        unit_days=[unit_days.get(c[:6], []) for c in communities],
        unit_acts=[unit_acts.get(c[:6], []) for c in communities],
        act_tails=tails,
        created_out=now,
    )
    plan.prepare()
    return plan
