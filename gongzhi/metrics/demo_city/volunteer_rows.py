"""Volunteers and their hours entries, drawn chunk by chunk (in worker processes at city scale).

A chunk is a fixed range of volunteer slots with its own `random.Random` seeded from the
city's seed and the chunk's number, so what it draws does not depend on how many processes
draw the chunks or in which order they finish: the city is the same with 1 or 2 workers.
A chunk touches no database; it returns driver-ready values (ISO dates, ciphertext, blind
indexes, PostgreSQL COPY text) and the parent only writes. Two things need the whole city
in order and are left to the parent: volunteer numbers (a sequence per county and year) and
nothing else — ID numbers stay unique by interleaving per-chunk serials (see `_serial`).

Everything per volunteer is table look-ups and a handful of `random()` calls: check digits
of ID numbers (GB 11643) and volunteer numbers (Luhn) come from precomputed partial sums,
name search keys from the keys of each surname and given-name character (composition equals
pypinyin on the whole given name for every pair of these characters; test_city_rows.py).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from gongzhi.core import pii
from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.people import (
    _WEIGHTS,
    GIVEN,
    NEW_CODES,
    OLD_CODES,
    SURNAME_WEIGHTS,
    SURNAMES,
)

VOLUNTEERS_FROM = dt.date(2014, 1, 1)
# Mean hours entries per volunteer (geometric): ~5.0 million entries at full scale (issue 6).
ENTRIES_PER_VOLUNTEER = 3.4
CHUNK = 10_000  # volunteer slots per chunk (fixed: chunk seeds must not depend on workers)
MINUTES = (60, 90, 120, 120, 180)
PHONE_PREFIXES = ("138", "139", "150", "151", "177", "180", "186", "199")
BIRTH_FROM, BIRTH_TO = 1950, 2006  # days 1-28 of each month, as people.People.birth draws
DAY_BASE = dt.date(1990, 1, 1).toordinal()
DAY_LAST = dt.date(2030, 12, 31).toordinal()


def _luhn_tables() -> tuple[list[int], list[int]]:
    """Luhn partial sums of the 7-digit sequence part (positions 8-14 of the 15-digit body).

    With the check digit appended the body's digits at even positions (from the left, 0-based)
    are doubled; a volunteer number's check digit is (10 - (prefix + high + low) % 10) % 10."""

    def part(digits: str, first: int) -> int:
        total = 0
        for j, ch in enumerate(digits, start=first):
            d = int(ch)
            if j % 2 == 0:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        return total

    high = [part(f"{n:03d}", 8) for n in range(1000)]
    low = [part(f"{n:04d}", 11) for n in range(10_000)]
    return high, low


def _luhn_prefix(prefix: str) -> int:
    """The partial sum of the 8 digits after "V" (county and year)."""
    total = 0
    for j, ch in enumerate(prefix[1:]):
        d = int(ch)
        if j % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


