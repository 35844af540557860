"""Pages for 双报到: units and working members report to a community, claim its needs, serve,
and the service rolls up to a quarterly report for their employer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.exports import export_response
from gongzhi.party import selectors, services
from gongzhi.party.exporters import ServiceRollupExporter
from gongzhi.party.forms_alliances import CommunityNeedForm, ReportForm, RollupForm, ServiceForm
from gongzhi.party.models import ItemStatus
from gongzhi.party.views.common import form_errors, need


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    return render(
        request,
        "party/reports.html",
        {
            "reports": selectors.report_list(user=request.user)[:200],
            "needs": selectors.need_list(user=request.user)[:200],
            "may_report": request.user.has_perm("party.report_to_community"),
            "may_add_need": request.user.has_perm("party.manage_community_needs"),
        },
    )


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    need(request, "party.report_to_community")
    form = ReportForm(
        request.POST or None,
        communities=selectors.community_choices(),
        party_orgs=selectors.party_org_choices(user=request.user).order_by("name"),
        members=selectors.member_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["party_org"] or (data["member"].party_org if data["member"] else None)
        # The choices are scoped; the reporting organisation must also be one the user manages.
        if unit is not None and not request.user.has_perm("party.report_to_community", unit):
            raise PermissionDenied
        try:
            report = services.community_report_create(actor=request.user, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:report_detail", pk=report.pk)
    return render(request, "party/simple_form.html", {"form": form, "title": _("双报到：报到")})


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    """A community lists a need (需求清单) for the units and members reporting to it."""
    need(request, "party.manage_community_needs")
    communities = selectors.scope_areas(user=request.user).filter(kind="community")
    form = CommunityNeedForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        need(request, "party.manage_community_needs", data["community"])
        try:
            services.item_create(actor=request.user, kind="need", **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:reports")
    return render(request, "party/simple_form.html", {"form": form, "title": _("发布社区需求")})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report, its community's needs to claim, and the service recorded under it."""
    need(request, "party.view")
    report = selectors.report_get(user=request.user, pk=pk)
    may_act = request.user.has_perm("party.report_to_community", report)
    claimed = selectors.community_needs(community=report.community).filter(
        claimed_by_party_org=report.party_org
    )
    form = ServiceForm(request.POST or None, items=claimed)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.service_record_create(
                    actor=request.user, report=report, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect("party:report_detail", pk=report.pk)
    return render(
        request,
        "party/report_detail.html",
        {
            "report": report,
            "needs": selectors.community_needs(community=report.community),
            "services": selectors.services_of(report),
            "form": form if may_act else None,
            "may_act": may_act,
        },
    )


@login_required
@require_POST
def report_need(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Claim (认领) a community need for the reporting unit, or move it on to completion."""
    report = selectors.report_get(user=request.user, pk=pk)
    need(request, "party.report_to_community", report)
    item = selectors.community_needs(community=report.community).filter(pk=item_pk).first()
    if item is None:
        raise Http404
    today = timezone.localdate()
    try:
        if item.status == ItemStatus.OPEN:
            services.item_claim(
                actor=request.user, item=item, claimed_on=today, party_org=report.party_org
            )
        elif item.claimed_by_party_org_id == report.party_org_id:
            services.item_set_status(
                actor=request.user, item=item, status=request.POST.get("status", ""), on=today
            )
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("party:report_detail", pk=report.pk)


def _year(request: HttpRequest) -> tuple[RollupForm, int]:
    form = RollupForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_valid():
        year = form.cleaned_data["year"]
    return form, year


@login_required
def rollup(request: HttpRequest) -> HttpResponse:
    """The quarterly roll-up of 双报到 service for each employer (反馈所在单位)."""
    need(request, "party.view")
    form, year = _year(request)
    return render(
        request,
        "party/rollup.html",
        {
            "form": form,
            "year": year,
            "rows": selectors.service_rollup(user=request.user, year=year),
        },
    )


@login_required
def rollup_export(request: HttpRequest, fmt: str) -> Any:
    need(request, "party.view")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, year = _year(request)
    return export_response(ServiceRollupExporter(year=year), request.user, fmt)
