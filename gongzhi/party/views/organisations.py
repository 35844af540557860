"""Pages for Party organisations, members and organisational life."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.selectors import area_list
from gongzhi.core.pii import mask
from gongzhi.party import selectors, services
from gongzhi.party.forms import (
    CoverageAddForm,
    EndForm,
    LifeRecordForm,
    MemberForm,
    PartyOrgForm,
    PostForm,
)
from gongzhi.party.models import LifeKind, MemberStatus, PartyOrgKind
from gongzhi.party.views.common import form_errors, need


@login_required
def index(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    orgs = selectors.party_org_list(user=request.user, q=q, kind=kind or None)
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "party/index.html",
        {"page": page, "q": q, "kind": kind, "kinds": PartyOrgKind.choices},
    )


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    need(request, "party.manage_org")
    kw = {
        "areas": area_list(user=request.user).exclude(kind__in=["province", "building"]),
        "social_orgs": selectors.social_org_choices(user=request.user),
        "party_orgs": selectors.party_org_choices(user=request.user),
    }
    form = PartyOrgForm(request.POST or None, **kw)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = services.party_org_create(actor=request.user, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:org_detail", pk=org.pk)
    return render(request, "party/org_form.html", {"form": form})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "party.view")
    org = selectors.party_org_get(user=request.user, pk=pk)
    today = timezone.localdate()
    members = selectors.member_list(user=request.user, party_org=org)
    return render(
        request,
        "party/org_detail.html",
        {
            "org": org,
            "coverages": selectors.coverages_of(org),
            "posts": selectors.posts_of(org, today),
            "members": members[:200],
            "member_total": members.count(),
            "records": selectors.life_record_list(user=request.user, party_org=org)[:20],
            "items": selectors.worklist(user=request.user, today=today, party_org=org),
            "may_record": request.user.has_perm("party.record_meeting", org),
            "may_manage_members": request.user.has_perm("party.manage_member", org),
            "may_manage": request.user.has_perm("party.manage_org", org),
        },
    )


@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.party_org_get(user=request.user, pk=pk)
    need(request, "party.manage_org", org)
    form = PostForm(
        request.POST or None, members=selectors.member_list(user=request.user, party_org=org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_assign(actor=request.user, party_org=org, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:org_detail", pk=org.pk)
    return render(
        request, "party/simple_form.html", {"form": form, "org": org, "title": _("任命职务")}
    )


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    q = request.GET.get("q", "")
    status = request.GET.get("status", "")
    qs = selectors.member_list(user=request.user, q=q, status=status or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "party/member_list.html",
        {"page": page, "q": q, "status": status, "statuses": MemberStatus.choices},
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "party.view")
    member = selectors.member_get(user=request.user, pk=pk)
    return render(
        request,
        "party/member_detail.html",
        {
            "member": member,
            "id_masked": mask(member.id_number, "id_number"),
            "phone_masked": mask(member.phone, "phone"),
            "transfers": member.transfers.select_related("from_org", "to_org"),
            "may_transfer": request.user.has_perm("party.manage_transfer", member.party_org),
        },
    )


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.party_org_get(user=request.user, pk=pk)
    need(request, "party.manage_member", org)
    form = MemberForm(
        request.POST or None, social_orgs=selectors.social_org_choices(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            member = services.member_create(actor=request.user, party_org=org, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:member_detail", pk=member.pk)
    return render(
        request, "party/simple_form.html", {"form": form, "org": org, "title": _("登记党员")}
    )


@login_required
def life_list(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    kind = request.GET.get("kind", "")
    qs = selectors.life_record_list(user=request.user, kind=kind or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "party/life_list.html", {"page": page, "kind": kind, "kinds": LifeKind.choices}
    )


@login_required
def life_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "party.view")
    record = selectors.life_record_get(user=request.user, pk=pk)
    return render(
        request,
        "party/life_detail.html",
        {
            "record": record,
            "attendees": record.attendees.order_by("name"),
            "grades": record.grades.select_related("member").order_by("member__name"),
        },
    )


@login_required
def life_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.party_org_get(user=request.user, pk=pk)
    need(request, "party.record_meeting", org)
    form = LifeRecordForm(
        request.POST or None,
        request.FILES or None,
        members=selectors.member_list(user=request.user, party_org=org),
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.life_record_create(
                actor=request.user,
                party_org=org,
                kind=data["kind"],
                held_on=data["held_on"],
                topic=data["topic"],
                minutes=data["minutes"],
                attendees=list(data["attendees"]),
                attachment=data.get("attachment"),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:life_detail", pk=record.pk)
    return render(request, "party/life_form.html", {"form": form, "org": org})


# --- the social organisations a Party organisation covers ------------------------------------


@login_required
def coverage_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.party_org_get(user=request.user, pk=pk)
    need(request, "party.manage_org", org)
    form = CoverageAddForm(
        request.POST or None, social_orgs=selectors.social_org_choices(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The service enforces the joint branch's limit (支部工作条例 art. 5, rules_config).
            services.coverage_add(actor=request.user, party_org=org, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:org_detail", pk=org.pk)
    return render(
        request,
        "party/simple_form.html",
        {"form": form, "org": org, "title": _("增加覆盖的社会组织")},
    )


@login_required
def coverage_end(request: HttpRequest, pk: int, coverage_pk: int) -> HttpResponse:
    org = selectors.party_org_get(user=request.user, pk=pk)
    need(request, "party.manage_org", org)
    coverage = selectors.coverage_get(party_org=org, pk=coverage_pk)
    form = EndForm(request.POST or None, label=_("覆盖结束"))
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_end(
                actor=request.user, coverage=coverage, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:org_detail", pk=org.pk)
    return render(
        request,
        "party/simple_form.html",
        {
            "form": form,
            "org": org,
            "title": _("结束覆盖：%(name)s") % {"name": coverage.org.name},
        },
    )
