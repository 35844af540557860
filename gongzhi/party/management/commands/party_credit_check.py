"""`python -m django party_credit_check [--enqueue] [--as-of DATE]` — 应建未建 for the platform.

For a scheduler (cron, systemd timer): propose the anomaly-list entries now, or enqueue the
background task for `gongzhi worker` to run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Propose 活动异常名录 entries for organisations that should have set up a Party organisation"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run in the background worker")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.party.tasks import propose_no_party_org_listings

        as_of = options["as_of"].isoformat() if options["as_of"] else None
        if options["enqueue"]:
            result = propose_no_party_org_listings.enqueue(as_of)
            self.stdout.write(f"enqueued={result.id}")
            return
        data = propose_no_party_org_listings.call(as_of)
        self.stdout.write(
            "found={found} proposed={p} already_open={already_open} "
            "recently_declined={recently_declined} not_listable={not_listable}".format(
                p=len(data["proposed"]), **data
            )
        )
