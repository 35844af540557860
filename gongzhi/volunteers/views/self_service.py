"""Phone-first pages for volunteers: register, find activities, sign up, check in, hours, certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.forms import RegisterForm, SelfReportForm, apply_errors
from gongzhi.volunteers.models import Certificate, CertificateStatus, Enrollment, EnrollmentStatus
from gongzhi.volunteers.views.common import absolute, consent_current, qr_svg, volunteer_code


def _me(request: HttpRequest) -> Any:
    v = selectors.volunteer_of(request.user)
    if v is None:
        raise Http404
    return v


@login_required
@consent_current
def me(request: HttpRequest) -> HttpResponse:
    v = selectors.volunteer_of(request.user)
    if v is None:
        return redirect("volunteers:register")
    code_url = absolute(request, "volunteers:scan", volunteer_code(v))
    return render(
        request,
        "volunteers/me.html",
        {
            "v": v,
            "enrollments": selectors.enrollments_of(v)[:20],
            "history": selectors.volunteer_history(volunteer=v)[:12],
            "entries": selectors.volunteer_entries(volunteer=v, limit=20),
            "certificates": selectors.certificates_of(v),
            "qr": qr_svg(code_url, scale=4),
            "thresholds": _next_star(v),
        },
    )


def _next_star(v: Any) -> dict[str, Any] | None:
    from gongzhi.volunteers.rules_config import current

    for t in current().star_thresholds_hours:
        if v.approved_minutes < t * 60:
            return {"hours": t, "remaining": round(t - v.approved_minutes / 60, 1)}
    return None


@login_required
def register(request: HttpRequest) -> HttpResponse:
    if selectors.volunteer_of(request.user) is not None:
        return redirect("volunteers:me")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        skills = [s.strip() for s in data["skills"].replace("，", ",").split(",") if s.strip()]
        try:
            services.volunteer_register(
                actor=request.user,
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                area=data["area"],
                consent=data["consent"],
                skills=skills,
                user=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("注册成功，欢迎加入志愿服务！"))
            return redirect("volunteers:me")
    return render(request, "volunteers/register.html", {"form": form})


@login_required
@consent_current
def find(request: HttpRequest) -> HttpResponse:
    v = selectors.volunteer_of(request.user)
    category = request.GET.get("category") or ""
    shifts = selectors.open_shifts_for(volunteer=v)
    if category:
        shifts = shifts.filter(activity__category=category)
    from gongzhi.volunteers.rules_config import category_choices

    return render(
        request,
        "volunteers/find.html",
        {"shifts": shifts[:50], "v": v, "categories": category_choices(), "category": category},
    )


@login_required
@consent_current
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.open_shift_get(pk)
    v = selectors.volunteer_of(request.user)
    mine = Enrollment.objects.filter(shift=shift, volunteer=v).first() if v else None
    blocker = services.signup_blocker(v, shift) if v else _("请先注册为志愿者")
    return render(
        request,
        "volunteers/shift.html",
        {"shift": shift, "v": v, "mine": mine, "blocker": blocker, "active": EnrollmentStatus},
    )


@login_required
@require_POST
@consent_current
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    v = _me(request)
    shift = selectors.open_shift_get(pk)
    try:
        e = services.enrollment_signup(actor=request.user, volunteer=v, shift=shift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if e.status == EnrollmentStatus.ENROLLED:
            messages.success(request, _("报名成功"))
        else:
            messages.info(request, _("名额已满，您已进入候补名单；有人取消时将按顺序递补"))
    return redirect("volunteers:shift", pk=pk)


@login_required
@require_POST
@consent_current
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    v = _me(request)
    e = Enrollment.objects.filter(pk=pk, volunteer=v).first()
    if e is None:
        raise Http404
    try:
        services.enrollment_cancel(actor=request.user, enrollment=e)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已取消报名"))
    return redirect("volunteers:shift", pk=e.shift_id)


@login_required
@consent_current
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page a volunteer reaches by scanning the shift's QR code on the organiser's phone."""
    shift = selectors.shift_by_token(token)
    v = selectors.volunteer_of(request.user)
    e = (
        Enrollment.objects.filter(shift=shift, volunteer=v).select_related("shift").first()
        if v
        else None
    )
    if request.method == "POST":
        if e is None:
            messages.error(request, _("您没有报名此班次"))
        else:
            try:
                if request.POST.get("action") == "out":
                    entry = services.enrollment_checkout(actor=request.user, enrollment=e)
                    messages.success(
                        request,
                        _("签退成功，记录服务 %(m)d 分钟，待组织者审核")
                        % {"m": entry.minutes if entry else 0},
                    )
                else:
                    services.enrollment_checkin(
                        actor=request.user, enrollment=e, method=Enrollment.Method.SHIFT_QR
                    )
                    messages.success(request, _("签到成功"))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect("volunteers:checkin", token=token)
    return render(request, "volunteers/checkin.html", {"shift": shift, "e": e, "v": v})


@login_required
@consent_current
def self_report(request: HttpRequest) -> HttpResponse:
    v = _me(request)
    form = SelfReportForm(request.POST or None, teams=selectors.teams_of_volunteer(v))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.hours_self_report(
                actor=request.user,
                volunteer=v,
                team=d["team"],
                minutes=d["minutes"],
                service_date=d["service_date"],
                content=d["content"],
                travel_minutes=d["travel_minutes"] or 0,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已提交，待队伍审核"))
            return redirect("volunteers:me")
    return render(request, "volunteers/self_report.html", {"form": form})


@login_required
@consent_current
def my_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    v = _me(request)
    cert = Certificate.objects.filter(pk=pk, volunteer=v, status=CertificateStatus.ISSUED).first()
    if cert is None:
        raise Http404
    return _pdf_response(request, cert)


def _pdf_response(request: HttpRequest, cert: Certificate) -> HttpResponse:
    from gongzhi.volunteers.pdf import certificate_pdf

    body = certificate_pdf(cert, absolute(request, "volunteers:verify", cert.number))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response
