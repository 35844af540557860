"""The city writer's deferred indexes: dropped for the load, rebuilt to the same schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from gongzhi.metrics.demo_city.writer import deferred_indexes
from gongzhi.volunteers.models import HoursEntry, Volunteer


def _schema(table: str) -> dict[str, tuple[Any, ...]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return {
        name: (tuple(c["columns"]), c["primary_key"], c["unique"], c["foreign_key"])
        for name, c in found.items()
    }


@pytest.mark.django_db
def test_the_load_drops_secondary_indexes_and_keys_and_rebuilds_the_same_schema() -> None:
    tables = [Volunteer._meta.db_table, HoursEntry._meta.db_table]
    before = {t: _schema(t) for t in tables}
    with deferred_indexes(Volunteer, HoursEntry) as deferred:
        during = {t: _schema(t) for t in tables}
        assert deferred.saved
        for table in tables:
            # Only what backs a constraint that cannot go (primary key, UNIQUE columns) stays.
            assert len(during[table]) < len(before[table])
            assert any(c[1] for c in during[table].values())
            if connection.vendor == "postgresql":
                assert not any(c[3] for c in during[table].values())  # foreign keys deferred
    assert {t: _schema(t) for t in tables} == before
