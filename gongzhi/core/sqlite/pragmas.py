"""A SQLite setting for the length of a block (bulk writes: a page cache, a journal mode)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def pragma(name: str, value: int | str) -> Iterator[None]:
    """`PRAGMA name = value` on this connection for the block, then the value it had before,
    whatever happened in it. On another database, nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA {name}")
        (before,) = cur.fetchone()
        cur.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA {name} = {before}")
