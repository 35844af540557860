"""Rebuild and read the summary tables (models.Delta). Freshness: gongzhi/metrics/README.md.

Rebuilding figures is one transaction of set-based SQL (`rollup`): their changes by
community and day are staged from the base tables (in SQL for the large tables, one pass
per `Family` of figures), rolled up level by level into day and month rows for every unit
prefix (province 2, city 4, county-level unit 6, street 9, community 12), and written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.metrics import figures as F
from gongzhi.metrics import rollup
from gongzhi.metrics.models import Delta, SummaryState


def _stagers(chosen: list[F.Figure]) -> list[tuple[list[str], Any]]:
    """(keys, stager) pairs: one per family among the chosen figures, one per other figure."""
    out: list[tuple[list[str], Any]] = []
    families: dict[int, tuple[list[str], F.Family]] = {}
    for figure in chosen:
        if figure.family is None:
            out.append(([figure.key], figure))
        elif id(figure.family) in families:
            families[id(figure.family)][0].append(figure.key)
        else:
            families[id(figure.family)] = ([figure.key], figure.family)
            out.append(families[id(figure.family)])
    return out


def _base_tables(chosen: list[F.Figure]) -> list[str]:
    """The tables the figures are counted from: their `watch` lists."""
    tables = set()
    for figure in chosen:
        for label in figure.watch:
            try:
                tables.add(apps.get_model(label)._meta.db_table)
            except LookupError:
                continue
    return sorted(tables)


def _keyed(key: str, rows: Iterable[F.Row]) -> Iterator[F.KeyedRow]:
    for code, day, value in rows:
        yield (key, code, day, value)


def _stage(cur: Any, stager: F.Figure | F.Family) -> None:
    if isinstance(stager, F.Family):
        for sql, params in stager.sql() if stager.sql else []:
            rollup.stage_sql(cur, sql, params)
        if stager.rows:
            rollup.stage_rows(cur, stager.rows())
        return
    for qs in stager.stage_sql() if stager.stage_sql else []:
        sql, params = qs.query.sql_with_params()
        rollup.stage_sql(
            cur, f'SELECT %s, t."code", t."day", t."value" FROM ({sql}) t', [stager.key, *params]
        )
    if stager.stage:
        rollup.stage_rows(cur, _keyed(stager.key, stager.stage()))


@transaction.atomic
def refresh(keys: Sequence[str] | None = None) -> dict[str, float]:
    """Rebuild the summary rows of the given figures (all when None); returns seconds per figure.

    A figure's seconds are its staging pass (shared equally within a family) plus an equal
    share of the roll-up, so they add up to the whole rebuild.
    """
    started_at = timezone.now()
    everything = F.all_figures()
    chosen = [F.get(k) for k in dict.fromkeys(keys)] if keys else everything
    chosen_keys = [f.key for f in chosen]
    timings: dict[str, float] = dict.fromkeys(chosen_keys, 0.0)
    with connection.cursor() as cur:
        rollup.prepare(cur, _base_tables(chosen))
        for stage_keys, stager in _stagers(chosen):
            started = time.perf_counter()
            _stage(cur, stager)
            for key in stage_keys:
                timings[key] += (time.perf_counter() - started) / len(stage_keys)
        started = time.perf_counter()
        rollup.roll_up(cur, chosen_keys)
        if {f.key for f in everything} <= set(chosen_keys):
            rollup.replace_all(cur)
        else:
            rollup.apply_diff(cur, chosen_keys)
        rollup.finish(cur)
        for key in chosen_keys:
            timings[key] += (time.perf_counter() - started) / len(chosen_keys)
    now = timezone.now()
    # Locked: a change marked between this read and the commit waits and marks again after.
    locked = SummaryState.objects.select_for_update().filter(figure__in=chosen_keys)
    states = {s.figure: s for s in locked}
    for key in chosen_keys:
        state = states.get(key) or SummaryState(figure=key)
        state.refreshed_at, state.seconds = now, timings[key]
        # A change marked after this rebuild started may not be in it: it stays pending.
        if state.changed_at is None or state.changed_at <= started_at:
            state.dirty_since = None
        state.save()
    return timings


def mark_dirty(keys: Iterable[str]) -> None:
    """Changes to these figures' records were committed: they wait for a rebuild."""
    now = timezone.now()
    keys = list(dict.fromkeys(keys))
    known = set(SummaryState.objects.filter(figure__in=keys).values_list("figure", flat=True))
    SummaryState.objects.bulk_create(
        [SummaryState(figure=k, dirty_since=now, changed_at=now) for k in keys if k not in known],
        ignore_conflicts=True,
    )
    SummaryState.objects.filter(figure__in=keys).update(
        dirty_since=Coalesce(models.F("dirty_since"), Value(now)), changed_at=now
    )


def pending(keys: Iterable[str]) -> list[str]:
    """Those of `keys` whose figures wait for a rebuild (dirty, or never built): a queued
    rebuild whose changes an earlier one already took in has nothing left to do."""
    keys = list(dict.fromkeys(keys))
    done = set(
        SummaryState.objects.filter(
            figure__in=keys, dirty_since__isnull=True, refreshed_at__isnull=False
        ).values_list("figure", flat=True)
    )
    return [k for k in keys if k not in done]


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
    # Two range reads of the (figure, unit, grain, period, value) index per unit and figure:
    # the month rows before the day's month, the day rows of its month up to the day.
    where = f"figure IN ({key_marks}) AND unit IN ({unit_marks})"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT unit, figure, SUM(value) FROM ("
            f"SELECT unit, figure, value FROM {table} WHERE {where} "
            f"AND grain = 'm' AND period < %s "
            f"UNION ALL SELECT unit, figure, value FROM {table} WHERE {where} "
            f"AND grain = 'd' AND period >= %s AND period <= %s"
            f") t GROUP BY unit, figure",
            [*keys, *units, month, *keys, *units, month, day],
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
