"""The upload page every importer gets: template download, upload, progress bar, error report."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.core import registry
from gongzhi.core.imports import write_template
from gongzhi.core.jobs import job_create
from gongzhi.core.models import Job
from gongzhi.core.tasks import run_import_job


def _importer(request: HttpRequest, kind: str) -> Any:
    try:
        cls = registry.importer(kind)
    except KeyError:
        raise Http404 from None
    perm = getattr(cls, "permission", None)
    if perm is None and not request.user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied
    if perm is not None and not request.user.has_perm(perm):
        raise PermissionDenied
    return cls


@login_required
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    cls = _importer(request, kind)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return render(
                request,
                "core/import.html",
                {"importer": cls, "error": _("请选择要导入的文件")},
                status=400,
            )
        folder = settings.VAR_DIR / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}-{upload.name}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        job = job_create(kind=f"import.{kind}", owner=request.user)
        run_import_job.enqueue(str(job.pk), kind, str(path), int(request.user.pk or 0))
        return redirect("import_status", kind=kind, job_id=job.pk)
    return render(request, "core/import.html", {"importer": cls})


@login_required
def import_status(request: HttpRequest, kind: str, job_id: str) -> HttpResponse:
    cls = _importer(request, kind)
    try:
        job = Job.objects.get(pk=job_id, owner=request.user)
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None
    return render(request, "core/import.html", {"importer": cls, "job": job})


@login_required
def import_template(request: HttpRequest, kind: str) -> FileResponse:
    cls = _importer(request, kind)
    buf = io.BytesIO()
    write_template(cls(), buf)
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=f"{kind}-template.xlsx")


@login_required
def import_errors(request: HttpRequest, kind: str, job_id: str) -> FileResponse:
    _importer(request, kind)
    try:
        job = Job.objects.get(pk=job_id, owner=request.user)
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None
    report = (job.result or {}).get("error_report")
    if not report:
        raise Http404
    return FileResponse(open(report, "rb"), as_attachment=True, filename=f"{kind}-errors.xlsx")
