"""Hand-written statements of hot paths (a token's call, check-in), planned once per connection.

PostgreSQL spends more time planning these short statements than running them: the
check-in's three-table look-up plans in ~0.25 ms and runs in ~0.02 ms (pgbench, simple
against prepared protocol: 0.39 -> 0.04 ms a statement). Django sends every statement with
client-side binding, which PostgreSQL cannot prepare. `cursor()` gives a cursor with
server-side binding instead, whose statements psycopg prepares on their first use in a
connection (settings: `prepare_threshold`, `DB_PREPARED_STATEMENTS`), and which still goes
through Django's wrappers (query log, execute wrappers). Elsewhere it is the usual cursor.

Only statements written for it belong here: with server-side binding a parameter's type
comes from its context, so a bare `%s` in a SELECT list needs a cast.

`instances()` turns rows read this way into model instances with the ORM's own converters
(what `Model.objects.raw()` would build), on either database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.sql import Query

M = TypeVar("M", bound=models.Model)


@contextmanager
def cursor() -> Iterator[Any]:
    # The thread's connection itself, not the `connection` proxy: every attribute read
    # through the proxy is two more look-ups, a dozen per statement.
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        with conn.cursor() as cur:
            yield cur
        return
    import psycopg

    conn.ensure_connection()
    conn.validate_thread_sharing()
    raw = psycopg.Cursor(conn.connection)  # server-side binding: preparable
    # Django's wrappers, so execute wrappers and the query log (tests' query counts) see it.
    wrapped = _Logged(raw, conn) if conn.queries_logged else CursorWrapper(raw, conn)
    with wrapped as cur:
        yield cur


class _Logged(CursorDebugWrapper):
    """The query log as for Django's own cursors: Django reads the statement it logs back
    from a client-side-binding cursor, which this is not, so it is composed here."""

    def debug_sql(
        self,
        sql: Any = None,
        params: Any = None,
        use_last_executed_query: bool = False,
        many: bool = False,
    ) -> Any:
        if use_last_executed_query and not many:
            sql = self.db.ops.compose_sql(sql, params)
        return super().debug_sql(sql, params, False, many)


def _converters(model: type[models.Model], names: Sequence[str]) -> Any:
    """The ORM's converters for these columns, built once per connection: the ORM builds
    them for every query, and a hot path reads the same columns every time. Kept on the
    connection (one per thread) because they are its operations' bound methods."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    cache = wrapper.__dict__.setdefault("_gongzhi_converters", {})
    key = (model, tuple(names))
    found = cache.get(key)
    if found is None:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        cols: list[Any] = [by_attname[n].get_col(model._meta.db_table) for n in names]
        compiler = wrapper.ops.compiler("SQLCompiler")(Query(model), wrapper, wrapper.alias)
        found = cache[key] = list(compiler.get_converters(cols).items())
    return found


def instances(model: type[M], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[M]:
    """Model instances from rows whose first columns are the fields `names` (attnames), in
    that order, converted as the ORM converts them; further columns are ignored."""
    conn = connections[DEFAULT_DB_ALIAS]
    converters = _converters(model, names)
    width = len(names)
    attnames = list(names)
    out = []
    for row in rows:
        values = list(row[:width])
        for pos, (funcs, expr) in converters:
            for func in funcs:
                values[pos] = func(values[pos], expr, conn)
        out.append(model.from_db(conn.alias, attnames, values))
    return out
