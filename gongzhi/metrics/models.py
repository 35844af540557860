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

from gongzhi.core.scope import ScopeSpec


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
    # The latest change marked: a rebuild that started before it did not see it, so it
    # leaves the state dirty (and the change's own queued rebuild is not skipped).
    changed_at = models.DateTimeField(_("最近变更时间"), null=True, blank=True)
    seconds = models.FloatField(_("重算耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("汇总状态")
        verbose_name_plural = _("汇总状态")

    def __str__(self) -> str:
        return self.figure


class IndexScore(models.Model):
    """One organisation's evaluation index for a year under one index version: the stored
    copy of `index.score_orgs` the index pages read (README § Evaluation index).

    `area_code` is the organisation's domicile when the row was computed (a move is a
    watched change, so the row is rewritten): the scope rule filters on it as on the
    registry's own column, and units are ranked by GROUP BY its prefix.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.CharField(_("指标版本"), max_length=20)
    org = models.ForeignKey(
        "orgs.SocialOrg", verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="+"
    )
    area_code = models.CharField(_("住所地区划代码"), max_length=18)
    score = models.FloatField(_("指数"))
    # {dimension key: score}: the unit ranking averages them in SQL.
    dimensions = models.JSONField(_("各维度得分"))
    # {indicator key: [raw value, contribution]}; null is “no data”, never a zero.
    parts = models.JSONField(_("各指标原始值与得分"))
    refreshed_at = models.DateTimeField(_("计算时间"))

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "org_id"})

    class Meta:
        verbose_name = _("评价指数（社会组织）")
        verbose_name_plural = _("评价指数（社会组织）")
        constraints = [
            models.UniqueConstraint(fields=["year", "version", "org"], name="indexscore_key"),
        ]
        indexes = [
            # A unit's rows (prefix range: LIKE 'prefix%', hence the pattern operator class
            # on PostgreSQL, whose default collation cannot range-scan LIKE) for a district's
            # list and the ranking of units a scope covers only in part.
            models.Index(
                fields=["year", "version", "area_code"],
                name="indexscore_area",
                opclasses=["int2_ops", "varchar_ops", "varchar_pattern_ops"],
            ),
            # The best 50 of a year (issue 7: flat as the city grows): read in index order
            # and stopped at the limit, instead of sorting every row of the year.
            models.Index(fields=["year", "version", "-score"], name="indexscore_best"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.version} {self.org_id} {self.score}"


class IndexUnit(models.Model):
    """A unit's place in the stored index of a year and version: how many organisations are
    domiciled in it and their average dimension scores (`index.unit_score` of their
    IndexScore rows), for every prefix of their area codes at each unit level. Written with
    the IndexScore rows in the same transaction, so the page reads a ranking of N units in
    N rows whatever the size of the city (issue 7)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.CharField(_("指标版本"), max_length=20)
    prefix = models.CharField(_("单位前缀"), max_length=18)
    orgs = models.PositiveIntegerField(_("社会组织数"))
    score = models.FloatField(_("平均指数"))
    # {dimension key: average score of the unit's organisations}.
    dimensions = models.JSONField(_("各维度平均得分"))
    refreshed_at = models.DateTimeField(_("计算时间"))

    # A unit's row sums organisations a user may not all see: it is read only for units the
    # user's area scope covers whole (selectors.index_units), so it carries the scope rule
    # on its own prefix like any area-coded record.
    scope = ScopeSpec(area="prefix")

    class Meta:
        verbose_name = _("评价指数（单位）")
        verbose_name_plural = _("评价指数（单位）")
        constraints = [
            models.UniqueConstraint(fields=["year", "version", "prefix"], name="indexunit_key"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.version} {self.prefix} {self.score}"


class IndexState(models.Model):
    """When the stored index of a year and version was last computed, and whether changes to
    the data it reads wait for the next computation. A row means “computed” even when no
    organisation was active that year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.CharField(_("指标版本"), max_length=20)
    refreshed_at = models.DateTimeField(_("最近重算时间"))
    dirty_since = models.DateTimeField(_("待重算（自）"), null=True, blank=True)
    # The latest change marked: a rebuild that started before it did not see it, so it
    # leaves the state dirty (and the change's own queued rebuild is not skipped).
    changed_at = models.DateTimeField(_("最近变更时间"), null=True, blank=True)
    seconds = models.FloatField(_("重算耗时（秒）"), default=0)
    orgs = models.PositiveIntegerField(_("社会组织数"), default=0)

    class Meta:
        verbose_name = _("评价指数状态")
        verbose_name_plural = _("评价指数状态")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="indexstate_key"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.version}"
