"""Pages for an organisation's records: annual reports, grades, penalties, credit listings,
and the credit-list checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.orgs import eligibility, selectors, services
from gongzhi.orgs.forms import (
    DelistForm,
    EvaluationForm,
    ListingForm,
    PenaltyForm,
    RejectForm,
    ReportForm,
)
from gongzhi.orgs.models import CreditListing, ListingState, PenaltyKind
from gongzhi.orgs.rules_config import rules
from gongzhi.orgs.views.common import form_page, managed, service_form


@login_required
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.file_report")
    may_conclude = request.user.has_perm("orgs.change_org", org)
    initial: dict[str, Any] = {"year": timezone.localdate().year - 1}
    year = request.GET.get("year")
    if year and year.isdecimal():
        existing = org.annual_reports.filter(year=int(year)).first()
        initial = ReportForm.initial_from(existing) if existing else {"year": int(year)}
    form = ReportForm(request.POST or None, may_conclude=may_conclude, initial=initial)

    def write(d: dict[str, Any]) -> Any:
        year, submitted_on, result = d.pop("year"), d.pop("submitted_on"), d.pop("result", "")
        try:
            return services.report_file(
                actor=request.user,
                org=org,
                year=year,
                submitted_on=submitted_on,
                result=result,
                **d,
            )
        except PermissionDenied as exc:  # a conclusion is the authority's (the service says)
            raise ValidationError(str(exc)) from exc

    def done(d: dict[str, Any]) -> str:
        return _("%(y)d年度工作报告已报送") % {"y": d["year"]}

    return service_form(request, org, form, _("报送年度工作报告"), write, done)


@login_required
def evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.record_grade")
    form = EvaluationForm(request.POST or None)

    def write(d: dict[str, Any]) -> Any:
        return services.evaluation_record(actor=request.user, org=org, **d)

    done, aliases = _("评估等级已记录"), {"org": "__all__"}
    return service_form(request, org, form, _("记录评估等级"), write, done, aliases)


@login_required
def penalty_record(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.record_penalty")
    form = PenaltyForm(request.POST or None)

    def write(d: dict[str, Any]) -> Any:
        penalty = services.penalty_record(actor=request.user, org=org, **d)
        # 民政部令60号: a fine of 50,000 yuan or more proposes the serious list (the service).
        if penalty.fine_yuan is not None and penalty.fine_yuan >= rules().serious_fine_yuan:
            messages.info(request, _("罚款达到列入严重违法失信名单的标准，已提请审核"))
        if penalty.kind == PenaltyKind.REVOCATION:
            messages.info(request, _("已撤销登记：该组织自处罚日期起不再计入登记数"))
        return penalty

    return service_form(request, org, form, _("记录行政处罚"), write, _("行政处罚已记录"))


@login_required
def listing_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = managed(request, pk, "orgs.manage_listing")
    form = ListingForm(request.POST or None)

    def write(d: dict[str, Any]) -> Any:
        return services.listing_add(actor=request.user, org=org, **d)

    return service_form(request, org, form, _("列入信用名单"), write, _("已列入名单"))


def _listing(request: HttpRequest, pk: int, listing_id: int) -> CreditListing:
    org = managed(request, pk, "orgs.manage_listing")
    entry = selectors.listing_list(user=request.user, org=org).filter(pk=listing_id).first()
    if entry is None:
        raise Http404
    return entry


@login_required
def listing_remove(request: HttpRequest, pk: int, listing_id: int) -> HttpResponse:
    entry = _listing(request, pk, listing_id)
    form = DelistForm(request.POST or None)

    def write(d: dict[str, Any]) -> Any:
        return services.listing_remove(
            actor=request.user,
            listing=entry,
            removed_on=d["removed_on"],
            reason=d["removal_reason"],
            rectified_on=d["rectified_on"],
            rectification=d["rectification"],
        )

    title, done = _("移出信用名单"), _("已移出名单")
    return service_form(
        request, entry.org, form, title, write, done, {"state": "__all__"}, listing=entry
    )


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
    return form_page(request, form, _("审核名单建议"), entry.org, listing=entry, decide=True)


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
