"""Background tasks of the core: spreadsheet imports with progress."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django_tasks import task

from gongzhi.core import registry
from gongzhi.core.imports import run_import, write_error_report
from gongzhi.core.jobs import job_finish, job_progress


@task()
def run_import_job(job_id: str, kind: str, path: str, user_id: int) -> None:
    actor = get_user_model().objects.get(pk=user_id)
    importer = registry.importer(kind)()
    file = Path(path)
    try:
        result = run_import(
            importer,
            name=file.name,
            raw=file.read_bytes(),
            actor=actor,
            progress=lambda done, total: job_progress(job_id, done, total),
        )
        report = None
        if result.errors:
            report = str(write_error_report(result, file.with_suffix(".errors.xlsx")))
        job_finish(
            job_id,
            ok=not result.errors,
            result={
                "summary": result.summary(),
                "rows": result.rows,
                "rejected": result.rejected,
                "committed": result.committed,
                "errors": [e.as_dict() for e in result.errors[:200]],
                "error_report": report,
            },
        )
    except Exception as exc:  # the page must show a failure, not spin forever
        job_finish(job_id, ok=False, message=str(exc))
        raise
