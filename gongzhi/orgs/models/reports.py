"""Annual reports (年度工作报告) and evaluations (评估等级) of an organisation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models.organisations import ORG_SCOPE, SocialOrg


class ReportResult(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")
    NOT_SUBMITTED = "not_submitted", _("未报")


class AnnualReport(models.Model):
    """年度工作报告 of one organisation for one year. It speaks for 31 December of its year."""

    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("社会组织"),
        on_delete=models.CASCADE,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    result = models.CharField(
        _("检查结论"), max_length=15, choices=ReportResult.choices, blank=True, db_index=True
    )
    employees = models.PositiveIntegerField(_("从业人员数"), default=0)
    social_workers = models.PositiveIntegerField(_("其中持证社工"), default=0)
    other_professionals = models.PositiveIntegerField(_("其中其他专业人才"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者人数"), default=0)
    income = models.DecimalField(
        _("年度收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    spending = models.DecimalField(
        _("年度支出（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Party-building section (党建工作情况).
    has_party_org = models.BooleanField(_("已建立党组织"), default=False)
    no_party_org_reason = models.CharField(_("未建立党组织原因"), max_length=200, blank=True)
    party_instructor = models.CharField(_("党建指导员"), max_length=60, blank=True)
    party_members = models.PositiveIntegerField(_("党员人数"), default=0)
    party_activists = models.PositiveIntegerField(_("入党积极分子人数"), default=0)
    # 四建联动: mass organisations built beside the Party organisation, with dates.
    has_union = models.BooleanField(_("已建工会"), default=False)
    union_on = models.DateField(_("工会建立日期"), null=True, blank=True)
    has_youth_league = models.BooleanField(_("已建共青团组织"), default=False)
    youth_league_on = models.DateField(_("共青团组织建立日期"), null=True, blank=True)
    has_women_federation = models.BooleanField(_("已建妇联组织"), default=False)
    women_federation_on = models.DateField(_("妇联组织建立日期"), null=True, blank=True)
    filed_by = models.CharField(_("填报人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ORG_SCOPE

    class Meta:
        verbose_name = _("年度工作报告")
        verbose_name_plural = _("年度工作报告")
        ordering = ["org", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annual_report_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(
                    employees__gte=models.F("social_workers") + models.F("other_professionals")
                ),
                name="annual_report_professionals_within_employees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.year}"

    @property
    def submitted(self) -> bool:
        return self.result != ReportResult.NOT_SUBMITTED and self.submitted_on is not None


class Evaluation(models.Model):
    """社会组织评估: a score out of 1,000 and the grade it earns, valid five years."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("评估日期"))
    score = models.PositiveSmallIntegerField(_("评估得分"))
    grade = models.PositiveSmallIntegerField(
        _("评估等级（A）"), null=True, blank=True, help_text=_("1–5 对应 1A–5A；空为未达等级")
    )
    valid_until = models.DateField(_("有效期至"))
    authority = models.CharField(_("评估机关"), max_length=120, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=60, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ORG_SCOPE

    class Meta:
        verbose_name = _("评估等级")
        verbose_name_plural = _("评估等级")
        ordering = ["org", "-evaluated_on"]
        indexes = [models.Index(fields=["org", "evaluated_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=1000), name="evaluation_score_at_most_1000"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=5),
                name="evaluation_grade_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.grade_label}"

    @property
    def grade_label(self) -> str:
        return f"{self.grade}A" if self.grade else str(_("未达等级"))
