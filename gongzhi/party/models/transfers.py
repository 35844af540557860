"""Transfers of the organisational relationship (组织关系转接) and Party dues."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.scope import ScopeSpec


class TransferState(models.TextChoices):
    APPLIED = "applied", _("申请")
    ISSUED = "issued", _("开具介绍信")
    # The same words are buttons elsewhere (接收 = "Receive"): a state needs its own context.
    RECEIVED = "received", pgettext_lazy("transfer state", "接收")
    RECEIPTED = "receipted", _("回执")
    ARCHIVED = "archived", pgettext_lazy("transfer state", "归档")
    CANCELLED = "cancelled", _("撤回")


# The order of the flow: each state may only move to the next one.
TRANSFER_FLOW = [
    TransferState.APPLIED,
    TransferState.ISSUED,
    TransferState.RECEIVED,
    TransferState.RECEIPTED,
    TransferState.ARCHIVED,
]


class Transfer(models.Model):
    """One member's transfer out of, into, or within the platform's Party organisations.

    The sending organisation stays responsible for the member until the receipt (回执)
    is in; on receipt a transfer between platform organisations moves the membership.
    `area_code` is that of the platform organisation responsible for the record (the
    sending one, else the receiving one); the receiving side reads it through its org.
    """

    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("转出党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    from_org_name = models.CharField(_("转出党组织名称"), max_length=200, blank=True)
    to_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("转入党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    to_org_name = models.CharField(_("转入党组织名称"), max_length=200, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=TransferState.choices, default="applied", db_index=True
    )
    applied_on = models.DateField(_("申请日期"))
    issued_on = models.DateField(_("开具日期"), null=True, blank=True)
    letter_number = models.CharField(_("介绍信编号"), max_length=40, blank=True)
    valid_until = models.DateField(_("介绍信有效期至"), null=True, blank=True, db_index=True)
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    receipt_due_on = models.DateField(_("回执应退回日期"), null=True, blank=True, db_index=True)
    receipt_on = models.DateField(_("回执退回日期"), null=True, blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "from_org_id"})

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.sending_name} → {self.receiving_name}"

    @property
    def sending_name(self) -> str:
        return self.from_org.name if self.from_org_id else self.from_org_name  # type: ignore[union-attr]

    @property
    def receiving_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.to_org_name  # type: ignore[union-attr]

    def fill_derived(self) -> Transfer:
        org = self.from_org if self.from_org_id else self.to_org
        if org is not None:
            self.area_code = org.area_code
        return self

    def responsible_org_name(self) -> str:
        # Until the receipt is in, the sending organisation stays responsible for the member.
        if self.receipt_on is None:
            return self.sending_name
        return self.receiving_name

    def letter_expired(self, today: dt.date) -> bool:
        return (
            self.state == TransferState.ISSUED
            and self.valid_until is not None
            and today > self.valid_until
        )

    def receipt_overdue(self, today: dt.date) -> bool:
        return (
            self.state == TransferState.RECEIVED
            and self.receipt_due_on is not None
            and today > self.receipt_due_on
        )


class DuesPayment(models.Model):
    """One month's Party dues of a member, computed from the base by the flat-rate brackets."""

    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    party_org = models.ForeignKey(
        "party.PartyOrg", verbose_name=_("收缴党组织"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    month = models.DateField(_("所属月份"), help_text=_("该月第一天"))
    category = models.CharField(_("缴纳类别"), max_length=12)
    base = models.DecimalField(_("计缴基数（月税后收入）"), max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("比例"), max_digits=6, decimal_places=4, null=True, blank=True)
    bracket = models.CharField(_("适用档次"), max_length=60)
    amount = models.DecimalField(_("应缴金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("缴纳日期"), null=True, blank=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "party_org_id"})

    class Meta:
        verbose_name = _("党费缴纳")
        verbose_name_plural = _("党费缴纳")
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.amount}"
