"""Drawing volunteer chunks in worker processes and writing them: SQLite and PostgreSQL sinks.

Workers are forked after the plan is built, so they share its tables without pickling them;
at most two chunks per worker are in flight (bounded memory), and results are consumed in
chunk order, so the city is the same with any number of workers. The parent only writes:
on SQLite one `executemany` of driver-ready rows per chunk for volunteers, and hours entries
as (volunteer, activity, minutes) triples expanded inside SQLite by one INSERT ... SELECT
over a temporary table of activities (an entry's other 20 columns are its activity's);
on PostgreSQL COPY text the workers already formatted.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import connection

from gongzhi.metrics.demo_city import volunteer_rows as rows

_PLAN: rows.Plan | None = None  # set in the parent before forking; read by the workers


def default_workers() -> int:
    """Two worker processes where there are two cores or more (issue 6's machine has two)."""
    return min(2, os.cpu_count() or 1)


def _draw(k: int) -> rows.Chunk:
    assert _PLAN is not None
    return rows.draw_chunk(_PLAN, k)


def _worker_init() -> None:
    """A forked worker inherits its parent's Python signal handlers. One that catches SIGTERM
    (a test runner's, a graceful-stop handler) would keep `Pool.terminate()` from ending a
    worker blocked on the pool's queue, and the load (or the test) would wait for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def drawn_chunks(plan: rows.Plan, workers: int) -> Iterator[rows.Chunk]:
    """Every chunk of the plan, in order; drawn in `workers` forked processes when > 1."""
    global _PLAN
    n = plan.n_chunks
    if workers <= 1 or n == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for k in range(n):
            yield rows.draw_chunk(plan, k)
        return
    _PLAN = plan
    # Objects alive at the fork stay shared with the workers: keep the workers' collector
    # from writing to (and so copying) every page of them.
    gc.collect()
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
            todo = iter(range(n))
            pending = deque(pool.apply_async(_draw, (k,)) for k in islice(todo, 2 * workers))
            while pending:
                chunk = pending.popleft().get()
                pending.extend(pool.apply_async(_draw, (k,)) for k in islice(todo, 1))
                yield chunk
            # Every chunk drawn: let the workers finish on their own rather than by the
            # context manager's terminate() (signals to processes blocked on the pool's queue).
            pool.close()
            pool.join()
    finally:
        _PLAN = None
        gc.unfreeze()


class SqliteSink:
    def __init__(self, plan: rows.Plan, acts: list[tuple[Any, ...]]) -> None:
        from gongzhi.volunteers.models import Volunteer

        connection.ensure_connection()
        self.db = connection.connection  # the sqlite3 connection inside Django's transaction
        cols = dict(rows.SQLITE_VOLUNTEER_COLUMNS)
        cols["created_at"] = _sql_literal(plan.created_out)  # SQLite's datetime text
        table = Volunteer._meta.db_table
        self.volunteer_sql = (
            f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join(cols.values())})'
        )
        # Temporary tables live in this connection only and go with it.
        self.db.execute("DROP TABLE IF EXISTS temp.city_acts")
        self.db.execute("DROP TABLE IF EXISTS temp.city_entries")
        self.db.execute(
            "CREATE TEMP TABLE city_acts (i INTEGER PRIMARY KEY, team, aid, sid, day, cat, code,"
            " owner, at)"
        )
        self.db.execute("CREATE TEMP TABLE city_entries (v INTEGER, a INTEGER, m INTEGER)")
        self.db.executemany(
            "INSERT INTO temp.city_acts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((n, *a) for n, a in enumerate(acts)),
        )
        self.entry_sql = (
            'INSERT INTO "volunteers_hoursentry" (volunteer_id, team_id, activity_id, shift_id,'
            " kind, source, status, minutes, travel_minutes, service_date, category, content,"
            " area_code, owner_org_id, reason, recorded_at, decided_at, decision_note)"
            " SELECT e.v, a.team, a.aid, a.sid, 'entry', 'organiser', 'approved', e.m, 0, a.day,"
            " a.cat, '志愿服务', a.code, a.owner, '', a.at, a.at, ''"
            " FROM temp.city_entries e JOIN temp.city_acts a ON a.i = e.a ORDER BY e.rowid"
        )

    def write(self, chunk: rows.Chunk, numbers: list[str]) -> None:
        vols = chunk.volunteers
        for row, number in zip(vols, numbers, strict=True):
            row.append(number)
        self.db.executemany(self.volunteer_sql, vols)
        it = iter(chunk.entries)
        self.db.executemany(
            "INSERT INTO temp.city_entries VALUES (?, ?, ?)", zip(it, it, it, strict=True)
        )
        self.db.execute(self.entry_sql)
        self.db.execute("DELETE FROM temp.city_entries")

    def close(self) -> None:
        self.db.execute("DROP TABLE temp.city_entries")
        self.db.execute("DROP TABLE temp.city_acts")


class PostgresSink:
    def __init__(self, plan: rows.Plan) -> None:
        self.volunteer_sql = (
            f'COPY "volunteers_volunteer" ({", ".join(rows.COPY_VOLUNTEER_COLUMNS)}) FROM STDIN'
        )
        self.entry_sql = (
            f'COPY "volunteers_hoursentry" ({", ".join(rows.COPY_ENTRY_COLUMNS)}) FROM STDIN'
        )

    def write(self, chunk: rows.Chunk, numbers: list[str]) -> None:
        text = "".join([f"{n}\t{line}" for n, line in zip(numbers, chunk.volunteers, strict=True)])
        with connection.cursor() as cur:
            raw = cur.cursor  # psycopg 3
            with raw.copy(self.volunteer_sql) as copy:
                copy.write(text)
            if chunk.entries:
                with raw.copy(self.entry_sql) as copy:
                    copy.write(chunk.entries)

    def close(self) -> None:
        pass


def sink_for(plan: rows.Plan, acts: list[tuple[Any, ...]]) -> SqliteSink | PostgresSink:
    return SqliteSink(plan, acts) if connection.vendor == "sqlite" else PostgresSink(plan)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
