"""`python -m django refresh_metrics [FIGURE ...]`: rebuild the dashboards' summary tables and
the stored evaluation index now (name `evaluation_index` to rebuild only the index)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Rebuild the metrics summary tables and the stored evaluation index from the base "
        "tables (everything by default; FIGURE may be evaluation_index)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("figures", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.metrics import index, services, summaries

        keys = options["figures"]
        figure_keys = [k for k in keys if k != index.KEY]
        if figure_keys or not keys:
            for key, seconds in summaries.refresh(figure_keys or None).items():
                self.stdout.write(f"{key:<24} {seconds:6.2f}s")
        if not keys or index.KEY in keys:
            for year, seconds in services.index_refresh().items():
                self.stdout.write(f"{index.KEY} {year:<7} {seconds:6.2f}s")
