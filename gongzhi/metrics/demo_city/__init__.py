"""The `hengyang-2020` demo city: record-level data whose end-2020 figures are the seed's.

`load_city(scale=1.0, seed=2020, progress=None)` generates the whole city — synthetic
streets, communities and compounds under the real county-level units, social
organisations with their annual reports, Party organisations and members, volunteers
with activities and hours — seeded and repeatable (`random.Random(seed)`, Faker zh_CN
seeded), streamed in batches (COPY on PostgreSQL, batched INSERTs on SQLite), and then
rebuilds the dashboards' summary tables. At scale `s` the six figures on 2020-12-31 are
exactly `Targets.at(s)`; the city keeps living to `LIVING_UNTIL`.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from gongzhi.core.sqlite.pragmas import pragma
from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.writer import Progress, ProgressBar, analyze

__all__ = ["load_city", "ProgressBar", "T"]


def load_city(
    *,
    scale: float = 1.0,
    seed: int = 2020,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Generate the city into the current database; returns counts and seconds per stage.

    `workers`: processes drawing volunteers (default: two where there are two cores); the
    city is the same whatever the number."""
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    tg = T.Targets.at(scale)
    report: dict[str, Any] = {
        "scale": scale,
        "seed": seed,
        "targets": tg.as_dict(),
        "seconds": {},  # wall clock per stage
        "cpu_seconds": {},  # this process's CPU per stage (worker processes not included)
        "peak_rss_mb": {},  # this process's peak resident memory at the end of each stage
    }

    def timed(name: str, fn: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        report["seconds"][name] = round(time.perf_counter() - started, 2)
        report["cpu_seconds"][name] = round(time.process_time() - cpu, 2)
        report["peak_rss_mb"][name] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        )
        return result

    with _rollback_journal(), _keys_checked_once() as check_keys:
        _load(report, timed, rng, fake, tg, scale, seed, progress, workers, check_keys)
    return report


def _load(
    report: dict[str, Any],
    timed: Any,
    rng: random.Random,
    fake: Any,
    tg: T.Targets,
    scale: float,
    seed: int,
    progress: Progress | None,
    workers: int | None,
    check_keys: bool,
) -> None:
    from gongzhi.metrics import services, summaries
    from gongzhi.metrics.demo_city import geography, orgs_stage, stages
    from gongzhi.metrics.demo_city.volunteer_load import default_workers
    from gongzhi.metrics.models import Delta
    from gongzhi.volunteers import stars
    from gongzhi.volunteers.models import StarStep, StarTally

    with _big_page_cache(), transaction.atomic():
        geo = timed(
            "geography", lambda: geography.build_geography(rng=random.Random(seed), scale=scale)
        )
        ctx = stages.CityContext(
            rng=rng,
            fake=fake,
            geo=geo,
            tg=tg,
            scale=scale,
            progress=progress,
            seed=seed,
            workers=default_workers() if workers is None else workers,
        )
        timed("orgs", lambda: stages.write_orgs(ctx, orgs_stage))
        for name, stage in stages.LATER_STAGES:
            timed(name, lambda stage=stage: stage(ctx))
        if check_keys:
            # Every foreign key of the database at once, before the commit: a dangling key
            # fails the load and rolls it back, as the per-row checks it replaces would.
            timed("key_check", connection.check_constraints)
        report["counts"] = ctx.counts
        report["seconds"].update(ctx.seconds)
        report["cpu_seconds"].update(ctx.cpu_seconds)
        committing = time.perf_counter()
    report["seconds"]["commit"] = round(time.perf_counter() - committing, 2)
    # Statistics of every table for the rebuilds below, then of the summaries they wrote.
    timed("analyze", analyze)
    # The hours were COPYed past the services: the volunteers' star summary is rebuilt too.
    timed("stars", stars.rebuild)
    timed("summaries", summaries.refresh)
    timed("index", services.index_refresh)
    timed("analyze_summaries", lambda: analyze(Delta, StarStep, StarTally))


@contextmanager
def _keys_checked_once() -> Iterator[bool]:
    """On SQLite, foreign keys checked once over the loaded tables instead of row by row.

    With `foreign_keys` on, every inserted row looks up each of its parents (four for an
    hours entry): 17 of the 41 s of CPU the full city's volunteers took to write. One
    `PRAGMA foreign_key_check` of the whole database before the commit (Django's own
    `check_constraints`, as `loaddata` does it) checks the same keys in a few seconds
    (docs/performance.md "SQLite city load"). Yields whether the checks are off and the
    caller must run it. SQLite cannot switch inside a transaction (the tests' load): the
    keys are then checked row by row as before. Switched back on afterwards, whatever
    happened.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield False
        return
    off = connection.disable_constraint_checking()
    try:
        yield off
    finally:
        if off:
            connection.enable_constraint_checking()


@contextmanager
def _big_page_cache() -> Iterator[None]:
    """On SQLite, a big page cache while the city is written (the one transaction).

    Index B-trees of million-row tables stay in memory instead of thrashing a 2 MB cache
    (250 MB: with 400 MB the full city peaked at 1,044 MB, docs/performance.md run 10).
    Only for the write: SQLite sizes every sort's in-memory runs by the page cache too, and
    the rebuilds after the commit (stars, summaries: GROUP BYs and an index over millions
    of rows) sort several times faster in small runs that stay in the CPU's cache than in
    one 250 MB run (writer.SQLITE_INDEX_SORT_CACHE_KIB; docs/performance.md "SQLite city
    load"). The connection's own setting comes back after the commit.
    """
    with pragma("cache_size", -250000):
        yield


@contextmanager
def _rollback_journal() -> Iterator[None]:
    """On SQLite, load with a rollback journal instead of the write-ahead log.

    In WAL mode every page of the city is written twice: into the log (at the spills and
    the commit) and again into the database by the checkpoint after it. With a rollback
    journal, pages added beyond the file's old end are not journaled at all, so a fresh
    city is written once (scale 0.1: commit 3.5 -> 0.9 s, and the checkpoint's ~1.5 s in
    the next stage gone). WAL comes back at the end. SQLite only switches when no other
    connection has the database open, and never inside a transaction; otherwise the load
    simply runs in WAL mode.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with pragma("journal_mode", "DELETE"):
        yield
