"""Pages for transfers, dues, the worklist, coverage and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import registry
from gongzhi.core.exports import export_response
from gongzhi.party import rules_config, selectors, services
from gongzhi.party.forms import (
    CoverageForm,
    DuesCalculatorForm,
    TransferApplyForm,
    TransferStepForm,
)
from gongzhi.party.models import TransferState
from gongzhi.party.rules import may_step_transfer
from gongzhi.party.views.common import form_errors, need

# --- transfers ------------------------------------------------------------------------------


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    state = request.GET.get("state", "")
    qs = selectors.transfer_list(user=request.user, state=state or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "party/transfer_list.html",
        {"page": page, "state": state, "states": TransferState.choices},
    )


@login_required
def transfer_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    need(request, "party.manage_transfer", member.party_org)
    # Any active Party organisation on the platform may receive; the user need not see it.
    from gongzhi.party.models import PartyOrg

    targets = PartyOrg.objects.filter(dissolved_on__isnull=True).only("id", "name")
    form = TransferApplyForm(request.POST or None, party_orgs=targets)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_apply(
                actor=request.user, member=member, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("party:transfer_detail", pk=transfer.pk)
    return render(
        request,
        "party/simple_form.html",
        {"form": form, "title": _("申请组织关系转接"), "member": member},
    )


STEPS = {
    TransferState.APPLIED: "issue",
    TransferState.ISSUED: "receive",
    TransferState.RECEIVED: "receipt",
    TransferState.RECEIPTED: "archive",
}


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "party.view")
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    step = STEPS.get(TransferState(transfer.state))
    form = TransferStepForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in (step, "cancel") or not may_step_transfer(request.user, transfer, action):
            raise PermissionDenied
        if form.is_valid():
            on = form.cleaned_data["on"]
            try:
                if action == "issue":
                    services.transfer_issue(
                        actor=request.user,
                        transfer=transfer,
                        issued_on=on,
                        letter_number=form.cleaned_data["letter_number"],
                        valid_days=form.cleaned_data["valid_days"],
                    )
                elif action == "receive":
                    services.transfer_receive(actor=request.user, transfer=transfer, received_on=on)
                elif action == "receipt":
                    services.transfer_receipt(actor=request.user, transfer=transfer, receipt_on=on)
                elif action == "archive":
                    services.transfer_archive(actor=request.user, transfer=transfer, archived_on=on)
                else:
                    services.transfer_cancel(actor=request.user, transfer=transfer)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect("party:transfer_detail", pk=transfer.pk)
    today = timezone.localdate()
    return render(
        request,
        "party/transfer_detail.html",
        {
            "transfer": transfer,
            "step": step if step and may_step_transfer(request.user, transfer, step) else None,
            "may_cancel": transfer.state in ("applied", "issued")
            and may_step_transfer(request.user, transfer, "cancel"),
            "form": form,
            "expired": transfer.letter_expired(today),
            "overdue": transfer.receipt_overdue(today),
        },
    )


# --- dues -----------------------------------------------------------------------------------


@login_required
def dues(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    qs = selectors.dues_list(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "party/dues.html", {"page": page, "form": DuesCalculatorForm()})


@login_required
def dues_calculator(request: HttpRequest) -> HttpResponse:
    """The calculator: the bracket used and the amount (an htmx fragment or a full page)."""
    form = DuesCalculatorForm(request.GET or None)
    quote = None
    if form.is_bound and form.is_valid():
        try:
            quote = services.dues_quote(**form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
    template = "party/_dues_quote.html" if request.htmx else "party/dues_calculator.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "quote": quote})


# --- worklist, coverage, exports ------------------------------------------------------------


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    org = None
    if request.GET.get("org"):
        org = selectors.party_org_get(user=request.user, pk=request.GET["org"])
    items = selectors.worklist(user=request.user, party_org=org)
    return render(
        request,
        "party/worklist.html",
        {
            "items": items,
            "org": org,
            "orgs": selectors.party_org_choices(user=request.user).order_by("name")[:500],
            "may_propose": request.user.has_perm("party.propose_listing"),
            "min_formal": rules_config.current().min_formal_members_for_own_branch,
        },
    )


@login_required
@require_POST
def propose_listings(request: HttpRequest) -> HttpResponse:
    """应建未建 → proposals to 活动异常名录 for the organisations in the user's scope."""
    need(request, "party.propose_listing")
    result = services.listings_propose_no_party_org(actor=request.user)
    messages.info(
        request,
        _(
            "应建未建的社会组织 %(found)d 个：新提出活动异常名录建议 %(new)d 条（待登记管理机关审核），"
            "已在审核或名录中 %(open)d 个，近期已不予列入 %(declined)d 个，"
            "备案或已注销不列入 %(other)d 个"
        )
        % {
            "found": result.found,
            "new": len(result.proposed),
            "open": result.already_open,
            "declined": result.recently_declined,
            "other": result.not_listable,
        },
    )
    return redirect("party:worklist")


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    need(request, "party.view")
    form = CoverageForm(request.GET or None)
    as_of: dt.date = timezone.localdate()
    if form.is_valid() and form.cleaned_data.get("as_of"):
        as_of = form.cleaned_data["as_of"]
    return render(
        request,
        "party/coverage.html",
        {
            "form": form,
            "as_of": as_of,
            "total": selectors.coverage_figures(user=request.user, as_of=as_of),
            "rows": selectors.coverage_by_district(user=request.user, as_of=as_of),
        },
    )


EXPORT_KINDS = {"party-orgs", "party-members", "party-life", "party-dues"}


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> Any:
    need(request, "party.view")
    if kind not in EXPORT_KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(
        registry.exporter(kind)(), request.user, fmt, reveal=request.GET.get("reveal") == "1"
    )
