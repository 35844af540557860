"""Django's SQLite backend with a queued write turn and writes that ride the next transaction.

SQLite has one writer at a time. A transaction that finds the write lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 ... ms between tries rather than
being woken when the lock is free: under a burst of writes (a 2,000-person event checking
in) waiters slept past many free turns, and threads woke in no order (check-in p99 180 ms at
410 req/s, docs/performance.md run 9). Here a transaction first takes its turn in a queue
that wakes the next waiter at once: a lock shared by the threads of the process, then an
advisory `flock` on a file beside the database shared by the processes (gunicorn's
workers, the task worker, the command line). BEGIN IMMEDIATE then finds the database free.
A writer outside this backend (the sqlite3 shell) is still waited for by the busy handler.

`defer_write()` keeps a small bookkeeping write (an API token's "last used") for the
connection's next transaction instead of spending a write turn of its own: the request's
own transaction carries it, or, if the request wrote nothing, one transaction when the
request ends.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from typing import Any

from django.core.signals import request_finished
from django.db import DatabaseError, OperationalError
from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

# As long as the busy handler waits (settings.py: PRAGMA busy_timeout=10000), then the
# same error SQLite gives.
TURN_TIMEOUT_S = 10.0

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


def _flock(fd: int, deadline: float) -> None:
    """The other processes' turn. Non-blocking tries with a short growing pause: one thread a
    process gets here (the process lock first), and a blocking flock could not give up."""
    pause = 0.0001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OperationalError("database is locked") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.0005)


class DatabaseWrapper(base.DatabaseWrapper):
    _turn: threading.Lock | None = None  # the process lock while this connection holds it
    _turn_fd: int | None = None
    _riders: list[tuple[str, list[Any]]] | None = None

    # --- the write turn -------------------------------------------------------------------
    def _take_turn(self) -> None:
        if self.is_in_memory_db():
            return  # one connection a process; nothing else can write to it
        path = os.path.abspath(str(self.settings_dict["NAME"]))
        deadline = time.monotonic() + TURN_TIMEOUT_S
        lock = _process_lock(path)
        if not lock.acquire(timeout=TURN_TIMEOUT_S):
            raise OperationalError("database is locked")
        try:
            if self._turn_fd is None:
                self._turn_fd = os.open(path + "-writelock", os.O_RDWR | os.O_CREAT, 0o600)
            _flock(self._turn_fd, deadline)
        except BaseException:
            lock.release()
            raise
        self._turn = lock

    def _end_turn(self) -> None:
        lock, self._turn = self._turn, None
        if lock is None:
            return
        try:
            if self._turn_fd is not None:
                fcntl.flock(self._turn_fd, fcntl.LOCK_UN)
        finally:
            lock.release()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise
        riders, self._riders = self._riders, None
        for sql, params in riders or ():
            # Bookkeeping must not fail the transaction it rides on; a failed statement
            # leaves an SQLite transaction usable.
            try:
                with self.cursor() as cur:
                    cur.execute(sql, params)
            except DatabaseError:
                logger.warning("a deferred write failed and was dropped: %s", sql, exc_info=True)

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._end_turn()
            if self._turn_fd is not None:
                os.close(self._turn_fd)
                self._turn_fd = None

    # --- writes that ride the next transaction --------------------------------------------
    def defer_write(self, sql: str, params: list[Any]) -> None:
        """Run `sql` in this connection's next transaction (now, if one is open)."""
        if self.in_atomic_block or not self.get_autocommit():
            with self.cursor() as cur:
                cur.execute(sql, params)
            return
        if self._riders is None:
            self._riders = []
        self._riders.append((sql, params))

    def flush_deferred(self) -> None:
        """A transaction of their own for writes no transaction carried."""
        if self._riders and self.get_autocommit():
            # What `transaction.atomic` does, on this wrapper (atomic looks it up by alias).
            self.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            try:
                self.commit()  # the riders ran as it began
            except BaseException:
                self.rollback()
                raise
            finally:
                self.set_autocommit(True)


def _flush_at_request_end(**kwargs: Any) -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if isinstance(conn, DatabaseWrapper):
            conn.flush_deferred()


# After Django's own receiver (close_old_connections, connected first): a connection it
# closed opens again for the flush; the writes are kept on the wrapper, not the connection.
request_finished.connect(_flush_at_request_end, dispatch_uid="gongzhi.sqlite.flush_deferred")
