"""Registry pages: list, organisation page with timeline, a form per service, export. Thin:
forms parse, services write, selectors read."""

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
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Kind
from gongzhi.areas.selectors import area_list
from gongzhi.core import registry
from gongzhi.core.exports import export_response
from gongzhi.orgs import eligibility, selectors, services
from gongzhi.orgs.forms import (
    ORG_DETAIL_FIELDS,
    ChangeForm,
    DelistForm,
    DeregisterForm,
    EvaluationForm,
    ListingForm,
    PenaltyForm,
    RegisterForm,
    RejectForm,
    ReportForm,
)
from gongzhi.orgs.models import (
    CommunityCategory,
    CreditListing,
    ListingState,
    ListKind,
    OrgKind,
    OrgStatus,
    SocialOrg,
)
from gongzhi.orgs.rules_config import rules
from gongzhi.orgs.timeline import timeline

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


def _form_page(
    request: HttpRequest, form: Any, title: str, org: SocialOrg | None = None, **extra: Any
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": title, "org": org, **extra},
        status=status,
    )


@login_required
def org_register(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("orgs.register"):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        extra: dict[str, Any] = {f: d.get(f) for f in ORG_DETAIL_FIELDS}
        extra = {k: ("" if v is None and k in _TEXT else v) for k, v in extra.items()}
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
                **extra,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied:
            form.add_error("authority", _("您无权在该登记管理机关登记此类组织"))
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("登记 / 备案社会组织"), categories=CommunityCategory.choices)


_TEXT = {
    "domicile",
    "industry",
    "purpose",
    "business_scope",
    "supervising_unit",
    "activity_region",
    "legal_rep_name",
}


def _managed(request: HttpRequest, pk: int, perm: str) -> SocialOrg:
    org = selectors.org_get(user=request.user, pk=pk)
    if not request.user.has_perm(perm, org):
        raise PermissionDenied
    return org


@login_required
def org_change(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.change_org")
    form = ChangeForm(request.POST or None, org=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.org_change(
                actor=request.user,
                org=org,
                changes=form.changes(),
                effective_on=d["effective_on"],
                reason=d["reason"],
                approval_no=d["approval_no"],
            )
        except ValidationError as exc:
            form.add_service_error(exc, {"area_code": "area", "changes": "__all__"})
        else:
            messages.success(request, _("变更已登记"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("变更登记"), org)


@login_required
def org_deregister(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.deregister_org")
    form = DeregisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.org_deregister(
                actor=request.user,
                org=org,
                on=d["deregistered_on"],
                reason=d["deregistration_reason"],
                revoked=d["revoked"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已注销（撤销）"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("注销 / 撤销登记"), org)


@login_required
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.file_report")
    may_conclude = request.user.has_perm("orgs.change_org", org)
    initial: dict[str, Any] = {"year": timezone.localdate().year - 1}
    year = request.GET.get("year")
    if year and year.isdecimal():
        existing = org.annual_reports.filter(year=int(year)).first()
        initial = ReportForm.initial_from(existing) if existing else {"year": int(year)}
    form = ReportForm(request.POST or None, may_conclude=may_conclude, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        year_value, submitted_on, result = d.pop("year"), d.pop("submitted_on"), d.pop("result", "")
        try:
            services.report_file(
                actor=request.user,
                org=org,
                year=year_value,
                submitted_on=submitted_on,
                result=result,
                **d,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(y)d年度工作报告已报送") % {"y": year_value})
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("报送年度工作报告"), org)


@login_required
def evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.record_grade")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc, {"org": "__all__"})
        else:
            messages.success(request, _("评估等级已记录"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("记录评估等级"), org)


@login_required
def penalty_record(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.record_penalty")
    form = PenaltyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            penalty = services.penalty_record(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("行政处罚已记录"))
            # 民政部令60号: a fine of 50,000 yuan or more proposes the serious list (the service).
            if penalty.fine_yuan is not None and penalty.fine_yuan >= rules().serious_fine_yuan:
                messages.info(request, _("罚款达到列入严重违法失信名单的标准，已提请审核"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("记录行政处罚"), org)


@login_required
def listing_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk, "orgs.manage_listing")
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_add(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已列入名单"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, form, _("列入信用名单"), org)


def _listing(request: HttpRequest, pk: int, listing_id: int) -> CreditListing:
    org = _managed(request, pk, "orgs.manage_listing")
    entry = selectors.listing_list(user=request.user, org=org).filter(pk=listing_id).first()
    if entry is None:
        from django.http import Http404

        raise Http404
    return entry


@login_required
def listing_remove(request: HttpRequest, pk: int, listing_id: int) -> HttpResponse:
    entry = _listing(request, pk, listing_id)
    form = DelistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.listing_remove(
                actor=request.user,
                listing=entry,
                removed_on=d["removed_on"],
                reason=d["removal_reason"],
                rectified_on=d["rectified_on"],
                rectification=d["rectification"],
            )
        except ValidationError as exc:
            form.add_service_error(exc, {"state": "__all__"})
        else:
            messages.success(request, _("已移出名单"))
            return redirect("orgs:detail", pk=pk)
    return _form_page(request, form, _("移出信用名单"), entry.org, listing=entry)


@login_required
def listing_decide(request: HttpRequest, pk: int, listing_id: int) -> HttpResponse:
    """Confirm (POST decision=confirm) or reject (with a reason) a proposed listing."""
    entry = _listing(request, pk, listing_id)
    if entry.state != ListingState.PROPOSED:
        messages.error(request, _("该记录不是待审核状态"))
        return redirect("orgs:detail", pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and request.POST.get("decision") == "confirm":
        services.listing_confirm(actor=request.user, listing=entry)
        messages.success(request, _("已确认列入"))
        return redirect("orgs:detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        services.listing_reject(
            actor=request.user, listing=entry, reason=form.cleaned_data["removal_reason"]
        )
        messages.success(request, _("已不予列入"))
        return redirect("orgs:detail", pk=pk)
    return _form_page(request, form, _("审核名单建议"), entry.org, listing=entry, decide=True)


@login_required
def org_export(request: HttpRequest, kind: str = "orgs") -> Any:
    if not request.user.has_perm("orgs.export"):
        raise PermissionDenied
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    return export_response(registry.exporter(kind)(), request.user, fmt)


@require_POST
@login_required
def run_flags(request: HttpRequest) -> HttpResponse:
    """Propose listings for missed reports and two-year anomaly entries in the user's scope."""
    if not request.user.has_perm("orgs.manage_listing"):
        raise PermissionDenied
    year = eligibility.last_due_report_year(timezone.localdate())
    flagged = services.listings_flag_missing_reports(actor=request.user, year=year)
    promoted = services.listings_promote_overdue(actor=request.user)
    ended = services.listings_end_expired(actor=request.user)
    messages.info(
        request,
        _("已提出 %(a)d 条活动异常名录建议、%(b)d 条严重违法失信名单建议，待审核")
        % {"a": len(flagged), "b": len(promoted)},
    )
    if ended:
        messages.info(
            request,
            _("%(n)d 条严重违法失信名单记录期满，已移出") % {"n": len(ended)},
        )
    return redirect("orgs:index")
