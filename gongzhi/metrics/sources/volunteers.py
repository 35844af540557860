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
        _("志愿服务时长（分钟，累计）"),
        _("分钟"),
        _count_minutes,
        stage_sql=_stage_minutes,
        watch=["volunteers.HoursEntry"],
        order=80,
    )
)
