"""The star summary: when each volunteer's star level changed, and the monthly tallies.

`figures.star_distribution(as_of=...)` for a past date reads these instead of the ledger
(issue 5): the month rows before the date's month plus that month's steps up to the date,
whatever the size of the ledger after it. `gongzhi.volunteers.stars` maintains them in the
transaction that changes a volunteer's approved ledger or home area, and rebuilds them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class StarStep(models.Model):
    """A day a volunteer's star level changed: their approved hours up to that service date
    (all of that day's entries) reached or fell below a threshold."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="+"
    )
    # The home area the step is counted under (the volunteer's, moved with them).
    area_code = models.CharField(_("居住地区划代码"), max_length=18)
    day = models.DateField(_("日期"))
    previous = models.PositiveSmallIntegerField(_("原星级"))
    stars = models.PositiveSmallIntegerField(_("星级"))

    scope = ScopeSpec(area="area_code")

    class Meta:
        verbose_name = _("星级变化")
        verbose_name_plural = _("星级变化")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "day"], name="star_step_one_per_day"),
        ]
        indexes = [models.Index(fields=["day", "area_code"], name="star_step_day_area")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.day} {self.previous}->{self.stars}"


class StarTally(models.Model):
    """Net change in a month of the volunteers at one star level living in one unit.

    Units are the 2-, 4-, 6-, 9- and 12-digit prefixes of the home area code (province,
    city, county, street, community), as the metrics summaries count them.
    """

    unit = models.CharField(_("区划代码前缀"), max_length=12)
    level = models.PositiveSmallIntegerField(_("前缀位数"))
    month = models.DateField(_("月份"))
    stars = models.PositiveSmallIntegerField(_("星级"))
    change = models.IntegerField(_("净变化"), default=0)

    class Meta:
        verbose_name = _("星级月度统计")
        verbose_name_plural = _("星级月度统计")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "stars"], name="star_tally_unit_month_stars"
            ),
        ]
        indexes = [models.Index(fields=["level", "month"], name="star_tally_level_month")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m} {self.stars}: {self.change:+d}"


class StarState(models.Model):
    """The thresholds the summary was computed with; other thresholds mean rebuild first."""

    key = models.CharField(max_length=20, primary_key=True, default="stars")
    thresholds_minutes = models.JSONField(_("阈值（分钟）"))
    rebuilt_at = models.DateTimeField(_("重建时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("星级统计状态")
        verbose_name_plural = _("星级统计状态")

    def __str__(self) -> str:
        return f"{self.key} {self.thresholds_minutes}"
