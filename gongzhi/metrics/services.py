"""Writes of the metrics app: the stored evaluation index (models.IndexScore, IndexState).

Like the summary tables (`summaries.refresh`), the stored index is derived from the base
tables and rewritten from them, never edited: nothing a person recorded changes, so no
audit event is written. Freshness: README § Evaluation index.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.areas.models import PREFIX_LENGTH
from gongzhi.metrics import index, rules_config
from gongzhi.metrics.models import IndexScore, IndexState, IndexUnit

# The prefix lengths of the units the index ranks (county, street, community, ... ; the
# city for its count): one IndexUnit row per prefix in use at each.
UNIT_LEVELS = sorted(set(PREFIX_LENGTH.values()))

# The years the index page offers: from the first year of the platform's records to now.
FIRST_YEAR = 2015


def index_years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def default_year() -> int:
    """The year the index page opens on: the last whole year."""
    return timezone.localdate().year - 1


def index_refresh(*, years: Iterable[int] | None = None) -> dict[int, float]:
    """Recompute the stored index of `years` under the current index version; returns
    seconds per year. Default: every year computed before under this version (someone
    opened it) and the year the page opens on."""
    config = rules_config.current()
    if years is None:
        years = {
            *IndexState.objects.filter(version=config.version).values_list("year", flat=True),
            default_year(),
        }
    return {year: _refresh_year(year, config) for year in sorted(set(years))}


@transaction.atomic
def _refresh_year(year: int, config: Any) -> float:
    from gongzhi.core.scope import SystemUser

    started_at, started = timezone.now(), time.perf_counter()
    # The whole city, once: each user's page then reads its scope's rows of the one copy.
    scores = index.score_orgs(SystemUser(), year, None, config)
    rows = [
        IndexScore(
            year=year,
            version=config.version,
            org_id=s.org_id,
            area_code=s.area_code,
            score=s.score,
            dimensions={d.key: d.score for d in s.dimensions},
            parts=index.stored_parts(s),
            refreshed_at=started_at,
        )
        for s in scores
    ]
    IndexScore.objects.filter(year=year, version=config.version).delete()
    # Upserts: two first views of a year computing it at once (PostgreSQL) both succeed.
    IndexScore.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["year", "version", "org"],
        update_fields=["area_code", "score", "dimensions", "parts", "refreshed_at"],
    )
    _store_units(year, config.version, rows, started_at)
    _analyze_index_tables()
    seconds = round(time.perf_counter() - started, 3)
    IndexState.objects.bulk_create(
        [
            IndexState(
                year=year,
                version=config.version,
                refreshed_at=started_at,
                seconds=seconds,
                orgs=len(rows),
            )
        ],
        update_conflicts=True,
        unique_fields=["year", "version"],
        update_fields=["refreshed_at", "seconds", "orgs"],
    )
    # Changes marked after the computation started may not be in it: they stay pending
    # (their own refresh is queued behind this one).
    IndexState.objects.filter(year=year, version=config.version).filter(
        Q(changed_at__isnull=True) | Q(changed_at__lte=started_at)
    ).update(dirty_since=None)
    return seconds


def _analyze_index_tables() -> None:
    """Statistics for the rows just written. A refresh replaces a whole year: planned on the
    statistics of before (none, after a load), the top 50 of the 10x city's 42,930 rows was
    a sort of the whole year (PostgreSQL: 170 ms) instead of a walk of `indexscore_best`
    (18 ms; docs/performance.md, growth). Tens of milliseconds at that size."""
    with connection.cursor() as cur:
        for model in (IndexScore, IndexUnit):
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _store_units(year: int, version: str, rows: list[IndexScore], at: dt.datetime) -> None:
    """The unit rows of the year (models.IndexUnit): every prefix of the stored area codes at
    each unit level, with `index.unit_score` of the organisations under it — the page's
    ranking and counts then read one row per unit instead of grouping all the year's rows."""
    members: dict[str, list[dict[str, float]]] = defaultdict(list)
    for row in rows:
        for length in UNIT_LEVELS:
            if len(row.area_code) >= length:
                members[row.area_code[:length]].append(row.dimensions)
    units = []
    for prefix, group in members.items():
        u = index.unit_score(prefix, "", group)
        units.append(
            IndexUnit(
                year=year,
                version=version,
                prefix=prefix,
                orgs=u.orgs,
                score=u.score,
                dimensions=u.dimensions,
                refreshed_at=at,
            )
        )
    IndexUnit.objects.filter(year=year, version=version).delete()
    # Upserts, as for IndexScore: two first views of a year computing it at once.
    IndexUnit.objects.bulk_create(
        units,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["year", "version", "prefix"],
        update_fields=["orgs", "score", "dimensions", "refreshed_at"],
    )


def index_mark_dirty(*, since: dt.datetime | None = None) -> None:
    """Every stored year waits for a recomputation (the data it reads changed)."""
    now = since or timezone.now()
    IndexState.objects.update(dirty_since=Coalesce(F("dirty_since"), Value(now)), changed_at=now)


def index_pending_years() -> list[int]:
    """The stored years of the current version that wait for a recomputation."""
    version = rules_config.current().version
    dirty = IndexState.objects.filter(version=version, dirty_since__isnull=False)
    return sorted(dirty.values_list("year", flat=True))


def index_ensure(*, year: int) -> IndexState:
    """The state of `year`'s stored index under the current version, computing it first if it
    never was: the first view of a year waits for it once, instead of showing zeros or
    nothing (every later change is recomputed in the background)."""
    version = rules_config.current().version
    state = IndexState.objects.filter(year=year, version=version).first()
    if state is None:
        index_refresh(years=[year])
        state = IndexState.objects.get(year=year, version=version)
    return state
