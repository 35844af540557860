"""Scope cases of the volunteers app (run by gongzhi/core/tests/test_scope_rule.py)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.core.testing import ScopeCase, register
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.tests import factories as f

_n = itertools.count(1)


def _volunteer(code: str):
    return f.volunteer(code, name=f"志愿者{next(_n)}")


def _team(code: str):
    return f.team(code, name=f"队伍{code}-{next(_n)}")


def _activity(code: str):
    return f.activity(_team(code), title=f"act-{code}-{next(_n)}")


def _entry(code: str):
    team = _team(code)
    return services.hours_record(
        actor="test",
        volunteer=_volunteer(code),
        team=team,
        minutes=60,
        service_date=timezone.localdate() - dt.timedelta(days=1),
        content=f"svc-{code}-{next(_n)}",
    )


def _certificate(code: str):
    e = _entry(code)
    services.hours_approve(actor="test", entry_ids=[e.pk])
    return services.certificate_request(
        actor="test",
        volunteer=e.volunteer,
        team=e.team,
        period_from=e.service_date,
        period_to=e.service_date,
    )


register(
    ScopeCase(
        name="volunteers.volunteer",
        make=_volunteer,
        selector=lambda user: selectors.volunteer_list(user=user),
        detail_url=lambda v: f"/volunteers/people/{v.pk}/",
        api_detail_url=lambda v: f"/api/v1/volunteers/people/{v.pk}",
        api_list_url="/api/v1/volunteers/people",
        list_url="/volunteers/people/",
        export_kind="volunteers",
        marker=lambda v: v.number,
    )
)
register(
    ScopeCase(
        name="volunteers.team",
        make=_team,
        selector=lambda user: selectors.team_list(user=user),
        detail_url=lambda t: f"/volunteers/teams/{t.pk}/",
        api_detail_url=lambda t: f"/api/v1/volunteers/teams/{t.pk}",
        api_list_url="/api/v1/volunteers/teams",
        list_url="/volunteers/teams/",
        marker=lambda t: t.code,
    )
)
register(
    ScopeCase(
        name="volunteers.activity",
        make=_activity,
        selector=lambda user: selectors.activity_list(user=user),
        detail_url=lambda a: f"/volunteers/activities/{a.pk}/",
        api_detail_url=lambda a: f"/api/v1/volunteers/activities/{a.pk}",
        api_list_url="/api/v1/volunteers/activities",
        list_url="/volunteers/activities/",
        marker=lambda a: a.title,
    )
)
register(
    ScopeCase(
        name="volunteers.hoursentry",
        make=_entry,
        selector=lambda user: selectors.hours_list(user=user),
        api_detail_url=lambda e: f"/api/v1/volunteers/hours/{e.pk}",
        list_url="/volunteers/hours/?status=pending",
        export_kind="hours",
        marker=lambda e: e.content,
    )
)
register(
    ScopeCase(
        name="volunteers.certificate",
        make=_certificate,
        selector=lambda user: selectors.certificate_list(user=user),
        detail_url=lambda c: f"/volunteers/certificates/{c.pk}.pdf",
        list_url="/volunteers/certificates/",
        marker=lambda c: c.number,
    )
)
