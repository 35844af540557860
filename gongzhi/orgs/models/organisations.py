"""The registry's own records: the organisation and its changes (DOMAIN.md § Social organisations)."""

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
    """Set the search columns, the denormalised area code and the phone's blind index, without
    saving — for `save()` and for generators that `bulk_create` (set `org.area` first; they
    then call `gongzhi.orgs.search_keys.index_orgs` for the name keys)."""
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
    _keyed_name: str | None = None  # see save()

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
        from gongzhi.orgs.search_keys import index_orgs

        fill_derived(self)
        new = self.pk is None
        super().save(*args, **kwargs)
        if getattr(self, "_keyed_name", None) != self.name_simplified:
            index_orgs([(self.pk, self.name_simplified)], fresh=new)
            self._keyed_name = self.name_simplified

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        org = super().from_db(db, field_names, values)
        # The name the search keys were written for (None when the column was deferred).
        org._keyed_name = org.__dict__.get("name_simplified")
        return org

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

ORG_SCOPE = ScopeSpec(area="org__area_code", orgs={"orgs.socialorg": "org_id"})


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

    scope = ORG_SCOPE

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["org", "effective_on", "id"]
        indexes = [models.Index(fields=["org", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.org} · {self.effective_on}"
