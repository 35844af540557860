"""Figures of the volunteer registry and its hours ledger (the volunteers app's figures module).

The volunteers app's figures take a division-code prefix, not a user: the scope is applied
here by passing prefixes inside the user's scope (volunteers belong to areas, not to
organisations, so an organisation-only scope sees none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import scope_of
from gongzhi.metrics.figures import Family, Figure, register
from gongzhi.volunteers import figures as vf
from gongzhi.volunteers import rules_config as vrules
from gongzhi.volunteers.models import EntryStatus, HoursEntry, Volunteer

EPOCH = dt.date(2000, 1, 1)


def _prefixes(user: Any, prefix: str | None) -> list[str]:
    if prefix:
        return [prefix]
    scope = scope_of(user)
    return [""] if scope.everything else list(scope.area_prefixes)


def _count_volunteers(user: Any, day: dt.date, prefix: str | None) -> int:
    return sum(vf.registered_volunteers(as_of=day, area_prefix=p) for p in _prefixes(user, prefix))


def _count_minutes(user: Any, day: dt.date, prefix: str | None) -> int:
    total = 0
    for p in _prefixes(user, prefix):
        qs = HoursEntry.objects.filter(status=EntryStatus.APPROVED, service_date__lte=day)
        if p:
            qs = qs.filter(area_code__startswith=p)
        total += int(qs.aggregate(s=Sum("minutes"))["s"] or 0)
    return total


def _stage_volunteers() -> list[QuerySet[Any]]:
    code = Substr("area_code", 1, 12)
    plus = (
        Volunteer.objects.values(code=code, day=F("registered_on"))
        .annotate(value=Count("id"))
        .order_by()
    )
    minus = (
        Volunteer.objects.filter(withdrawn_on__isnull=False)
        .values(code=code, day=F("withdrawn_on"))
        .annotate(value=Value(0, output_field=IntegerField()) - Count("id"))
        .order_by()
    )
    return [plus, minus]


def _stage_minutes() -> list[tuple[str, Sequence[Any]]]:
    """The approved minutes by community and service date: one read of the whole ledger.

    `NOT INDEXED` on SQLite: its planner reads the approved entries through the partial
    index `hours_approved_date`, one table lookup per entry in date order, three times
    as long as reading the table in its own order (~5 million entries at full scale).
    """
    h = connection.ops.quote_name(HoursEntry._meta.db_table)
    hint = " NOT INDEXED" if connection.vendor == "sqlite" else ""
    sql = (
        f"SELECT 'volunteer_minutes', substr(area_code, 1, 12), service_date, SUM(minutes) "
        f"FROM {h}{hint} WHERE status = %s "
        f"GROUP BY substr(area_code, 1, 12), service_date HAVING SUM(minutes) <> 0"
    )
    return [(sql, [EntryStatus.APPROVED.value])]


MINUTES = Family("volunteer_minutes", sql=_stage_minutes)


register(
    Figure(
        "volunteers",
        _("注册志愿者"),
        _("人"),
        _count_volunteers,
        stage_sql=_stage_volunteers,
        watch=["volunteers.Volunteer"],
        headline=True,
        order=30,
    )
)
register(
    Figure(
        "volunteer_minutes",
        _("志愿服务时长（累计，已认定）"),
        _("小时"),
        _count_minutes,
        family=MINUTES,
        watch=["volunteers.HoursEntry"],
        order=80,
        divisor=60,
    )
)


# --- activities (by the date of their first shift) and activities by category ------------------
def _stage_activities() -> list[tuple[str, Sequence[Any]]]:
    """+1 for each activity on the (local) date of its first shift: all, and by category."""
    from django.db.models import Min

    from gongzhi.volunteers.models import Activity

    first = (
        Activity.objects.annotate(first=Min("shifts__starts_at__date"))
        .filter(first__isnull=False)
        .values("area_code", "category", "first")
        .order_by()
    )
    sql, params = first.query.sql_with_params()
    known = [code for code, _label in vrules.current().categories]
    by_category = f"t.category IN ({', '.join(['%s'] * len(known))})" if known else "1 = 0"
    # One pass over the activities' first dates for both: each activity counts once as
    # 'activities' (k.n = 0) and once more under its category if that is a known one.
    return [
        (
            f"SELECT CASE WHEN k.n = 0 THEN 'activities' ELSE 'activities_' || t.category END, "
            f"substr(t.area_code, 1, 12), t.first, COUNT(*) "
            f"FROM ({sql}) t JOIN (SELECT 0 AS n UNION ALL SELECT 1) k "
            f"ON k.n = 0 OR {by_category} "
            f"GROUP BY CASE WHEN k.n = 0 THEN 'activities' ELSE 'activities_' || t.category END, "
            f"substr(t.area_code, 1, 12), t.first",
            [*params, *known],
        ),
    ]


ACTIVITIES = Family("activities", sql=_stage_activities)


def _count_activities(category: str | None) -> Any:
    def count(user: Any, day: dt.date, prefix: str | None) -> int:
        from django.db.models import Min

        from gongzhi.volunteers.models import Activity

        total = 0
        for p in _prefixes(user, prefix):
            qs = Activity.objects.annotate(first=Min("shifts__starts_at__date")).filter(
                first__lte=day
            )
            if p:
                qs = qs.filter(area_code__startswith=p)
            if category:
                qs = qs.filter(category=category)
            total += qs.count()
        return total

    return count


register(
    Figure(
        "activities",
        _("志愿服务活动（累计）"),
        _("场"),
        _count_activities(None),
        family=ACTIVITIES,
        watch=["volunteers.Activity", "volunteers.Shift"],
        order=81,
    )
)
for _code, _label in vrules.current().categories:
    register(
        Figure(
            f"activities_{_code}",
            _label,
            _("场"),
            _count_activities(_code),
            family=ACTIVITIES,
            watch=["volunteers.Activity", "volunteers.Shift"],
            order=200,
        )
    )


# --- stars: volunteers whose approved hours up to the date reach each threshold ------------------
def _levels_sql() -> tuple[str, list[Any]]:
    """A SELECT of (figure, level, threshold minutes), one row per star level."""
    levels = list(enumerate(vrules.current().star_thresholds_hours, start=1))
    sql = " UNION ALL ".join(
        [
            "SELECT CAST(%s AS varchar(40)) AS figure, CAST(%s AS integer) AS k, "
            "CAST(%s AS bigint) AS t"
        ]
        * len(levels)
    )
    params: list[Any] = []
    for k, hours in levels:
        params += [f"stars_{k}", k, hours * 60]
    return sql, params


def _stage_stars() -> list[tuple[str, Sequence[Any]]]:
    """+1 for each level a volunteer reaches on a day, -1 for each they fall below — the
    definition of volunteers.figures.star_distribution — from the volunteers app's star
    summary (`StarStep`: the days a volunteer's level changed, in their home area, kept by
    the hours services in the same transaction): a GROUP BY over the steps, never the
    ledger. A summary computed with other thresholds than today's (a rules change not yet
    rebuilt) is not used; the ledger is walked instead, as the figure itself then does.
    """
    from gongzhi.volunteers import stars
    from gongzhi.volunteers.models import StarState, StarStep

    state = StarState.objects.filter(key="stars").values_list("thresholds_minutes", flat=True)
    found = state.first()
    if found is not None and list(found) != stars.thresholds_minutes():
        return _walk_ledger()
    table = connection.ops.quote_name(StarStep._meta.db_table)
    levels, params = _levels_sql()
    sql = f"""
    WITH th AS ({levels})
    SELECT th.figure, substr(s.area_code, 1, 12), s.day,
           SUM(CASE WHEN s.stars >= th.k THEN 1 ELSE -1 END)
    FROM {table} s JOIN th
      ON (s.previous < th.k AND s.stars >= th.k) OR (s.previous >= th.k AND s.stars < th.k)
    GROUP BY th.figure, substr(s.area_code, 1, 12), s.day
    """
    return [(sql, params)]


def _walk_ledger() -> list[tuple[str, Sequence[Any]]]:
    """The star changes from the ledger itself, while the star summary is not for today's
    thresholds: +1 on the day a volunteer's running approved total reaches a level's
    threshold (and -1 should it fall below again), for all levels in one pass.

    Only volunteers whose total (`approved_minutes`, which the volunteers app keeps equal
    to the approved ledger) reaches the first level are walked: a reversal carries its
    entry's service date (services.hours_reverse; the ledger is immutable), so no day's
    sum is negative and a running total by date never falls — whoever is below the first
    level now was below it on every date. The rest of the ledger is not read; the walk
    sums each candidate's entries by day (the `hours_vol_date` index; CROSS JOIN keeps
    SQLite from scanning the ledger instead) and keeps the days a level is crossed.
    """
    h = connection.ops.quote_name(HoursEntry._meta.db_table)
    v = connection.ops.quote_name(Volunteer._meta.db_table)
    levels, level_params = _levels_sql()
    sql = f"""
    WITH cand AS (SELECT id FROM {v} WHERE approved_minutes >= %s),
         d AS (SELECT x.volunteer_id, x.service_date AS day, SUM(x.minutes) AS m
               FROM cand CROSS JOIN {h} x
               WHERE x.volunteer_id = cand.id AND x.status = %s
               GROUP BY x.volunteer_id, x.service_date),
         c AS (SELECT volunteer_id, day,
               SUM(m) OVER (PARTITION BY volunteer_id ORDER BY day ROWS UNBOUNDED PRECEDING) AS cum
               FROM d),
         l AS (SELECT volunteer_id, day, cum,
               COALESCE(LAG(cum) OVER (PARTITION BY volunteer_id ORDER BY day), 0) AS prev FROM c),
         th AS ({levels})
    SELECT th.figure, substr(vv.area_code, 1, 12), l.day, CASE WHEN l.cum >= th.t THEN 1 ELSE -1 END
    FROM l JOIN {v} vv ON vv.id = l.volunteer_id
    JOIN th ON (l.prev < th.t AND l.cum >= th.t) OR (l.prev >= th.t AND l.cum < th.t)
    """
    approved = EntryStatus.APPROVED.value
    first = vrules.current().star_thresholds_hours[0] * 60
    return [(sql, [first, approved, *level_params])]


STARS = Family("stars", sql=_stage_stars)


def _count_stars(k: int) -> Any:
    def count(user: Any, day: dt.date, prefix: str | None) -> int:
        total = 0
        for p in _prefixes(user, prefix):
            dist = vf.star_distribution(as_of=day, area_prefix=p)
            total += sum(n for stars, n in dist.items() if stars >= k)
        return total

    return count


for _k, _hours in enumerate(vrules.current().star_thresholds_hours, start=1):
    register(
        Figure(
            f"stars_{_k}",
            _("%(k)d星及以上志愿者") % {"k": _k},
            _("人"),
            _count_stars(_k),
            family=STARS,
            # A volunteer's stars count where the volunteer lives now (star_distribution).
            watch=["volunteers.HoursEntry", "volunteers.Volunteer", "volunteers.StarStep"],
            order=85 + _k,
        )
    )
