"""Background rebuild of the summary tables and the stored evaluation index (freshness:
gongzhi/metrics/README.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_summaries(keys: list[str] | None = None) -> dict[str, float]:
    """Rebuild the figures `keys` (all when None) and, when `index.KEY` is among them or
    everything is rebuilt, the stored evaluation index of every year computed before."""
    from gongzhi.metrics import index, services, summaries

    figure_keys = [k for k in keys if k != index.KEY] if keys else None
    out: dict[str, float] = {}
    if figure_keys is None or figure_keys:
        out.update(summaries.refresh(figure_keys))
    if not keys or index.KEY in keys:
        out[index.KEY] = round(sum(services.index_refresh().values()), 3)
    return out
