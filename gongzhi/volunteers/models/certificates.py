"""志愿服务记录证明: the record certificate, publicised internally before issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class CertificateStatus(models.TextChoices):
    PUBLICISING = "publicising", _("公示中")
    ISSUED = "issued", _("已出具")
    WITHDRAWN = "withdrawn", _("已撤回")


class Certificate(models.Model):
    """Whoever records the service certifies it (谁记录谁证明, 民政部令67号).

    The identity and issuer fields are a snapshot taken when the certificate is requested,
    so a later change to the volunteer or team does not alter an issued certificate. The ID
    number is only ever stored masked here.
    """

    number = models.CharField(_("证明编号"), max_length=20, unique=True)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("出具单位（队伍）"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, editable=False
    )
    holder_name = models.CharField(_("姓名"), max_length=60)
    holder_id_type = models.CharField(_("证件类型"), max_length=20)
    holder_id_masked = models.CharField(_("证件号码（脱敏）"), max_length=30)
    holder_number = models.CharField(_("志愿者编号"), max_length=20)
    period_from = models.DateField(_("服务起始日期"))
    period_to = models.DateField(_("服务截止日期"))
    minutes = models.BigIntegerField(_("认定服务时长（分钟）"))
    content = models.TextField(_("服务内容"))
    issuer_name = models.CharField(_("出具单位"), max_length=120)
    person_in_charge = models.CharField(_("负责人"), max_length=60)
    clerk = models.CharField(_("经办人"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=40)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PUBLICISING,
    )
    publicity_from = models.DateField(_("公示开始日期"))
    publicity_until = models.DateField(_("公示截止日期"))
    issued_on = models.DateField(_("出具日期"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "owner_org_id"})

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["-publicity_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="certificate_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)
