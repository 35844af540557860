"""Set-based SQL of a summary rebuild: stage the changes, roll them up, write `Delta`.

Everything runs inside the database in a handful of statements whatever the number of
rows (issue 6: the full city's refresh in seconds, linear in rows):

1. `Scratch` — a temporary table of staged changes (figure, division code, day, value):
   INSERT ... SELECT for figures staged in SQL, COPY / executemany for Python rows.
2. `roll_up` — community-level sums by day (one GROUP BY over the staged rows), then each
   coarser level from the level below it (street from community, county from street, ...),
   so every pass is smaller than the one before. Month rows are one GROUP BY over those:
   `_fresh()` selects exactly the set of `Delta` rows the figures should have.
3. `replace_all` (every figure: empty the table, drop the index, insert, build the index
   once) or `apply_diff` (some figures: delete the rows that changed, insert the new ones —
   a new volunteer touches a handful of rows, not the figure's millions).

The temporary tables belong to the connection and its transaction, so concurrent rebuilds
do not see each other's staging. On PostgreSQL the base tables without current statistics
are analysed first (`prepare`), and Delta after a whole replacement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from gongzhi.metrics.figures import KeyedRow
from gongzhi.metrics.models import Delta

LEVELS = (12, 9, 6, 4, 2)  # community, street, county-level unit, city, province
SCRATCH = "metrics_scratch"
ROLL = "metrics_roll"
FRESH = "metrics_fresh"
BATCH = 5000


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _month(column: str) -> str:
    if _pg():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _sum(column: str) -> str:
    # PostgreSQL sums bigints into numeric; the summaries stay bigint.
    return f"CAST(SUM({column}) AS bigint)" if _pg() else f"SUM({column})"


def _counted_at(length: int, column: str) -> str:
    """A code padded with zeros at this level names the unit above, not a child of it."""
    if length == 6:
        return f"substr({column}, 5, 2) <> '00'"
    if length in (9, 12):
        return f"substr({column}, {length - 2}, 3) <> '000'"
    return "1 = 1"


def _temp(cur: Any, name: str, columns: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    tail = " ON COMMIT DROP" if _pg() else ""
    cur.execute(f"CREATE TEMPORARY TABLE {name} ({columns}){tail}")


def _text(length: int) -> str:
    # Division codes and figure keys are ASCII: byte order sorts them right, and
    # PostgreSQL sorts byte order (COLLATE "C") several times faster than a locale's.
    return f'varchar({length}) COLLATE "C"' if _pg() else f"varchar({length})"


def prepare(cur: Any, tables: Sequence[str]) -> None:
    """Session settings for a rebuild, planner statistics, and the empty staging table.

    `tables` are the base tables the rebuilt figures read. On PostgreSQL those never
    analysed, or changed by a fifth since (a bulk load a moment ago, with autovacuum
    off or not yet round), are analysed first: without statistics the planner takes a
    million-row ledger for a few hundred rows and picks plans accordingly.
    """
    if _pg():
        # Sorts and hashes of a few million narrow rows stay in memory (this transaction only).
        cur.execute("SET LOCAL work_mem = '128MB'")
        if tables:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                f"SELECT relname FROM pg_stat_user_tables WHERE relname IN ({marks}) AND ("
                f"COALESCE(last_analyze, last_autoanalyze) IS NULL "
                f"OR n_mod_since_analyze > 0.2 * n_live_tup + 1000)",
                list(tables),
            )
            for (name,) in cur.fetchall():
                cur.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    else:
        cur.execute("PRAGMA temp.cache_size = -131072")
    _temp(cur, SCRATCH, f"figure {_text(40)}, code {_text(18)}, day date, value bigint")


def stage_sql(cur: Any, sql: str, params: Sequence[Any]) -> None:
    """Stage the rows of a SELECT of (figure, code, day, value) columns, in that order."""
    cur.execute(
        f"INSERT INTO {SCRATCH} (figure, code, day, value) SELECT * FROM ({sql}) s", list(params)
    )


def stage_rows(cur: Any, rows: Iterable[KeyedRow]) -> None:
    """Stage Python-computed rows (COPY on PostgreSQL, batched INSERTs on SQLite)."""
    if _pg():
        # Computed first: a stager's own queries cannot run on the connection mid-COPY.
        computed = list(rows)
        with cur.cursor.copy(f"COPY {SCRATCH} (figure, code, day, value) FROM STDIN") as copy:
            for row in computed:
                copy.write_row(row)
        return
    batch: list[tuple[str, str, str, int]] = []
    insert = f"INSERT INTO {SCRATCH} (figure, code, day, value) VALUES (%s, %s, %s, %s)"
    for key, code, day, value in rows:
        batch.append((key, code, day.isoformat(), value))
        if len(batch) >= BATCH:
            cur.executemany(insert, batch)
            batch = []
    if batch:
        cur.executemany(insert, batch)


def roll_up(cur: Any, keys: Sequence[str]) -> None:
    """Sum the staged changes of the figures in `keys` by unit and day at every level."""
    _temp(cur, ROLL, f"lvl integer, figure {_text(40)}, unit {_text(12)}, day date, value bigint")
    marks = ", ".join(["%s"] * len(keys))
    cur.execute(
        f"INSERT INTO {ROLL} (lvl, figure, unit, day, value) "
        f"SELECT 12, figure, substr(code, 1, 12), day, {_sum('value')} FROM {SCRATCH} "
        f"WHERE figure IN ({marks}) GROUP BY figure, substr(code, 1, 12), day",
        list(keys),
    )
    for below, length in zip(LEVELS, LEVELS[1:], strict=False):
        cur.execute(
            f"INSERT INTO {ROLL} (lvl, figure, unit, day, value) "
            f"SELECT {length}, figure, substr(unit, 1, {length}), day, {_sum('value')} "
            f"FROM {ROLL} WHERE lvl = {below} GROUP BY figure, substr(unit, 1, {length}), day"
        )


def _fresh() -> str:
    """A SELECT of exactly the Delta rows (unit, grain, period, figure, value) rolled up."""
    counted = " OR ".join(f"(lvl = {n} AND {_counted_at(n, 'unit')})" for n in LEVELS)
    return (
        f"SELECT unit, 'd' AS grain, day AS period, figure, value FROM {ROLL} "
        f"WHERE value <> 0 AND ({counted}) "
        f"UNION ALL "
        f"SELECT unit, 'm', {_month('day')}, figure, {_sum('value')} FROM {ROLL} "
        f"WHERE {counted} GROUP BY figure, unit, {_month('day')} HAVING SUM(value) <> 0"
    )


def _table() -> str:
    return connection.ops.quote_name(Delta._meta.db_table)


def _index_sql() -> list[tuple[str, str]]:
    """(name, CREATE INDEX) of Delta's declared indexes, as its migration makes them."""
    out = []
    for index in Delta._meta.indexes:
        cols = ", ".join(connection.ops.quote_name(f) for f in index.fields)
        name = connection.ops.quote_name(index.name or "")
        out.append((name, f"CREATE INDEX {name} ON {_table()} ({cols})"))
    return out


