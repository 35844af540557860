"""The social-organisation registry (DOMAIN.md § Social organisations)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import EncryptedCharField
from gongzhi.core.scope import ScopeSpec


class OrgKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("社会团体")
    SERVICE_ORG = "service_org", _("社会服务机构")
    FOUNDATION = "foundation", _("基金会")
    COMMUNITY = "community", _("社区社会组织")


class CommunityCategory(models.TextChoices):
    LIFE_SERVICE = "life_service", _("生活服务类")
    COMMUNITY_AFFAIRS = "community_affairs", _("社区事务类")
    CULTURE_SPORTS = "culture_sports", _("文体活动类")
    CHARITY = "charity", _("公益慈善类")


class RegistrationLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    STREET = "street", _("街道/乡镇（备案）")


class OrgStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("撤销")


def fill_derived(org: SocialOrg) -> SocialOrg:
    """Set the search keys, the denormalised area code and the phone's blind index, without
    saving — for `save()` and for generators that `bulk_create` (set `org.area` first)."""
    from gongzhi.core.pii import bidx_for
    from gongzhi.core.textkeys import pinyin_keys, to_simplified

    org.name_simplified = to_simplified(org.name)
    org.name_pinyin, org.name_initials = pinyin_keys(org.name)
    org.area_code = org.area.code if org.area_id else ""
    org.legal_rep_phone_bidx = bidx_for(org.legal_rep_phone, "phone") if org.legal_rep_phone else ""
    return org


class SocialOrg(models.Model):
    """A social organisation registered (登记) or filed (备案) with civil affairs.

    `area_code` repeats the domicile's division code so the scope rule is a prefix
    test on an indexed column of this table (DESIGN.md § The scope rule; a shard key
    later, issue 7).
    """

    name = models.CharField(_("名称"), max_length=200)
    name_simplified = models.CharField(
        _("名称（简体）"), max_length=200, db_index=True, editable=False
    )
    name_pinyin = models.CharField(_("名称拼音"), max_length=600, db_index=True, editable=False)
    name_initials = models.CharField(_("名称首字母"), max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices, db_index=True)
    community_category = models.CharField(
        _("社区社会组织类别"), max_length=20, choices=CommunityCategory.choices, blank=True
    )
    registration_level = models.CharField(
        _("登记管理机关级别"), max_length=10, choices=RegistrationLevel.choices
    )
    authority = models.ForeignKey(
        "areas.Area",
        verbose_name=_("登记管理机关（备案街道）"),
        on_delete=models.PROTECT,
        related_name="registered_orgs",
        help_text=_("登记的民政部门所在单位；社区社会组织为备案的街道/乡镇"),
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("住所地"),
        on_delete=models.PROTECT,
        related_name="domiciled_orgs",
    )
    area_code = models.CharField(_("住所地区划代码"), max_length=18, db_index=True, editable=False)
    domicile = models.CharField(_("住所"), max_length=200, blank=True)
    purpose = models.TextField(_("宗旨"), blank=True)
    business_scope = models.TextField(_("业务范围"), blank=True)
    industry = models.CharField(_("行业领域"), max_length=60, blank=True, db_index=True)
    supervising_unit = models.CharField(_("业务主管单位"), max_length=120, blank=True)
    activity_region = models.CharField(_("活动地域"), max_length=120, blank=True)
    founding_funds = models.DecimalField(
        _("开办资金（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit_members = models.PositiveIntegerField(_("单位会员数"), null=True, blank=True)
    individual_members = models.PositiveIntegerField(_("个人会员数"), null=True, blank=True)
    council_size = models.PositiveIntegerField(_("理事会人数"), null=True, blank=True)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=60, blank=True)
    legal_rep_phone = EncryptedCharField(_("法定代表人电话"), pii_kind="phone")
    legal_rep_phone_bidx = models.CharField(
        max_length=40, blank=True, db_index=True, editable=False
    )
    registered_on = models.DateField(_("登记（备案）日期"), db_index=True)
    deregistered_on = models.DateField(_("注销（撤销）日期"), null=True, blank=True, db_index=True)
    deregistration_reason = models.CharField(_("注销（撤销）原因"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=15, choices=OrgStatus.choices, default=OrgStatus.NORMAL, db_index=True
    )
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "id"})

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deregistered_on__isnull=True)
                | models.Q(deregistered_on__gte=models.F("registered_on")),
                name="org_deregistered_after_registered",
            ),
            # The rule: names are unique among active organisations of one authority.
            models.UniqueConstraint(
                fields=["authority", "name_simplified"],
                condition=models.Q(status="normal"),
                name="org_active_name_unique_per_authority",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "registered_on"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        fill_derived(self)
        super().save(*args, **kwargs)

    def is_active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.registered_on <= day and (
            self.deregistered_on is None or self.deregistered_on > day
        )

    @property
    def active(self) -> bool:
        return self.status == OrgStatus.NORMAL


# Fields a change (变更登记) may touch; their before/after values are kept on OrgChange so
# the registry on any past date can be rebuilt. `area_code` stands for the domicile unit.
CHANGEABLE_FIELDS = (
    "name",
    "kind",
    "community_category",
    "area_code",
    "domicile",
    "purpose",
    "business_scope",
    "industry",
    "supervising_unit",
    "activity_region",
    "founding_funds",
    "unit_members",
    "individual_members",
    "council_size",
    "legal_rep_name",
)

_ORG_SCOPE = ScopeSpec(area="org__area_code", orgs={"orgs.socialorg": "org_id"})


class OrgChange(models.Model):
    """One change of registered particulars (变更登记), effective on a date, before → after."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="changes"
    )
    effective_on = models.DateField(_("生效日期"), db_index=True)
    before = models.JSONField(_("变更前"), default=dict)
    after = models.JSONField(_("变更后"), default=dict)
    reason = models.CharField(_("变更事由"), max_length=200, blank=True)
    approval_no = models.CharField(_("核准文号"), max_length=60, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = _ORG_SCOPE

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["org", "effective_on", "id"]
        indexes = [models.Index(fields=["org", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.org} · {self.effective_on}"


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

    scope = _ORG_SCOPE

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

    scope = _ORG_SCOPE

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


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得/非法财产")
    SUSPENSION = "suspension", _("限期停止活动")
    REVOCATION = "revocation", _("撤销登记")


class Penalty(models.Model):
    """行政处罚 against an organisation: evaluation eligibility and the serious list use it."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="penalties"
    )
    decided_on = models.DateField(_("处罚日期"))
    kind = models.CharField(_("处罚种类"), max_length=15, choices=PenaltyKind.choices)
    fine_yuan = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    authority = models.CharField(_("处罚机关"), max_length=120, blank=True)
    decision_no = models.CharField(_("处罚决定书文号"), max_length=60, blank=True)
    reason = models.CharField(_("违法事实"), max_length=300, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = _ORG_SCOPE

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["org", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_kind_display()} · {self.decided_on}"


class ListKind(models.TextChoices):
    ANOMALY = "anomaly", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


class ListingCause(models.TextChoices):
    # 民政部令60号 art. 4 (anomaly list) and art. 11 (serious list).
    NO_ANNUAL_REPORT = "no_annual_report", _("未按规定报送年度工作报告")
    NO_PARTY_ORG = "no_party_org", _("未按要求建立党组织")
    UNREACHABLE = "unreachable", _("通过登记的住所无法与其取得联系")
    NO_ACTIVITY = "no_activity", _("未按规定开展活动")
    INFO_UNDISCLOSED = "info_undisclosed", _("未按规定公开信息")
    ANOMALY_TWO_YEARS = "anomaly_two_years", _("列入活动异常名录满2年")
    LARGE_FINE = "large_fine", _("受到5万元以上罚款处罚")
    OTHER = "other", _("其他")


class ListingState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    CONFIRMED = "confirmed", _("已列入")
    REJECTED = "rejected", _("不予列入")


class CreditListing(models.Model):
    """An entry on 活动异常名录 or 严重违法失信名单 (民政部令60号), from proposal to removal."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="listings"
    )
    list_kind = models.CharField(_("名单"), max_length=10, choices=ListKind.choices)
    cause = models.CharField(_("列入事由"), max_length=20, choices=ListingCause.choices)
    detail = models.CharField(_("事由说明"), max_length=300, blank=True)
    state = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=ListingState.choices,
        default=ListingState.CONFIRMED,
        db_index=True,
    )
    listed_on = models.DateField(_("列入日期"))
    authority = models.CharField(_("作出决定机关"), max_length=120, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=60, blank=True)
    rectified_on = models.DateField(_("整改核实日期"), null=True, blank=True)
    rectification = models.CharField(_("整改情况"), max_length=300, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    promoted_from = models.ForeignKey(
        "self",
        verbose_name=_("由异常名录转入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = _ORG_SCOPE

    class Meta:
        verbose_name = _("信用名单记录")
        verbose_name_plural = _("信用名单记录")
        ordering = ["org", "-listed_on"]
        indexes = [models.Index(fields=["org", "state", "removed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("listed_on")),
                name="listing_removed_after_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_list_kind_display()} · {self.listed_on}"

    @property
    def in_force(self) -> bool:
        return self.state == ListingState.CONFIRMED and self.removed_on is None
