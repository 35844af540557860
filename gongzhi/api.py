"""The JSON API at /api/v1/: one router per app, session or token auth, JSON errors."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


# The token's user, and its "last used" when older than the interval. Hand-written: every
# mobile call runs it, and the ORM's join cost ~2 ms of Python a call (the statement ~0.05 ms;
# docs/performance.md § check-in); `core.hotsql` prepares it on PostgreSQL.
#
# "Last used" to the minute is what an administrator needs to spot a stale token; writing
# it on every call made each API request a write (one more turn of SQLite's single write
# lock per check-in under load). On PostgreSQL the touch is in the same statement as the
# look-up (a data-modifying CTE: one round trip, where a separate transaction took four) and
# that statement's own transaction commits without waiting for the WAL flush
# (`set_config(..., true)` is local to it): losing a "last used" minute in a crash is
# harmless, and a phone's first call (every call of the check-in bench) does not pay a
# second synchronous commit beside its own write. Inside a caller's transaction the touch
# commits with it (set_config would relax the caller's commit too, so it is left out).
_TOKEN_PG_SQL = """
WITH hit AS (
    SELECT t.id AS token_id, t.user_id,
           (t.last_used_at IS NULL OR t.last_used_at <= %s) AS stale
    FROM {token} t JOIN {user} u ON u.id = t.user_id
    WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active
), touched AS (
    UPDATE {token} SET last_used_at = %s FROM hit
    WHERE {token}.id = hit.token_id AND hit.stale{relax}
    RETURNING {token}.id
)
SELECT {columns} FROM hit JOIN {user} u ON u.id = hit.user_id
"""
_RELAX = "\n    AND set_config('synchronous_commit', 'off', true) IS NOT NULL"
# SQLite (no data-modifying CTE): look up; a stale touch rides the request's own write
# transaction, or one at the end of a request that wrote nothing (core.sqlite: a turn of the
# single write lock less per check-in).
_TOKEN_SQL = """
SELECT {columns}, t.id,
       CASE WHEN t.last_used_at IS NULL OR t.last_used_at <= %s THEN 1 ELSE 0 END
FROM {token} t JOIN {user} u ON u.id = t.user_id
WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s
"""


@functools.cache
def _user_columns() -> tuple[list[str], str]:
    """The user's attnames and their columns (`u.`), once: both databases quote alike."""
    from gongzhi.accounts.models import User

    fields = User._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(f'u."{f.column}"' for f in fields)


def _token_user(key: str, now: dt.datetime) -> Any:
    from django.db import connection

    from gongzhi.accounts.models import ApiToken, User
    from gongzhi.core import hotsql

    ops = connection.ops
    token, user = (ops.quote_name(m._meta.db_table) for m in (ApiToken, User))
    names, columns = _user_columns()
    stale_before = ops.adapt_datetimefield_value(now - TOKEN_TOUCH_INTERVAL)
    key_hash = ApiToken.hash_key(key)
    with hotsql.cursor() as cur:
        if connection.vendor == "postgresql":
            relax = "" if connection.in_atomic_block else _RELAX
            sql = _TOKEN_PG_SQL.format(token=token, user=user, columns=columns, relax=relax)
            cur.execute(sql, [stale_before, key_hash, ops.adapt_datetimefield_value(now)])
            row = cur.fetchone()
        else:
            sql = _TOKEN_SQL.format(token=token, user=user, columns=columns)
            cur.execute(sql, [stale_before, key_hash, True])
            row = cur.fetchone()
            if row is not None and row[-1]:
                connection.defer_write(  # type: ignore[attr-defined]  # core.sqlite's
                    f"UPDATE {token} SET last_used_at = %s WHERE id = %s",
                    [ops.adapt_datetimefield_value(now), row[-2]],
                )
    return hotsql.instances(User, names, [row])[0] if row is not None else None


class TokenAuth(HttpBearer):
    """Per-user revocable tokens: `Authorization: Bearer gz_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_user(token, timezone.now())
        if user is not None:
            request.user = user
        return user


class SessionUser(SessionAuth):
    """Session auth for the pages' own calls (CSRF checked on writes)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF protects writes that ride on a browser's session cookie. A request without
        # that cookie (the mobile client with its bearer token) cannot be forged that way, so
        # it goes on to TokenAuth instead of failing the CSRF check with 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


api = NinjaAPI(
    title="gongzhi 共治 API",
    version="1",
    urls_namespace="api",
    auth=[SessionUser(), TokenAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> Any:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 404, "not_found", _("记录不存在或不在您的管辖范围内"))


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 403, "permission_denied", str(exc) or _("无权执行此操作"))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 401, "unauthenticated", _("请先登录或提供有效的令牌"))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "payload")),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "validation_error", _("提交的数据有误"), errors=errors)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request: HttpRequest, exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(
        request, 422, "validation_error", "; ".join(e["message"] for e in errors), errors=errors
    )


def _mount() -> None:
    from gongzhi.accounts.api import router as accounts_router
    from gongzhi.areas.api import router as areas_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/areas/", areas_router)
    for app in ("orgs", "party", "volunteers", "metrics"):
        module = __import__(f"gongzhi.{app}.api", fromlist=["router"])
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(f"/{app}/", router)


_mount()
__all__ = ["api"]


def nested_urls(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    """The API's URL patterns grouped by their first segment (`volunteers/`, `orgs/`, ...).

    Ninja lists every operation's path at one level, and Django tries patterns in order:
    a check-in walked past ~55 patterns on each call (~5% of its Python). Grouped, it tries
    one pattern per app, then that app's own. Within a group the order is kept, and groups
    have disjoint prefixes, so every path resolves to the same view; names and the
    namespace are unchanged, so `reverse()` is too.
    """
    from django.urls import URLPattern, include, path
    from django.urls.resolvers import RoutePattern

    patterns, app_name, namespace = urls
    out: list[Any] = []
    groups: dict[str, list[Any]] = {}
    for p in patterns:
        route = str(p.pattern)
        head, sep, rest = route.partition("/")
        if not sep or not isinstance(p.pattern, RoutePattern) or "<" in head:
            out.append(p)
            continue
        if head not in groups:
            groups[head] = []
            out.append(path(f"{head}/", include(groups[head])))
        inner = RoutePattern(rest, name=p.name, is_endpoint=True)
        groups[head].append(URLPattern(inner, p.callback, p.default_args, p.name))
    return out, app_name, namespace
