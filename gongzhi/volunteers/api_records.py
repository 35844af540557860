"""/api/v1/volunteers/: training, awards, evaluations, complaints (organisers), and a
volunteer's own data (PIPL rights) and consent. Mounted on the app router in api.py."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.models import ComplaintStatus, Volunteer

router = Router(tags=["volunteers"])


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _team(request: HttpRequest, team_id: int, perm: str) -> Any:
    team = selectors.team_get(user=request.user, pk=team_id)
    _need(request, perm, team)
    return team


def _volunteers(numbers: list[str], field: str) -> list[Volunteer]:
    wanted = [n.strip().upper() for n in numbers if n.strip()]
    found = {v.number: v for v in Volunteer.objects.filter(number__in=wanted)}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValidationError({field: _("没有找到志愿者编号：%(n)s") % {"n": "、".join(unknown)}})
    return [found[n] for n in dict.fromkeys(wanted)]


def _one(number: str) -> Volunteer:
    if not (number or "").strip():
        raise ValidationError({"volunteer_number": _("请填写志愿者编号")})
    return _volunteers([number], "volunteer_number")[0]


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


class ComplaintIn(Schema):
    content: str
    activity_id: int | None = None
    team_id: int | None = None


class ComplaintOut(Schema):
    id: int
    number: str
    team_id: int
    activity_id: int | None
    status: str
    content: str
    received_on: dt.date
    accepted_on: dt.date | None
    resolved_on: dt.date | None
    resolution: str


class ResolutionIn(Schema):
    resolution: str


# --- training --------------------------------------------------------------------------------


@router.get("/trainings", response=list[TrainingOut])
def trainings(request: HttpRequest) -> Any:
    return list(selectors.training_list(user=request.user)[:200])


@router.post("/trainings", response={201: TrainingDetailOut})
def training_create(request: HttpRequest, payload: TrainingIn) -> Any:
    team = _team(request, payload.team_id, "volunteers.record_training")
    training = services.training_record(
        actor=request.user,
        team=team,
        title=payload.title,
        held_on=payload.held_on,
        hours=payload.hours,
        provider=payload.provider,
        content=payload.content,
        attended=_volunteers(payload.attended, "attended"),
        absent=_volunteers(payload.absent, "absent"),
    )
    return 201, training


@router.get("/trainings/{training_id}", response=TrainingDetailOut)
def training(request: HttpRequest, training_id: int) -> Any:
    return selectors.training_get(user=request.user, pk=training_id)


@router.post("/trainings/{training_id}/attendance", response=TrainingRecordOut)
def training_attendance(request: HttpRequest, training_id: int, payload: AttendanceIn) -> Any:
    t = selectors.training_get(user=request.user, pk=training_id)
    _need(request, "volunteers.record_training", t)
    v = _one(payload.volunteer_number)
    return services.training_attendance_set(
        actor=request.user, training=t, volunteer=v, attended=payload.attended
    )


# --- awards and evaluations ------------------------------------------------------------------


@router.get("/awards", response=list[AwardOut])
def awards(request: HttpRequest) -> Any:
    return list(selectors.award_list(user=request.user)[:200])


@router.post("/awards", response={201: AwardOut})
def award_create(request: HttpRequest, payload: AwardIn) -> Any:
    team = _team(request, payload.team_id, "volunteers.record_award")
    v = _one(payload.volunteer_number)
    return 201, services.award_add(
        actor=request.user,
        volunteer=v,
        team=team,
        title=payload.title,
        awarded_by=payload.awarded_by,
        awarded_on=payload.awarded_on,
        level=payload.level,
    )


@router.get("/evaluations", response=list[EvaluationOut])
def evaluations(request: HttpRequest) -> Any:
    return list(selectors.evaluation_list(user=request.user)[:200])


@router.post("/evaluations", response={201: EvaluationOut})
def evaluation_create(request: HttpRequest, payload: EvaluationIn) -> Any:
    team = _team(request, payload.team_id, "volunteers.evaluate")
    v = _one(payload.volunteer_number)
    activity = None
    if payload.activity_id is not None:
        activity = selectors.activity_get(user=request.user, pk=payload.activity_id)
    return 201, services.evaluation_add(
        actor=request.user,
        volunteer=v,
        team=team,
        period=payload.period,
        grade=payload.grade,
        comment=payload.comment,
        activity=activity,
    )


# --- complaints ------------------------------------------------------------------------------


@router.get("/complaints", response=list[ComplaintOut])
def complaints(request: HttpRequest, status: str | None = None) -> Any:
    if status and status not in ComplaintStatus.values:
        raise ValidationError({"status": _("不是可选的状态")})
    return list(selectors.complaint_list(user=request.user, status=status)[:200])


@router.get("/complaints/mine", response=list[ComplaintOut])
def my_complaints(request: HttpRequest) -> Any:
    return list(selectors.complaints_by(request.user)[:200])


@router.post("/complaints", response={201: ComplaintOut})
def complaint_lodge(request: HttpRequest, payload: ComplaintIn) -> Any:
    """A signed-in volunteer or resident lodges a complaint about an activity or a team."""
    from gongzhi.volunteers.models import Activity, Team

    activity = team = None
    if payload.activity_id is not None:
        activity = (
            Activity.objects.exclude(status=Activity.Status.DRAFT)
            .filter(pk=payload.activity_id)
            .first()
        )
        if activity is None:
            raise ValidationError({"activity_id": _("活动不存在")})
    elif payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"team_id": _("队伍不存在")})
    return 201, services.complaint_file(
        actor=request.user, team=team, activity=activity, content=payload.content
    )


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def complaint(request: HttpRequest, complaint_id: int) -> Any:
    return selectors.complaint_get(user=request.user, pk=complaint_id)


def _handle(request: HttpRequest, complaint_id: int) -> Any:
    c = selectors.complaint_get(user=request.user, pk=complaint_id)
    _need(request, "volunteers.handle_complaint", c)
    return c


@router.post("/complaints/{complaint_id}/accept", response=ComplaintOut)
def complaint_accept(request: HttpRequest, complaint_id: int) -> Any:
    return services.complaint_accept(actor=request.user, complaint=_handle(request, complaint_id))


@router.post("/complaints/{complaint_id}/resolve", response=ComplaintOut)
def complaint_resolve(request: HttpRequest, complaint_id: int, payload: ResolutionIn) -> Any:
    return services.complaint_resolve(
        actor=request.user,
        complaint=_handle(request, complaint_id),
        resolution=payload.resolution,
    )


@router.post("/complaints/{complaint_id}/reject", response=ComplaintOut)
def complaint_reject(request: HttpRequest, complaint_id: int, payload: ResolutionIn) -> Any:
    return services.complaint_reject(
        actor=request.user, complaint=_handle(request, complaint_id), reason=payload.resolution
    )


# --- a volunteer's own data (PIPL) -----------------------------------------------------------


def _me(request: HttpRequest) -> Volunteer:
    """The caller's profile, for their rights (see, copy, delete): no consent needed."""
    v = selectors.volunteer_of(request.user)
    if v is None:
        raise Http404
    return v


