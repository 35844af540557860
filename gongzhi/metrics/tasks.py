"""Background rebuild of the summary tables and the stored evaluation index (freshness:
gongzhi/metrics/README.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_summaries(keys: list[str] | None = None) -> dict[str, float]:
    """Rebuild the figures `keys` (all when None) and, when `index.KEY` is among them or
    everything is rebuilt, the stored evaluation index of every year computed before.

    Every committed change queues one of these; a burst of changes (a 2,000-person event
    checking out) queues hundreds. A task rebuilds only what is still pending when it runs,
    so the burst costs a few rebuilds, not one each: the first takes in every change
    committed before it started, and the queued ones behind it find nothing left to do
    (a change marked while a rebuild ran stays pending for its own task: summaries.refresh).
    """
    from gongzhi.metrics import index, services, summaries

    out: dict[str, float] = {}
    if not keys:
        out.update(summaries.refresh())
        out[index.KEY] = round(sum(services.index_refresh().values()), 3)
        return out
    figure_keys = summaries.pending([k for k in keys if k != index.KEY])
    if figure_keys:
        out.update(summaries.refresh(figure_keys))
    years = services.index_pending_years() if index.KEY in keys else []
    if years:
        out[index.KEY] = round(sum(services.index_refresh(years=years).values()), 3)
    return out
