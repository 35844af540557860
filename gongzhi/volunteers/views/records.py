"""Organiser pages for training, awards, evaluations and complaints; the public complaint form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.forms import (
    AttendanceForm,
    AwardForm,
    ComplaintForm,
    ComplaintHandleForm,
    EvaluationForm,
    TrainingForm,
    apply_errors,
    parse_numbers,
)
from gongzhi.volunteers.models import Activity, ComplaintStatus, Team, Volunteer


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _volunteers(form: Any, field: str, numbers: list[str]) -> list[Volunteer] | None:
    """The volunteers named by number, or None with an error naming the unknown numbers."""
    found = {v.number: v for v in Volunteer.objects.filter(number__in=numbers)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        form.add_error(field, _("没有找到志愿者编号：%(n)s") % {"n": "、".join(unknown)})
        return None
    return [found[n] for n in dict.fromkeys(numbers)]


def _one(form: Any, number: str) -> Volunteer | None:
    found = _volunteers(form, "number", parse_numbers(number)[:1] or [number])
    return found[0] if found else None


# --- training --------------------------------------------------------------------------------


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, teams=selectors.team_list(user=request.user))
    if request.method == "POST":
        _need(request, "volunteers.record_training")
        if form.is_valid():
            d = form.cleaned_data
            _need(request, "volunteers.record_training", d["team"])
            present = _volunteers(form, "attended", parse_numbers(d["attended"]))
            absent = _volunteers(form, "absent", parse_numbers(d["absent"]))
            if present is not None and absent is not None:
                try:
                    training = services.training_record(
                        actor=request.user,
                        team=d["team"],
                        title=d["title"],
                        provider=d["provider"],
                        held_on=d["held_on"],
                        hours=d["hours"] or 0,
                        attended=present,
                        absent=absent,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("培训已记录"))
                    return redirect("volunteers:training_detail", pk=training.pk)
    page = Paginator(selectors.training_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/training_list.html", {"page": page, "form": form})


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.training_get(user=request.user, pk=pk)
    form = AttendanceForm(request.POST or None)
    if request.method == "POST":
        _need(request, "volunteers.record_training", training)
        if form.is_valid():
            v = _one(form, form.cleaned_data["number"])
            if v is not None:
                try:
                    services.training_attendance_set(
                        actor=request.user,
                        training=training,
                        volunteer=v,
                        attended=form.cleaned_data["attended"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("出勤已更新"))
                    return redirect("volunteers:training_detail", pk=pk)
    return render(
        request,
        "volunteers/training_detail.html",
        {"training": training, "records": selectors.training_records(training), "form": form},
    )


# --- awards and evaluations ------------------------------------------------------------------


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    form = AwardForm(request.POST or None, teams=selectors.team_list(user=request.user))
    if request.method == "POST":
        _need(request, "volunteers.record_award")
        if form.is_valid():
            d = form.cleaned_data
            _need(request, "volunteers.record_award", d["team"])
            v = _one(form, d["number"])
            if v is not None:
                try:
                    services.award_add(
                        actor=request.user,
                        volunteer=v,
                        team=d["team"],
                        title=d["title"],
                        level=d["level"],
                        awarded_by=d["awarded_by"],
                        awarded_on=d["awarded_on"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("表彰奖励已记录"))
                    return redirect("volunteers:awards")
    page = Paginator(selectors.award_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "volunteers/award_list.html", {"page": page, "form": form})


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    form = EvaluationForm(request.POST or None, teams=selectors.team_list(user=request.user))
    if request.method == "POST":
        _need(request, "volunteers.evaluate")
        if form.is_valid():
            d = form.cleaned_data
            _need(request, "volunteers.evaluate", d["team"])
            v = _one(form, d["number"])
            if v is not None:
                try:
                    services.evaluation_add(
                        actor=request.user,
                        volunteer=v,
                        team=d["team"],
                        period=d["period"],
                        grade=d["grade"],
                        comment=d["comment"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("评价已记录"))
                    return redirect("volunteers:evaluations")
    page = Paginator(selectors.evaluation_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/evaluation_list.html", {"page": page, "form": form})


# --- complaints: the organiser's unit --------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ComplaintStatus.values:
        status = ""
    page = Paginator(
        selectors.complaint_list(user=request.user, status=status or None), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/complaint_list.html",
        {"page": page, "status": status, "statuses": ComplaintStatus.choices},
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = ComplaintHandleForm(request.POST or None)
    if request.method == "POST":
        _need(request, "volunteers.handle_complaint", complaint)
        if form.is_valid():
            action = request.POST.get("action")
            text = form.cleaned_data["resolution"]
            try:
                if action == "accept":
                    services.complaint_accept(actor=request.user, complaint=complaint)
                elif action == "resolve":
                    services.complaint_resolve(
                        actor=request.user, complaint=complaint, resolution=text
                    )
                elif action == "reject":
                    services.complaint_reject(actor=request.user, complaint=complaint, reason=text)
                else:
                    raise Http404
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("投诉已更新"))
                return redirect("volunteers:complaint_detail", pk=pk)
    return render(
        request, "volunteers/complaint_detail.html", {"complaint": complaint, "form": form}
    )


# --- complaints: volunteers and the public ---------------------------------------------------


def _complaint_subject(request: HttpRequest) -> tuple[Team, Activity | None]:
    """The activity (published) or team a complaint is about, from the query or the form."""
    data = request.POST if request.method == "POST" else request.GET
    raw_activity, raw_team = data.get("activity", ""), data.get("team", "")
    if raw_activity.isdecimal():
        activity = (
            Activity.objects.select_related("team")
            .exclude(status=Activity.Status.DRAFT)
            .filter(pk=int(raw_activity))
            .first()
        )
        if activity is not None:
            return activity.team, activity
    if raw_team.isdecimal():
        team = Team.objects.filter(pk=int(raw_team)).first()
        if team is not None:
            return team, None
    raise Http404


def complain(request: HttpRequest) -> HttpResponse:
    """Lodge a complaint about an activity or its organiser: volunteers and the public."""
    team, activity = _complaint_subject(request)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.complaint_file(
                actor=request.user,
                team=team,
                activity=activity,
                content=d["content"],
                complainant=d["complainant"],
                complainant_phone=d["complainant_phone"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("投诉已提交，编号 %(n)s。请保存本页地址以查询办理进度。")
                % {"n": complaint.number},
            )
            return redirect("volunteers:complaint_track", token=complaint.tracking_token)
    return render(
        request,
        "volunteers/complain.html",
        {"form": form, "team": team, "activity": activity},
    )


def complaint_track(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the complaint's state, dates and outcome, without the complainant's data."""
    complaint = selectors.complaint_by_token(token)
    if complaint is None:
        raise Http404
    return render(request, "volunteers/complaint_track.html", {"complaint": complaint})


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "volunteers/my_complaints.html",
        {"complaints": selectors.complaints_by(request.user)[:100]},
    )
