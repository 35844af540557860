"""Keep the summaries and the stored evaluation index fresh: a committed change to a counted
record queues their rebuild (the index rides along as the key `index.KEY`).

The apps below never call metrics (DESIGN.md: nobody reads metrics); metrics listens to
their models' save/delete signals instead. Bulk writes (the demo generator, imports that
bypass `save()`) call `summaries.refresh()` themselves or leave it to the nightly rebuild.
"""

from __future__ import annotations

import threading
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_local = threading.local()


def _flush() -> None:
    keys = sorted(getattr(_local, "pending", set()))
    _local.pending = set()
    if not keys:
        return
    from gongzhi.metrics import index, services, summaries
    from gongzhi.metrics.tasks import refresh_summaries

    summaries.mark_dirty([k for k in keys if k != index.KEY])
    if index.KEY in keys:
        services.index_mark_dirty()
    refresh_summaries.enqueue(keys)


def _changed(keys: list[str]) -> Any:
    def handler(sender: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        conn = transaction.get_connection()
        # One flush per transaction; a rolled-back transaction drops its callback and its keys.
        queued = any(entry[1] is _flush for entry in conn.run_on_commit)
        if not queued:
            _local.pending = set()
        _local.pending.update(keys)
        if not queued:
            transaction.on_commit(_flush)

    return handler


_handlers: list[Any] = []


def connect() -> None:
    from gongzhi.metrics import figures, index

    watched: dict[str, list[str]] = {}
    for figure in figures.all_figures():
        for label in figure.watch:
            watched.setdefault(label, []).append(figure.key)
    for label in index.WATCH:
        watched.setdefault(label, []).append(index.KEY)
    for label, keys in watched.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        handler = _changed(keys)
        _handlers.append(handler)  # signals hold weak references
        post_save.connect(handler, sender=model, dispatch_uid=f"metrics-{label}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"metrics-{label}-delete")
