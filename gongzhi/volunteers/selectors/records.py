"""Reads of training, awards, evaluations, complaints and correction requests, scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gongzhi.core.scope import get_or_404, restrict
from gongzhi.volunteers.models import (
    Award,
    Complaint,
    CorrectionRequest,
    CorrectionStatus,
    Evaluation,
    Training,
    Volunteer,
)


def training_list(*, user: Any) -> QuerySet[Training]:
    return (
        restrict(Training.objects.select_related("team"), user)
        .annotate(
            attended_count=Count("records", filter=Q(records__attended=True)),
            absent_count=Count("records", filter=Q(records__attended=False)),
        )
        .order_by("-held_on", "-id")
    )


def training_get(*, user: Any, pk: int) -> Training:
    return get_or_404(Training.objects.select_related("team"), user, pk=pk)


def training_records(training: Training) -> QuerySet[Any]:
    return training.records.select_related("volunteer").order_by("-attended", "volunteer__number")


def award_list(*, user: Any) -> QuerySet[Award]:
    return restrict(Award.objects.select_related("volunteer", "team"), user).order_by(
        "-awarded_on", "-id"
    )


def evaluation_list(*, user: Any) -> QuerySet[Evaluation]:
    return restrict(
        Evaluation.objects.select_related("volunteer", "team", "activity"), user
    ).order_by("-evaluated_on", "-id")


def complaint_list(*, user: Any, status: str | None = None) -> QuerySet[Complaint]:
    qs = restrict(Complaint.objects.select_related("team", "activity"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


def complaint_get(*, user: Any, pk: int) -> Complaint:
    return get_or_404(
        Complaint.objects.select_related("team", "activity", "volunteer", "handled_by"),
        user,
        pk=pk,
    )


def complaint_by_token(token: str) -> Complaint | None:
    """Public: the complainant follows their complaint by its secret tracking code."""
    return Complaint.objects.select_related("team", "activity").filter(tracking_token=token).first()


def complaints_by(user: Any) -> QuerySet[Complaint]:
    """Complaints this account lodged."""
    return (
        Complaint.objects.filter(complainant_user=user)
        .select_related("team", "activity")
        .order_by("-received_on", "-id")
    )


def correction_list(*, user: Any, status: str | None = CorrectionStatus.PENDING) -> Any:
    qs = restrict(CorrectionRequest.objects.select_related("volunteer"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("requested_at", "id")


def correction_get(*, user: Any, pk: int) -> CorrectionRequest:
    return get_or_404(CorrectionRequest.objects.select_related("volunteer"), user, pk=pk)


def volunteer_for_record(*, user: Any, number: str) -> Volunteer | None:
    """A volunteer named by number on an organiser's form. Not scoped by home area: a team
    serves volunteers from anywhere; the services check the volunteer is the team's."""
    return Volunteer.objects.filter(number=(number or "").strip().upper()).first()
