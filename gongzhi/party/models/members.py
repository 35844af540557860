"""Party members and Party-building instructors (DOMAIN.md § party: members, instructors)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import EncryptedCharField, bidx_for
from gongzhi.core.scope import ScopeSpec
from gongzhi.party import rules_config
from gongzhi.party.dates import add_months


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class MemberStatus(models.TextChoices):
    FORMAL = "formal", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    RETIRED = "retired", _("离退休")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("无固定收入/失业")
    SUBSISTENCE = "subsistence", _("享受低保")


# Categories paying the flat monthly amount (党费规定 art. 4).
FLAT_DUES = {DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.SUBSISTENCE}

# Development milestones in order (发展细则): 申请 → 积极分子 → 发展对象 → 预备 → 正式.
MILESTONES = (
    ("applied_on", _("提交入党申请")),
    ("activist_on", _("确定为入党积极分子")),
    ("candidate_on", _("确定为发展对象")),
    ("admitted_on", _("接收为预备党员")),
    ("became_formal_on", _("转为正式党员")),
)


class PartyMember(models.Model):
    """A Party member (or one being developed) in a Party organisation of the sector.

    `area_code` repeats the Party organisation's division code for the scope rule;
    `probation_ends_on` and the blind indexes are derived. `fill_derived()` sets them;
    `save()` calls it and bulk writers call it themselves.
    """

    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedCharField(_("公民身份号码"), pii_kind="id_number")
    id_number_bidx = models.CharField(
        _("身份证号索引"), max_length=40, blank=True, db_index=True, editable=False
    )
    phone = EncryptedCharField(_("联系电话"), pii_kind="phone")
    phone_bidx = models.CharField(
        _("电话索引"), max_length=40, blank=True, db_index=True, editable=False
    )
    status = models.CharField(
        _("党员状态"), max_length=15, choices=MemberStatus.choices, db_index=True
    )
    applied_on = models.DateField(_("申请入党日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    admitted_on = models.DateField(_("入党日期（接收为预备党员）"), db_index=True)
    probation_extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), default=0)
    probation_ends_on = models.DateField(
        _("预备期满日期"), null=True, blank=True, db_index=True, editable=False
    )
    became_formal_on = models.DateField(_("转正日期"), null=True, blank=True, db_index=True)
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("所在党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    area_code = models.CharField(_("所在区划代码"), max_length=18, db_index=True, editable=False)
    employer = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("工作单位（社会组织）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
    )
    # joined_on/left_on bound membership in the sector's Party organisations (what the figures
    # count); joined_org_on is when the member came to the current organisation.
    joined_on = models.DateField(_("加入日期"), db_index=True)
    joined_org_on = models.DateField(_("转入现党组织日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True, db_index=True)
    left_reason = models.CharField(_("离开原因"), max_length=100, blank=True)
    dues_category = models.CharField(
        _("党费缴纳类别"), max_length=12, choices=DuesCategory.choices, default="employed"
    )
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "party_org_id"})

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_bidx"],
                condition=~models.Q(id_number_bidx=""),
                name="partymember_unique_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["party_org", "status"]),
            models.Index(fields=["employer", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self, *, party_org_area_code: str | None = None) -> PartyMember:
        """Set the denormalised columns. Bulk writers may pass the Party org's area code."""
        if party_org_area_code is not None:
            self.area_code = party_org_area_code
        elif self.party_org_id and (
            not self.area_code or PartyMember.party_org.is_cached(self)  # type: ignore[attr-defined]
        ):
            self.area_code = self.party_org.area_code  # type: ignore[union-attr]
        self.id_number_bidx = bidx_for(self.id_number, "id_number") if self.id_number else ""
        self.phone_bidx = bidx_for(self.phone, "phone") if self.phone else ""
        self.probation_ends_on = self.compute_probation_end()
        if self.joined_org_on is None:
            self.joined_org_on = self.joined_on
        return self

    def compute_probation_end(self) -> dt.date | None:
        # 党章 art. 7: probation one year, extendable (6-12 months, rules_config).
        if not self.admitted_on:
            return None
        months = rules_config.current().probation_months + (self.probation_extension_months or 0)
        return add_months(self.admitted_on, months)

    def is_active_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    def status_on(self, day: dt.date) -> str | None:
        if self.became_formal_on and self.became_formal_on <= day:
            return MemberStatus.FORMAL
        if self.admitted_on and self.admitted_on <= day:
            return MemberStatus.PROBATIONARY
        return None


class Instructor(models.Model):
    """A Party-building instructor (党建指导员) sent to organisations without a Party org."""

    name = models.CharField(_("姓名"), max_length=60)
    phone = EncryptedCharField(_("联系电话"), pii_kind="phone")
    phone_bidx = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    work_unit = models.CharField(_("工作单位及职务"), max_length=120, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("选派单位区划"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)

    scope = ScopeSpec(area="area_code")

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> Instructor:
        if self.area_id and not self.area_code:
            self.area_code = self.area.code
        self.phone_bidx = bidx_for(self.phone, "phone") if self.phone else ""
        return self


class InstructorAssignment(models.Model):
    """An instructor assigned to one social organisation for a time (one-to-many by rows)."""

    instructor = models.ForeignKey(
        Instructor,
        verbose_name=_("党建指导员"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    org = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="instructor_assignments",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    started_on = models.DateField(_("选派日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "org_id"})

    class Meta:
        verbose_name = _("党建指导员选派")
        verbose_name_plural = _("党建指导员选派")
        indexes = [models.Index(fields=["org", "started_on"])]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.org}"

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> InstructorAssignment:
        if self.org_id and not self.area_code:
            self.area_code = self.org.area_code
        return self


class MembershipPeriod(models.Model):
    """A member's time in one Party organisation: [started_on, ended_on), ended_on open.

    Written by the services that create a member, move one (transfer receipt) and end a
    membership, so figures "as of" a past date attribute a member to the organisation and
    district (`area_code`, the organisation's division code then) they belonged to then.
    Consecutive periods of one member meet (one ends on the day the next starts).
    Bulk writers (the city generator) call `gongzhi.party.services.bulk_history_for`.
    """

    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="member_periods",
    )
    area_code = models.CharField(_("所在区划代码"), max_length=18, db_index=True)
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "party_org_id"})

    class Meta:
        verbose_name = _("党员组织关系历史")
        verbose_name_plural = _("党员组织关系历史")
        ordering = ["member", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_period_ended_after_started",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "started_on"]),
            models.Index(fields=["area_code", "started_on"]),
            models.Index(fields=["party_org", "started_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.party_org_id} {self.started_on}–{self.ended_on or ''}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)
