"""The scope rule (DESIGN.md): district A never sees, counts, opens, exports or reaches B's records."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import gongzhi
from gongzhi.core import testing

for _mod in pkgutil.iter_modules(gongzhi.__path__):
    try:
        importlib.import_module(f"gongzhi.{_mod.name}.tests.scope_cases")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(f"gongzhi.{_mod.name}.tests"):
            raise

CASES = {c.name: c for c in testing.CASES}


@pytest.fixture(params=sorted(CASES))
def case(request: Any) -> testing.ScopeCase:
    return CASES[request.param]


@pytest.fixture
def records(case: testing.ScopeCase, street_areas: dict[str, Any]) -> tuple[Any, Any]:
    return case.make(street_areas["a"].code), case.make(street_areas["b"].code)


def test_a_district_user_lists_and_counts_only_their_district(case, records, user_a, user_b):
    own, other = records
    seen = case.selector(user_a)
    assert seen.filter(pk=own.pk).exists()
    assert not seen.filter(pk=other.pk).exists()
    assert seen.count() == case.selector(user_a).filter(pk__in=seen.values("pk")).count()
    assert case.selector(user_b).filter(pk=other.pk).exists()


def test_a_district_user_gets_404_for_another_districts_record(case, records, user_a, client_of):
    own, other = records
    c = client_of(user_a)
    if case.detail_url:
        assert c.get(case.detail_url(own)).status_code == 200
        assert c.get(case.detail_url(other)).status_code == 404
    if case.api_detail_url:
        assert c.get(case.api_detail_url(own)).status_code == 200
        response = c.get(case.api_detail_url(other))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_lists_pages_and_api_lists_leave_out_another_district(case, records, user_a, client_of):
    own, other = records
    c = client_of(user_a)
    for url in filter(None, [case.list_url, case.api_list_url]):
        body = c.get(url).content.decode()
        assert case.marker(own) in body
        assert case.marker(other) not in body


def test_exports_leave_out_another_district(case, records, user_a, client_of):
    if not case.export_kind:
        pytest.skip("no export for this kind")
    from gongzhi.core import registry
    from gongzhi.core.exports import _rows

    own, other = records
    rows = list(_rows(registry.exporter(case.export_kind)(), user_a, reveal=False))
    text = "\n".join(",".join(str(v) for v in r) for r in rows)
    assert case.marker(own) in text
    assert case.marker(other) not in text


def test_a_user_with_no_unit_sees_nothing(case, records, make_user):
    nobody = make_user("resident", area=None)
    assert case.selector(nobody).count() == 0


@pytest.mark.django_db
def test_a_scoped_read_vouches_for_its_reader_only(user_a: Any, user_b: Any) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.core.scope import get_or_404, in_scope_of

    area = get_or_404(Area.objects.all(), user_a, code="430405000000")
    assert in_scope_of(area, user_a) is True
    # Another user (or one not logged in) is asked about in the database, not vouched for.
    assert in_scope_of(area, user_b) is None
    assert in_scope_of(Area.objects.get(pk=area.pk), user_a) is None
    assert user_a.has_perm("core.reveal_pii", area) == user_a.has_perm(
        "core.reveal_pii", Area.objects.get(pk=area.pk)
    )


def _paged(client: Any, url: str) -> bool:
    """Whether the API list takes `limit` and `offset` (the OpenAPI schema says)."""
    operation = client.get("/api/v1/openapi.json").json()["paths"][url]["get"]
    return {"limit", "offset"} <= {p["name"] for p in operation.get("parameters", [])}


def _rows(body: Any) -> list[Any]:
    return body["items"] if isinstance(body, dict) else body  # orgs answers {count, items}


def _several(case: testing.ScopeCase, community: str) -> list[Any]:
    """Up to three records; some kinds allow one per community (an area's code, a name)."""
    made: list[Any] = []
    for _ in range(3):
        try:
            with transaction.atomic():
                made.append(case.make(community))
        except (IntegrityError, ValidationError):
            break
    return made


def test_paging_an_api_list_walks_only_the_own_district_with_no_overlap_or_gap(
    case, street_areas, user_a, client_of
):
    c = client_of(user_a)
    if not case.api_list_url or not _paged(c, case.api_list_url):
        pytest.skip("no paged API list for this kind")
    own, others = _several(case, street_areas["a"].code), _several(case, street_areas["b"].code)
    whole = _rows(c.get(case.api_list_url).json())
    walked: list[Any] = []
    while True:  # pages of one row: every row is a page boundary
        page = _rows(c.get(case.api_list_url, {"limit": 1, "offset": len(walked)}).json())
        assert not any(case.marker(o) in str(page) for o in others)
        walked += page
        if not page:
            break
    assert walked == whole
    assert all(case.marker(o) in str(whole) for o in own)
