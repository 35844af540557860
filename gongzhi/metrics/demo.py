"""Demo data for metrics: the full `hengyang-2020` city is generated here (demo_city)."""

from __future__ import annotations

from typing import Any


def load_small(ctx: Any) -> None:
    """The small demo city's summaries, so its dashboards show its records."""
    from gongzhi.metrics import services, summaries

    summaries.refresh()
    services.index_refresh()


def load_city(ctx: Any) -> None:
    from gongzhi.metrics.demo_city import ProgressBar
    from gongzhi.metrics.demo_city import load_city as generate

    report = generate(
        scale=ctx.scale, seed=ctx.seed, progress=ProgressBar() if ctx.progress else None
    )
    ctx.extra["city"] = report
    ctx.say("city: " + ", ".join(f"{k} {v}s" for k, v in report["seconds"].items()))
