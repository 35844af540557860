"""Party dues: the flat-rate brackets (党费规定, rules_config) and recording a payment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.party import rules_config
from gongzhi.party.models import FLAT_DUES, DuesCategory, DuesPayment, PartyMember

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DuesQuote:
    category: str
    base: Decimal
    rate: Decimal | None
    bracket: str
    amount: Decimal


def dues_quote(*, base: Decimal, category: str = DuesCategory.EMPLOYED) -> DuesQuote:
    """The monthly dues on the whole after-tax monthly income; bracket upper bounds inclusive."""
    rules = rules_config.current()
    if category not in DuesCategory.values:
        raise ValidationError({"category": _("不是可选的缴纳类别")})
    if base is None or base < 0:
        raise ValidationError({"base": _("计缴基数不能为负数")})
    base = Decimal(base).quantize(CENT, rounding=ROUND_HALF_UP)
    if category in FLAT_DUES:
        label = _("%(cat)s 每月 %(amount)s 元") % {
            "cat": DuesCategory(category).label,
            "amount": rules.dues_flat_amount,
        }
        return DuesQuote(category, base, None, label, rules.dues_flat_amount)
    brackets = rules.dues_retired if category == DuesCategory.RETIRED else rules.dues_employed
    for bracket in brackets:
        if bracket.upper is None or base <= bracket.upper:
            amount = (base * bracket.rate).quantize(CENT, rounding=ROUND_HALF_UP)
            return DuesQuote(category, base, bracket.rate, bracket.label, amount)
    raise AssertionError("the last bracket has no upper bound")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def dues_record(
    *,
    actor: Any,
    member: PartyMember,
    month: dt.date,
    base: Decimal,
    paid_on: dt.date | None = None,
    category: str | None = None,
) -> DuesPayment:
    if member.party_org_id is None:
        raise ValidationError({"member": _("该党员不在本平台的党组织中")})
    month = month_start(month)
    if DuesPayment.objects.filter(member=member, month=month).exists():
        raise ValidationError({"month": _("该月党费已登记")})
    quote = dues_quote(base=base, category=category or member.dues_category)
    payment = DuesPayment.objects.create(
        member=member,
        party_org_id=member.party_org_id,
        area_code=member.area_code,
        month=month,
        category=quote.category,
        base=quote.base,
        rate=quote.rate,
        bracket=quote.bracket,
        amount=quote.amount,
        paid_on=paid_on,
    )
    audit.record(
        actor=actor,
        action="party.dues.record",
        obj=payment,
        after={"member": member.pk, "month": month, "amount": quote.amount},
    )
    return payment
