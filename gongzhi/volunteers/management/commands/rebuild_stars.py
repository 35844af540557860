"""`python -m django rebuild_stars`: recompute the star summary from the approved ledger.

Needed after loads that bypass the services (COPY) and after the star thresholds change
(rules_config); until then a past date's star figure is computed from the ledger.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the volunteers' star summary (steps and monthly tallies) from the ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.volunteers import stars

        counts = stars.rebuild()
        self.stdout.write(f"steps={counts['steps']} tallies={counts['tallies']}")
