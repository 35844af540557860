"""Health, home, and background-job progress."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gongzhi.core import registry
from gongzhi.core.models import Job


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    cards: list[dict[str, Any]] = []
    for provider in registry.home_cards():
        cards.extend(provider(user))
    memberships = user.memberships.filter(active=True).select_related("area")
    return render(request, "core/home.html", {"cards": cards, "memberships": memberships})


@login_required
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """Polled by htmx every second while a job runs; shows a progress bar, then the result."""
    try:
        job = Job.objects.get(pk=job_id, owner=request.user)
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "message": job.message,
                "result": job.result,
            }
        )
    return render(request, "core/job_progress.html", {"job": job})


def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit administrator's view of the chain (MLPS: audit records reviewable, kept ≥ 6 months)."""
    from django.core.exceptions import PermissionDenied
    from django.db.models import Q

    from gongzhi.core import audit
    from gongzhi.core.models import AuditEvent

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("core.view_audit"):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    events = AuditEvent.objects.order_by("-id")
    if q:
        events = events.filter(
            Q(actor_label__icontains=q) | Q(action__icontains=q) | Q(object_id=q)
        )
    return render(
        request, "core/audit_list.html", {"events": events[:200], "q": q, "report": audit.verify()}
    )
