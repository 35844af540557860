"""Pages for regional Party-building alliances (区域性党建联盟): members, rotation, meetings, lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.party import selectors, services
from gongzhi.party.forms_alliances import (
    AllianceForm,
    AllianceMemberForm,
    ItemForm,
    MeetingForm,
    RotationForm,
)
from gongzhi.party.models import Alliance, ItemStatus
from gongzhi.party.rotation import schedule
from gongzhi.party.views.common import form_errors, need


@login_required
def alliances(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    return render(
        request,
        "party/alliances.html",
        {
            "alliances": selectors.alliance_list(user=request.user),
            "may_create": request.user.has_perm("party.manage_alliance"),
        },
    )


@login_required
def alliance_create(request: HttpRequest) -> HttpResponse:
    need(request, "party.manage_alliance")
    form = AllianceForm(
        request.POST or None,
        areas=selectors.scope_areas(user=request.user).exclude(kind__in=["province", "building"]),
        party_orgs=selectors.party_org_choices(user=request.user).order_by("name"),
        social_orgs=selectors.social_orgs_without_party_org(user=request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alliance = services.alliance_create(
                actor=request.user,
                name=data["name"],
                area=data["area"],
                established_on=data["established_on"],
                rotation_starts_on=data["rotation_starts_on"],
                rotation_months=data["rotation_months"],
                party_orgs=list(data["party_orgs"]),
                social_orgs=list(data["social_orgs"]),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:alliance_detail", pk=alliance.pk)
    return render(
        request, "party/simple_form.html", {"form": form, "title": _("新建区域性党建联盟")}
    )


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "party.view")
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    today = timezone.localdate()
    members = list(alliance.members.all())
    return render(
        request,
        "party/alliance_detail.html",
        {
            "alliance": alliance,
            "members": members,
            "current_members": [m for m in members if m.left_on is None],
            "schedule": schedule(alliance, today),
            "meetings": alliance.meetings.select_related("host__party_org", "host__social_org"),
            "items": selectors.item_list(user=request.user, alliance=alliance),
            "may_claim": request.user.has_perm("party.claim_item", alliance),
            "may_manage": request.user.has_perm("party.manage_alliance", alliance),
        },
    )


def _managed(request: HttpRequest, pk: int) -> Alliance:
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    need(request, "party.manage_alliance", alliance)
    return alliance


def _form_page(request: HttpRequest, form: object, alliance: Alliance, title: str) -> HttpResponse:
    return render(
        request,
        "party/simple_form.html",
        {
            "form": form,
            "subject": alliance.name,
            "back": reverse("party:alliance_detail", args=[alliance.pk]),
            "title": title,
        },
    )


@login_required
def alliance_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed(request, pk)
    form = AllianceMemberForm(
        request.POST or None,
        party_orgs=selectors.party_org_choices(user=request.user).order_by("name"),
        social_orgs=selectors.social_orgs_without_party_org(user=request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.alliance_member_add(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, alliance, _("增加成员单位"))


@login_required
def alliance_rotation(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the chair order (轮值顺序); the schedule on the alliance page follows it."""
    alliance = _managed(request, pk)
    members = [m for m in alliance.members.all() if m.left_on is None]
    form = RotationForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.alliance_rotation_set(
                actor=request.user, alliance=alliance, order=form.order()
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, alliance, _("设置轮值顺序"))


@login_required
def alliance_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A joint meeting (联席会议); the service makes the period's chair unit its host."""
    alliance = _managed(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alliance_meeting_record(
                actor=request.user, alliance=alliance, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, alliance, _("记录联席会议"))


@login_required
def alliance_item(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry of the needs, resources or projects list (需求/资源/项目清单)."""
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    need(request, "party.claim_item", alliance)
    form = ItemForm(
        request.POST or None,
        members=alliance.members.filter(left_on__isnull=True),
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(actor=request.user, alliance=alliance, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:alliance_detail", pk=alliance.pk)
    return _form_page(request, form, alliance, _("增加清单事项"))


@login_required
@require_POST
def item_claim(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """认领 an open item for a member unit, or move a claimed one on towards completion."""
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    need(request, "party.claim_item", alliance)
    item = selectors.item_list(user=request.user, alliance=alliance).filter(pk=item_pk).first()
    if item is None:
        raise Http404
    today = timezone.localdate()
    try:
        if item.status == ItemStatus.OPEN:
            member = alliance.members.filter(pk=request.POST.get("member") or None).first()
            services.item_claim(actor=request.user, item=item, claimed_on=today, member=member)
            messages.success(request, _("已认领：%(title)s") % {"title": item.title})
        else:
            services.item_set_status(
                actor=request.user, item=item, status=request.POST.get("status", ""), on=today
            )
            messages.success(
                request,
                _("“%(title)s”状态已变更为%(status)s")
                % {"title": item.title, "status": item.get_status_display()},
            )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("party:alliance_detail", pk=alliance.pk)
