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

from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.sql import Query

M = TypeVar("M", bound=models.Model)


@contextmanager
def cursor() -> Iterator[Any]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            yield cur
        return
    import psycopg

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.Cursor(connection.connection)  # server-side binding: preparable
    # Django's wrappers, so execute wrappers and the query log (tests' query counts) see it.
    logged = connection.queries_logged
    wrapped = _Logged(raw, connection) if logged else CursorWrapper(raw, connection)
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


def instances(model: type[M], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[M]:
    """Model instances from rows whose first columns are the fields `names` (attnames), in
    that order, converted as the ORM converts them; further columns are ignored."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[n] for n in names]
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    converters = compiler.get_converters([f.get_col(model._meta.db_table) for f in fields])
    width = len(fields)
    out = []
    for row in rows:
        values = list(row[:width])
        for pos, (funcs, expr) in converters.items():
            for func in funcs:
                values[pos] = func(values[pos], expr, connection)
        out.append(model.from_db(connection.alias, list(names), values))
    return out
