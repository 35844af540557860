"""Streaming row writers for the city generator: batched INSERTs on SQLite, COPY on PostgreSQL.

The generator produces tuples in model-field order and never holds a whole table in memory
(issue 6: the full city loads in <= 120 s and <= 1 GB peak on either database). Each value
goes through the field's own `get_db_prep_save`, exactly what `bulk_create` does, so
encrypted fields are encrypted, dates and decimals adapted; only the per-row model
instantiation of `bulk_create` is skipped, which is most of its cost at a million rows.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from gongzhi.core.sqlite.pragmas import pragma

Progress = Callable[[str, int, int], None]

# PostgreSQL's memory for sorting an index's keys while the load rebuilds them (this
# transaction only; the server's default 64 MB spills millions of keys to disk).
INDEX_BUILD_MEMORY = "256MB"
# SQLite sizes its sorter's in-memory runs by the page cache (cache_size). The load's big
# cache (250 MB) made each CREATE INDEX sort one 5-million-key run as a linked list spread
# over the heap: a merge sort of cache misses. With 4 MB runs each sort stays in the CPU's
# cache and the runs are merged as streams: the big tables' indexes build in 23 s instead of
# 62 s (full city, docs/performance.md "SQLite city load").
SQLITE_INDEX_SORT_CACHE_KIB = 4000
# With small runs SQLite's sorter can sort them in helper threads while it reads on: the
# index rebuild comes after the workers that draw the volunteers have ended, so the second
# core is free (full city: 23 -> 17 s; with one 250 MB run it changed nothing).
SQLITE_INDEX_SORT_THREADS = 2


class ProgressBar:
    """A one-line progress bar on a terminal (stderr): stage, bar, done/total, elapsed."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.perf_counter()
        self._last = 0.0
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage == self._stage and done < total and now - self._last < 0.2:
            return
        if stage != self._stage and self._stage:
            self.stream.write("\n")
        self._stage, self._last = stage, now
        frac = 1.0 if not total else min(1.0, done / total)
        filled = int(frac * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(
            f"\r  {stage:<16} [{bar}] {frac:6.1%} {done:>10,}/{total:<10,} {now - self.started:6.1f}s"
        )
        if done >= total:
            self.stream.write("\n")
            self._stage = ""
        self.stream.flush()


_PLAIN = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "CharField",
    "TextField",
    "ForeignKey",
    "OneToOneField",
    "BooleanField",
}


def _sqlite_datetime(value: Any) -> str:
    # What Django's SQLite backend stores for an aware datetime: naive UTC, space-separated.
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _converter(field: Any, vendor: str) -> Callable[[Any], Any] | None:
    """A fast converter for the common field types; the field's own prep for the rest.

    PostgreSQL's COPY (psycopg 3) adapts dates, datetimes and decimals itself; SQLite takes
    ISO strings. Custom fields (encrypted ones) always go through their own prep.
    """
    kind = field.get_internal_type()
    if not type(field).__module__.startswith("django."):
        return lambda v: field.get_db_prep_save(v, connection)
    if kind in _PLAIN:
        return None
    if kind == "DateField":
        return None if vendor == "postgresql" else dt.date.isoformat
    if kind == "DateTimeField":
        return None if vendor == "postgresql" else _sqlite_datetime
    if kind == "JSONField":
        return json.dumps
    if kind == "DecimalField" and vendor == "postgresql":
        return None
    return lambda v: field.get_db_prep_save(v, connection)


class TableWriter:
    """Append rows (tuples in `fields` order) to a model's table in batches."""

    def __init__(
        self,
        model: type[Model],
        fields: Sequence[str],
        *,
        batch_size: int = 20_000,
        progress: Progress | None = None,
        stage: str = "",
        total: int = 0,
        raw: Sequence[str] = (),
        then: TableWriter | None = None,
    ) -> None:
        """`raw`: fields whose values the caller already converted (e.g. ciphertext).
        `then`: a writer of rows that reference these; it is flushed right after this one, so
        a parent row is always in the table before its children (SQLite's deferred foreign
        keys otherwise search the child table for every late parent)."""
        self.model = model
        self.then = then
        meta = model._meta
        self.fields = [meta.get_field(f) for f in fields]
        self.columns: list[str] = [str(f.column) for f in self.fields]  # type: ignore[union-attr]
        self.table = meta.db_table
        self.batch: list[tuple[Any, ...]] = []
        self.batch_size = batch_size
        self.count = 0
        self.progress = progress
        self.stage = stage or meta.model_name or self.table
        self.total = total
        self.vendor = connection.vendor
        # Fields whose Python value is not already what the driver takes need their prep.
        self.preps: list[Callable[[Any], Any] | None] = [
            None if f.name in raw else _converter(f, self.vendor)  # type: ignore[union-attr]
            for f in self.fields
        ]
        self.needs_prep = any(self.preps)

    def add(self, row: tuple[Any, ...]) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for row in rows:
            self.add(row)

    def _prepared(self) -> list[tuple[Any, ...]]:
        if not self.needs_prep:
            return self.batch
        preps = self.preps
        return [
            tuple(v if p is None or v is None else p(v) for v, p in zip(row, preps, strict=True))
            for row in self.batch
        ]

    def flush(self) -> None:
        if not self.batch:
            return
        rows = self._prepared()
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                raw = cur.cursor  # psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        self.count += len(self.batch)
        self.batch = []
        if self.then is not None:
            self.then.flush()
        if self.progress:
            self.progress(self.stage, self.count, max(self.total, self.count))

    def close(self) -> int:
        self.flush()
        return self.count