class Numbers:
    """Volunteer numbers in the city's order: V + county(6) + year(2) + sequence(7) + Luhn."""

    def __init__(self, prefixes: list[str], last: dict[str, int]) -> None:
        self.prefixes = prefixes
        self.sums = [_luhn_prefix(p) for p in prefixes]
        self.last = [last.get(p, 0) for p in prefixes]
        self.high, self.low = _luhn_tables()

    def take(self, prefix_ids: Any) -> list[str]:
        out = []
        last, sums, prefixes, high, low = self.last, self.sums, self.prefixes, self.high, self.low
        for p in prefix_ids:
            seq = last[p] + 1
            last[p] = seq
            check = (10 - (sums[p] + high[seq // 10_000] + low[seq % 10_000]) % 10) % 10
            out.append(f"{prefixes[p]}{seq:07d}{check}")
        return out

    def counters(self) -> dict[str, int]:
        return {p: n for p, n in zip(self.prefixes, self.last, strict=True) if n}


def _keys_of(text: str) -> tuple[str, str, str]:
    from gongzhi.volunteers.keys import name_keys

    return name_keys(text)


@dataclass
class Plan:
    """What every chunk shares (built once by the parent, inherited by forked workers)."""

    seed: int
    vendor: str
    first_vid: int
    active: int  # registered and not withdrawn on 2020-12-31 (Targets.volunteers)
    before: int  # withdrew before (or on) 2020-12-31
    after_per_year: int
    years_after: list[int]
    communities: list[str]
    community_cum: list[float]
    community_area: list[int]  # area id per community
    community_prefix: list[list[int]]  # prefix id per community and registration year - 2000
    prefixes: list[str]
    unit_days: list[list[int]]  # per community: its unit's activity days (ordinals, sorted)
    unit_acts: list[list[int]]  # per community: the activity indexes in the same order
    act_tails: list[str]  # PostgreSQL: COPY text of each activity's part of an entry row
    created_out: str
    surname_cum: list[float] = field(default_factory=list)
    day_str: list[str] = field(default_factory=list)
    birth_str: list[str] = field(default_factory=list)
    birth_id: list[str] = field(default_factory=list)  # YYYYMMDD
    birth_sum: list[int] = field(default_factory=list)  # GB 11643 weighted sum of those digits
    seq_sum: list[int] = field(default_factory=list)
    code_sum: dict[str, int] = field(default_factory=dict)
    surname_keys: list[tuple[str, str, str]] = field(default_factory=list)
    given_keys: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.active + self.before + self.after_per_year * len(self.years_after)

    @property
    def n_chunks(self) -> int:
        return max(1, -(-self.total // CHUNK))

    def prepare(self) -> None:
        """The look-up tables (before forking, so the workers share them)."""
        acc, self.surname_cum = 0.0, []
        for w in SURNAME_WEIGHTS:
            acc += w
            self.surname_cum.append(acc)
        self.day_str = [dt.date.fromordinal(o).isoformat() for o in range(DAY_BASE, DAY_LAST + 1)]
        for year in range(BIRTH_FROM, BIRTH_TO + 1):
            for month in range(1, 13):
                for day in range(1, 29):
                    ymd = f"{year:04d}{month:02d}{day:02d}"
                    self.birth_id.append(ymd)
                    self.birth_str.append(f"{year:04d}-{month:02d}-{day:02d}")
                    self.birth_sum.append(
                        sum(int(c) * w for c, w in zip(ymd, _WEIGHTS[6:14], strict=True))
                    )
        self.seq_sum = [
            sum(int(c) * w for c, w in zip(f"{n:03d}", _WEIGHTS[14:17], strict=True))
            for n in range(1000)
        ]
        self.code_sum = {
            c: sum(int(d) * w for d, w in zip(c, _WEIGHTS[:6], strict=True))
            for c in OLD_CODES + NEW_CODES
        }
        self.surname_keys = [_keys_of(s) for s in SURNAMES]
        self.given_keys = [_keys_of(c) for c in GIVEN]


def _slot_dates(plan: Plan, i: int, r: Any) -> tuple[int, int | None]:
    """(registered, withdrawn) ordinals of global slot `i`, as the seed's history needs."""
    as_of = T.AS_OF.toordinal()
    if i < plan.active:
        if i == 0:
            registered = as_of  # registered on the date: counted that day
        else:
            span = as_of - VOLUNTEERS_FROM.toordinal()
            registered = VOLUNTEERS_FROM.toordinal() + int(span * r() ** 0.6)
        withdrawn = None
        if i == 1:
            withdrawn = as_of + 1  # counted on the date, gone the next day
        elif r() < 0.02:
            withdrawn = as_of + 1 + int(r() * (T.LIVING_UNTIL.toordinal() - as_of))
        return registered, withdrawn
    j = i - plan.active
    if j < plan.before:
        start, end = VOLUNTEERS_FROM.toordinal(), dt.date(2019, 12, 31).toordinal()
        registered = start + int(r() * (end - start + 1))
        if j == 0:
            return registered, as_of  # gone on the date: not counted that day
        return registered, registered + 1 + int(r() * (as_of - registered))
    year = plan.years_after[(j - plan.before) // plan.after_per_year]
    start = dt.date(year, 1, 1).toordinal()
    end = min(dt.date(year, 12, 31), T.LIVING_UNTIL).toordinal()
    return start + int(r() * (end - start + 1)), None


def chunk_seed(seed: int, k: int) -> str:
    # A str seed is hashed with SHA-512 by random.seed: stable across runs and processes.
    return f"hengyang-2020:{seed}:volunteers:{k}"


@dataclass
class Chunk:
    k: int
    prefix_ids: array  # one per volunteer, for the parent's numbering
    volunteers: list[Any]  # SQLite: parameter lists; PostgreSQL: COPY lines without the number
    entries: Any  # SQLite: array of (volunteer, activity index, minutes); PostgreSQL: COPY text
    n_entries: int


def draw_chunk(plan: Plan, k: int) -> Chunk:
    rng = random.Random(chunk_seed(plan.seed, k))
    r = rng.random
    lam = math.log(1 + 1 / ENTRIES_PER_VOLUNTEER)
    expo = rng.expovariate
    lo_slot, hi_slot = k * CHUNK, min((k + 1) * CHUNK, plan.total)
    n_chunks = plan.n_chunks
    communities, c_cum = plan.communities, plan.community_cum
    c_total, s_cum = c_cum[-1], plan.surname_cum
    s_total = s_cum[-1]
    n_given = len(GIVEN)
    day_str, base = plan.day_str, DAY_BASE
    birth_str, birth_id, birth_sum = plan.birth_str, plan.birth_id, plan.birth_sum
    seq_sum, code_sum = plan.seq_sum, plan.code_sum
    s_keys, g_keys = plan.surname_keys, plan.given_keys
    sqlite = plan.vendor == "sqlite"
    serials: dict[int, int] = {}
    rows: list[Any] = []
    prefix_ids = array("H")
    idns: list[str] = []
    phones: list[str] = []
    compact = array("q")
    lines: list[str] = []
    tails = plan.act_tails
    n_entries = 0
    vid = plan.first_vid + lo_slot
    for i in range(lo_slot, hi_slot):
        registered, withdrawn = _slot_dates(plan, i, r)
        reg_year = dt.date.fromordinal(registered).year
        c = bisect_right(c_cum, r() * c_total)
        male = r() < 0.45
        # Birth: uniform year (1950 .. registration year - 14, at most 2006), month, day 1-28.
        span = (min(BIRTH_TO, reg_year - 14) - BIRTH_FROM + 1) * 336
        while True:
            b = int(r() * span)
            key = b * 2 + male
            local = serials.get(key, 0)
            serial = local * n_chunks + k  # unique per (birth, sex) across all chunks
            codes = OLD_CODES if b < (1985 - BIRTH_FROM) * 336 else NEW_CODES
            if serial < 500 * len(codes):
                serials[key] = local + 1
                break
        area = codes[serial % len(codes)]
        seq = (serial // len(codes)) * 2 + (1 if male else 0)  # odd = male, even = female
        check = (12 - (code_sum[area] + birth_sum[b] + seq_sum[seq]) % 11) % 11
        idns.append(f"{area}{birth_id[b]}{seq:03d}{'X' if check == 10 else check}")
        phone = f"{PHONE_PREFIXES[int(r() * 8)]}{int(r() * 100_000_000):08d}"
        phones.append(phone)
        si = bisect_right(s_cum, r() * s_total)
        g1 = int(r() * n_given)
        two = r() < 0.7
        g2 = int(r() * n_given) if two else -1
        sk, k1 = s_keys[si], g_keys[g1]
        if two:
            k2 = g_keys[g2]
            name = sk[0] + k1[0] + k2[0]
            full = (sk[1] + k1[1] + k2[1])[:120]
            initials = (sk[2] + k1[2] + k2[2])[:30]
        else:
            name = sk[0] + k1[0]
            full, initials = (sk[1] + k1[1])[:120], (sk[2] + k1[2])[:30]
        prefix_ids.append(plan.community_prefix[c][reg_year - 2000])
        # Hours: activities of the volunteer's county-level unit while registered.
        days = plan.unit_days[c]
        minutes_total, last = 0, 0
        if days:
            acts = plan.unit_acts[c]
            lo = bisect_left(days, registered)
            hi = bisect_right(days, withdrawn) if withdrawn else len(days)
            if hi > lo:
                n = int(expo(lam))
                width = hi - lo
                for _e in range(n):
                    j = lo + int(r() * width)
                    minutes = MINUTES[int(r() * 5)]
                    a = acts[j]
                    if sqlite:
                        compact.extend((vid, a, minutes))
                    else:
                        lines.append(f"{vid}\t{minutes}\t{tails[a]}")
                    minutes_total += minutes
                    if days[j] > last:
                        last = days[j]
                n_entries += n
        reg_s = day_str[registered - base]
        wd_s = day_str[withdrawn - base] if withdrawn else None
        last_s = day_str[last - base] if last else None
        rows.append(
            [
                vid,
                name,
                full,
                initials,
                "M" if male else "F",
                birth_str[b],
                plan.community_area[c],
                communities[c],
                reg_s,
                wd_s,
                "withdrawn" if withdrawn else "active",
                minutes_total,
                last_s,
            ]
        )
        vid += 1
    idn_enc, phone_enc = pii.encrypt_many(idns), pii.encrypt_many(phones)
    idn_bidx = pii.blind_index_many(idns, kind="id_number")
    phone_bidx = pii.blind_index_many(phones, kind="phone")
    out: list[Any] = []
    for n, row in enumerate(rows):
        (vid_, name, full, initials, g, birth, area_id, code, reg_s, wd_s, status, mins, last_s) = (
            row
        )
        if sqlite:
            # fmt: off
            out.append([vid_, name, full, initials, g, birth, idn_enc[n], idn_bidx[n],
                        phone_enc[n], phone_bidx[n], phones[n][-4:], area_id, code, reg_s, wd_s,
                        status, mins, last_s])
            # fmt: on
        else:
            out.append(
                f"{vid_}\t{name}\t{name}\t{full}\t{initials}\t{g}\t{birth}\t{idn_enc[n]}\t"
                f"{idn_bidx[n]}\t{phone_enc[n]}\t{phone_bidx[n]}\t{phones[n][-4:]}\t{area_id}\t"
                f"{code}\t{reg_s}\t{wd_s or NULL}\t{status}\t{reg_s}\t{mins}\t{last_s or NULL}\t"
                f"{plan.created_out}\t居民身份证\t[]\t2020.1\tt\n"
            )
    entries: Any = compact if sqlite else "".join(lines)
    return Chunk(k, prefix_ids, out, entries, n_entries)


NULL = "\\N"  # COPY text format

# Column orders of what draw_chunk returns (the parent's INSERT/COPY statements follow them).
# SQLite: ?N are the positions in a row; the number is appended by the parent as ?19.
SQLITE_VOLUNTEER_COLUMNS = {
    "id": "?1",
    "number": "?19",
    "name": "?2",
    "name_simplified": "?2",
    "name_pinyin": "?3",
    "name_initials": "?4",
    "gender": "?5",
    "birth_date": "?6",
    "id_type": "'居民身份证'",
    "id_number": "?7",
    "id_number_bidx": "?8",
    "phone": "?9",
    "phone_bidx": "?10",
    "phone_last4": "?11",
    "area_id": "?12",
    "area_code": "?13",
    "skills": "'[]'",
    "registered_on": "?14",
    "withdrawn_on": "?15",
    "status": "?16",
    "consent_on": "?14",
    "consent_version": "'2020.1'",
    "user_id": "NULL",
    "approved_minutes": "?17",
    "last_service_on": "?18",
    "synthetic": "1",
}
# PostgreSQL COPY: the parent puts the number first.
COPY_VOLUNTEER_COLUMNS = [
    "number",
    "id",
    "name",
    "name_simplified",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number",
    "id_number_bidx",
    "phone",
    "phone_bidx",
    "phone_last4",
    "area_id",
    "area_code",
    "registered_on",
    "withdrawn_on",
    "status",
    "consent_on",
    "approved_minutes",
    "last_service_on",
    "created_at",
    "id_type",
    "skills",
    "consent_version",
    "synthetic",
]
COPY_ENTRY_COLUMNS = [
    "volunteer_id",
    "minutes",
    "team_id",
    "activity_id",
    "shift_id",
    "kind",
    "source",
    "status",
    "travel_minutes",
    "service_date",
    "category",
    "content",
    "area_code",
    "owner_org_id",
    "reason",
    "recorded_at",
    "decided_at",
    "decision_note",
]


def act_tail(
    team: int, aid: int, sid: int, day: str, cat: str, code: str, owner: int | None, at: str
) -> str:
    """An activity's part of an entry's COPY line (COPY_ENTRY_COLUMNS from team_id on)."""
    own = NULL if owner is None else str(owner)
    return (
        f"{team}\t{aid}\t{sid}\tentry\torganiser\tapproved\t0\t{day}\t{cat}\t志愿服务\t{code}\t"
        f"{own}\t\t{at}\t{at}\t\n"
    )
