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

A process waiting for the `flock` cannot block in it (it could not give up after
TURN_TIMEOUT_S), so it sleeps on a pipe beside the database (a FIFO) that every turn's end
writes a byte to, and tries again when woken. It polled every 0.5 ms before, and a turn
handed between processes sat idle for up to that long (docs/performance.md, run 13: a
check-in's threads waited a quarter of their time for the turn). Where no FIFO can be made
it still polls.

`defer_write()` keeps a small bookkeeping write (an API token's "last used") for the
connection's next transaction instead of spending a write turn of its own: the request's
own transaction carries it, or, if the request wrote nothing, one transaction when the
request ends.
"""

from __future__ import annotations

import fcntl
import logging
import os
import select
import stat
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


# A waiter on the wake-up pipe tries the lock again after this long anyway: a holder that
# died released its flock (the kernel does that) without writing the wake-up.
WAKE_FALLBACK_S = 0.05


def _open_wake(path: str) -> int | None:
    """The wake-up FIFO beside the database, opened read-write and non-blocking (so opening
    it never waits for a peer, and reading or writing never blocks); None where none can be
    made (then waiters poll)."""
    name = path + "-writewake"
    try:
        os.mkfifo(name, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        fd = os.open(name, os.O_RDWR | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        os.close(fd)  # something else has the name: a regular file would always read ready
        return None
    return fd


def _drain(wake: int) -> None:
    try:
        while len(os.read(wake, 65536)) == 65536:
            pass
    except BlockingIOError:
        pass


def _wake_others(wake: int | None) -> None:
    if wake is None:
        return
    try:
        os.write(wake, b"\0")
    except BlockingIOError:
        pass  # the pipe is full of wake-ups nobody waited for: a waiter drains them first


def _flock(fd: int, wake: int | None, deadline: float) -> None:
    """The other processes' turn. Non-blocking tries, woken by the end of a turn (`wake`) or
    after a short growing pause without it: one thread a process gets here (the process lock
    first), and a blocking flock could not give up.

    After a failed try the pipe is drained and the lock tried once more before waiting, so a
    turn that ends between that try and the wait leaves its byte to be found: no wake-up is
    lost. A byte written when nobody waited only makes a later waiter try once more."""
    pause = 0.0001
    poller = None
    drained = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if wake is not None and not drained:
            _drain(wake)
            drained = True
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OperationalError("database is locked")
        if wake is not None:
            if poller is None:
                poller = select.poll()
                poller.register(wake, select.POLLIN)
            poller.poll(min(remaining, WAKE_FALLBACK_S) * 1000)
            drained = False
        else:
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 0.0005)


class DatabaseWrapper(base.DatabaseWrapper):
    _turn: threading.Lock | None = None  # the process lock while this connection holds it
    _turn_fd: int | None = None
    _wake_fd: int | None = None
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
                self._wake_fd = _open_wake(path)
            _flock(self._turn_fd, self._wake_fd, deadline)
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
                _wake_others(self._wake_fd)
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
            for fd in (self._turn_fd, self._wake_fd):
                if fd is not None:
                    os.close(fd)
            self._turn_fd = self._wake_fd = None

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
