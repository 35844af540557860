"""Summary tables for the dashboards (issue 6 § Speed).

`Delta` holds, for every unit prefix (province, city, county-level unit, street, community)
the net change of each figure on each day (grain "d") and in each month (grain "m"). A
figure as of a date is the sum of the month rows before the date's month plus the day rows
of that month up to the date: at most a few hundred index-ordered rows, whatever the size
of the base tables. The rows are rebuilt from the base tables by `summaries.refresh`
(the background task `metrics.refresh_summaries`, after every committed change to a counted
record, and `python -m django refresh_metrics`); `SummaryState` records when each figure
was last rebuilt and whether changes are pending (freshness: gongzhi/metrics/README.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "d", _("日")
    MONTH = "m", _("月")


class Delta(models.Model):
    unit = models.CharField(_("单位前缀"), max_length=12)
    grain = models.CharField(_("粒度"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("日期/月份"))
    figure = models.CharField(_("指标"), max_length=40)
    value = models.BigIntegerField(_("变化量"))

    class Meta:
        verbose_name = _("统计汇总（增量）")
        verbose_name_plural = _("统计汇总（增量）")
        indexes = [
            # The one index, covering: an as-of sum reads two ranges of it per figure and
            # unit (months before, days of the month), and a rebuild finds a figure's rows
            # by its first column. rollup.replace_all drops and rebuilds it by this list.
            models.Index(fields=["figure", "unit", "grain", "period", "value"], name="delta_asof"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.figure} {self.period} {self.value:+d}"


class SummaryState(models.Model):
    figure = models.CharField(_("指标"), max_length=40, unique=True)
    refreshed_at = models.DateTimeField(_("最近重算时间"), null=True, blank=True)
    dirty_since = models.DateTimeField(_("待重算（自）"), null=True, blank=True)
    seconds = models.FloatField(_("重算耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("汇总状态")
        verbose_name_plural = _("汇总状态")

    def __str__(self) -> str:
        return self.figure
