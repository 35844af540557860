"""The two big tables carry the indexes their queries need and no more (issue 6: every index
of a 5-million-row ledger is rebuilt by the city load and kept up to date by every write)."""

from __future__ import annotations

import pytest
from django.db import connection

from gongzhi.volunteers.models import HoursEntry, Volunteer


def _indexes(model) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, model._meta.db_table)
    return {name: info for name, info in found.items() if info["index"] and not info["primary_key"]}


def _declared(model) -> set[str]:  # type: ignore[no-untyped-def]
    meta = model._meta
    names = {i.name for i in meta.indexes}
    names |= {c.name for c in meta.constraints if c.__class__.__name__ == "UniqueConstraint"}
    return names


@pytest.mark.django_db
@pytest.mark.parametrize("model", [HoursEntry, Volunteer])
def test_every_declared_index_is_in_the_database(model):
    # The migration that pruned the foreign-key indexes must not take a partial unique index
    # on the same column with it (Django's AlterField drops every index of the column).
    assert _declared(model) <= set(_indexes(model))


@pytest.mark.django_db
def test_no_ledger_column_has_an_index_that_a_composite_one_already_leads_with():
    single = {
        tuple(info["columns"])
        for name, info in _indexes(HoursEntry).items()
        if name not in _declared(HoursEntry)
    }
    for column in ("volunteer_id", "team_id", "shift_id", "activity_id", "enrollment_id"):
        assert (column,) not in single
    # Users are indexed only where set: a partial index each.
    for column in ("recorded_by_id", "decided_by_id"):
        assert (column,) not in single


@pytest.mark.django_db
def test_the_volunteer_area_code_and_registration_date_have_no_index_of_their_own():
    single = {
        tuple(info["columns"])
        for name, info in _indexes(Volunteer).items()
        if name not in _declared(Volunteer)
    }
    assert ("area_code",) not in single
    assert ("registered_on",) not in single
