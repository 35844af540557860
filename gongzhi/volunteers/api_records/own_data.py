"""/api/v1/volunteers/me/...: a volunteer's rights over their data (PIPL art. 44-47) and
consent; registrars decide identity corrections (/corrections)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.api_records.common import RecordPage, need, router
from gongzhi.volunteers.models import Volunteer

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
    return Status(
        201,
        services.correction_request(
            actor=request.user,
            volunteer=_me_consented(request),
            field=payload.field,
            new_value=payload.new_value,
            reason=payload.reason,
        ),
    )


@router.post("/me/delete", response=dict)
def delete(request: HttpRequest, payload: DeleteIn) -> Any:
    """Irreversible: the caller's personal data is removed; the records stay anonymous."""
    v = services.volunteer_anonymise(
        actor=request.user, volunteer=_me(request), confirm=payload.confirm
    )
    return {"number": v.number, "status": v.status}


@router.get("/corrections", response=list[CorrectionOut])
def corrections(request: HttpRequest, page: Query[RecordPage]) -> Any:
    return list(page.of(selectors.correction_list(user=request.user)))


@router.post("/corrections/{request_id}/decide", response=CorrectionOut)
def correction_decide(request: HttpRequest, request_id: int, payload: DecideIn) -> Any:
    req = selectors.correction_get(user=request.user, pk=request_id)
    need(request, "volunteers.decide_correction", req)
    return services.correction_decide(
        actor=request.user, request=req, approve=payload.approve, note=payload.note
    )
