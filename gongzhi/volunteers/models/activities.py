"""Activities, their shifts and volunteers' enrollments (sign-up, waiting list, attendance)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("组织队伍"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("活动名称"), max_length=120)
    # Codes from rules_config.categories (a configurable list, so no choices= here).
    category = models.CharField(_("服务类别"), max_length=30, db_index=True)
    description = models.TextField(_("活动内容"), blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("活动地点（区划）"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    address = models.CharField(_("详细地点"), max_length=200, blank=True)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, db_index=True, editable=False
    )
    required_qualifications = models.JSONField(_("所需资质"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "owner_org_id"})

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.area_code = self.area.code if self.area_id else ""
        if self.team_id:
            self.owner_org_id = self.team.owner_org_id
        super().save(*args, **kwargs)

    @property
    def category_label(self) -> str:
        from gongzhi.volunteers.rules_config import category_label

        return category_label(self.category)


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class Shift(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("招募人数"))
    # The per-shift QR code shown on the organiser's phone encodes this secret.
    checkin_token = models.CharField(
        _("签到码"), max_length=32, unique=True, default=_new_token, editable=False
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, editable=False
    )

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "owner_org_id"})

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="shift_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.area_code = self.activity.area_code
        self.owner_org_id = self.activity.owner_org_id
        super().save(*args, **kwargs)

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Enrollment(models.Model):
    """One volunteer on one shift; a re-sign-up after cancelling reuses the row."""

    class Method(models.TextChoices):
        SHIFT_QR = "shift_qr", _("扫描班次二维码")
        VOLUNTEER_QR = "volunteer_qr", _("组织者扫描志愿者二维码")
        LIST = "list", _("组织者名单点名")
        API = "api", _("移动端")

    shift = models.ForeignKey(
        Shift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="enrollments"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    status = models.CharField(_("状态"), max_length=12, choices=EnrollmentStatus.choices)
    # Waiting-list order: first come, first promoted.
    queued_at = models.DateTimeField(_("报名时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checkin_method = models.CharField(
        _("签到方式"), max_length=14, choices=Method.choices, blank=True
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, editable=False
    )

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "owner_org_id"})

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"], name="enrollment_once_per_shift"
            ),
        ]
        indexes = [models.Index(fields=["shift", "status", "queued_at"], name="enr_shift_queue")]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.volunteer_id} {self.get_status_display()}"

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.area_code = self.shift.area_code
        self.owner_org_id = self.shift.owner_org_id
        super().save(*args, **kwargs)
