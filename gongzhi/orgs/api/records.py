"""`/api/v1/orgs/{ref}/...`: an organisation's annual reports, evaluations, penalties and
credit listings."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja.responses import Status

from gongzhi.orgs import selectors, services
from gongzhi.orgs.api.common import org_ref, router
from gongzhi.orgs.api.schemas import (
    ConfirmIn,
    DelistIn,
    EvaluationIn,
    EvaluationOut,
    ListingIn,
    ListingOut,
    PenaltyIn,
    PenaltyOut,
    RejectIn,
    ReportIn,
    ReportOut,
)
from gongzhi.orgs.models import CreditListing, Evaluation, Penalty


@router.get("/{ref}/annual-reports", response=list[ReportOut])
def list_reports(request: HttpRequest, ref: str) -> Any:
    return [
        ReportOut.of(r) for r in selectors.report_list(user=request.user, org=org_ref(request, ref))
    ]


@router.post("/{ref}/annual-reports", response={201: ReportOut}, summary="File an annual report")
def file_report(request: HttpRequest, ref: str, payload: ReportIn) -> Any:
    report = services.report_file(actor=request.user, org=org_ref(request, ref), **payload.dict())
    return Status(201, ReportOut.of(report))


@router.get("/{ref}/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest, ref: str) -> Any:
    return list(selectors.evaluation_list(user=request.user, org=org_ref(request, ref)))


@router.post("/{ref}/evaluations", response={201: EvaluationOut}, summary="Record a grade")
def record_evaluation(request: HttpRequest, ref: str, payload: EvaluationIn) -> Any:
    evaluation: Evaluation = services.evaluation_record(
        actor=request.user, org=org_ref(request, ref), **payload.dict()
    )
    return Status(201, evaluation)


@router.get("/{ref}/penalties", response=list[PenaltyOut])
def list_penalties(request: HttpRequest, ref: str) -> Any:
    return list(selectors.penalty_list(user=request.user, org=org_ref(request, ref)))


@router.post("/{ref}/penalties", response={201: PenaltyOut}, summary="Record a penalty (处罚)")
def record_penalty(request: HttpRequest, ref: str, payload: PenaltyIn) -> Any:
    """A fine at or above the serious-list threshold also proposes the listing for review."""
    penalty: Penalty = services.penalty_record(
        actor=request.user, org=org_ref(request, ref), **payload.dict()
    )
    return Status(201, penalty)


@router.get("/{ref}/listings", response=list[ListingOut])
def list_listings(request: HttpRequest, ref: str) -> Any:
    return list(selectors.listing_list(user=request.user, org=org_ref(request, ref)))


@router.post("/{ref}/listings", response={201: ListingOut}, summary="List on a credit list")
def add_listing(request: HttpRequest, ref: str, payload: ListingIn) -> Any:
    entry: CreditListing = services.listing_add(
        actor=request.user, org=org_ref(request, ref), **payload.dict()
    )
    return Status(201, entry)


def _listing(request: HttpRequest, ref: str, listing_id: int) -> CreditListing:
    org = org_ref(request, ref)
    entry = selectors.listing_list(user=request.user, org=org).filter(pk=listing_id).first()
    if entry is None:
        raise Http404
    return entry


@router.post("/{ref}/listings/{listing_id}/remove", response=ListingOut, summary="Delist")
def remove_listing(request: HttpRequest, ref: str, listing_id: int, payload: DelistIn) -> Any:
    entry = _listing(request, ref, listing_id)
    return services.listing_remove(actor=request.user, listing=entry, **payload.dict())


@router.post(
    "/{ref}/listings/{listing_id}/confirm",
    response=ListingOut,
    summary="Confirm a proposed listing (flags, promotions, other apps)",
)
def confirm_listing(request: HttpRequest, ref: str, listing_id: int, payload: ConfirmIn) -> Any:
    entry = _listing(request, ref, listing_id)
    return services.listing_confirm(actor=request.user, listing=entry, **payload.dict())


@router.post(
    "/{ref}/listings/{listing_id}/reject", response=ListingOut, summary="Reject a proposed listing"
)
def reject_listing(request: HttpRequest, ref: str, listing_id: int, payload: RejectIn) -> Any:
    entry = _listing(request, ref, listing_id)
    return services.listing_reject(actor=request.user, listing=entry, reason=payload.reason)
