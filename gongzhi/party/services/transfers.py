"""Writes for transfers of the organisational relationship: 申请 → 开具 → 接收 → 回执 → 归档."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.party import rules_config
from gongzhi.party.dates import add_months
from gongzhi.party.models import PartyMember, PartyOrg, Transfer, TransferState
from gongzhi.party.services.history import period_close
from gongzhi.party.services.members import move_membership


def _record(actor: Any, transfer: Transfer, action: str, **after: Any) -> None:
    audit.record(
        actor=actor,
        action=f"party.transfer.{action}",
        obj=transfer,
        after={"state": transfer.state, "member": transfer.member_id, **after},
    )


def _expect(transfer: Transfer, state: str) -> None:
    if transfer.state != state:
        raise ValidationError(
            {
                "state": _("当前状态为“%(now)s”，不能办理此步骤")
                % {"now": transfer.get_state_display()}
            }
        )


@transaction.atomic
def transfer_apply(
    *,
    actor: Any,
    member: PartyMember,
    applied_on: dt.date,
    to_org: PartyOrg | None = None,
    to_org_name: str = "",
    from_org_name: str = "",
    reason: str = "",
) -> Transfer:
    """A member asks to move: out of the platform, into it, or between its organisations."""
    errors: dict[str, str] = {}
    if to_org is None and not to_org_name.strip():
        errors["to_org"] = _("请选择或填写转入党组织")
    from_org = member.party_org
    if from_org is None and not from_org_name.strip():
        errors["from_org_name"] = _("请填写转出党组织名称")
    if to_org is not None and from_org is not None and to_org.pk == from_org.pk:
        errors["to_org"] = _("转入与转出党组织相同")
    if member.left_on is not None and from_org is not None:
        errors["member"] = _("该党员已离开本组织")
    open_states = [TransferState.APPLIED, TransferState.ISSUED, TransferState.RECEIVED]
    if Transfer.objects.filter(member=member, state__in=open_states).exists():
        errors["member"] = _("该党员已有办理中的组织关系转接")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        member=member,
        from_org=from_org,
        from_org_name=from_org.name if from_org else from_org_name.strip(),
        to_org=to_org,
        to_org_name=to_org.name if to_org else to_org_name.strip(),
        reason=reason,
        applied_on=applied_on,
    )
    transfer.fill_derived()
    transfer.save()
    _record(actor, transfer, "apply", to=transfer.to_org_name)
    return transfer


@transaction.atomic
def transfer_issue(
    *,
    actor: Any,
    transfer: Transfer,
    issued_on: dt.date,
    letter_number: str = "",
    valid_days: int | None = None,
) -> Transfer:
    """开具介绍信: valid for at most three months (rules_config)."""
    _expect(transfer, TransferState.APPLIED)
    rules = rules_config.current()
    if issued_on < transfer.applied_on:
        raise ValidationError({"issued_on": _("开具日期不能早于申请日期")})
    days = valid_days if valid_days is not None else rules.letter_validity_default_days
    valid_until = issued_on + dt.timedelta(days=days)
    latest = add_months(issued_on, rules.letter_validity_max_months)
    if days < 1 or valid_until > latest:
        raise ValidationError(
            {
                "valid_days": _("介绍信有效期应在 1 天至 %(n)d 个月之间")
                % {"n": rules.letter_validity_max_months}
            }
        )
    transfer.state = TransferState.ISSUED
    transfer.issued_on = issued_on
    transfer.letter_number = letter_number
    transfer.valid_until = valid_until
    # The receipt is due back within one month of the letter (rules_config).
    transfer.receipt_due_on = add_months(issued_on, rules.receipt_due_months)
    transfer.save()
    _record(actor, transfer, "issue", valid_until=valid_until)
    return transfer


@transaction.atomic
def transfer_receive(*, actor: Any, transfer: Transfer, received_on: dt.date) -> Transfer:
    """接收: the receiving organisation accepts the letter while it is still valid."""
    _expect(transfer, TransferState.ISSUED)
    assert transfer.issued_on is not None and transfer.valid_until is not None
    if received_on < transfer.issued_on:
        raise ValidationError({"received_on": _("接收日期不能早于开具日期")})
    if received_on > transfer.valid_until:
        raise ValidationError(
            {
                "received_on": _("介绍信已于 %(d)s 过期，须由转出党组织重新开具")
                % {"d": transfer.valid_until.isoformat()}
            }
        )
    transfer.state = TransferState.RECEIVED
    transfer.received_on = received_on
    transfer.save()
    _record(actor, transfer, "receive")
    return transfer


@transaction.atomic
def transfer_receipt(*, actor: Any, transfer: Transfer, receipt_on: dt.date) -> Transfer:
    """回执: the sending organisation's responsibility ends; the membership moves."""
    _expect(transfer, TransferState.RECEIVED)
    assert transfer.received_on is not None
    if receipt_on < transfer.received_on:
        raise ValidationError({"receipt_on": _("回执日期不能早于接收日期")})
    transfer.state = TransferState.RECEIPTED
    transfer.receipt_on = receipt_on
    member = transfer.member
    if transfer.to_org is not None:
        if transfer.from_org is None:
            # Into the platform from outside: membership of the sector starts on receipt.
            member.joined_on = receipt_on
            member.left_on = None
            member.left_reason = ""
        move_membership(member=member, to_org=transfer.to_org, on=receipt_on)
    else:
        # Out of the platform: the member leaves the sector's organisations on receipt.
        member.left_on = receipt_on
        member.left_reason = _("组织关系转出至%(org)s") % {"org": transfer.to_org_name}
        member.save()
        period_close(member=member, on=receipt_on)
    transfer.fill_derived()
    transfer.save()
    _record(actor, transfer, "receipt", receipt_on=receipt_on)
    return transfer


@transaction.atomic
def transfer_archive(*, actor: Any, transfer: Transfer, archived_on: dt.date) -> Transfer:
    _expect(transfer, TransferState.RECEIPTED)
    transfer.state = TransferState.ARCHIVED
    transfer.archived_on = archived_on
    transfer.save()
    _record(actor, transfer, "archive")
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer) -> Transfer:
    """Withdraw a transfer before it is received (e.g. an expired letter to be re-issued)."""
    if transfer.state not in (TransferState.APPLIED, TransferState.ISSUED):
        raise ValidationError({"state": _("已接收的转接不能撤回")})
    transfer.state = TransferState.CANCELLED
    transfer.save()
    _record(actor, transfer, "cancel")
    return transfer
