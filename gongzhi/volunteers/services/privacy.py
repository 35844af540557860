"""A volunteer's rights over their own data (PIPL art. 44-47) and consent (art. 14-15).

- see: `selectors.personal_data`; reveal one's own full ID/phone number: `volunteer_reveal_own`
- copy: `personal_data_copy` (JSON or xlsx)
- correct: phone, skills and home community directly (`volunteer_update`); name and ID number
  through a `CorrectionRequest` a registrar of the home area decides (`correction_decide`)
- delete: `volunteer_anonymise`. The hours ledger and certificates must stay (民政部令67号) and
  reference the volunteer, so deletion removes every personal datum from the row and leaves
  a pseudonymous shell that still carries the numbers the records need.
Every one of these is audited; audit events never carry the clear numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, pii
from gongzhi.volunteers import rules_config
from gongzhi.volunteers.models import (
    Certificate,
    Complaint,
    CorrectionField,
    CorrectionRequest,
    CorrectionStatus,
    Enrollment,
    EnrollmentStatus,
    Qualification,
    TeamMember,
    Volunteer,
    VolunteerStatus,
)

# The name an anonymised record carries: data, not a UI string (not translated).
ANONYMOUS_NAME = "已删除"
REVEALABLE = {"id_number": "id_number", "phone": "phone"}


def _require_self(actor: Any, volunteer: Volunteer) -> None:
    from django.core.exceptions import PermissionDenied

    if not (getattr(actor, "is_authenticated", False) and volunteer.user_id == actor.pk):
        raise PermissionDenied(_("只能处理本人的个人信息"))


def _require_self_or_registrar(actor: Any, volunteer: Volunteer) -> None:
    """The volunteer, or a registrar of their area acting on a written request; a plain
    string actor is the command line or a test acting as the system."""
    from django.core.exceptions import PermissionDenied

    if isinstance(actor, str):
        return
    if getattr(actor, "is_authenticated", False) and (
        volunteer.user_id == actor.pk or actor.has_perm("volunteers.manage_volunteers", volunteer)
    ):
        return
    raise PermissionDenied(_("只能处理本人的个人信息"))


def _require_present(volunteer: Volunteer) -> None:
    if volunteer.status == VolunteerStatus.DELETED:
        raise ValidationError({"volunteer": _("该志愿者的个人信息已删除")})


@transaction.atomic
def volunteer_consent(*, actor: Any, volunteer: Volunteer, version: str) -> Volunteer:
    """Agree to the current privacy notice (again, after it changed)."""
    _require_self(actor, volunteer)
    _require_present(volunteer)
    current = rules_config.current().consent_version
    if version != current:
        raise ValidationError(
            {"version": _("请阅读并同意当前版本的告知书（%(v)s）") % {"v": current}}
        )
    before = volunteer.consent_version
    today = timezone.localdate()
    Volunteer.objects.filter(pk=volunteer.pk).update(
        consent_on=today, consent_version=current, consent_withdrawn_on=None
    )
    volunteer.consent_on, volunteer.consent_version = today, current
    volunteer.consent_withdrawn_on = None
    audit.record(
        actor=actor,
        action="volunteers.consent",
        obj=volunteer,
        before={"consent_version": before},
        after={"consent_version": current},
    )
    return volunteer


def volunteer_reveal_own(*, actor: Any, volunteer: Volunteer, field: str) -> str:
    """The volunteer's own full ID or phone number (audited like every reveal)."""
    _require_self(actor, volunteer)
    if field not in REVEALABLE:
        raise ValidationError({"field": _("不能查看此项")})
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="pii.reveal",
            obj=volunteer,
            after={"field": field, "self": True},
        )
    return getattr(volunteer, field) or ""


