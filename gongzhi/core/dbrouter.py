"""Reads from a PostgreSQL read replica, writes (and reads after a write) on the primary.

Inactive unless DATABASE_REPLICA_URL is set (settings.py then adds the "replica" alias,
GONGZHI_READ_REPLICA, this router and the middleware); see docs/scale.md § Read replicas.

Replication lags, so a request that wrote must read its own writes: the first write routed
in a request pins the rest of that request to the primary (a context variable the
middleware scopes to the request), and a short-lived cookie pins the user's next requests
too, so the redirect after a POST shows what was just saved. Unsafe methods are pinned from
their first line (they read to decide what to write), and so is any read inside a
transaction (services run in one, DESIGN.md § services).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "gz_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_pinned: ContextVar[bool] = ContextVar("gongzhi_db_pinned", default=False)
_wrote: ContextVar[bool] = ContextVar("gongzhi_db_wrote", default=False)


def replica_alias() -> str | None:
    """The replica's alias when one is configured, else None (the router is then inert)."""
    alias = getattr(settings, "GONGZHI_READ_REPLICA", None)
    return alias if alias and alias in settings.DATABASES else None


def is_pinned() -> bool:
    return _pinned.get()


def pin_primary() -> None:
    """Send every later read of this context (request, task, command) to the primary."""
    _pinned.set(True)


@contextlib.contextmanager
def primary_only() -> Iterator[None]:
    """`with primary_only(): ...` reads the primary inside the block (read-modify-write jobs)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    """Django database router: replica for reads unless pinned; primary for everything else."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        replica = replica_alias()
        if replica is None:
            return None
        if _pinned.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        if replica_alias() is None:
            return None
        _pinned.set(True)  # read-your-writes for the rest of this request
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        replica = replica_alias()
        if replica is None:
            return None
        same_data = {DEFAULT_DB_ALIAS, replica}
        return obj1._state.db in same_data and obj2._state.db in same_data or None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        replica = replica_alias()
        if replica is None:
            return None
        # A physical replica receives the primary's schema by replication.
        return db != replica


class PinPrimaryMiddleware:
    """Scopes the pin to one request and carries it to the next few by a cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if replica_alias() is None:
            return self.get_response(request)
        start = request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES
        token, wrote_token = _pinned.set(start), _wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = _wrote.get()
        finally:
            _pinned.reset(token)
            _wrote.reset(wrote_token)
        if wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=getattr(settings, "GONGZHI_REPLICA_PIN_SECONDS", 5),
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response
