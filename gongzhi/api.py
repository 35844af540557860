"""The JSON API at /api/v1/: one router per app, session or token auth, JSON errors."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
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


# The token's user, whether its "last used" is older than the interval, in one statement.
# Hand-written: every mobile call runs it, and the ORM's join cost ~2 ms of Python a call
# (the statement ~0.05 ms; docs/performance.md § check-in). Raw() still builds the User with
# the ORM's own converters.
_TOKEN_SQL = """
SELECT u.*, t.id AS gz_token_id,
       CASE WHEN t.last_used_at IS NULL OR t.last_used_at <= %s THEN 1 ELSE 0 END AS gz_stale
FROM {token} t JOIN {user} u ON u.id = t.user_id
WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s
"""


class TokenAuth(HttpBearer):
    """Per-user revocable tokens: `Authorization: Bearer gz_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.db import connection, transaction

        from gongzhi.accounts.models import ApiToken, User

        now = timezone.now()
        ops = connection.ops
        sql = _TOKEN_SQL.format(
            token=ops.quote_name(ApiToken._meta.db_table), user=ops.quote_name(User._meta.db_table)
        )
        params = [
            ops.adapt_datetimefield_value(now - TOKEN_TOUCH_INTERVAL),
            ApiToken.hash_key(token),
            True,
        ]
        user: Any = next(iter(User.objects.raw(sql, params)), None)  # + gz_* columns
        if user is None:
            return None
        # "Last used" to the minute is what an administrator needs to spot a stale token;
        # writing it on every call made each API request a write (one more turn of SQLite's
        # single write lock per check-in under load: docs/performance.md).
        if user.gz_stale:
            # By hand, as the SELECT above (~0.2 ms less). On PostgreSQL the touch does not
            # wait for the WAL flush: losing a "last used" minute in a crash is harmless, and
            # a phone's first call (every call of the check-in bench) no longer pays a second
            # synchronous commit beside its own write.
            # Only in a transaction of its own: inside a caller's, SET LOCAL would cover theirs.
            relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
            with transaction.atomic() if relaxed else nullcontext(), connection.cursor() as cur:
                if relaxed:
                    cur.execute("SET LOCAL synchronous_commit TO OFF")
                cur.execute(
                    f"UPDATE {ops.quote_name(ApiToken._meta.db_table)} "
                    "SET last_used_at = %s WHERE id = %s",
                    [ops.adapt_datetimefield_value(now), user.gz_token_id],
                )
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
