"""Administrative units from province to building, keyed by the statistical division code.

12 digits down to community (2 province + 2 city + 2 county + 3 township + 3 community,
GB/T 2260 and the statistical codes), extended by 3 digits for a compound and 3 more
for a building. "Inside my area" is a prefix test on the indexed `code` column.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class Kind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区/县/县级市")
    ZONE = "zone", _("功能区")
    TOWNSHIP = "township", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")


# How many leading characters of the code name the unit (its scope prefix).
PREFIX_LENGTH = {
    Kind.PROVINCE: 2,
    Kind.CITY: 4,
    Kind.COUNTY: 6,
    Kind.ZONE: 6,
    Kind.TOWNSHIP: 9,
    Kind.COMMUNITY: 12,
    Kind.COMPOUND: 15,
    Kind.BUILDING: 18,
}
CODE_LENGTH = {kind: max(12, n) for kind, n in PREFIX_LENGTH.items()}
# The kind of unit directly below each kind (drill-down order).
CHILD_KIND = {
    Kind.PROVINCE: Kind.CITY,
    Kind.CITY: Kind.COUNTY,
    Kind.COUNTY: Kind.TOWNSHIP,
    Kind.ZONE: Kind.TOWNSHIP,
    Kind.TOWNSHIP: Kind.COMMUNITY,
    Kind.COMMUNITY: Kind.COMPOUND,
    Kind.COMPOUND: Kind.BUILDING,
}


def prefix_of(code: str, kind: str) -> str:
    return code[: PREFIX_LENGTH[Kind(kind)]]


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("层级"), max_length=12, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    prefix = models.CharField(_("范围前缀"), max_length=18, db_index=True, editable=False)
    synthetic = models.BooleanField(
        _("虚构（演示数据）"), default=False, help_text=_("演示用的虚构单位，不是真实区划")
    )

    scope = ScopeSpec(area="code")

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.prefix = prefix_of(self.code, self.kind)
        super().save(*args, **kwargs)
