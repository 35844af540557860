"""Rebuild and read the summary tables (models.Delta). Freshness: gongzhi/metrics/README.md.

Rebuilding a figure is one transaction: its changes by community and day are staged from
the base tables (in SQL for the large tables), then summed into day and month rows for
every unit prefix (province 2, city 4, county-level unit 6, street 9, community 12).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.metrics import figures as F
from gongzhi.metrics.demo_city.writer import TableWriter
from gongzhi.metrics.models import Delta, StagedDelta, SummaryState

LEVELS = (2, 4, 6, 9, 12)


def _month_expr(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _level_filter(length: int) -> str:
    # A code padded with zeros at this level names the unit above, not a child of this level.
    if length == 6:
        return "AND substr(code, 5, 2) <> '00'"
    if length in (9, 12):
        return f"AND substr(code, {length - 2}, 3) <> '000'"
    return ""


@transaction.atomic
def refresh(keys: Sequence[str] | None = None) -> dict[str, float]:
    """Rebuild the summary rows of the given figures (all when None); returns seconds per figure."""
    chosen = [F.get(k) for k in keys] if keys else F.all_figures()
    timings: dict[str, float] = {}
    staged = connection.ops.quote_name(StagedDelta._meta.db_table)
    delta = connection.ops.quote_name(Delta._meta.db_table)
    for figure in chosen:
        started = time.perf_counter()
        StagedDelta.objects.filter(figure=figure.key).delete()
        Delta.objects.filter(figure=figure.key).delete()
        with connection.cursor() as cur:
            for qs in figure.stage_sql() if figure.stage_sql else []:
                sql, params = qs.query.sql_with_params()
                cur.execute(
                    f"INSERT INTO {staged} (figure, code, day, value) "
                    f'SELECT %s, t."code", t."day", t."value" FROM ({sql}) t',
                    (figure.key, *params),
                )
        if figure.stage:
            writer = TableWriter(StagedDelta, ["figure", "code", "day", "value"])
            for code, day, value in figure.stage():
                writer.add((figure.key, code, day, value))
            writer.close()
        with connection.cursor() as cur:
            for length in LEVELS:
                for grain, period in (("d", "day"), ("m", _month_expr("day"))):
                    cur.execute(
                        f"INSERT INTO {delta} (unit, grain, period, figure, value) "
                        f"SELECT substr(code, 1, {length}), '{grain}', {period}, figure, SUM(value) "
                        f"FROM {staged} WHERE figure = %s {_level_filter(length)} "
                        f"GROUP BY substr(code, 1, {length}), {period}, figure "
                        f"HAVING SUM(value) <> 0",
                        [figure.key],
                    )
        StagedDelta.objects.filter(figure=figure.key).delete()
        timings[figure.key] = time.perf_counter() - started
        SummaryState.objects.update_or_create(
            figure=figure.key,
            defaults={
                "refreshed_at": timezone.now(),
                "dirty_since": None,
                "seconds": timings[figure.key],
            },
        )
    return timings


def mark_dirty(keys: Iterable[str]) -> None:
    now = timezone.now()
    for key in keys:
        state, _created = SummaryState.objects.get_or_create(figure=key)
        if state.dirty_since is None:
            state.dirty_since = now
            state.save(update_fields=["dirty_since"])


def freshness() -> dict[str, object]:
    """When the summaries were last rebuilt and whether changes wait for the next rebuild."""
    states = list(SummaryState.objects.all())
    refreshed = [s.refreshed_at for s in states if s.refreshed_at]
    return {
        "refreshed_at": min(refreshed).isoformat() if refreshed else None,
        "pending": sorted(s.figure for s in states if s.dirty_since or not s.refreshed_at),
    }


def as_of(units: Sequence[str], day: dt.date, keys: Sequence[str]) -> dict[str, dict[str, int]]:
    """{unit: {figure: value}} as of `day` (inclusive) for unit prefixes of length <= 12."""
    month = day.replace(day=1)
    out: dict[str, dict[str, int]] = {u: dict.fromkeys(keys, 0) for u in units}
    if not units or not keys:
        return out
    unit_marks = ", ".join(["%s"] * len(units))
    key_marks = ", ".join(["%s"] * len(keys))
    table = connection.ops.quote_name(Delta._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT unit, figure, SUM(value) FROM {table} "
            f"WHERE unit IN ({unit_marks}) AND ("
            f"(grain = 'm' AND period < %s) OR (grain = 'd' AND period >= %s AND period <= %s)"
            f") AND figure IN ({key_marks}) GROUP BY unit, figure",
            [*units, month, month, day, *keys],
        )
        for unit, figure, value in cur.fetchall():
            out[unit][figure] = int(value or 0)
    return out


def monthly(
    unit: str, keys: Sequence[str], start: dt.date, end: dt.date
) -> dict[str, list[tuple[dt.date, int]]]:
    """Month-end values of each figure from `start`'s month to `end`'s month, for one unit."""
    table = connection.ops.quote_name(Delta._meta.db_table)
    key_marks = ", ".join(["%s"] * len(keys))
    first = start.replace(day=1)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT figure, period, SUM(value) FROM {table} WHERE unit = %s AND grain = 'm' "
            f"AND period <= %s AND figure IN ({key_marks}) GROUP BY figure, period ORDER BY period",
            [unit, end, *keys],
        )
        rows = cur.fetchall()
    running: dict[str, int] = defaultdict(int)
    by_month: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for figure, period, value in rows:
        if isinstance(period, str):
            period = dt.date.fromisoformat(period)
        running[figure] += int(value)
        by_month[figure][period] = running[figure]
    months: list[dt.date] = []
    m = first
    while m <= end:
        months.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    out: dict[str, list[tuple[dt.date, int]]] = {}
    for key in keys:
        series, value = [], 0
        seen = by_month.get(key, {})
        # carry the running total from before `first`
        for period in sorted(seen):
            if period < first:
                value = seen[period]
        for m in months:
            if m in seen:
                value = seen[m]
            series.append((m, value))
        out[key] = series
    return out