def next_id(model: type[Model]) -> int:
    """First free primary key: the generator assigns ids itself so it can link rows it streams."""
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def reset_sequences(*models: type[Model]) -> None:
    """After explicit ids went in through COPY, move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            pk = model._meta.pk.column  # type: ignore[union-attr]
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({pk}), 1)) FROM {table}",
                [table, pk],
            )


class deferred_indexes:  # noqa: N801 (a context manager used like a function)
    """Drop the secondary indexes (and on PostgreSQL the foreign keys) of big tables for the
    load, and build them again after it, in the same transaction.

    Building an index once over sorted keys is several times faster than keeping a dozen
    B-trees up to date row by row. On SQLite, indexes backing UNIQUE column constraints
    cannot be dropped and stay. On PostgreSQL, Django's foreign keys are DEFERRABLE
    INITIALLY DEFERRED: each COPY'd row would queue one check per key until COMMIT (millions
    of queued trigger events); re-adding a key instead checks the whole table in one join.
    Constraint-backing indexes (primary keys, UNIQUE columns) stay; partial unique indexes
    (conditional UniqueConstraint) are rebuilt, which checks their uniqueness again. The
    definitions are read from the catalogue and replayed verbatim, so the schema after the
    load is the one before it; if the load fails, the transaction's rollback restores them.
    """

    def __init__(self, *models: type[Model]) -> None:
        self.tables = [m._meta.db_table for m in models]
        self.saved: list[str] = []  # statements that rebuild what was dropped, in order

    def __enter__(self) -> deferred_indexes:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Dropping a key also drops its triggers on the referenced table, which
                # PostgreSQL refuses while checks deferred by this transaction's earlier rows
                # are pending: run those checks now (they would run at COMMIT anyway), then
                # defer again.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
            self.saved = drop_secondary(cur, connection.vendor, self.tables)
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.saved or exc[0] is not None:
            return
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # For this transaction only: sort index keys in memory (the server's default
                # 64 MB spills millions of keys to disk).
                cur.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
                for sql in self.saved:
                    cur.execute(sql)
                return
            # SQLite: small sorter runs sorted in helper threads; the page cache back after.
            with (
                pragma("cache_size", -SQLITE_INDEX_SORT_CACHE_KIB),
                pragma("threads", SQLITE_INDEX_SORT_THREADS),
            ):
                for sql in self.saved:
                    cur.execute(sql)


def _quote(name: str) -> str:
    # Both databases quote identifiers the SQL-standard way; no Django connection needed.
    return '"' + name.replace('"', '""') + '"'


def drop_secondary(cur: Any, vendor: str, tables: Sequence[str], mark: str = "%s") -> list[str]:
    """Drop the secondary indexes of `tables` (on PostgreSQL their foreign keys too); return
    the statements that add them back, in order (indexes first: the key checks use them).

    Works on Django's cursor and on a bare driver cursor (the bench's floor): `mark` is the
    driver's parameter placeholder. SQLite keeps the indexes of UNIQUE column constraints
    (they cannot be dropped); PostgreSQL keeps primary keys and every index that backs a
    constraint. Definitions come from the catalogue, so what is rebuilt is what was there.
    """
    indexes: list[str] = []
    keys: list[str] = []
    for table in tables:
        if vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name = {mark} ORDER BY 1",
                [table],
            )
            found = cur.fetchall()
        else:
            cur.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                f"WHERE i.indrelid = {mark}::regclass AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
                [table],
            )
            found = cur.fetchall()
        for name, sql in found:
            cur.execute(f"DROP INDEX {_quote(name)}")
            indexes.append(sql)
        if vendor != "postgresql":
            continue
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid = {mark}::regclass AND contype = 'f' ORDER BY 1",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
            keys.append(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
    return indexes + keys


def analyze(*models: type[Model]) -> None:
    """Planner statistics for the tables the load filled (all tables when none are named).

    Rows went in by COPY and bulk INSERTs: PostgreSQL has no statistics until autovacuum
    gets to them (it may be off), SQLite none until ANALYZE. Without them PostgreSQL guesses
    the size of a million-row table and SQLite picks indexes by rules of thumb (it chose
    the registration-date index for as-of counts over a 6x faster table scan). SQLite's
    analysis_limit makes ANALYZE look at ~1,000 rows of each index instead of all of them.
    """
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Outside a transaction, VACUUM as well: it sets the visibility map, without which
            # the planner will not use an index-only scan (full city: the evaluation index
            # summed a year's hours by a parallel scan of the ledger, 1.1 s, instead of the
            # covering hours_org_status). Inside one (the tests) VACUUM is refused.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cur.execute(f"{verb} " + ", ".join(tables))
            return
        cur.execute("PRAGMA analysis_limit")
        (limit,) = cur.fetchone()
        cur.execute("PRAGMA analysis_limit = 1000")
        try:
            if tables:
                for table in tables:
                    cur.execute(f"ANALYZE {table}")
            else:
                cur.execute("ANALYZE")
        finally:
            cur.execute(f"PRAGMA analysis_limit = {int(limit)}")


def _same(value: Any) -> Any:
    return value


def date_out() -> Callable[[Any], Any]:
    """How a date goes to the driver for this database (for rows marked raw)."""
    return dt.date.isoformat if connection.vendor == "sqlite" else _same


def datetime_out() -> Callable[[Any], Any]:
    return _sqlite_datetime if connection.vendor == "sqlite" else _same
