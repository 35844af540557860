"""The floor of loading the city: the same rows written with no app code.

Before the load, `snapshot` records where each table ends; after it, `dump` copies the
rows the load added to files (untimed); `write_floor` then writes them into a second fresh,
migrated database (same schema and indexes) in one transaction — plain `executemany` on
SQLite, `COPY ... FROM STDIN` on PostgreSQL — and that time is the floor.

For the big tables (>= BIG_TABLE rows) the floor does what any bulk load does by hand: drop
the secondary indexes (and on PostgreSQL the foreign keys), write, build them again once.
Writing millions of rows through a dozen live B-trees took longer than the app's whole load
(PostgreSQL, full city: the floor still running after 16 minutes where the app took 8) — a
floor slower than the thing it bounds says nothing.
"""

from __future__ import annotations

import marshal
import sqlite3
import time
from pathlib import Path
from typing import Any

import dj_database_url

from gongzhi.metrics.demo_city.writer import INDEX_BUILD_MEMORY, drop_secondary

CHUNK = 5000
BIG_TABLE = 100_000
SKIP_TABLES = {"django_migrations"}


def _vendor(url: str) -> str:
    engine = dj_database_url.parse(url)["ENGINE"]
    return "sqlite" if engine.endswith("sqlite3") else "postgresql"


def _sqlite_path(url: str) -> str:
    return str(dj_database_url.parse(url)["NAME"])


def _pg(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=False)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot(url: str) -> dict[str, dict[str, Any]]:
    """Per table: the last rowid/id (or the row count when there is no integer id)."""
    out: dict[str, dict[str, Any]] = {}
    if _vendor(url) == "sqlite":
        con = sqlite3.connect(_sqlite_path(url))
        try:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for t in tables:
                if t in SKIP_TABLES:
                    continue
                last = con.execute(f"SELECT coalesce(max(rowid), 0) FROM {_q(t)}").fetchone()[0]
                out[t] = {"after": "rowid", "last": last}
        finally:
            con.close()
        return out
    with _pg(url) as con, con.cursor() as cur:
        cur.execute(
            "SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns c "
            " WHERE c.table_schema = 'public' AND c.table_name = t.table_name "
            " AND c.column_name = 'id' AND c.data_type IN ('integer', 'bigint')) "
            "FROM information_schema.tables t "
            "WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
        )
        for table, has_id in cur.fetchall():
            if table in SKIP_TABLES:
                continue
            if has_id:
                cur.execute(f"SELECT coalesce(max(id), 0) FROM {_q(table)}")
                out[table] = {"after": "id", "last": cur.fetchone()[0]}
            else:
                cur.execute(f"SELECT count(*) FROM {_q(table)}")
                out[table] = {"after": "count", "last": cur.fetchone()[0]}
    return out


def dump(url: str, before: dict[str, dict[str, Any]], workdir: Path) -> list[dict[str, Any]]:
    """Copy the rows added since `before` to files; return [{table, file, rows}] in write order."""
    workdir.mkdir(parents=True, exist_ok=True)
    now = snapshot(url)
    out: list[dict[str, Any]] = []
    sqlite = _vendor(url) == "sqlite"
    con: Any = sqlite3.connect(_sqlite_path(url)) if sqlite else _pg(url)
    try:
        for table, mark in sorted(now.items()):
            was = before.get(table, {"after": mark["after"], "last": 0})
            if mark["last"] == was["last"]:
                continue
            if mark["after"] == "count" and was["last"]:
                # No integer id to tell new rows from old in a table that had rows: leave it
                # out and say so (Django's own tables only; every app table has an id).
                out.append({"table": table, "file": "", "rows": 0, "skipped": "no id"})
                continue
            where = (
                f" WHERE {mark['after']} > {int(was['last'])}" if mark["after"] != "count" else ""
            )
            path = workdir / f"{table}.rows"
            rows = 0
            with path.open("wb") as fh:
                if sqlite:
                    cur = con.execute(f"SELECT * FROM {_q(table)}{where} ORDER BY rowid")
                    while chunk := cur.fetchmany(CHUNK):
                        marshal.dump([list(r) for r in chunk], fh)
                        rows += len(chunk)
                else:
                    with con.cursor() as cur:
                        cur.execute(f"SELECT count(*) FROM {_q(table)}{where}")
                        rows = cur.fetchone()[0]
                        order = " ORDER BY id" if mark["after"] == "id" else ""
                        sql = f"COPY (SELECT * FROM {_q(table)}{where}{order}) TO STDOUT"
                        with cur.copy(sql) as copy:
                            for data in copy:
                                fh.write(data)
            out.append({"table": table, "file": str(path), "rows": rows})
    finally:
        con.close()
    return out


def release(url: str, dumps: list[dict[str, Any]]) -> bool:
    """Empty the dumped tables of the loaded database once nothing after the floor reads them,
    so that the dump and the floor's database fit beside it: at 10x on PostgreSQL the city is
    ~30 GB, its dump and the floor's copy as much again. PostgreSQL only (TRUNCATE gives the
    space back at once); a SQLite file would not shrink without a VACUUM. True if emptied."""
    tables = [d["table"] for d in dumps if d.get("file")]
    if not tables or _vendor(url) == "sqlite":
        return False
    with _pg(url) as con, con.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(_q(t) for t in tables)} CASCADE")
    return True


def _load_marshal(path: str) -> Any:
    with open(path, "rb") as fh:
        while True:
            try:
                yield marshal.load(fh)
            except EOFError:
                return


def write_floor(floor_url: str, dumps: list[dict[str, Any]]) -> dict[str, Any]:
    """Write the dumped rows into the floor database in one transaction; time it."""
    todo = [d for d in dumps if d.get("file")]
    rows = sum(d["rows"] for d in todo)
    big = [d["table"] for d in todo if d["rows"] >= BIG_TABLE]
    if _vendor(floor_url) == "sqlite":
        con = sqlite3.connect(_sqlite_path(floor_url), isolation_level=None)
        # The product's own connection settings (gongzhi/settings.py), minus its app code.
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        rebuild = drop_secondary(con.cursor(), "sqlite", big, mark="?")
        for d in todo:
            sql = None
            for chunk in _load_marshal(d["file"]):
                if sql is None:
                    marks = ",".join("?" * len(chunk[0]))
                    sql = f"INSERT INTO {_q(d['table'])} VALUES ({marks})"
                con.executemany(sql, chunk)
        for statement in rebuild:
            con.execute(statement)
        con.execute("COMMIT")
        seconds = time.perf_counter() - start
        con.close()
        method = "executemany"
    else:
        con = _pg(floor_url)
        start = time.perf_counter()
        with con.transaction(), con.cursor() as cur:
            rebuild = drop_secondary(cur, "postgresql", big)
            for d in todo:
                with (
                    open(d["file"], "rb") as fh,
                    cur.copy(f"COPY {_q(d['table'])} FROM STDIN") as copy,
                ):
                    while data := fh.read(1 << 20):
                        copy.write(data)
            cur.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for statement in rebuild:
                cur.execute(statement)
        seconds = time.perf_counter() - start
        con.close()
        method = "COPY"
    return {
        "seconds": round(seconds, 3),
        "rows": rows,
        "rows_per_s": round(rows / seconds, 1) if seconds else None,
        "tables": len(todo),
        "method": method,
        "indexes_deferred_on": big,
    }
