"""Requests a volunteer makes about their own data (PIPL art. 46: correction)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import EncryptedCharField, mask
from gongzhi.core.scope import ScopeSpec


class CorrectionField(models.TextChoices):
    # Identity fields: a registrar checks the evidence before they change. Other fields
    # (phone, skills, home community) the volunteer edits directly.
    NAME = "name", _("姓名")
    ID_NUMBER = "id_number", _("居民身份证号码")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已更正")
    REJECTED = "rejected", _("未予更正")


class CorrectionRequest(models.Model):
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="correction_requests",
    )
    field = models.CharField(_("更正项目"), max_length=12, choices=CorrectionField.choices)
    # Encrypted whatever the field: a corrected ID number is as sensitive as the old one.
    new_value = EncryptedCharField(_("更正为"), pii_kind="id_number")
    reason = models.CharField(_("更正理由"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)

    # The volunteer's home area: the registrars who keep the registry decide.
    scope = ScopeSpec(area="area_code")

    class Meta:
        verbose_name = _("个人信息更正申请")
        verbose_name_plural = _("个人信息更正申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "field"],
                condition=models.Q(status="pending"),
                name="correction_one_pending_per_field",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.get_field_display()} {self.get_status_display()}"

    @property
    def new_value_shown(self) -> str:
        """Masked for an ID number (PIPL: sensitive), as is for a name."""
        if self.field == CorrectionField.ID_NUMBER:
            return mask(self.new_value, "id_number")
        return self.new_value
