"""Background rebuild of the summary tables (freshness: gongzhi/metrics/README.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_summaries(keys: list[str] | None = None) -> dict[str, float]:
    from gongzhi.metrics import summaries

    return summaries.refresh(keys or None)
