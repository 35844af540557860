"""The city-load floor copies exactly the rows a load wrote into a second fresh database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from bench import cityfloor
from bench.dbs import ROOT, BenchDatabases


def _count(url: str, table: str) -> int:
    if url.startswith("sqlite"):
        con = sqlite3.connect(str(dj_database_url.parse(url)["NAME"]))
        try:
            return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        finally:
            con.close()
    import psycopg

    with psycopg.connect(url) as pg:
        row = pg.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        assert row is not None
        return int(row[0])


def _indexes(url: str, table: str) -> set[str]:
    if url.startswith("sqlite"):
        con = sqlite3.connect(str(dj_database_url.parse(url)["NAME"]))
        try:
            rows = con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)
            ).fetchall()
        finally:
            con.close()
        return {r[0] for r in rows}
    import psycopg

    with psycopg.connect(url) as pg:
        found = pg.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s"
            " UNION ALL SELECT conname FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            (table, table),
        ).fetchall()
        return {r[0] for r in found}


@pytest.fixture
def two_databases(tmp_path: Path) -> Any:
    dbs = BenchDatabases(tmp_path)
    main, floor = dbs.create("cfmain"), dbs.create("cffloor")
    yield main, floor
    dbs.drop_all()


def test_the_floor_writes_the_same_rows_the_load_wrote_and_rebuilds_big_tables_indexes(
    two_databases: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main, floor = two_databases
    before = cityfloor.snapshot(main)
    # GONGZHI_TESTING: fast password hashing for the demo accounts (settings.py).
    env = dict(os.environ, DATABASE_URL=main, PYTHONPATH=str(ROOT), GONGZHI_TESTING="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "load-demo", "--dataset", "small"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    dumps = cityfloor.dump(main, before, tmp_path / "rows")
    written = {d["table"]: d["rows"] for d in dumps if d.get("file")}
    # The small demo adds synthetic units below the real counties, users and audit events.
    assert written["areas_area"] > 0 and written["accounts_user"] > 0

    # areas_area (hundreds of rows) counts as big here, accounts_user (a dozen) does not: the
    # floor drops the big table's indexes and keys, writes, and must leave the schema as it was.
    assert written["areas_area"] > written["accounts_user"]
    monkeypatch.setattr(cityfloor, "BIG_TABLE", written["areas_area"])
    schema = _indexes(floor, "areas_area")
    assert len(schema) > 1  # the primary key and at least one secondary index or key

    result = cityfloor.write_floor(floor, dumps)

    assert "areas_area" in result["indexes_deferred_on"]
    assert "accounts_user" not in result["indexes_deferred_on"]
    assert _indexes(floor, "areas_area") == schema
    assert result["rows"] == sum(written.values()) and result["seconds"] > 0
    assert result["method"] == ("executemany" if main.startswith("sqlite") else "COPY")
    for table in ("areas_area", "accounts_user", "accounts_membership"):
        assert _count(floor, table) == _count(main, table), table

    # Nothing after the floor reads the city: on PostgreSQL its tables are emptied to make
    # room (10x); a SQLite file would not shrink, so it is left as it was.
    released = cityfloor.release(main, dumps)
    assert released == (not main.startswith("sqlite"))
    assert _count(main, "areas_area") == (0 if released else _count(floor, "areas_area"))