def personal_data_copy(*, actor: Any, volunteer: Volunteer, fmt: str) -> tuple[bytes, str, str]:
    """A copy of everything held about the volunteer (PIPL art. 45): (body, type, filename)."""
    from gongzhi.volunteers.selectors import personal_data

    _require_self(actor, volunteer)
    if fmt not in ("json", "xlsx"):
        raise ValidationError({"fmt": _("格式应为 json 或 xlsx")})
    data = personal_data(volunteer, reveal=True)
    if fmt == "json":
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
    else:
        body = _xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with transaction.atomic():
        audit.record(
            actor=actor, action="volunteers.data_copy", obj=volunteer, after={"format": fmt}
        )
    return body, content_type, f"{volunteer.number}.{fmt}"


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, list):
        return "、".join(str(x) for x in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for section, rows in data.items():
        ws = wb.create_sheet(section[:31])
        if isinstance(rows, dict):
            for key, value in rows.items():
                ws.append([key, _cell(value)])
            continue
        if not rows:
            continue
        keys = list(rows[0])
        ws.append(keys)
        for row in rows:
            ws.append([_cell(row[k]) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- correction ------------------------------------------------------------------------------


def _validated(volunteer: Volunteer, field: str, value: str) -> str:
    from gongzhi.volunteers.services.registry import validate_id_number

    if field == CorrectionField.NAME:
        value = (value or "").strip()
        if not value or len(value) > 60:
            raise ValidationError({"new_value": _("请填写正确的姓名（不超过 60 字）")})
        return value
    if field == CorrectionField.ID_NUMBER:
        try:
            norm = validate_id_number(value)[0]
        except ValidationError:
            raise ValidationError({"new_value": _("不是有效的居民身份证号码")}) from None
        taken = (
            Volunteer.objects.exclude(id_number_bidx="")  # the partial index's condition
            .filter(id_number_bidx=pii.bidx_for(norm, "id_number"))
            .exclude(pk=volunteer.pk)
            .exists()
        )
        if taken:
            raise ValidationError({"new_value": _("该证件号码已注册为志愿者")})
        return norm
    raise ValidationError({"field": _("此项可直接修改，无需申请")})


@transaction.atomic
def correction_request(
    *, actor: Any, volunteer: Volunteer, field: str, new_value: str, reason: str
) -> CorrectionRequest:
    """Ask for an identity field to be corrected (PIPL art. 46); a registrar decides."""
    _require_self(actor, volunteer)
    _require_present(volunteer)
    if field not in CorrectionField.values:
        raise ValidationError({"field": _("此项可直接修改，无需申请")})
    value = _validated(volunteer, field, new_value)
    if value == getattr(volunteer, field):
        raise ValidationError({"new_value": _("与现有信息相同")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明更正理由")})
    if CorrectionRequest.objects.filter(
        volunteer=volunteer, field=field, status=CorrectionStatus.PENDING
    ).exists():
        raise ValidationError({"field": _("该项已有待审核的更正申请")})
    req = CorrectionRequest.objects.create(
        volunteer=volunteer,
        field=field,
        new_value=value,
        reason=reason.strip()[:200],
        requested_at=timezone.now(),
        area_code=volunteer.area_code,
    )
    audit.record(
        actor=actor, action="volunteers.correction_request", obj=req, after={"field": field}
    )
    return req


@transaction.atomic
def correction_decide(
    *, actor: Any, request: CorrectionRequest, approve: bool, note: str = ""
) -> CorrectionRequest:
    """Approve (the record changes) or reject (with a note the volunteer reads)."""
    from gongzhi.volunteers.services.registry import validate_id_number

    req = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if req.status != CorrectionStatus.PENDING:
        raise ValidationError({"status": _("该申请已处理")})
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("请填写不予更正的理由")})
    volunteer = Volunteer.objects.select_for_update().get(pk=req.volunteer_id)
    _require_present(volunteer)
    if approve:
        value = _validated(volunteer, req.field, req.new_value)
        if req.field == CorrectionField.ID_NUMBER:
            volunteer.id_number, volunteer.birth_date, volunteer.gender = validate_id_number(value)
        else:
            volunteer.name = value
        volunteer.save()  # recomputes the name keys and blind indexes
    req.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    req.decided_at = timezone.now()
    req.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    req.decision_note = (note or "").strip()[:200]
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit.record(
        actor=actor,
        action="volunteers.correction_decide",
        obj=volunteer,
        after={"request": req.pk, "field": req.field, "approved": approve},
    )
    return req


# --- deletion --------------------------------------------------------------------------------


@transaction.atomic
def volunteer_anonymise(*, actor: Any, volunteer: Volunteer, confirm: str) -> Volunteer:
    """Delete the volunteer's personal data (PIPL art. 47); irreversible.

    `confirm` must repeat the volunteer number (the confirmation step). What stays: the
    number, home area and dates (registered, deregistered) for the as-of figures, and the
    records the law keeps — hours ledger, certificates (without name or ID), training,
    awards, evaluations. Everything that identifies a person is cleared: name and its search
    keys, ID and phone numbers with their blind indexes and the phone tail, birth date,
    gender, skills, qualifications, pending correction requests, the link to the account,
    complaints' complainant name and phone. Open sign-ups are cancelled; memberships end.
    """
    from gongzhi.volunteers.services.activities import enrollment_cancel

    _require_self_or_registrar(actor, volunteer)
    v = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _require_present(v)
    if (confirm or "").strip().upper() != v.number:
        raise ValidationError({"confirm": _("请输入您的志愿者编号以确认删除")})
    today = timezone.localdate()
    now = timezone.now()
    for e in Enrollment.objects.filter(
        volunteer=v,
        status__in=[EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED],
        checked_in_at__isnull=True,
        shift__starts_at__gt=now,
    ):
        enrollment_cancel(actor=actor, enrollment=e)
    TeamMember.objects.filter(volunteer=v, left_on__isnull=True).update(left_on=today)
    Qualification.objects.filter(volunteer=v).delete()
    CorrectionRequest.objects.filter(volunteer=v).delete()
    if v.user_id:
        Complaint.objects.filter(complainant_user_id=v.user_id).update(
            complainant="", complainant_phone=""
        )
    # The snapshot on certificates: the verification page keeps number, hours and issuer.
    Certificate.objects.filter(volunteer=v).update(
        holder_name=ANONYMOUS_NAME, holder_id_type="", holder_id_masked=""
    )
    # A queryset update, not save(): save() would derive search keys from the new name.
    Volunteer.objects.filter(pk=v.pk).update(
        name=ANONYMOUS_NAME,
        name_simplified="",
        name_pinyin="",
        name_initials="",
        gender="",
        birth_date=None,
        id_type="",
        id_number="",
        id_number_bidx="",
        phone="",
        phone_bidx="",
        phone_last4="",
        skills=[],
        user=None,
        status=VolunteerStatus.DELETED,
        withdrawn_on=v.withdrawn_on or today,
        consent_withdrawn_on=today,
        anonymised_on=today,
    )
    audit.record(actor=actor, action="volunteers.anonymise", obj=v, after={"number": v.number})
    v.refresh_from_db()
    return v
