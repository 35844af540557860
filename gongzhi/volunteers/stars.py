"""Keeping the star summary (models.stars) equal to the approved ledger.

A volunteer's star level on a day is that of their approved minutes with a service date up
to that day (thresholds in rules_config; reversals count on the reversed entry's date).
`StarStep` holds the days the level changed; `StarTally` the resulting net changes per unit,
month and level. Together they answer "how many volunteers had k stars on D" from at most a
few hundred rows (`counts_as_of`), however large the ledger after D (issue 5).

* `refresh(volunteer_ids)` re-derives those volunteers' steps from their own ledger and
  applies the difference to both tables. It runs in the transaction that changed the ledger
  (`services.hours.add_to_totals`, `keys.recompute_totals`), under the volunteers' row locks.
* `move_homes({id: (old, new)})` moves volunteers' steps to their new home area.
* `rebuild()` recomputes everything from the ledger in SQL, after loads that bypass the
  services (the demo city's COPY) or a change of thresholds; `python -m django rebuild_stars`.

Until a rebuild, a summary computed with other thresholds than the current ones is not used
(`counts_as_of` returns None and the figure falls back to the ledger).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gongzhi.volunteers.models import (
    EntryStatus,
    HoursEntry,
    StarState,
    StarStep,
    StarTally,
    Volunteer,
)
from gongzhi.volunteers.rules_config import current

UNIT_LENGTHS = (2, 4, 6, 9, 12)
BATCH = 500

Step = tuple[dt.date, int, int]  # (day, previous level, new level)
TallyKey = tuple[str, int, dt.date, int]  # (unit, level, month, stars)


def thresholds_minutes() -> list[int]:
    return [t * 60 for t in current().star_thresholds_hours]


def _state_matches() -> bool:
    """Whether the summary was computed with today's thresholds.

    No state row: nothing was rebuilt, so the summary grew step by step from an empty ledger
    under the thresholds in force (a new database; the migration rebuilds an existing one).
    """
    state = StarState.objects.filter(key="stars").values_list("thresholds_minutes", flat=True)
    found = state.first()
    return found is None or list(found) == thresholds_minutes()


def steps_of(days: Iterable[tuple[dt.date, int]], bounds: list[int]) -> list[Step]:
    """The level changes of one volunteer's approved minutes per service date, in date order."""
    steps: list[Step] = []
    level = total = 0
    for day, minutes in days:
        total += minutes
        new = bisect.bisect_right(bounds, total)  # a threshold reached counts (>=)
        if new != level:
            steps.append((day, level, new))
            level = new
    return steps


def _units(area_code: str) -> Iterator[tuple[str, int]]:
    for length in UNIT_LENGTHS:
        if len(area_code) >= length:
            yield area_code[:length], length


def _count(tally: dict[TallyKey, int], area_code: str, step: Step, sign: int) -> None:
    day, previous, stars = step
    month = day.replace(day=1)
    for unit, length in _units(area_code):
        if stars:
            tally[(unit, length, month, stars)] += sign
        if previous:
            tally[(unit, length, month, previous)] -= sign


def _add_tallies(tally: dict[TallyKey, int]) -> None:
    """Add the changes to the tally rows (created as needed), in key order so concurrent
    writers lock rows in the same order."""
    rows = [(*key, n) for key, n in sorted(tally.items()) if n]
    if not rows:
        return
    table = StarTally._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (unit, level, month, stars, change) VALUES {marks} "
                f"ON CONFLICT (unit, month, stars) "
                f"DO UPDATE SET change = {table}.change + excluded.change",
                [value for row in chunk for value in row],
            )


