"""志愿服务记录证明: request (starts the internal publicity), issue after it, withdraw."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from gongzhi.core import audit, pii
from gongzhi.volunteers import rules_config
from gongzhi.volunteers.keys import allocate
from gongzhi.volunteers.models import (
    Certificate,
    CertificateStatus,
    EntryStatus,
    HoursEntry,
    Team,
    Volunteer,
)


def certificate_number(year: int, seq: int) -> str:
    """ZM + year + 7-digit sequence + Luhn check digit (catches typos on the verify page)."""
    body = f"{year}{seq:07d}"
    return f"ZM{body}{luhn.calc_check_digit(body)}"


def is_valid_certificate_number(number: str) -> bool:
    body = number[2:]
    return number.startswith("ZM") and len(body) == 12 and body.isdigit() and luhn.is_valid(body)


def _content(entries: Any) -> str:
    tally: Tally[str] = Tally()
    for row in entries.values("content", "category").order_by():
        label = rules_config.category_label(row["category"]) if row["category"] else ""
        tally[f"{label}：{row['content']}" if label else row["content"]] += 1
    parts = [text if n == 1 else f"{text}（{n}次）" for text, n in tally.most_common(8)]
    more = len(tally) - len(parts)
    if more > 0:
        parts.append(_("等 %(n)d 项") % {"n": len(tally)})
    return "；".join(parts)


@transaction.atomic
def certificate_request(
    *,
    actor: Any,
    volunteer: Volunteer,
    team: Team,
    period_from: dt.date,
    period_to: dt.date,
    clerk: str = "",
    today: dt.date | None = None,
) -> Certificate:
    """Prepare a certificate from the team's approved record and start the publicity period
    (民政部令67号: whoever records the service certifies it, after internal publicity)."""
    if period_to < period_from:
        raise ValidationError({"period_to": _("截止日期不能早于起始日期")})
    today = today or timezone.localdate()
    entries = HoursEntry.objects.filter(
        volunteer=volunteer,
        team=team,
        status=EntryStatus.APPROVED,
        service_date__gte=period_from,
        service_date__lte=period_to,
    )
    minutes = entries.aggregate(s=Sum("minutes"))["s"] or 0
    if minutes <= 0:
        raise ValidationError({"period_from": _("该期间内本队伍没有已认定的服务时长")})
    if not (team.person_in_charge and (clerk or team.clerk) and team.contact):
        raise ValidationError({"team": _("队伍的负责人、经办人和联系方式须填写完整才能出具证明")})
    days = rules_config.current().certificate_publicity_days
    cert = Certificate.objects.create(
        number=certificate_number(today.year, allocate(f"ZM{today.year}", 1)),
        volunteer=volunteer,
        team=team,
        area_code=team.area_code,
        owner_org_id=team.owner_org_id,
        holder_name=volunteer.name,
        holder_id_type=volunteer.id_type,
        holder_id_masked=pii.mask(volunteer.id_number, "id_number"),
        holder_number=volunteer.number,
        period_from=period_from,
        period_to=period_to,
        minutes=minutes,
        content=_content(entries),
        issuer_name=team.owner_org.name if team.owner_org is not None else team.name,
        person_in_charge=team.person_in_charge,
        clerk=clerk or team.clerk,
        contact=team.contact,
        publicity_from=today,
        publicity_until=today + dt.timedelta(days=days),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="volunteers.certificate_request",
        obj=cert,
        after={"number": cert.number, "minutes": minutes},
    )
    return cert


@transaction.atomic
def certificate_issue(
    *, actor: Any, certificate: Certificate, today: dt.date | None = None
) -> Certificate:
    today = today or timezone.localdate()
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.status != CertificateStatus.PUBLICISING:
        raise ValidationError({"certificate": _("只有公示中的证明可以出具")})
    if today < cert.publicity_until:
        raise ValidationError(
            {
                "certificate": _("公示期至 %(d)s 结束（不少于 %(n)d 日），届时方可出具")
                % {
                    "d": cert.publicity_until,
                    "n": rules_config.current().certificate_publicity_days,
                }
            }
        )
    cert.status = CertificateStatus.ISSUED
    cert.issued_on = today
    cert.save(update_fields=["status", "issued_on"])
    audit.record(actor=actor, action="volunteers.certificate_issue", obj=cert)
    return cert


@transaction.atomic
def certificate_withdraw(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw (an objection during publicity, or an error found later)."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.status == CertificateStatus.WITHDRAWN:
        raise ValidationError({"certificate": _("该证明已撤回")})
    cert.status = CertificateStatus.WITHDRAWN
    cert.withdrawn_reason = reason.strip()[:200]
    cert.save(update_fields=["status", "withdrawn_reason"])
    audit.record(
        actor=actor, action="volunteers.certificate_withdraw", obj=cert, after={"reason": reason}
    )
    return cert
