"""A volunteer's own data under "my volunteer service": see, copy, correct, delete; consent.

And the registrars' page deciding identity corrections.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.volunteers import rules_config, selectors, services
from gongzhi.volunteers.forms import (
    CorrectionForm,
    DeleteConfirmForm,
    MyDataForm,
    apply_errors,
    split_skills,
)
from gongzhi.volunteers.views.common import consent_current


def _me(request: HttpRequest) -> Any:
    v = selectors.volunteer_of(request.user)
    if v is None:
        raise Http404
    return v


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    """The current privacy notice; agreeing records its version and date."""
    v = _me(request)
    version = rules_config.current().consent_version
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    error = ""
    if request.method == "POST":
        if request.POST.get("agree") != "on":
            error = _("请勾选同意后继续；如不同意，可以删除您的个人信息。")
        else:
            try:
                services.volunteer_consent(
                    actor=request.user, volunteer=v, version=request.POST.get("version", "")
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("已同意新版个人信息处理告知书"))
                return redirect(nxt or "volunteers:me")
    return render(
        request,
        "volunteers/consent.html",
        {
            "v": v,
            "version": version,
            "outdated": selectors.consent_outdated(v),
            "next": nxt,
            "error": error,
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the volunteer (PIPL art. 44-45), ID and phone masked."""
    v = _me(request)
    return render(
        request,
        "volunteers/my_data.html",
        {
            "v": v,
            "data": selectors.personal_data(v),
            "version": rules_config.current().consent_version,
        },
    )


@login_required
@require_POST
def reveal_own(request: HttpRequest, field: str) -> HttpResponse:
    v = _me(request)
    try:
        value = services.volunteer_reveal_own(actor=request.user, volunteer=v, field=field)
    except ValidationError:
        raise Http404 from None
    return HttpResponse(
        format_html('<span class="font-monospace" data-revealed="1">{}</span>', value)
    )


@login_required
@require_POST
def data_copy(request: HttpRequest) -> HttpResponse:
    v = _me(request)
    fmt = request.POST.get("fmt", "json")
    try:
        body, content_type, filename = services.personal_data_copy(
            actor=request.user, volunteer=v, fmt=fmt
        )
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@consent_current
def data_edit(request: HttpRequest) -> HttpResponse:
    """Correct phone, skills and home community directly (non-identity fields)."""
    v = _me(request)
    initial = {"phone": v.phone, "skills": "，".join(v.skills or []), "area": v.area_id}
    form = MyDataForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes: dict[str, Any] = {}
        if d["phone"] != v.phone:
            changes["phone"] = d["phone"]
        if split_skills(d["skills"]) != list(v.skills or []):
            changes["skills"] = split_skills(d["skills"])
        if d["area"].pk != v.area_id:
            changes["area"] = d["area"]
        try:
            if changes:
                services.volunteer_update(actor=request.user, volunteer=v, **changes)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("信息已更新"))
            return redirect("volunteers:my_data")
    return render(request, "volunteers/my_data_edit.html", {"form": form})


@login_required
@consent_current
def correction(request: HttpRequest) -> HttpResponse:
    """Ask for the name or ID number to be corrected; a registrar checks and decides."""
    v = _me(request)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_request(actor=request.user, volunteer=v, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("更正申请已提交，待登记单位审核"))
            return redirect("volunteers:my_data")
    return render(request, "volunteers/my_correction.html", {"form": form})


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """Delete one's personal data: explained, then confirmed by typing the volunteer number."""
    v = _me(request)
    form = DeleteConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_anonymise(
                actor=request.user, volunteer=v, confirm=form.cleaned_data["confirm"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.user._volunteer_profile = False  # type: ignore[union-attr]
            messages.success(
                request,
                _("您的个人信息已删除。服务时长记录与证明编号按规定保留，但不再关联您的身份。"),
            )
            return redirect("volunteers:deleted")
    return render(request, "volunteers/my_delete.html", {"v": v, "form": form})


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/my_deleted.html")


# --- registrars: identity corrections --------------------------------------------------------


@login_required
def corrections(request: HttpRequest) -> HttpResponse:
    rows = selectors.correction_list(user=request.user)[:200]
    return render(request, "volunteers/correction_list.html", {"rows": rows})


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.correction_get(user=request.user, pk=pk)
    if not request.user.has_perm("volunteers.decide_correction", req):
        raise PermissionDenied
    try:
        services.correction_decide(
            actor=request.user,
            request=req,
            approve=request.POST.get("action") == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已处理更正申请"))
    return redirect("volunteers:corrections")