def refresh(volunteer_ids: Iterable[int]) -> None:
    """Bring these volunteers' steps and the tallies in line with their approved ledger."""
    ids = sorted(set(volunteer_ids))
    if not ids or not _state_matches():
        return
    bounds = thresholds_minutes()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        homes = dict(Volunteer.objects.filter(pk__in=chunk).values_list("pk", "area_code"))
        days: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for vid, day, minutes in (
            HoursEntry.objects.filter(volunteer_id__in=chunk, status=EntryStatus.APPROVED)
            .values_list("volunteer_id", "service_date")
            .annotate(m=Sum("minutes"))
            .order_by("volunteer_id", "service_date")
        ):
            days[vid].append((day, minutes))
        old: dict[int, dict[Step, tuple[int, str]]] = defaultdict(dict)
        for pk, vid, area_code, day, previous, stars in StarStep.objects.filter(
            volunteer_id__in=chunk
        ).values_list("pk", "volunteer_id", "area_code", "day", "previous", "stars"):
            old[vid][(day, previous, stars)] = (pk, area_code)
        tally: dict[TallyKey, int] = defaultdict(int)
        gone: list[int] = []
        new: list[StarStep] = []
        for vid in chunk:
            wanted = set(steps_of(days.get(vid, []), bounds))
            for step, (pk, area_code) in old[vid].items():
                if step not in wanted:
                    gone.append(pk)
                    _count(tally, area_code, step, -1)
            home = homes.get(vid, "")
            for step in wanted - set(old[vid]):
                new.append(
                    StarStep(
                        volunteer_id=vid,
                        area_code=home,
                        day=step[0],
                        previous=step[1],
                        stars=step[2],
                    )
                )
                _count(tally, home, step, +1)
        if gone:
            StarStep.objects.filter(pk__in=gone).delete()
        # One step per volunteer and day: the old one for a day is deleted above first.
        StarStep.objects.bulk_create(new, batch_size=BATCH)
        _add_tallies(tally)


def move_homes(moves: dict[int, tuple[str, str]]) -> None:
    """Volunteers moved home (id -> (old area code, new)): their steps count where they live."""
    moves = {vid: codes for vid, codes in moves.items() if codes[0] != codes[1]}
    if not moves or not _state_matches():
        return
    tally: dict[TallyKey, int] = defaultdict(int)
    for vid, area_code, day, previous, stars in StarStep.objects.filter(
        volunteer_id__in=list(moves)
    ).values_list("volunteer_id", "area_code", "day", "previous", "stars"):
        _count(tally, area_code, (day, previous, stars), -1)
        _count(tally, moves[vid][1], (day, previous, stars), +1)
    for vid, (_old, new) in moves.items():
        StarStep.objects.filter(volunteer_id=vid).update(area_code=new)
    _add_tallies(tally)