def _me_consented(request: HttpRequest) -> Volunteer:
    from gongzhi.volunteers.api import me_consented

    return me_consented(request)


class ConsentIn(Schema):
    version: str


class ConsentOut(Schema):
    consent_version: str
    consent_on: dt.date | None
    current_version: str


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    field: str
    value: str


class MyDataIn(Schema):
    phone: str | None = None
    skills: list[str] | None = None


class CorrectionIn(Schema):
    field: str
    new_value: str
    reason: str


class CorrectionOut(Schema):
    id: int
    volunteer_number: str
    field: str
    new_value_shown: str
    status: str
    requested_at: dt.datetime
    decision_note: str

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return obj.volunteer.number


class DecideIn(Schema):
    approve: bool
    note: str = ""


class DeleteIn(Schema):
    confirm: str


def _consent_out(v: Volunteer) -> ConsentOut:
    from gongzhi.volunteers.rules_config import current

    return ConsentOut(
        consent_version=v.consent_version,
        consent_on=v.consent_on,
        current_version=current().consent_version,
    )


@router.get("/me/consent", response=ConsentOut)
def my_consent(request: HttpRequest) -> Any:
    return _consent_out(_me(request))


@router.post("/me/consent", response=ConsentOut)
def consent(request: HttpRequest, payload: ConsentIn) -> Any:
    v = services.volunteer_consent(
        actor=request.user, volunteer=_me(request), version=payload.version
    )
    return _consent_out(v)


@router.get("/me/data", response=dict)
def my_data(request: HttpRequest) -> Any:
    """Everything held about the caller, ID and phone masked."""
    from django.core.serializers.json import DjangoJSONEncoder

    data = selectors.personal_data(_me(request))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


@router.post("/me/data/reveal", response=RevealOut)
def reveal(request: HttpRequest, payload: RevealIn) -> Any:
    value = services.volunteer_reveal_own(
        actor=request.user, volunteer=_me(request), field=payload.field
    )
    return RevealOut(field=payload.field, value=value)


@router.post("/me/data/copy", response=dict)
def copy(request: HttpRequest) -> Any:
    """A copy of everything held about the caller, full numbers included (audited)."""
    body, _t, _n = services.personal_data_copy(
        actor=request.user, volunteer=_me(request), fmt="json"
    )
    return json.loads(body)


@router.patch("/me/data", response=dict)
def edit(request: HttpRequest, payload: MyDataIn) -> Any:
    v = _me_consented(request)
    changes = payload.dict(exclude_none=True)
    if changes:
        services.volunteer_update(actor=request.user, volunteer=v, **changes)
    return {"phone": v.phone_masked, "skills": v.skills}


@router.get("/me/corrections", response=list[CorrectionOut])
def my_corrections(request: HttpRequest) -> Any:
    return list(
        _me(request).correction_requests.select_related("volunteer").order_by("-requested_at")
    )


@router.post("/me/corrections", response={201: CorrectionOut})
def correction_request(request: HttpRequest, payload: CorrectionIn) -> Any:
    return 201, services.correction_request(
        actor=request.user,
        volunteer=_me_consented(request),
        field=payload.field,
        new_value=payload.new_value,
        reason=payload.reason,
    )


@router.post("/me/delete", response=dict)
def delete(request: HttpRequest, payload: DeleteIn) -> Any:
    """Irreversible: the caller's personal data is removed; the records stay anonymous."""
    v = services.volunteer_anonymise(
        actor=request.user, volunteer=_me(request), confirm=payload.confirm
    )
    return {"number": v.number, "status": v.status}


@router.get("/corrections", response=list[CorrectionOut])
def corrections(request: HttpRequest) -> Any:
    return list(selectors.correction_list(user=request.user)[:200])


@router.post("/corrections/{request_id}/decide", response=CorrectionOut)
def correction_decide(request: HttpRequest, request_id: int, payload: DecideIn) -> Any:
    req = selectors.correction_get(user=request.user, pk=request_id)
    _need(request, "volunteers.decide_correction", req)
    return services.correction_decide(
        actor=request.user, request=req, approve=payload.approve, note=payload.note
    )
