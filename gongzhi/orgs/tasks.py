"""Background tasks of the registry (Django's tasks API through django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def end_expired_serious_listings(as_of: str | None = None) -> dict[str, Any]:
    """民政部令60号: end the 严重违法失信名单 entries whose term has run, for the whole platform.

    Run it daily from a scheduler (`python -m django orgs_end_serious_listings --enqueue`, for
    `gongzhi worker`) or by hand; a repeated run ends nothing twice. `as_of` is an ISO date
    (default: today).
    """
    import datetime as dt

    from gongzhi.orgs.services import EXPIRY_ACTOR, listings_end_expired

    day = dt.date.fromisoformat(as_of) if as_of else None
    ended = listings_end_expired(actor=EXPIRY_ACTOR, today=day)
    return {
        "as_of": (day.isoformat() if day else None),
        "ended": [entry.pk for entry in ended],
    }
