"""How the API knows its caller: a browser's session, or a phone's bearer token.

`TokenAuth` (per-user revocable tokens, `Authorization: Bearer gz_...`) and `SessionUser` are
the whole API's (gongzhi/api.py); `ScanTokenAuth` is the check-in scan's, whose own
statement looks the token up (volunteers/0007).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
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
#
# Which token is valid (`TOKEN_MATCH`, aliases t and u) is written once for these statements
# and the SQLite check-in scan's (volunteers.selectors.attendance). The check-in scan's
# function on PostgreSQL (volunteers/0007) checks the same conditions: change both
# (test_checkin's invalid-token cases run against every path).
TOKEN_MATCH = "t.key_hash = %s AND t.revoked_at IS NULL AND u.id = t.user_id AND u.is_active = %s"
TOKEN_STALE = "CASE WHEN t.last_used_at IS NULL OR t.last_used_at <= %s THEN 1 ELSE 0 END"
_TOKEN_PG_SQL = """
WITH hit AS (
    SELECT t.id AS token_id, t.user_id,
           (t.last_used_at IS NULL OR t.last_used_at <= %s) AS stale
    FROM {token} t CROSS JOIN {user} u
    WHERE {match}
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
_TOKEN_SQL = f"""
SELECT {{columns}}, t.id, {TOKEN_STALE}
FROM {{token}} t CROSS JOIN {{user}} u
WHERE {TOKEN_MATCH}
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
            sql = _TOKEN_PG_SQL.format(
                token=token, user=user, columns=columns, relax=relax, match=TOKEN_MATCH
            )
            cur.execute(sql, [stale_before, key_hash, True, ops.adapt_datetimefield_value(now)])
            row = cur.fetchone()
        else:
            sql = _TOKEN_SQL.format(token=token, user=user, columns=columns)
            cur.execute(sql, [stale_before, key_hash, True])
            row = cur.fetchone()
            if row is not None and row[-1]:
                touch_later(row[-2], now)
    return hotsql.instances(User, names, [row])[0] if row is not None else None


def touch_later(token_id: Any, now: dt.datetime) -> None:
    """A token's "last used" on SQLite, riding the request's next write transaction."""
    from django.db import connection

    from gongzhi.accounts.models import ApiToken

    connection.defer_write(  # type: ignore[attr-defined]  # core.sqlite's
        f"UPDATE {connection.ops.quote_name(ApiToken._meta.db_table)} "
        "SET last_used_at = %s WHERE id = %s",
        [connection.ops.adapt_datetimefield_value(now), token_id],
    )


class TokenAuth(HttpBearer):
    """Per-user revocable tokens: `Authorization: Bearer gz_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_user(token, timezone.now())
        if user is not None:
            request.user = user
        return user


class BearerKey(str):
    """A bearer token not yet looked up (`ScanTokenAuth`): the view's own statement checks it,
    and `bearer_user()` looks it up as `TokenAuth` would."""


class ScanTokenAuth(HttpBearer):
    """The bearer token of a phone's check-in scan, not looked up here: on PostgreSQL the
    check-in's one statement (volunteers/0007) checks it itself, where a look-up here would
    be one more round trip and transaction per scan (issue 7). The view either hands the
    key to that statement or calls `bearer_user()` before anything else it does."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return BearerKey(token)


_TOKEN_AUTH = TokenAuth()  # one: ninja's AuthBase() reads its own dir() when made


def bearer_user(request: HttpRequest) -> Any:
    """The caller, with a `BearerKey` looked up now as `TokenAuth` does (401 if invalid)."""
    if isinstance(request.auth, BearerKey):  # type: ignore[attr-defined]
        user = _TOKEN_AUTH.authenticate(request, request.auth)  # type: ignore[attr-defined]
        if user is None:
            raise AuthenticationError
        request.auth = user  # type: ignore[attr-defined]
    return request.user


class SessionUser(SessionAuth):
    """Session auth for the pages' own calls (CSRF checked on writes)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF protects writes that ride on a browser's session cookie. A request without
        # that cookie (the mobile client with its bearer token) cannot be forged that way, so
        # it goes on to TokenAuth instead of failing the CSRF check with 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)
