"""Background tasks of the party app (Django's tasks API through django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

# The audit trail names the task as the actor (a string actor acts for the whole platform).
TASK_ACTOR = "task:party.propose_no_party_org_listings"


@task()
def propose_no_party_org_listings(as_of: str | None = None) -> dict[str, Any]:
    """应建未建 for the whole platform: propose the anomaly-list entries the authority reviews.

    Run it from a scheduler (`python -m django party_credit_check --enqueue`) or by hand;
    repeated runs propose nothing twice. `as_of` is an ISO date (default: today).
    """
    import datetime as dt

    from gongzhi.party.services import listings_propose_no_party_org

    day = dt.date.fromisoformat(as_of) if as_of else None
    result = listings_propose_no_party_org(actor=TASK_ACTOR, as_of=day)
    data = result.as_dict()
    data["as_of"] = result.as_of.isoformat()
    return data
