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
        api_list_url="/api/v1/volunteers/hours",
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


def _member_of_team(code: str):
    team = _team(code)
    v = _volunteer(code)
    services.team_member_add(actor="test", team=team, volunteer=v)
    return team, v


def _training(code: str):
    team, v = _member_of_team(code)
    return services.training_record(
        actor="test",
        team=team,
        title=f"training-{code}-{next(_n)}",
        held_on=dt.date(2024, 5, 1),
        attended=[v],
    )


def _award(code: str):
    team, v = _member_of_team(code)
    return services.award_add(
        actor="test",
        volunteer=v,
        team=team,
        title=f"award-{code}-{next(_n)}",
        awarded_by="x",
        awarded_on=dt.date(2024, 5, 1),
    )


def _evaluation(code: str):
    team, v = _member_of_team(code)
    return services.evaluation_add(
        actor="test", volunteer=v, team=team, period=f"p{code[:6]}-{next(_n)}", grade="good"
    )


def _complaint(code: str):
    return services.complaint_file(actor="test", team=_team(code), content=f"c-{code}-{next(_n)}")


def _correction(code: str):
    from gongzhi.accounts.services import user_create

    user = user_create(actor="test", username=f"corr{next(_n)}", password="Passw0rd!Passw0rd")
    v = _volunteer(code)
    services.volunteer_link_user(actor="test", volunteer=v, user=user)
    return services.correction_request(
        actor=user, volunteer=v, field="name", new_value=f"更正{next(_n)}", reason="x"
    )


register(
    ScopeCase(
        name="volunteers.training",
        make=_training,
        selector=lambda user: selectors.training_list(user=user),
        detail_url=lambda t: f"/volunteers/trainings/{t.pk}/",
        api_detail_url=lambda t: f"/api/v1/volunteers/trainings/{t.pk}",
        api_list_url="/api/v1/volunteers/trainings",
        list_url="/volunteers/trainings/",
        marker=lambda t: t.title,
    )
)
register(
    ScopeCase(
        name="volunteers.award",
        make=_award,
        selector=lambda user: selectors.award_list(user=user),
        api_list_url="/api/v1/volunteers/awards",
        list_url="/volunteers/awards/",
        marker=lambda a: a.title,
    )
)
register(
    ScopeCase(
        name="volunteers.evaluation",
        make=_evaluation,
        selector=lambda user: selectors.evaluation_list(user=user),
        api_list_url="/api/v1/volunteers/evaluations",
        list_url="/volunteers/evaluations/",
        marker=lambda e: e.period,
    )
)
register(
    ScopeCase(
        name="volunteers.complaint",
        make=_complaint,
        selector=lambda user: selectors.complaint_list(user=user),
        detail_url=lambda c: f"/volunteers/complaints/{c.pk}/",
        api_detail_url=lambda c: f"/api/v1/volunteers/complaints/{c.pk}",
        api_list_url="/api/v1/volunteers/complaints",
        list_url="/volunteers/complaints/",
        marker=lambda c: c.number,
    )
)
register(
    ScopeCase(
        name="volunteers.correctionrequest",
        make=_correction,
        selector=lambda user: selectors.correction_list(user=user),
        api_list_url="/api/v1/volunteers/corrections",
        list_url="/volunteers/corrections/",
        marker=lambda r: r.volunteer.number,
    )
)
