"""`python -m django refresh_metrics [FIGURE ...]`: rebuild the dashboards' summary tables now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the metrics summary tables from the base tables (all figures by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("figures", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.metrics import summaries

        for key, seconds in summaries.refresh(options["figures"] or None).items():
            self.stdout.write(f"{key:<24} {seconds:6.2f}s")
