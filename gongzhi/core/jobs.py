"""Background jobs with progress a page can poll (Django's tasks API via django-tasks)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongzhi.core.models import Job


def job_create(*, kind: str, owner: Any, total: int = 0) -> Job:
    owner = owner if getattr(owner, "is_authenticated", False) else None
    return Job.objects.create(kind=kind, owner=owner, total=total)


def job_progress(job_id: Any, done: int, total: int | None = None, message: str = "") -> None:
    # Progress is written outside the job's own transaction so pollers see it while it runs.
    fields: dict[str, Any] = {"done": done, "status": Job.Status.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(job_id: Any, *, ok: bool, result: Any = None, message: str = "") -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE if ok else Job.Status.FAILED, result=result, message=message
        )
