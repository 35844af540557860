"""Figures of the volunteer registry and its hours ledger (the volunteers app's figures module).

The volunteers app's figures take a division-code prefix, not a user: the scope is applied
here by passing prefixes inside the user's scope (volunteers belong to areas, not to
organisations, so an organisation-only scope sees none).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import scope_of
from gongzhi.metrics.figures import Figure, register
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


def _stage_minutes() -> list[QuerySet[Any]]:
    return [
        HoursEntry.objects.filter(status=EntryStatus.APPROVED)
        .values(code=Substr("area_code", 1, 12), day=F("service_date"))
        .annotate(value=Sum("minutes"))
        .filter(~Q(value=0))
        .order_by()
    ]


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
        stage_sql=_stage_minutes,
        watch=["volunteers.HoursEntry"],
        order=80,
        divisor=60,
    )
)


# --- activities (by the date of their first shift) and activities by category ------------------
def _activity_rows() -> list[tuple[str, str, dt.date]]:
    from django.utils import timezone

    from gongzhi.volunteers.models import Shift

    first: dict[int, tuple[str, str, dt.datetime]] = {}
    for aid, code, cat, starts in Shift.objects.values_list(
        "activity_id", "activity__area_code", "activity__category", "starts_at"
    ):
        if aid not in first or starts < first[aid][2]:
            first[aid] = (code, cat, starts)
    return [(code[:12], cat, timezone.localdate(s)) for code, cat, s in first.values()]


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


def _stage_activities(category: str | None) -> Any:
    def stage() -> list[tuple[str, dt.date, int]]:
        return [(code, day, 1) for code, cat, day in _activity_rows() if category in (None, cat)]

    return stage


register(
    Figure(
        "activities",
        _("志愿服务活动（累计）"),
        _("场"),
        _count_activities(None),
        stage=_stage_activities(None),
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
            stage=_stage_activities(_code),
            watch=["volunteers.Activity", "volunteers.Shift"],
            order=200,
        )
    )


# --- stars: volunteers whose approved hours up to the date reach each threshold ------------------
def _crossings(threshold_minutes: int) -> list[tuple[str, dt.date, int]]:
    """+1 on the day a volunteer's running approved total reaches the threshold, -1 if a
    reversal later takes it below (same definition as volunteers.figures.star_distribution)."""
    from django.db import connection

    h = HoursEntry._meta.db_table
    v = Volunteer._meta.db_table
    sql = f"""
    WITH d AS (SELECT volunteer_id, service_date AS day, SUM(minutes) AS m FROM {h}
               WHERE status = 'approved' GROUP BY volunteer_id, service_date),
         c AS (SELECT volunteer_id, day,
               SUM(m) OVER (PARTITION BY volunteer_id ORDER BY day ROWS UNBOUNDED PRECEDING) AS cum
               FROM d),
         l AS (SELECT volunteer_id, day, cum,
               COALESCE(LAG(cum) OVER (PARTITION BY volunteer_id ORDER BY day), 0) AS prev FROM c)
    SELECT substr(vv.area_code, 1, 12), l.day, l.prev, l.cum FROM l JOIN {v} vv ON vv.id = l.volunteer_id
    WHERE (l.prev < %s AND l.cum >= %s) OR (l.prev >= %s AND l.cum < %s)
    """
    t = threshold_minutes
    with connection.cursor() as cur:
        cur.execute(sql, [t, t, t, t])
        return [
            (
                code,
                day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
                1 if cum >= t else -1,
            )
            for code, day, prev, cum in cur.fetchall()
        ]


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
            stage=lambda h=_hours: _crossings(h * 60),
            watch=["volunteers.HoursEntry"],
            order=85 + _k,
        )
    )
