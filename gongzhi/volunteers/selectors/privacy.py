"""Everything the platform holds about one volunteer, for their own eyes (PIPL art. 44-45)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.models import AuditEvent
from gongzhi.volunteers.models import (
    Complaint,
    CorrectionRequest,
    Enrollment,
    HoursEntry,
    TeamMember,
    Volunteer,
)
from gongzhi.volunteers.rules_config import current


def consent_outdated(volunteer: Volunteer) -> bool:
    """The privacy notice changed since the volunteer agreed (PIPL art. 14: consent again)."""
    return volunteer.consent_version != current().consent_version


def require_consent(volunteer: Volunteer) -> None:
    """Refuse (422 `consent` in the API) what a volunteer does on an outdated consent."""
    if consent_outdated(volunteer):
        raise ValidationError({"consent": _("个人信息处理告知书已更新，请先阅读并重新同意")})


def personal_data(volunteer: Volunteer, *, reveal: bool = False) -> dict[str, Any]:
    """All records about the volunteer. ID and phone masked unless `reveal` (their own copy)."""
    v = volunteer
    profile = {
        "number": v.number,
        "name": v.name,
        "gender": v.get_gender_display() if v.gender else "",
        "birth_date": v.birth_date,
        "id_type": v.id_type,
        "id_number": v.id_number if reveal else v.id_number_masked,
        "phone": v.phone if reveal else v.phone_masked,
        "home_area": f"{v.area.name}（{v.area_code}）",
        "skills": list(v.skills or []),
        "registered_on": v.registered_on,
        "status": v.get_status_display(),
        "consent_on": v.consent_on,
        "consent_version": v.consent_version,
        "approved_hours": v.approved_hours,
        "stars": v.stars,
    }
    return {
        "profile": profile,
        "qualifications": [
            {
                "kind": str(q),
                "number": q.number,
                "issued_on": q.issued_on,
                "expires_on": q.expires_on,
            }
            for q in v.qualifications.all()
        ],
        "teams": [
            {
                "team": m.team.name,
                "role": m.get_role_display(),
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in TeamMember.objects.filter(volunteer=v).select_related("team")
        ],
        "enrollments": [
            {
                "activity": e.shift.activity.title,
                "shift": str(e.shift),
                "status": e.get_status_display(),
                "checked_in_at": e.checked_in_at,
                "checked_out_at": e.checked_out_at,
            }
            for e in Enrollment.objects.filter(volunteer=v)
            .select_related("shift__activity")
            .order_by("-queued_at")
        ],
        "hours": [
            {
                "service_date": h.service_date,
                "team": h.team.name,
                "content": h.content,
                "minutes": h.minutes,
                "travel_minutes": h.travel_minutes,
                "kind": h.get_kind_display(),
                "source": h.get_source_display(),
                "status": h.get_status_display(),
                "reason": h.reason,
            }
            for h in HoursEntry.objects.filter(volunteer=v)
            .select_related("team")
            .order_by("-service_date", "-id")
        ],
        "trainings": [
            {
                "title": t.title,
                "provider": t.provider,
                "held_on": t.held_on,
                "hours": t.hours,
                "attended": t.attended,
            }
            for t in v.trainings.all()
        ],
        "awards": [
            {"title": a.title, "level": a.level, "awarded_by": a.awarded_by, "on": a.awarded_on}
            for a in v.awards.all()
        ],
        "evaluations": [
            {
                "team": e.team.name,
                "period": e.period,
                "grade": e.get_grade_display(),
                "comment": e.comment,
                "on": e.evaluated_on,
            }
            for e in v.evaluations.select_related("team")
        ],
        "certificates": [
            {
                "number": c.number,
                "issuer": c.issuer_name,
                "hours": c.hours,
                "period_from": c.period_from,
                "period_to": c.period_to,
                "status": c.get_status_display(),
            }
            for c in v.certificates.all()
        ],
        "complaints": [
            {
                "number": c.number,
                "team": c.team.name,
                "content": c.content,
                "status": c.get_status_display(),
                "resolution": c.resolution,
            }
            for c in (
                Complaint.objects.filter(complainant_user_id=v.user_id).select_related("team")
                if v.user_id
                else Complaint.objects.none()
            )
        ],
        "corrections": [
            {
                "field": r.get_field_display(),
                "new_value": r.new_value if reveal else r.new_value_shown,
                "reason": r.reason,
                "status": r.get_status_display(),
                "requested_at": r.requested_at,
                "decision_note": r.decision_note,
            }
            for r in CorrectionRequest.objects.filter(volunteer=v)
        ],
        "access_log": access_log(v),
    }


def access_log(volunteer: Volunteer, limit: int = 100) -> list[dict[str, Any]]:
    """Who did what with the volunteer's record (staff are not named: their unit answers)."""
    events = AuditEvent.objects.filter(
        object_type="volunteers.volunteer", object_id=str(volunteer.pk)
    ).order_by("-id")[:limit]
    return [
        {
            "at": e.at,
            "action": e.action,
            "by_self": bool(volunteer.user_id and e.actor_id == volunteer.user_id),
            "result": e.result,
        }
        for e in events
    ]
