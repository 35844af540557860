"""Volunteers and their qualifications (training, awards, evaluations, complaints: records.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import EncryptedCharField
from gongzhi.core.scope import ScopeSpec


class Counter(models.Model):
    """Sequence per key (volunteer numbers per county and year, certificate numbers per year).

    Numbers are allocated under a row lock, in blocks for bulk creation, so concurrent
    registrations never collide and a 1.1M-row load takes one lock per block.
    """

    key = models.CharField(_("序列键"), max_length=40, primary_key=True)
    last = models.BigIntegerField(_("已分配至"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.last}"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    WITHDRAWN = "withdrawn", _("已注销")
    # PIPL art. 47: deleted on request. The row stays (the ledger and certificates reference
    # it, 民政部令67号) but holds no personal data any more: see services.privacy.
    DELETED = "deleted", _("已删除（匿名化）")


class Volunteer(models.Model):
    """A registered volunteer, known by the unified volunteer number, never by the ID number.

    Number format (see `gongzhi.volunteers.keys.volunteer_number`): ``V`` + the 6-digit
    county code of the home area at registration + 2-digit registration year + a 7-digit
    sequence per county and year + a Luhn check digit, e.g. ``V4304052100001234``
    (17 characters). It carries no personal data.
    """

    number = models.CharField(_("志愿者编号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=60)
    # Prefix-searched keys: one pattern-ops index each (see Meta and selectors.volunteer_search).
    name_simplified = models.CharField(_("姓名（简体）"), max_length=60)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120)
    name_initials = models.CharField(_("姓名首字母"), max_length=30)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, default="居民身份证")
    id_number = EncryptedCharField(_("证件号码"), pii_kind="id_number")
    id_number_bidx = models.CharField(_("证件号码索引"), max_length=40, blank=True, editable=False)
    phone = EncryptedCharField(_("手机号码"), pii_kind="phone")
    phone_bidx = models.CharField(_("手机号码索引"), max_length=40, blank=True, editable=False)
    # Last four digits in clear: the search people use at a service desk (not identifying alone).
    phone_last4 = models.CharField(_("手机尾号"), max_length=4, blank=True, editable=False)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("居住地"), on_delete=models.PROTECT, related_name="+"
    )
    # Indexed as the first column of vol_area_registered and vol_area_minutes (Meta).
    area_code = models.CharField(_("居住地区划代码"), max_length=18, editable=False)
    skills = models.JSONField(_("特长技能"), default=list, blank=True)
    # No index of its own: as-of counts filter by scope prefix first (vol_area_registered), and
    # an unscoped count is faster as a table scan (SQLite chose this index and took 6x longer).
    registered_on = models.DateField(_("注册日期"))
    withdrawn_on = models.DateField(_("注销日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    consent_on = models.DateField(_("个人信息处理同意日期"), null=True, blank=True)
    consent_version = models.CharField(_("同意的告知书版本"), max_length=20, blank=True)
    consent_withdrawn_on = models.DateField(_("撤回同意日期"), null=True, blank=True)
    anonymised_on = models.DateField(_("匿名化日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_profile",
    )
    # Running total of approved service minutes, updated in the approving transaction so a
    # volunteer's page never sums the ledger (5M rows at city scale).
    approved_minutes = models.BigIntegerField(_("累计认定时长（分钟）"), default=0)
    last_service_on = models.DateField(_("最近服务日期"), null=True, blank=True)
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(area="area_code")

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        constraints = [
            # One volunteer per person: the ID number's keyed hash is unique when known.
            models.UniqueConstraint(
                fields=["id_number_bidx"],
                condition=~models.Q(id_number_bidx=""),
                name="volunteer_unique_id_number",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_minutes__gte=0), name="volunteer_minutes_not_negative"
            ),
        ]
        indexes = [
            # Name search is a prefix look-up. On PostgreSQL a varchar_pattern_ops B-tree serves
            # LIKE 'x%' whatever the collation (a plain one would not, and is not needed: these
            # columns are never sorted by the database); SQLite ignores opclasses and gets a
            # plain B-tree, which its byte-order range query uses.
            models.Index(
                fields=["name_simplified"],
                name="vol_name_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_pinyin"], name="vol_pinyin_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_initials"],
                name="vol_initials_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # Equality only (a keyed hash): no pattern index.
            models.Index(fields=["phone_bidx"], name="vol_phone_bidx"),
            # Phone-tail search is an equality on 4 digits then the scope prefix (see selectors).
            models.Index(fields=["phone_last4", "area_code"], name="vol_phone4_area"),
            # The scope filter is `area_code LIKE 'prefix%'`: pattern ops on PostgreSQL (a
            # plain B-tree under a non-C collation does not serve LIKE); these two are the
            # only indexes on area_code.
            models.Index(
                fields=["area_code", "registered_on"],
                name="vol_area_registered",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["area_code", "approved_minutes"],
                name="vol_area_minutes",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def save(self, *args, **kwargs):  # type: ignore[override]
        from gongzhi.volunteers.keys import fill_derived

        fill_derived(self)
        super().save(*args, **kwargs)

    @property
    def approved_hours(self) -> float:
        return round(self.approved_minutes / 60, 1)

    @property
    def stars(self) -> int:
        from gongzhi.volunteers.rules_config import stars_for_minutes

        return stars_for_minutes(self.approved_minutes)

    @property
    def id_number_masked(self) -> str:
        from gongzhi.core.pii import mask

        return mask(self.id_number, "id_number")

    @property
    def phone_masked(self) -> str:
        from gongzhi.core.pii import mask

        return mask(self.phone, "phone")


class Qualification(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("资质"), max_length=30)
    number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("取得日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    scope = ScopeSpec(area="volunteer__area_code")

    class Meta:
        verbose_name = _("资质")
        verbose_name_plural = _("资质")
        indexes = [models.Index(fields=["volunteer", "kind"])]

    def __str__(self) -> str:
        from gongzhi.volunteers.rules_config import qualification_label

        return qualification_label(self.kind)

    def valid_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.expires_on is None or self.expires_on >= day
