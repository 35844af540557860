"""Volunteers, teams, activities (one shift each) and the approved hours ledger of the city.

Exactly `volunteers` are registered and not withdrawn on 2020-12-31; others withdrew
before it, registered after it, or withdraw in 2021-2026. Volunteers are streamed: each
one's hours entries are drawn with them, so their running totals (approved_minutes,
last_service_on) equal their ledger, and nothing city-sized is held in memory.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from gongzhi.core import pii
from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.geography import URBAN
from gongzhi.metrics.demo_city.orgs_stage import rand_date
from gongzhi.metrics.demo_city.people import People, id_number
from gongzhi.metrics.demo_city.writer import (
    TableWriter,
    date_out,
    datetime_out,
    deferred_indexes,
    next_id,
    reset_sequences,
)

VOLUNTEERS_FROM = dt.date(2014, 1, 1)
ACTIVITIES = 90_000  # at full scale, 2015-2026
ENTRIES_PER_VOLUNTEER = 3.2  # mean; about five million entries at full scale
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
VOLUNTEER_FIELDS = [
    "id",
    "number",
    "name",
    "name_simplified",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "id_number_bidx",
    "phone",
    "phone_bidx",
    "phone_last4",
    "area",
    "area_code",
    "skills",
    "registered_on",
    "withdrawn_on",
    "status",
    "consent_on",
    "consent_version",
    "user",
    "approved_minutes",
    "last_service_on",
    "synthetic",
    "created_at",
]
ENTRY_FIELDS = [
    "volunteer",
    "team",
    "activity",
    "shift",
    "enrollment",
    "kind",
    "source",
    "status",
    "minutes",
    "travel_minutes",
    "service_date",
    "category",
    "content",
    "area_code",
    "owner_org_id",
    "reverses",
    "reason",
    "import_key",
    "recorded_at",
    "recorded_by",
    "decided_at",
    "decided_by",
    "decision_note",
]


def write_volunteers(ctx: Any) -> None:
    from gongzhi.volunteers.keys import name_keys, number_prefix, volunteer_number
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
    pool: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
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
        pool[unit].append((day, aid, sid, team, cat, code, owner, D(day), at))
    ctx.counts["activities"] = act_w.close()
    shift_w.close()
    for acts in pool.values():
        acts.sort()
    pool_days = {u: [a[0] for a in acts] for u, acts in pool.items()}

    # Volunteers, streamed with their hours.
    tg = ctx.tg
    before = max(1, round(T.VOLUNTEERS_LEFT_BEFORE * scale))
    after_per_year = max(1, round(T.VOLUNTEERS_REGISTERED_PER_YEAR_AFTER * scale))
    years_after = list(range(2021, T.LIVING_UNTIL.year + 1))
    total = tg.volunteers + before + after_per_year * len(years_after)
    vol_w = TableWriter(
        Volunteer,
        VOLUNTEER_FIELDS,
        progress=ctx.progress,
        stage="志愿者",
        total=total,
        raw=VOLUNTEER_FIELDS,  # encrypted and converted here already
        # Entries go in after their volunteers (see TableWriter.then); rows carry driver-ready
        # values converted once per activity.
        then=TableWriter(HoursEntry, ENTRY_FIELDS, batch_size=10**9, raw=ENTRY_FIELDS),
    )
    entry_w = vol_w.then
    assert entry_w is not None
    communities = geo.all_communities()
    c_weights = [3.0 if c[:6] in URBAN else 1.0 for c in communities]
    cum, acc = [], 0.0
    for w in c_weights:
        acc += w
        cum.append(acc)
    area_ids = {c: ctx.area_id(c) for c in communities}
    sequences: dict[str, int] = defaultdict(int)
    for key, last in Counter.objects.values_list("key", "last"):
        sequences[key] = last
    vid = next_id(Volunteer)
    now_out, consent_version = DT(now), "2020.1"
    span_before = (T.AS_OF - VOLUNTEERS_FROM).days

    def one(registered: dt.date, withdrawn: dt.date | None) -> None:
        nonlocal vid
        community = rng.choices(communities, cum_weights=cum)[0]
        male = rng.random() < 0.45
        birth = people.birth(1950, min(2006, registered.year - 14))
        idn = id_number(birth, people.serial(birth, male), male)
        phone = people.phone()
        surname, given = people.name_parts()
        name = surname + given
        # Search keys composed from the cached keys of the surname and the given name:
        # a million distinct names through pypinyin would take minutes.
        s1, f1, i1 = name_keys(surname)
        s2, f2, i2 = name_keys(given)
        simp, full, initials = s1 + s2, (f1 + f2)[:120], (i1 + i2)[:30]
        prefix = number_prefix(community, registered)
        sequences[prefix] += 1
        # hours: activities in the volunteer's county-level unit after registration
        unit = community[:6]
        days, acts = pool_days.get(unit, []), pool.get(unit, [])
        minutes_total, last = 0, None
        if acts:
            lo = bisect.bisect_left(days, registered)
            hi = bisect.bisect_right(days, withdrawn) if withdrawn else len(acts)
            k = int(rng.expovariate(1 / ENTRIES_PER_VOLUNTEER)) if hi > lo else 0
            for _i in range(k):
                day, aid, sid, team, cat, code, owner, day_out, at = acts[rng.randrange(lo, hi)]
                minutes = rng.choice((60, 90, 120, 120, 180))
                # fmt: off
                entry_w.add((vid, team, aid, sid, None, "entry", "organiser", "approved", minutes, 0,
                             day_out, cat, "志愿服务", code, owner, None, "", None, at, None, at, None, ""))
                # fmt: on
                minutes_total += minutes
                last = day if last is None or day > last else last
        # fmt: off
        vol_w.add((
            vid, volunteer_number(prefix, sequences[prefix]), name, simp, full, initials,
            "M" if male else "F", D(birth), "居民身份证", pii.encrypt(idn),
            pii.blind_index(idn, kind="id_number"), pii.encrypt(phone),
            pii.blind_index(phone, kind="phone"), phone[-4:], area_ids[community], community, "[]",
            D(registered), withdrawn and D(withdrawn), "withdrawn" if withdrawn else "active",
            D(registered), consent_version, None, minutes_total, last and D(last), True, now_out,
        ))
        # fmt: on
        vid += 1

    with deferred_indexes(Volunteer, HoursEntry):
        _stream(ctx, one, tg, before, after_per_year, years_after, span_before, rng)
        ctx.counts["volunteers"] = vol_w.close()
        ctx.counts["hours_entries"] = entry_w.close()  # already flushed by vol_w.close()
    for key, last in sequences.items():
        Counter.objects.update_or_create(key=key, defaults={"last": last})
    reset_sequences(Team, Activity, Shift, Volunteer, HoursEntry)


def _stream(
    ctx: Any,
    one: Any,
    tg: Any,
    before: int,
    after_per_year: int,
    years_after: list[int],
    span_before: int,
    rng: Any,
) -> None:
    for i in range(tg.volunteers):
        registered = (
            T.AS_OF
            if i == 0
            else VOLUNTEERS_FROM + dt.timedelta(days=int(span_before * rng.random() ** 0.6))
        )
        withdrawn = None
        if i == 1:
            withdrawn = dt.date(2021, 1, 1)  # counted on the date, gone the next day
        elif rng.random() < 0.02:
            withdrawn = rand_date(rng, T.AS_OF + dt.timedelta(days=1), T.LIVING_UNTIL)
        one(registered, withdrawn)
    for i in range(before):
        registered = rand_date(rng, VOLUNTEERS_FROM, dt.date(2019, 12, 31))
        one(
            registered,
            T.AS_OF if i == 0 else rand_date(rng, registered + dt.timedelta(days=1), T.AS_OF),
        )
    for year in years_after:
        end = min(dt.date(year, 12, 31), T.LIVING_UNTIL)
        for _i in range(after_per_year):
            one(rand_date(rng, dt.date(year, 1, 1), end), None)
