"""/api/v1/volunteers/: training, awards and evaluations, written by a team's organisers
(MZ/T 061; services/records.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.api_records.common import (
    RecordPage,
    need,
    router,
    team_for,
    volunteer_by_number,
    volunteers_by_number,
)

# --- schemas ---------------------------------------------------------------------------------


class TrainingIn(Schema):
    team_id: int
    title: str
    held_on: dt.date
    hours: Decimal = Decimal(0)
    provider: str = ""
    content: str = ""
    attended: list[str] = []
    absent: list[str] = []


class TrainingRecordOut(Schema):
    volunteer_number: str
    attended: bool

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return obj.volunteer.number


class TrainingOut(Schema):
    id: int
    team_id: int
    title: str
    provider: str
    held_on: dt.date
    hours: Decimal
    area_code: str


class TrainingDetailOut(TrainingOut):
    records: list[TrainingRecordOut]

    @staticmethod
    def resolve_records(obj: Any) -> list[Any]:
        return list(selectors.training_records(obj))


class AttendanceIn(Schema):
    volunteer_number: str
    attended: bool = True


class AwardIn(Schema):
    team_id: int
    volunteer_number: str
    title: str
    awarded_by: str
    awarded_on: dt.date
    level: str = ""


class AwardOut(Schema):
    id: int
    volunteer_id: int
    team_id: int | None
    title: str
    level: str
    awarded_by: str
    awarded_on: dt.date


class EvaluationIn(Schema):
    team_id: int
    volunteer_number: str
    period: str
    grade: str
    comment: str = ""
    activity_id: int | None = None


class EvaluationOut(Schema):
    id: int
    volunteer_id: int
    team_id: int
    activity_id: int | None
    period: str
    grade: str
    comment: str
    evaluated_on: dt.date


# --- training --------------------------------------------------------------------------------


@router.get("/trainings", response=list[TrainingOut])
def trainings(request: HttpRequest, page: Query[RecordPage]) -> Any:
    return list(page.of(selectors.training_list(user=request.user)))


@router.post("/trainings", response={201: TrainingDetailOut})
def training_create(request: HttpRequest, payload: TrainingIn) -> Any:
    team = team_for(request, payload.team_id, "volunteers.record_training")
    training = services.training_record(
        actor=request.user,
        team=team,
        title=payload.title,
        held_on=payload.held_on,
        hours=payload.hours,
        provider=payload.provider,
        content=payload.content,
        attended=volunteers_by_number(payload.attended, "attended"),
        absent=volunteers_by_number(payload.absent, "absent"),
    )
    return Status(201, training)


@router.get("/trainings/{training_id}", response=TrainingDetailOut)
def training(request: HttpRequest, training_id: int) -> Any:
    return selectors.training_get(user=request.user, pk=training_id)


@router.post("/trainings/{training_id}/attendance", response=TrainingRecordOut)
def training_attendance(request: HttpRequest, training_id: int, payload: AttendanceIn) -> Any:
    t = selectors.training_get(user=request.user, pk=training_id)
    need(request, "volunteers.record_training", t)
    v = volunteer_by_number(payload.volunteer_number)
    return services.training_attendance_set(
        actor=request.user, training=t, volunteer=v, attended=payload.attended
    )


# --- awards and evaluations ------------------------------------------------------------------


@router.get("/awards", response=list[AwardOut])
def awards(request: HttpRequest, page: Query[RecordPage]) -> Any:
    return list(page.of(selectors.award_list(user=request.user)))


@router.post("/awards", response={201: AwardOut})
def award_create(request: HttpRequest, payload: AwardIn) -> Any:
    team = team_for(request, payload.team_id, "volunteers.record_award")
    v = volunteer_by_number(payload.volunteer_number)
    return Status(
        201,
        services.award_add(
            actor=request.user,
            volunteer=v,
            team=team,
            title=payload.title,
            awarded_by=payload.awarded_by,
            awarded_on=payload.awarded_on,
            level=payload.level,
        ),
    )


@router.get("/evaluations", response=list[EvaluationOut])
def evaluations(request: HttpRequest, page: Query[RecordPage]) -> Any:
    return list(page.of(selectors.evaluation_list(user=request.user)))


@router.post("/evaluations", response={201: EvaluationOut})
def evaluation_create(request: HttpRequest, payload: EvaluationIn) -> Any:
    team = team_for(request, payload.team_id, "volunteers.evaluate")
    v = volunteer_by_number(payload.volunteer_number)
    activity = None
    if payload.activity_id is not None:
        activity = selectors.activity_get(user=request.user, pk=payload.activity_id)
    return Status(
        201,
        services.evaluation_add(
            actor=request.user,
            volunteer=v,
            team=team,
            period=payload.period,
            grade=payload.grade,
            comment=payload.comment,
            activity=activity,
        ),
    )
