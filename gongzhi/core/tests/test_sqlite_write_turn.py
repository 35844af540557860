"""The SQLite backend's queued write turn and deferred writes (gongzhi/core/sqlite/base.py).

Each test uses its own database file (not the test database), with SQLite's busy handler
turned off (`busy_timeout=0`): a second writer then fails at once with "database is locked"
on Django's own backend, so a test that passes shows the queue, not the busy handler, made
it wait for its turn.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.utils import ConnectionHandler


def _handler(path: Any, monkeypatch: Any) -> ConnectionHandler:
    from gongzhi.settings import _database

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    settings = _database()
    settings["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=0;"
    return ConnectionHandler({"default": settings})


def _prepare(path: Any, monkeypatch: Any) -> ConnectionHandler:
    handler = _handler(path, monkeypatch)
    with handler["default"].cursor() as cur:
        cur.execute("CREATE TABLE hits (who TEXT, at REAL)")
    handler["default"].close()
    return handler


@contextmanager
def _atomic(conn: Any) -> Iterator[None]:
    """`transaction.atomic` on this wrapper (atomic's `using` names the global handler's)."""
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.set_autocommit(True)


def _write(conn: Any, who: str, hold: float = 0.0, began: Any = None) -> None:
    with _atomic(conn):
        with conn.cursor() as cur:
            cur.execute("INSERT INTO hits VALUES (%s, %s)", [who, time.time()])
        if began is not None:
            began.set()
        time.sleep(hold)


def _rows(path: Any) -> list[tuple[Any, ...]]:
    import sqlite3

    with sqlite3.connect(path) as con:
        return con.execute("SELECT who, at FROM hits ORDER BY at").fetchall()


def test_the_plain_backend_fails_the_second_writer_without_the_busy_handler(
    tmp_path, monkeypatch, django_db_blocker
):
    # The control: what the queue below prevents.
    path = tmp_path / "plain.sqlite3"
    with django_db_blocker.unblock():
        _prepare(path, monkeypatch)
        settings = _handler(path, monkeypatch)["default"].settings_dict
        stock = dict(settings, ENGINE="django.db.backends.sqlite3")
        began = threading.Event()

        def hold() -> None:
            first = ConnectionHandler({"default": dict(stock)})["default"]
            _write(first, "a", 0.3, began)
            first.close()

        holder = threading.Thread(target=hold)
        holder.start()
        began.wait(5)
        second = ConnectionHandler({"default": dict(stock)})["default"]
        with pytest.raises(Exception, match="locked"):
            _write(second, "b")
        holder.join()
        second.close()


def test_a_second_writer_thread_waits_for_its_turn_and_both_writes_land(
    tmp_path, monkeypatch, django_db_blocker
):
    path = tmp_path / "threads.sqlite3"
    errors: list[BaseException] = []
    with django_db_blocker.unblock():
        _prepare(path, monkeypatch)
        first, second = _handler(path, monkeypatch), _handler(path, monkeypatch)
        began = threading.Event()

        def hold() -> None:
            try:
                _write(first["default"], "first", 0.3, began)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                first["default"].close()

        holder = threading.Thread(target=hold)
        holder.start()
        began.wait(5)
        _write(second["default"], "second")
        second["default"].close()
        holder.join()
    assert not errors
    assert [who for who, _at in _rows(path)] == ["first", "second"]


def _hold_in_another_process(path: str, began: Any, monkeypatch_env: str) -> None:
    import os

    import django

    os.environ["DATABASE_URL"] = monkeypatch_env
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    django.setup()
    from gongzhi.settings import _database

    settings = _database()
    settings["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=0;"
    conn = ConnectionHandler({"default": settings})["default"]
    _write(conn, "other process", 0.4, began)
    conn.close()


def _wait_for_another_process(path: Any, monkeypatch: Any, django_db_blocker: Any) -> None:
    """Write here while another process holds the turn: both writes land, in that order."""
    with django_db_blocker.unblock():
        handler = _prepare(path, monkeypatch)
        context = multiprocessing.get_context("spawn")  # a clean process, as gunicorn's
        began = context.Event()
        other = context.Process(
            target=_hold_in_another_process, args=(str(path), began, f"sqlite:///{path}")
        )
        other.start()
        assert began.wait(60), "the other process did not start writing"
        _write(handler["default"], "this process")
        handler["default"].close()
        other.join(30)
    assert other.exitcode == 0
    assert [who for who, _at in _rows(path)] == ["other process", "this process"]


def test_a_writer_in_another_process_is_waited_for_not_failed(
    tmp_path, monkeypatch, django_db_blocker
):
    _wait_for_another_process(tmp_path / "processes.sqlite3", monkeypatch, django_db_blocker)


def test_a_deferred_write_rides_the_next_transaction_or_is_flushed_on_its_own(
    tmp_path, monkeypatch, django_db_blocker
):
    path = tmp_path / "deferred.sqlite3"
    with django_db_blocker.unblock():
        conn = _prepare(path, monkeypatch)["default"]
        conn.defer_write("INSERT INTO hits VALUES (%s, %s)", ["touch", 1.0])
        assert _rows(path) == []  # not written yet: no transaction of its own
        _write(conn, "request")
        assert sorted(who for who, _at in _rows(path)) == ["request", "touch"]

        conn.defer_write("INSERT INTO hits VALUES (%s, %s)", ["alone", 2.0])
        conn.flush_deferred()  # a request that wrote nothing: written when it ends
        conn.flush_deferred()  # nothing left: no second write
        assert [who for who, _at in _rows(path)].count("alone") == 1

        with _atomic(conn):  # inside a transaction: written in it
            conn.defer_write("INSERT INTO hits VALUES (%s, %s)", ["inside", 3.0])
        assert "inside" in [who for who, _at in _rows(path)]
        conn.close()


def test_a_failed_transaction_gives_up_its_turn(tmp_path, monkeypatch, django_db_blocker):
    path = tmp_path / "rollback.sqlite3"
    monkeypatch.setattr("gongzhi.core.sqlite.base.TURN_TIMEOUT_S", 0.5)
    with django_db_blocker.unblock():
        handler = _prepare(path, monkeypatch)
        conn = handler["default"]
        with pytest.raises(RuntimeError), _atomic(conn):
            with conn.cursor() as cur:
                cur.execute("INSERT INTO hits VALUES ('rolled back', 0)")
            raise RuntimeError("the request failed")
        other = _handler(path, monkeypatch)["default"]
        _write(other, "next")  # "database is locked" after 0.5 s if the turn were kept
        other.close()
        conn.close()
    assert [who for who, _at in _rows(path)] == ["next"]


def test_a_failing_deferred_write_is_dropped_and_the_transaction_goes_on(
    tmp_path, monkeypatch, django_db_blocker
):
    path = tmp_path / "rider.sqlite3"
    with django_db_blocker.unblock():
        conn = _prepare(path, monkeypatch)["default"]
        conn.defer_write("UPDATE no_such_table SET x = 1", [])
        _write(conn, "request")  # the rider fails; the request's own write still lands
        conn.defer_write("INSERT INTO hits VALUES (%s, %s)", ["later", 5.0])
        conn.flush_deferred()  # and the connection is not left inside a transaction
        conn.close()
    assert sorted(who for who, _at in _rows(path)) == ["later", "request"]


def _waiter(path: str, monkeypatch: Any) -> tuple[Any, threading.Thread, list[Any]]:
    """Another process's turn, held here by a second open of the lock file (a flock belongs
    to its open file), and a thread waiting for it through `_flock` with an hour's fallback:
    only the wake-up pipe can end its wait in time."""
    import fcntl
    import os

    from gongzhi.core.sqlite import base

    monkeypatch.setattr(base, "WAKE_FALLBACK_S", 3600.0)
    holder = os.open(path + "-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    waiting = os.open(path + "-writelock", os.O_RDWR)
    wake = base._open_wake(path)
    assert wake is not None
    got: list[Any] = []

    def wait() -> None:
        base._flock(waiting, wake, time.monotonic() + 3600)
        got.append("turn")

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return holder, thread, got


def test_a_process_waiting_for_the_turn_is_woken_when_it_ends_not_when_it_polls(
    tmp_path, monkeypatch
):
    import fcntl

    from gongzhi.core.sqlite import base

    path = str(tmp_path / "wake.sqlite3")
    holder, thread, got = _waiter(path, monkeypatch)
    thread.join(0.3)
    assert thread.is_alive() and not got  # still waiting: nothing ended the turn
    fcntl.flock(holder, fcntl.LOCK_UN)
    base._wake_others(base._open_wake(path))  # what a connection's end of turn does
    thread.join(30)
    assert got == ["turn"]


def test_a_wake_up_nobody_waited_for_does_not_let_a_waiter_past_a_held_turn(tmp_path, monkeypatch):
    import fcntl

    from gongzhi.core.sqlite import base

    path = str(tmp_path / "stale.sqlite3")
    base._open_wake(path)
    for _ in range(3):  # turns that ended while nobody waited
        base._wake_others(base._open_wake(path))
    holder, thread, got = _waiter(path, monkeypatch)
    thread.join(0.3)
    assert thread.is_alive() and not got  # woken, tried, waits again
    fcntl.flock(holder, fcntl.LOCK_UN)
    base._wake_others(base._open_wake(path))
    thread.join(30)
    assert got == ["turn"]


def test_without_a_wake_up_pipe_another_processs_turn_is_still_waited_for_by_polling(
    tmp_path, monkeypatch, django_db_blocker
):
    from gongzhi.core.sqlite import base

    path = tmp_path / "nofifo.sqlite3"
    (tmp_path / "nofifo.sqlite3-writewake").write_text("not a pipe")
    assert base._open_wake(str(path)) is None
    _wait_for_another_process(path, monkeypatch, django_db_blocker)
