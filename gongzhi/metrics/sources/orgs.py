"""Figures of the social-organisation registry: organisations registered or filed, employees."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, IntegerField, QuerySet, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import restrict
from gongzhi.metrics.figures import Figure, Row, register, step_changes
from gongzhi.orgs.models import SocialOrg


def _orgs(user: Any, prefix: str | None) -> QuerySet[SocialOrg]:
    qs = restrict(SocialOrg.objects.all(), user)
    return qs.filter(area_code__startswith=prefix) if prefix else qs


def orgs_active_on(user: Any, day: dt.date, prefix: str | None = None) -> QuerySet[SocialOrg]:
    """Organisations registered or filed on `day` and not yet deregistered (is_active_on)."""
    return _orgs(user, prefix).filter(registered_on__lte=day).exclude(deregistered_on__lte=day)


def _count_orgs(user: Any, day: dt.date, prefix: str | None) -> int:
    return orgs_active_on(user, day, prefix).count()


def _stage_orgs_sql() -> list[QuerySet[Any]]:
    code = Substr("area_code", 1, 12)
    plus = (
        SocialOrg.objects.values(code=code, day=F("registered_on"))
        .annotate(value=Count("id"))
        .order_by()
    )
    minus = (
        SocialOrg.objects.filter(deregistered_on__isnull=False)
        .values(code=code, day=F("deregistered_on"))
        .annotate(value=Value(0, output_field=IntegerField()) - Count("id"))
        .order_by()
    )
    return [plus, minus]


register(
    Figure(
        key="social_orgs",
        label=_("登记备案社会组织"),
        unit_label=_("家"),
        count=_count_orgs,
        stage_sql=_stage_orgs_sql,
        watch=["orgs.SocialOrg"],
        headline=True,
        order=10,
    )
)


# --- employees: the latest annual report on or before the date, of the organisations active then
def _reports() -> Any:
    from gongzhi.orgs.models import AnnualReport, ReportResult

    return AnnualReport.objects.filter(submitted_on__isnull=False).exclude(
        result=ReportResult.NOT_SUBMITTED
    )


def employees_as_of(user: Any, day: dt.date, prefix: str | None = None) -> int:
    latest: dict[int, tuple[dt.date, int, int]] = {}
    orgs = orgs_active_on(user, day, prefix)
    rows = (
        _reports()
        .filter(org__in=orgs.values("pk"), submitted_on__lte=day)
        .values_list("org_id", "submitted_on", "year", "employees")
    )
    for org_id, submitted, year, employees in rows:
        if org_id not in latest or (submitted, year) > latest[org_id][:2]:
            latest[org_id] = (submitted, year, employees)
    return sum(v[2] for v in latest.values())


def _stage_employees() -> list[Row]:
    steps: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    order: dict[int, tuple[dt.date, int]] = {}
    for org_id, submitted, year, employees in (
        _reports()
        .values_list("org_id", "submitted_on", "year", "employees")
        .order_by("org_id", "submitted_on", "year")
    ):
        # Two reports filed the same day: the later year wins, as in employees_as_of.
        if steps[org_id] and steps[org_id][-1][0] == submitted:
            steps[org_id][-1] = (submitted, employees)
        else:
            steps[org_id].append((submitted, employees))
        order[org_id] = (submitted, year)
    out: list[Row] = []
    for org_id, code, reg, dereg in SocialOrg.objects.filter(pk__in=list(steps)).values_list(
        "id", "area_code", "registered_on", "deregistered_on"
    ):
        out.extend(step_changes(code[:12], (reg, dereg), steps[org_id]))
    return out


def _has_reports() -> bool:
    try:
        from gongzhi.orgs.models import AnnualReport  # noqa: F401
    except ImportError:  # the registry's annual reports are being built beside this app
        return False
    return True


if _has_reports():
    register(
        Figure(
            key="employees",
            label=_("吸纳就业人员"),
            unit_label=_("人"),
            count=employees_as_of,
            stage=_stage_employees,
            watch=["orgs.SocialOrg", "orgs.AnnualReport"],
            headline=True,
            order=20,
        )
    )
