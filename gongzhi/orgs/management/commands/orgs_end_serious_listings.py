"""`python -m django orgs_end_serious_listings [--enqueue] [--as-of DATE]` (with
`--settings gongzhi.settings` or DJANGO_SETTINGS_MODULE) — 民政部令60号: end the 严重违法失信名单
entries whose term has run.

For a scheduler (cron, systemd timer), independent of the `gongzhi` command: end them now, or
enqueue the background task for `gongzhi worker` to run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "End 严重违法失信名单 entries whose term (民政部令60号: 5 years) has run"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run in the background worker")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.orgs.tasks import end_expired_serious_listings

        as_of = options["as_of"].isoformat() if options["as_of"] else None
        if options["enqueue"]:
            result = end_expired_serious_listings.enqueue(as_of)
            self.stdout.write(f"enqueued={result.id}")
            return
        data = end_expired_serious_listings.call(as_of)
        self.stdout.write(f"ended={len(data['ended'])}")
