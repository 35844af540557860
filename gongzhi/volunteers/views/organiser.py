"""Organiser pages: volunteers, teams, activities and shifts, attendance, hours, certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Kind
from gongzhi.core.scope import restrict
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.forms import (
    ActivityForm,
    CertificateRequestForm,
    ShiftForm,
    TeamForm,
    apply_errors,
)
from gongzhi.volunteers.models import Enrollment, EntryStatus, Volunteer
from gongzhi.volunteers.views.common import absolute, qr_svg, volunteer_from_code


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _local_units(user: Any) -> Any:
    return restrict(Area.objects.filter(kind__in=[Kind.COMMUNITY, Kind.COMPOUND]), user).order_by(
        "code"
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if selectors.volunteer_of(request.user) is not None and not request.user.has_perm(
        "volunteers.organise"
    ):
        return redirect("volunteers:me")
    q = request.GET.get("q", "")
    results = selectors.volunteer_search(user=request.user, query=q) if q else []
    return render(
        request,
        "volunteers/index.html",
        {
            "q": q,
            "results": results,
            "activities": selectors.activity_list(user=request.user)[:10],
            "pending": selectors.hours_list(user=request.user, status=EntryStatus.PENDING).count(),
            "is_self": selectors.volunteer_of(request.user) is not None,
        },
    )


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    if q:
        page = None
        rows = selectors.volunteer_search(user=request.user, query=q, limit=50)
    else:
        page = Paginator(selectors.volunteer_list(user=request.user), 50).get_page(
            request.GET.get("page")
        )
        rows = list(page.object_list)
    return render(request, "volunteers/volunteer_list.html", {"rows": rows, "page": page, "q": q})


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    v = selectors.volunteer_get(user=request.user, pk=pk)
    page = request.GET.get("page", "1")
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "v": v,
            "history": selectors.volunteer_history(volunteer=v, period="year"),
            "ledger": selectors.volunteer_ledger(
                volunteer=v, page=int(page) if page.isdecimal() else 1
            ),
            "teams": selectors.teams_of_volunteer(v),
            "certificates": selectors.certificates_of(v)[:20],
        },
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, areas=_local_units(request.user))
    if request.method == "POST":
        _need(request, "volunteers.organise")
        if form.is_valid():
            d = form.cleaned_data
            try:
                team = services.team_create(actor=request.user, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("队伍已创建：%(n)s") % {"n": team.name})
                return redirect("volunteers:team_detail", pk=team.pk)
    teams = selectors.team_list(user=request.user)[:200]
    return render(request, "volunteers/team_list.html", {"teams": teams, "form": form})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk)
    members = team.members.filter(left_on__isnull=True).select_related("volunteer")[:200]
    return render(request, "volunteers/team_detail.html", {"team": team, "members": members})


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.team_list(user=request.user)
    form = ActivityForm(request.POST or None, teams=teams, areas=_local_units(request.user))
    if request.method == "POST":
        _need(request, "volunteers.organise")
        if form.is_valid():
            d = form.cleaned_data
            _need(request, "volunteers.organise", d["team"])
            try:
                activity = services.activity_create(actor=request.user, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("活动已创建，请添加班次"))
                return redirect("volunteers:activity_detail", pk=activity.pk)
    activities = selectors.activity_list(user=request.user)[:100]
    return render(
        request, "volunteers/activity_list.html", {"activities": activities, "form": form}
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        _need(request, "volunteers.organise", activity)
        if form.is_valid():
            try:
                services.shift_create(actor=request.user, activity=activity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("班次已添加"))
                return redirect("volunteers:activity_detail", pk=pk)
    return render(request, "volunteers/activity_detail.html", {"activity": activity, "form": form})


@login_required
def shift_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrollments and attendance of one shift, with the shift's check-in QR code."""
    shift = selectors.shift_get(user=request.user, pk=pk)
    _need(request, "volunteers.organise", shift)
    checkin_url = absolute(request, "volunteers:checkin", shift.checkin_token)
    return render(
        request,
        "volunteers/shift_manage.html",
        {
            "shift": shift,
            "enrollments": selectors.shift_enrollments(shift=shift),
            "qr": qr_svg(checkin_url),
            "checkin_url": checkin_url,
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a volunteer in or out from the organiser's list."""
    e = selectors.enrollment_get(user=request.user, pk=pk)
    _need(request, "volunteers.organise", e)
    try:
        if request.POST.get("action") == "out":
            services.enrollment_checkout(actor=request.user, enrollment=e)
        else:
            services.enrollment_checkin(
                actor=request.user, enrollment=e, method=Enrollment.Method.LIST
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteers:shift_manage", pk=e.shift_id)


@login_required
def scan(request: HttpRequest, code: str) -> HttpResponse:
    """Opened by the organiser scanning a volunteer's personal QR code: check them in."""
    number = volunteer_from_code(code)
    if number is None:
        raise Http404
    volunteer = Volunteer.objects.filter(number=number).first()
    if volunteer is None:
        raise Http404
    now = timezone.now()
    enrollments = [
        e
        for e in selectors.enrollment_list(user=request.user).filter(
            volunteer=volunteer, status="enrolled", shift__ends_at__gt=now
        )[:10]
        if request.user.has_perm("volunteers.organise", e)
    ]
    if request.method == "POST":
        chosen = next((e for e in enrollments if str(e.pk) == request.POST.get("enrollment")), None)
        if chosen is None:
            raise Http404
        try:
            services.enrollment_checkin(
                actor=request.user, enrollment=chosen, method=Enrollment.Method.VOLUNTEER_QR
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)s 已签到") % {"n": volunteer.number})
        return redirect("volunteers:shift_manage", pk=chosen.shift_id)
    return render(
        request, "volunteers/scan.html", {"volunteer": volunteer, "enrollments": enrollments}
    )


@login_required
def hours_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", EntryStatus.PENDING)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("entry") if i.isdecimal()]
        # Only entries in the user's scope that they may approve are acted on.
        allowed = [
            e.pk
            for e in selectors.hours_list(user=request.user).filter(pk__in=ids)
            if request.user.has_perm("volunteers.approve_hours", e)
        ]
        if not allowed:
            messages.error(request, _("请选择要审核的记录"))
        elif request.POST.get("action") == "decline":
            try:
                n = services.hours_decline(
                    actor=request.user, entry_ids=allowed, note=request.POST.get("note", "")
                )
                messages.success(request, _("%(n)d 条记录未予认定") % {"n": n})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            result = services.hours_approve(actor=request.user, entry_ids=allowed)
            messages.success(request, _("已认定 %(n)d 条记录") % {"n": len(result.approved)})
            for pk, reason in result.skipped:
                messages.warning(request, f"#{pk}: {reason}")
        return redirect(f"{request.path}?status={status}")
    page = Paginator(selectors.hours_list(user=request.user, status=status or None), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/hours_list.html",
        {"page": page, "status": status, "statuses": EntryStatus.choices},
    )


@login_required
@require_POST
def hours_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.hours_get(user=request.user, pk=pk)
    _need(request, "volunteers.approve_hours", entry)
    try:
        services.hours_reverse(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已冲正"))
    return redirect("volunteers:volunteer_detail", pk=entry.volunteer_id)


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    form = CertificateRequestForm(
        request.POST or None, teams=selectors.team_list(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _need(request, "volunteers.issue_certificate", d["team"])
        try:
            volunteer = selectors.volunteer_get_by_number(
                user=request.user, number=d["number"].strip()
            )
        except Http404:
            form.add_error("number", _("没有找到该志愿者编号"))
        else:
            try:
                services.certificate_request(
                    actor=request.user,
                    volunteer=volunteer,
                    team=d["team"],
                    period_from=d["period_from"],
                    period_to=d["period_to"],
                    clerk=d["clerk"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("证明已进入公示期"))
                return redirect("volunteers:certificates")
    rows = selectors.certificate_list(user=request.user)[:200]
    return render(
        request,
        "volunteers/certificate_list.html",
        {"rows": rows, "form": form, "today": timezone.localdate()},
    )


@login_required
@require_POST
def certificate_action(request: HttpRequest, pk: int) -> HttpResponse:
    cert = selectors.certificate_get(user=request.user, pk=pk)
    _need(request, "volunteers.issue_certificate", cert)
    try:
        if request.POST.get("action") == "withdraw":
            services.certificate_withdraw(
                actor=request.user, certificate=cert, reason=request.POST.get("reason", "")
            )
        else:
            services.certificate_issue(actor=request.user, certificate=cert)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteers:certificates")


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from gongzhi.volunteers.views.self_service import _pdf_response

    cert = selectors.certificate_get(user=request.user, pk=pk)
    return _pdf_response(request, cert)


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> Any:
    from gongzhi.core import registry
    from gongzhi.core.exports import export_response

    if kind not in ("volunteers", "hours") or fmt not in ("csv", "xlsx"):
        raise Http404
    _need(request, "volunteers.organise")
    return export_response(registry.exporter(kind)(), request.user, fmt)
