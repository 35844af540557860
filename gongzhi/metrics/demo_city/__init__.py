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
from typing import Any

from django.db import connection, transaction

from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.writer import Progress, ProgressBar

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

    from gongzhi.metrics import summaries
    from gongzhi.metrics.demo_city import geography, orgs_stage, stages
    from gongzhi.metrics.demo_city.volunteer_load import default_workers
    from gongzhi.volunteers import stars

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

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            # A big page cache for the load: index B-trees of million-row tables stay in
            # memory instead of thrashing a 2 MB cache (stays well inside the 1 GB budget).
            cur.execute("PRAGMA cache_size = -400000")
    with transaction.atomic():
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
        report["counts"] = ctx.counts
        report["seconds"].update(ctx.seconds)
    # The hours were COPYed past the services: the volunteers' star summary is rebuilt too.
    timed("stars", stars.rebuild)
    timed("summaries", summaries.refresh)
    return report
