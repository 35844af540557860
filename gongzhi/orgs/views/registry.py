"""Registry pages: the list, an organisation's page with its timeline, register, change,
deregister, export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Kind
from gongzhi.areas.selectors import area_list
from gongzhi.core import registry
from gongzhi.core.exports import export_response
from gongzhi.orgs import eligibility, selectors, services
from gongzhi.orgs.forms import ChangeForm, DeregisterForm, RegisterForm
from gongzhi.orgs.models import CommunityCategory, ListKind, OrgKind, OrgStatus
from gongzhi.orgs.timeline import timeline
from gongzhi.orgs.views.common import form_page, managed, service_form

PAGE_SIZE = 50
GRADES = [("5", "5A"), ("4", "4A"), ("3", "3A"), ("2", "2A"), ("1", "1A")]


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@login_required
def org_index(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.org_list(
        user=request.user,
        q=g.get("q", ""),
        district=g.get("district", ""),
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        grade=g.get("grade", "") if g.get("grade", "") in {"1", "2", "3", "4", "5", "none"} else "",
        listing=g.get("listing", ""),
        has_party_org=_bool(g.get("party")),
        build=g.get("build", ""),
        sort=g.get("sort", "name"),
        annotate=False,
    )
    # Page through ids only: the rows shown are read once, with their derived columns.
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(g.get("page"))
    page.object_list = selectors.annotate_rows(page.object_list)  # type: ignore[assignment]
    # Labels translated once per page, not once per cell (get_FOO_display rebuilds the
    # choices and translates on every call: ~4 ms of a 50-row page, docs/performance.md).
    kinds = {k: str(v) for k, v in OrgKind.choices}
    statuses = {k: str(v) for k, v in OrgStatus.choices}
    for org in page.object_list:
        org.kind_label = kinds.get(org.kind, org.kind)  # type: ignore[attr-defined]
        org.status_label = statuses.get(org.status, org.status)  # type: ignore[attr-defined]
    params = g.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "query": params.urlencode(),
        "filters": g,
        "districts": area_list(user=request.user, kind=Kind.COUNTY).order_by("code"),
        "kinds": OrgKind.choices,
        "statuses": OrgStatus.choices,
        "grades": GRADES,
        "list_kinds": ListKind.choices,
        "sorts": [
            ("name", _("名称（拼音）")),
            ("-registered_on", _("登记日期（新→旧）")),
            ("registered_on", _("登记日期（旧→新）")),
            ("credit_code", _("信用代码")),
            ("area", _("住所地")),
            ("kind", _("类型")),
        ],
        "builds": [
            ("has_party_org", _("党组织")),
            ("has_union", _("工会")),
            ("has_youth_league", _("共青团")),
            ("has_women_federation", _("妇联")),
            ("all_four", _("四建齐全")),
        ],
        "may_register": request.user.has_perm("orgs.register"),
        "may_import": request.user.has_perm("orgs.import_orgs"),
        "may_export": request.user.has_perm("orgs.export"),
    }
    template = "orgs/_rows.html" if request.htmx else "orgs/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_get(user=request.user, pk=pk)
    prefetch_related_objects([org], "penalties")
    user: Any = request.user
    today = timezone.localdate()
    grade = (
        selectors.evaluation_list(user=user, org=org)
        .filter(evaluated_on__lte=today, valid_until__gt=today)
        .first()
    )
    context = {
        "org": org,
        "events": timeline(org, user),
        "reports": selectors.report_list(user=user, org=org),
        "evaluations": selectors.evaluation_list(user=user, org=org),
        "listings": selectors.listing_list(user=user, org=org),
        # The org is in scope, so its penalties are; one prefetch serves this list and the
        # timeline's penalty entries alike (the page's query count stays flat).
        "penalties": org.penalties.all(),
        "grade": grade,
        "flags": eligibility.flags(org, today) if org.status == OrgStatus.NORMAL else [],
        "refusals": eligibility.evaluation_refusals(org, today),
        "may_change": user.has_perm("orgs.change_org", org),
        "may_report": user.has_perm("orgs.file_report", org),
        "may_grade": user.has_perm("orgs.record_grade", org),
        "may_list": user.has_perm("orgs.manage_listing", org),
        "may_penalise": user.has_perm("orgs.record_penalty", org),
        "active": org.status == OrgStatus.NORMAL,
    }
    return render(request, "orgs/detail.html", context)


@login_required
def org_register(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("orgs.register"):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = services.org_register(
                actor=request.user,
                name=d["name"],
                kind=d["kind"],
                authority=d["authority"],
                area=d["area"],
                registered_on=d["registered_on"],
                credit_code=d["credit_code"] or None,
                community_category=d["community_category"],
                legal_rep_phone=d["legal_rep_phone"],
                **form.details(),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied:
            form.add_error("authority", _("您无权在该登记管理机关登记此类组织"))
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return form_page(request, form, _("登记 / 备案社会组织"), categories=CommunityCategory.choices)


@login_required
def org_change(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.change_org")
    form = ChangeForm(request.POST or None, org=org, user=request.user)

    def write(d: dict[str, Any]) -> Any:
        return services.org_change(
            actor=request.user,
            org=org,
            changes=form.changes(),
            effective_on=d["effective_on"],
            reason=d["reason"],
            approval_no=d["approval_no"],
        )

    aliases = {"area_code": "area", "changes": "__all__"}
    return service_form(request, org, form, _("变更登记"), write, _("变更已登记"), aliases)


@login_required
def org_deregister(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.deregister_org")
    form = DeregisterForm(request.POST or None)

    def write(d: dict[str, Any]) -> Any:
        return services.org_deregister(
            actor=request.user,
            org=org,
            on=d["deregistered_on"],
            reason=d["deregistration_reason"],
            revoked=d["revoked"],
        )

    return service_form(request, org, form, _("注销 / 撤销登记"), write, _("已注销（撤销）"))


@login_required
def org_export(request: HttpRequest, kind: str = "orgs") -> Any:
    if not request.user.has_perm("orgs.export"):
        raise PermissionDenied
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    return export_response(registry.exporter(kind)(), request.user, fmt)