def _drop_primary_key(cur: Any) -> str | None:
    """Drop Delta's primary-key constraint; return the clause that adds it back as it was."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [Delta._meta.db_table],
    )
    found = cur.fetchone()
    if not found:
        return None
    name, definition = found
    cur.execute(f"ALTER TABLE {_table()} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return f"CONSTRAINT {connection.ops.quote_name(name)} {definition}"


def replace_all(cur: Any) -> None:
    """Every figure rebuilt: empty Delta, insert the fresh rows, build the index once.

    PostgreSQL's TRUNCATE and DROP INDEX lock the table until the commit: readers wait for
    the few seconds of a whole rebuild (the load, the nightly run) rather than see it half
    done. SQLite readers see the old rows until the commit.
    """
    table = _table()
    cur.execute(f"TRUNCATE {table} RESTART IDENTITY" if _pg() else f"DELETE FROM {table}")
    indexes = _index_sql()
    for name, _create in indexes:
        cur.execute(f"DROP INDEX IF EXISTS {name}")
    # The primary key's index too: kept, it is a second B-tree updated row by row (half of
    # the insert's WAL records); rebuilt after, it is one sort of ids already in order.
    # SQLite's integer primary key is the rowid itself, no index to drop.
    primary = _drop_primary_key(cur) if _pg() else None
    # PostgreSQL's heap keeps each unit's rows together for the as-of reads' heap visits;
    # SQLite's reads never leave the index, and its CREATE INDEX sorts anyway.
    # In the index's order (figure, unit, grain, period), so its build finds the rows
    # presorted — as one byte-ordered text key and the date: a sort compares its leading
    # key from the sort tuple itself but each later one by unpacking the row again, twice
    # the time on Delta's rows. The separator sorts below every character of the keys,
    # codes and grains, so the order is the same.
    order = " ORDER BY (figure || ' ' || unit || ' ' || grain) COLLATE \"C\", period"
    order = order if _pg() else ""
    cur.execute(
        f"INSERT INTO {table} (unit, grain, period, figure, value) "
        f"SELECT unit, grain, period, figure, value FROM ({_fresh()}) f{order}"
    )
    if primary:
        cur.execute(f"ALTER TABLE {table} ADD {primary}")
    for _name, create in indexes:
        cur.execute(create)
    if _pg():
        cur.execute(f"ANALYZE {table}")  # the as-of reads plan on the new rows


def apply_diff(cur: Any, keys: Sequence[str]) -> None:
    """Some figures rebuilt: delete their rows that are not fresh, insert the fresh ones missing."""
    table = _table()
    marks = ", ".join(["%s"] * len(keys))
    # Delta's own column types (and collation): the rows are compared with Delta's.
    _temp(
        cur,
        FRESH,
        "unit varchar(12), grain varchar(1), period date, figure varchar(40), value bigint",
    )
    cur.execute(f"INSERT INTO {FRESH} (unit, grain, period, figure, value) {_fresh()}")
    cur.execute(f"CREATE INDEX {FRESH}_key ON {FRESH} (figure, unit, grain, period, value)")
    if _pg():
        cur.execute(f"ANALYZE {FRESH}")  # temporary tables get no statistics otherwise
    same = (
        "{a}.figure = {b}.figure AND {a}.unit = {b}.unit AND {a}.grain = {b}.grain "
        "AND {a}.period = {b}.period AND {a}.value = {b}.value"
    )
    cur.execute(
        f"DELETE FROM {table} WHERE figure IN ({marks}) AND NOT EXISTS "
        f"(SELECT 1 FROM {FRESH} f WHERE {same.format(a='f', b=table)})",
        list(keys),
    )
    cur.execute(
        f"INSERT INTO {table} (unit, grain, period, figure, value) "
        f"SELECT unit, grain, period, figure, value FROM {FRESH} f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {same.format(a='d', b='f')}) "
        f"ORDER BY figure, unit, grain, period"
    )


def finish(cur: Any) -> None:
    for name in (FRESH, ROLL, SCRATCH):
        cur.execute(f"DROP TABLE IF EXISTS {name}")
