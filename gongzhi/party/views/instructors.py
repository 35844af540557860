"""Pages for Party-building instructors (党建指导员) and their assignments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.party import selectors, services
from gongzhi.party.forms import EndForm, InstructorAssignForm, InstructorForm
from gongzhi.party.views.common import form_errors, need


@login_required
def instructors(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    return render(
        request,
        "party/instructors.html",
        {
            "instructors": selectors.instructor_list(user=request.user)[:500],
            "assignments": selectors.assignment_list(user=request.user)[:500],
            "may_manage": request.user.has_perm("party.manage_instructor"),
        },
    )


@login_required
def instructor_create(request: HttpRequest) -> HttpResponse:
    need(request, "party.manage_instructor")
    areas = selectors.scope_areas(user=request.user).exclude(kind__in=["province", "building"])
    form = InstructorForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            instructor = services.instructor_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:instructor_detail", pk=instructor.pk)
    return render(request, "party/simple_form.html", {"form": form, "title": _("新增党建指导员")})


@login_required
def instructor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The instructor, their assignments, and the form assigning them to organisations."""
    need(request, "party.view")
    instructor = selectors.instructor_get(user=request.user, pk=pk)
    may_manage = request.user.has_perm("party.manage_instructor", instructor)
    form = InstructorAssignForm(
        request.POST or None,
        social_orgs=selectors.social_orgs_without_party_org(user=request.user).order_by("name"),
    )
    if request.method == "POST":
        need(request, "party.manage_instructor", instructor)
        if form.is_valid():
            try:
                services.instructor_assign_many(
                    actor=request.user, instructor=instructor, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect("party:instructor_detail", pk=instructor.pk)
    return render(
        request,
        "party/instructor_detail.html",
        {
            "instructor": instructor,
            "assignments": selectors.assignment_list(user=request.user, instructor=instructor),
            "form": form if may_manage else None,
            "may_manage": may_manage,
        },
    )


@login_required
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    need(request, "party.manage_instructor", assignment.instructor)
    form = EndForm(request.POST or None, label=_("结束日期"))
    if request.method == "POST" and form.is_valid():
        try:
            services.instructor_assignment_end(
                actor=request.user, assignment=assignment, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:instructor_detail", pk=assignment.instructor_id)
    return render(
        request,
        "party/simple_form.html",
        {
            "form": form,
            "title": _("结束选派：%(who)s → %(org)s")
            % {"who": assignment.instructor.name, "org": assignment.org.name},
        },
    )
