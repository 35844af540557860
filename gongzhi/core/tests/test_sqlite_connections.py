"""SQLite connections persist per thread, as gunicorn's threaded workers use them.

`gongzhi serve` runs gunicorn with threads; Django keeps one connection per thread and, at
the end of each request, closes it only when it is older than CONN_MAX_AGE (or broken). A
persistent connection saves the open and the four PRAGMAs of `init_command` on every
request (docs/performance.md: /healthz missed its p99 with CONN_MAX_AGE = 0). This drives
Django's own per-request bookkeeping from several threads against a real database file.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.utils import ConnectionHandler

THREADS = 6
REQUESTS = 60


def _settings(tmp_path: Any, monkeypatch: Any) -> dict[str, Any]:
    from gongzhi.settings import _database

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'threads.sqlite3'}")
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    return _database()


def test_sqlite_connections_are_persistent_by_default(tmp_path, monkeypatch):
    assert _settings(tmp_path, monkeypatch)["CONN_MAX_AGE"] > 0
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    from gongzhi.settings import _database

    assert _database()["CONN_MAX_AGE"] == 0  # operators can still turn it off


def test_each_thread_keeps_one_connection_with_the_pragmas_and_no_write_is_lost(
    tmp_path, monkeypatch, django_db_blocker
):
    # Its own database file, not the test database: pytest-django only guards the latter.
    with django_db_blocker.unblock():
        _drive_threads(tmp_path, monkeypatch)


def _drive_threads(tmp_path: Any, monkeypatch: Any) -> None:
    handler = ConnectionHandler({"default": _settings(tmp_path, monkeypatch)})
    setup = handler["default"]
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE hits (thread INTEGER, n INTEGER)")
        cur.execute("CREATE TABLE total (n INTEGER)")
        cur.execute("INSERT INTO total VALUES (0)")
    setup.close()
    opened: dict[int, list[Any]] = {}
    pragmas: dict[int, tuple[Any, ...]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(k: int) -> None:
        try:
            start.wait()
            for i in range(REQUESTS):
                conn = handler["default"]  # this thread's wrapper, as in a request
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO hits VALUES (%s, %s)", [k, i])
                    cur.execute("UPDATE total SET n = n + 1")
                raw = conn.connection
                if not opened.setdefault(k, []) or opened[k][-1] is not raw:
                    opened[k].append(raw)  # kept alive, so identities stay distinct
                conn.close_if_unusable_or_obsolete()  # what request_finished does
            with handler["default"].cursor() as cur:
                found = []
                for p in ("foreign_keys", "busy_timeout", "journal_mode", "synchronous"):
                    cur.execute(f"PRAGMA {p}")
                    found.append(cur.fetchone()[0])
                pragmas[k] = tuple(found)
            handler["default"].close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    # One connection per thread for all its requests, never shared between threads.
    assert all(len(conns) == 1 for conns in opened.values()), {k: len(v) for k, v in opened.items()}
    assert len({id(conns[0]) for conns in opened.values()}) == THREADS
    # init_command ran on each of them: foreign keys on, 10 s busy timeout, WAL, NORMAL.
    assert set(pragmas.values()) == {(1, 10000, "wal", 1)}
    check = handler["default"]
    with check.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM hits")
        assert cur.fetchone()[0] == THREADS * REQUESTS
        cur.execute("SELECT n FROM total")
        assert cur.fetchone()[0] == THREADS * REQUESTS
    check.close()
