"""/api/v1/volunteers/ and /api/v1/areas/ lists page by limit and offset (gongzhi.core.paging):
the former fixed sizes are the default pages, a limit above the maximum is a 422 naming it,
and ties in the shown order never make a row repeat or vanish between pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.services import token_create
from gongzhi.core.paging import MAX_LIMIT
from gongzhi.volunteers import services
from gongzhi.volunteers.models import Enrollment
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

# path -> (default limit: the list's former fixed size, maximum limit)
PAGED = {
    "/api/v1/areas/": (5000, 5000),
    "/api/v1/volunteers/me/enrollments": (100, MAX_LIMIT),
    "/api/v1/volunteers/shifts": (100, MAX_LIMIT),
    "/api/v1/volunteers/people": (50, MAX_LIMIT),
    "/api/v1/volunteers/teams": (200, MAX_LIMIT),
    "/api/v1/volunteers/activities": (200, MAX_LIMIT),
    "/api/v1/volunteers/hours": (500, MAX_LIMIT),
    "/api/v1/volunteers/complaints": (200, MAX_LIMIT),
    "/api/v1/volunteers/complaints/mine": (200, MAX_LIMIT),
    "/api/v1/volunteers/corrections": (200, MAX_LIMIT),
    "/api/v1/volunteers/trainings": (200, MAX_LIMIT),
    "/api/v1/volunteers/awards": (200, MAX_LIMIT),
    "/api/v1/volunteers/evaluations": (200, MAX_LIMIT),
}


def _walk(c: Client, url: str, limit: int, **params: str) -> list[list[dict]]:
    pages, offset = [], 0
    while True:
        page = c.get(url, {**params, "limit": limit, "offset": offset}).json()
        pages.append(page)
        if len(page) < limit:
            return pages
        offset += limit


def test_the_openapi_schema_documents_each_lists_default_page_and_maximum(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, (default, maximum) in PAGED.items():
        params = {p["name"]: p["schema"] for p in paths[path]["get"]["parameters"]}
        assert params["limit"]["default"] == default, path
        assert params["limit"]["maximum"] == maximum, path
        assert params["offset"] == {**params["offset"], "default": 0, "minimum": 0}, path


@pytest.mark.parametrize("path", sorted(PAGED))
def test_a_limit_above_the_maximum_or_a_negative_offset_is_a_422_naming_the_field(
    path, user_a, client_of
):
    c = client_of(user_a)
    _default, maximum = PAGED[path]
    for params, field in (({"limit": maximum + 1}, "limit"), ({"offset": -1}, "offset")):
        r = c.get(path, params)
        assert r.status_code == 422, (path, params)
        assert r.json()["code"] == "validation_error"
        assert [e["field"] for e in r.json()["errors"]] == [f"query.{field}"]
    assert c.get(path, {"limit": maximum}).status_code in (200, 404)  # 404: no volunteer profile


def test_same_named_teams_page_in_a_total_order(user_a, client_of, street_areas):
    made = {f.team(street_areas["a"].code, name="同名队").pk for _ in range(5)}
    pages = _walk(client_of(user_a), "/api/v1/volunteers/teams", limit=2)
    ids = [row["id"] for p in pages for row in p]
    assert len(ids) == len(set(ids)) and made <= set(ids)


def test_shifts_starting_together_page_without_repeats_and_the_default_is_the_first_100(
    make_user, street_areas
):
    user = make_user("volunteer", area=None)
    f.volunteer(street_areas["a"].code, user=user)
    _t, key = token_create(actor="t", user=user, name="phone")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    start = timezone.now() + dt.timedelta(hours=1)
    activity = f.activity(f.team(street_areas["a"].code))
    made = {f.shift(activity, start=start).pk for _ in range(5)}
    pages = _walk(c, "/api/v1/volunteers/shifts", limit=2)
    ids = [row["id"] for p in pages for row in p]
    assert len(ids) == len(set(ids)) == 5 and set(ids) == made
    assert [row["id"] for row in c.get("/api/v1/volunteers/shifts").json()] == ids


def test_a_volunteers_enrollments_page_on(make_user, street_areas):
    user = make_user("volunteer", area=None)
    v = f.volunteer(street_areas["a"].code, user=user)
    _t, key = token_create(actor="t", user=user, name="phone")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    activity = f.activity(f.team(street_areas["a"].code))
    for n in range(3):
        start = timezone.now() + dt.timedelta(hours=1 + 3 * n)  # one at a time: no clash
        services.enrollment_signup(actor=user, volunteer=v, shift=f.shift(activity, start=start))
    pages = _walk(c, "/api/v1/volunteers/me/enrollments", limit=2)
    ids = [row["id"] for p in pages for row in p]
    assert [len(p) for p in pages] == [2, 1]
    assert sorted(ids) == sorted(
        Enrollment.objects.filter(volunteer=v).values_list("pk", flat=True)
    )


def test_a_search_answers_its_first_page_only_and_refuses_an_offset(
    user_a, client_of, street_areas
):
    for _ in range(3):
        f.volunteer(street_areas["a"].code, name="王芳")
    c = client_of(user_a)
    assert len(c.get("/api/v1/volunteers/people", {"q": "王芳", "limit": 2}).json()) == 2
    r = c.get("/api/v1/volunteers/people", {"q": "王芳", "offset": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "offset"
