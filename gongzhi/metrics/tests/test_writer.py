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


def _pragma(name: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA {name}")
        return int(cur.fetchone()[0])


@pytest.mark.django_db
def test_sqlite_rebuilds_the_indexes_with_small_sort_runs_in_threads_and_puts_both_back() -> None:
    # The load's 250 MB page cache made each index sort one 250 MB run: 62 s for the full
    # city's indexes, 23 s in 4 MB runs (docs/performance.md "SQLite city load").
    from gongzhi.metrics.demo_city.writer import (
        SQLITE_INDEX_SORT_CACHE_KIB,
        SQLITE_INDEX_SORT_THREADS,
    )

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's sorter")
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size = -250000")
    with deferred_indexes(Volunteer, HoursEntry) as deferred:
        assert deferred.saved
        # One more statement in the rebuild notes the cache size it runs with.
        deferred.saved.append(
            "CREATE TEMP TABLE sort_cache AS SELECT c.cache_size, t.threads "
            "FROM pragma_cache_size c, pragma_threads t"
        )
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM temp.sort_cache")
        assert cur.fetchall() == [(-SQLITE_INDEX_SORT_CACHE_KIB, SQLITE_INDEX_SORT_THREADS)]
        cur.execute("DROP TABLE temp.sort_cache")
    assert _pragma("cache_size") == -250000 and _pragma("threads") == 0
