"""Training, awards, evaluations and complaints (MZ/T 061; 民政部令67号 record contents).

Each record names the team (organiser) that wrote it and carries that team's area code and
owning organisation, so an organiser's lists are scoped like the rest of the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import EncryptedCharField
from gongzhi.core.scope import ScopeSpec

# The team's area and owning organisation; a Party-owned team's records reach its Party
# organisation too (as Team's own ScopeSpec does).
TEAM_SCOPE = ScopeSpec(
    area="area_code",
    orgs={"orgs.socialorg": "owner_org_id", "party.partyorg": "team__owner_party_org_id"},
)


class Training(models.Model):
    """A training session a team held (MZ/T 061 培训), with its attendance list."""

    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("组织队伍"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    title = models.CharField(_("培训名称"), max_length=120)
    provider = models.CharField(_("培训单位"), max_length=120, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("培训学时"), max_digits=6, decimal_places=1, default=0)
    content = models.TextField(_("培训内容"), blank=True)
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, db_index=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = TEAM_SCOPE

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """One volunteer's line of a training: attended or absent (MZ/T 061 培训记录).

    Title, provider, date and hours are copied from the training so a volunteer's record
    reads on its own; `training` is empty for training recorded before sessions existed.
    """

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    training = models.ForeignKey(
        Training,
        verbose_name=_("培训"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="records",
    )
    title = models.CharField(_("培训名称"), max_length=120)
    provider = models.CharField(_("培训单位"), max_length=120, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("培训学时"), max_digits=6, decimal_places=1, default=0)
    attended = models.BooleanField(_("出勤"), default=True)
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, default="")
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True
    )

    scope = ScopeSpec(
        area="area_code",
        orgs={
            "orgs.socialorg": "owner_org_id",
            "party.partyorg": "training__team__owner_party_org_id",
        },
    )

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "volunteer"], name="training_record_once_per_training"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Award(models.Model):
    """A commendation (MZ/T 061 表彰奖励记录), recorded by a team's organiser."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="awards",
    )
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("记录队伍"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    title = models.CharField(_("奖励名称"), max_length=120)
    level = models.CharField(_("级别"), max_length=30, blank=True)
    awarded_by = models.CharField(_("授予单位"), max_length=120)
    awarded_on = models.DateField(_("授予日期"))
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, default="")
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True
    )

    scope = TEAM_SCOPE

    class Meta:
        verbose_name = _("表彰奖励")
        verbose_name_plural = _("表彰奖励")
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    """An organiser's evaluation of a volunteer's service in a period (MZ/T 061 评价记录)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    team = models.ForeignKey(
        "volunteers.Team", verbose_name=_("评价队伍"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        "volunteers.Activity",
        verbose_name=_("评价的活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("评价期间"), max_length=20)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    comment = models.TextField(_("评语"), blank=True)
    evaluated_on = models.DateField(_("评价日期"))
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, default="")
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True
    )

    scope = TEAM_SCOPE

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.period} {self.get_grade_display()}"


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    RESOLVED = "resolved", _("已办结")
    REJECTED = "rejected", _("不予受理")


class Complaint(models.Model):
    """A complaint about an activity or its organiser (MZ/T 061 投诉), lodged by a volunteer
    or a member of the public and handled by the organiser's unit:
    submitted → accepted → resolved, or submitted → rejected (with the reason).
    """

    Status = ComplaintStatus

    number = models.CharField(_("投诉编号"), max_length=20, unique=True)
    # The complainant follows their complaint by this secret (no login for the public).
    tracking_token = models.CharField(_("查询码"), max_length=32, unique=True, editable=False)
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("被投诉队伍（组织者）"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    activity = models.ForeignKey(
        "volunteers.Activity",
        verbose_name=_("涉及活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("涉及志愿者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, db_index=True, editable=False
    )
    complainant = models.CharField(_("投诉人"), max_length=60, blank=True)
    complainant_phone = EncryptedCharField(_("投诉人联系电话"), pii_kind="phone")
    complainant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投诉人账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.TextField(_("投诉内容"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.SUBMITTED,
        db_index=True,
    )
    received_on = models.DateField(_("提交日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope = TEAM_SCOPE

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["submitted", "accepted"])
                | (models.Q(resolved_on__isnull=False) & ~models.Q(resolution="")),
                name="complaint_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.number