def counts_as_of(as_of: dt.date, area_prefix: str = "") -> dict[int, int] | None:
    """Volunteers at each level 1..n on `as_of` living under `area_prefix`; None if the
    summary is not for today's thresholds.

    For a unit prefix (2/4/6/9/12 digits, or "" for all): the unit's month tallies before
    `as_of`'s month plus the steps of that month up to `as_of`. Any other prefix (a compound)
    sums its own steps up to `as_of`.
    """
    if not _state_matches():
        return None
    out = dict.fromkeys(range(1, len(current().star_thresholds_hours) + 1), 0)
    month = as_of.replace(day=1)
    steps = StarStep.objects.filter(day__lte=as_of)
    if not area_prefix or len(area_prefix) in UNIT_LENGTHS:
        tallies = StarTally.objects.filter(month__lt=month)
        tallies = tallies.filter(unit=area_prefix) if area_prefix else tallies.filter(level=2)
        totals = tallies.values("stars").annotate(n=Sum("change")).order_by()
        for stars, n in totals.values_list("stars", "n"):
            if stars in out:
                out[stars] += n
        steps = steps.filter(day__gte=month)
    if area_prefix:
        steps = steps.filter(area_code__startswith=area_prefix)
    moves = steps.values("previous", "stars").annotate(n=Count("id")).order_by()
    for previous, stars, n in moves.values_list("previous", "stars", "n"):
        if stars in out:
            out[stars] += n
        if previous in out:
            out[previous] -= n
    return out


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every step and tally from the approved ledger, with today's thresholds."""
    bounds = thresholds_minutes()
    h, v = HoursEntry._meta.db_table, Volunteer._meta.db_table
    steps, tallies = StarStep._meta.db_table, StarTally._meta.db_table
    # Highest threshold first: CASE takes the first match.
    cases = " ".join(
        f"WHEN cum >= {int(b)} THEN {i}" for i, b in reversed(list(enumerate(bounds, 1)))
    )
    level = f"CASE {cases} ELSE 0 END" if bounds else "0"
    approved = EntryStatus.APPROVED.value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The candidates' GROUP BY hashes ~1.5 million volunteers in memory (this
            # transaction only) instead of sorting them on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {steps}")
        cursor.execute(f"DELETE FROM {tallies}")
        # Only volunteers whose approved entries (reversals aside) add up to the first
        # threshold can ever have reached it: a running total never exceeds the sum of the
        # positive entries. One hash GROUP BY by volunteer finds them (most volunteers never
        # reach a star); only their days are summed, ordered and walked.
        cursor.execute(
            f"""
            INSERT INTO {steps} (volunteer_id, area_code, day, previous, stars)
            WITH cand AS (SELECT volunteer_id FROM {h} WHERE status = %s
                          GROUP BY volunteer_id
                          HAVING SUM(CASE WHEN minutes > 0 THEN minutes ELSE 0 END) >= %s),
                 d AS (SELECT x.volunteer_id, x.service_date AS day, SUM(x.minutes) AS m
                       FROM cand CROSS JOIN {h} x
                       WHERE x.volunteer_id = cand.volunteer_id AND x.status = %s
                       GROUP BY x.volunteer_id, x.service_date),
                 c AS (SELECT volunteer_id, day, SUM(m) OVER (PARTITION BY volunteer_id
                       ORDER BY day ROWS UNBOUNDED PRECEDING) AS cum FROM d),
                 l AS (SELECT volunteer_id, day, {level} AS stars FROM c),
                 s AS (SELECT volunteer_id, day, stars, COALESCE(LAG(stars) OVER
                       (PARTITION BY volunteer_id ORDER BY day), 0) AS previous FROM l)
            SELECT s.volunteer_id, vv.area_code, s.day, s.previous, s.stars
            FROM s JOIN {v} vv ON vv.id = s.volunteer_id WHERE s.stars <> s.previous
            """,
            # No thresholds: nobody has a star, and no volunteer is a candidate.
            [approved, bounds[0] if bounds else 2**62, approved],
        )
        month = _month_sql("day")
        for length in UNIT_LENGTHS:
            cursor.execute(
                f"""
                INSERT INTO {tallies} (unit, level, month, stars, change)
                SELECT unit, {length}, month, stars, SUM(n) FROM (
                    SELECT substr(area_code, 1, {length}) AS unit, {month} AS month,
                           stars, 1 AS n FROM {steps}
                    WHERE stars > 0 AND length(area_code) >= {length}
                    UNION ALL
                    SELECT substr(area_code, 1, {length}), {month}, previous, -1 FROM {steps}
                    WHERE previous > 0 AND length(area_code) >= {length}
                ) t GROUP BY unit, month, stars HAVING SUM(n) <> 0
                """
            )
        cursor.execute(f"SELECT COUNT(*) FROM {steps}")
        n_steps = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {tallies}")
        n_tallies = cursor.fetchone()[0]
    StarState.objects.update_or_create(
        key="stars", defaults={"thresholds_minutes": bounds, "rebuilt_at": timezone.now()}
    )
    return {"steps": n_steps, "tallies": n_tallies}


def snapshot() -> tuple[list[Any], dict[TallyKey, int]]:
    """Steps and non-zero tallies, for comparing the maintained summary with a rebuild."""
    steps = sorted(
        StarStep.objects.values_list("volunteer_id", "area_code", "day", "previous", "stars")
    )
    tallies = {
        (unit, level, month, stars): change
        for unit, level, month, stars, change in StarTally.objects.values_list(
            "unit", "level", "month", "stars", "change"
        )
        if change
    }
    return steps, tallies
