"""Reads of the check-in hot path (issue 7: a 2,000-person event scanning one code).

Written as one hand-made statement: building this join with the ORM cost ~2 ms of Python
per request (measured with `time.process_time`, SQLite), the statement itself ~0.05 ms, and
prepared on PostgreSQL (`core.hotsql`: planning it took ~0.25 ms, five times its run).
The result is the same model instances the ORM would give (`Model.from_db`, only the
columns read; others load on access as deferred fields).
"""

from __future__ import annotations

import functools
from typing import Any

from gongzhi.core import hotsql
from gongzhi.volunteers.models import Enrollment, Shift, Volunteer
from gongzhi.volunteers.sqlrows import instance, table, to_aware

# CROSS JOIN fixes SQLite's join order (PostgreSQL plans it as any join): the volunteer by
# their account, the shift by its code, then their one enrollment by the unique pair. Left
# to itself SQLite went from the shift to all its enrollments, 2,000 row look-ups a scan at
# a 2,000-person event (~30% of a check-in's CPU).
_CHECKIN_SQL = """
SELECT e.id, e.shift_id, e.volunteer_id, e.status, e.checked_in_at, e.checked_out_at,
       e.checkin_method, s.starts_at, s.ends_at, v.consent_version
FROM {volunteer} v
CROSS JOIN {shift} s
CROSS JOIN {enrollment} e
WHERE v.user_id = %s AND s.checkin_token = %s
AND e.shift_id = s.id AND e.volunteer_id = v.id
"""


# A phone's scan on SQLite (`services.enrollment_checkin_by_scan`): the same look-up from
# the bearer token's user, with the token's own conditions (accounts.apiauth) — one
# statement where the token's look-up was one more, with a user instance of ~20 columns
# built for it (issue 7). PostgreSQL's scan is its function (volunteers/0007).
_SCAN_SQL = """
SELECT e.id, e.shift_id, e.volunteer_id, e.status, e.checked_in_at, e.checked_out_at,
       e.checkin_method, s.starts_at, s.ends_at, v.consent_version,
       u.id, u."{username}", t.id, {stale}
FROM {token} t
CROSS JOIN {user} u
CROSS JOIN {volunteer} v
CROSS JOIN {shift} s
CROSS JOIN {enrollment} e
WHERE {match} AND v.user_id = u.id AND s.checkin_token = %s
AND e.shift_id = s.id AND e.volunteer_id = v.id
"""


@functools.cache
def scan_statement() -> str:
    """The statement `scan_enrollment` runs (parameters: "stale before", the key's hash,
    True (an active user), the code)."""
    from gongzhi.accounts.apiauth import TOKEN_MATCH, TOKEN_STALE
    from gongzhi.accounts.models import ApiToken, User

    return _SCAN_SQL.format(
        token=table(ApiToken),
        user=table(User),
        volunteer=table(Volunteer),
        shift=table(Shift),
        enrollment=table(Enrollment),
        username=User.USERNAME_FIELD,
        stale=TOKEN_STALE,
        match=TOKEN_MATCH,
    )


def scan_enrollment(*, key_hash: str, token: str, stale_before: Any) -> Any:
    """(enrollment, user, token id, whether the token's "last used" is stale) of the bearer
    of a valid API token and the shift whose code they scanned, or None: no valid token, no
    volunteer profile, unknown code or not enrolled (the caller then looks the token up as
    any API call does, and says why).

    Scope: the caller's own enrollment only (the join on the token's account). The user is
    an instance with only its id and username: what the check-in's audit event records.
    """
    from gongzhi.accounts.models import User

    with hotsql.cursor() as cur:
        cur.execute(scan_statement(), [stale_before, key_hash, True, token])
        row = cur.fetchone()
    if row is None:
        return None
    user = instance(User, id=row[10], **{User.USERNAME_FIELD: row[11]})
    return enrollment_of_row(row[:10], user_id=row[10]), user, row[12], bool(row[13])


def checkin_statement() -> str:
    """The statement `checkin_enrollment` runs (parameters: the user's id, the code)."""
    return _CHECKIN_SQL.format(
        enrollment=table(Enrollment), shift=table(Shift), volunteer=table(Volunteer)
    )


def checkin_enrollment(*, user: Any, token: str) -> Enrollment | None:
    """The caller's own enrollment in the shift whose code they scanned, with what check-in
    needs: the shift's times and the volunteer's consent version. None when there is none
    (the caller then says why: no profile, unknown code or not enrolled).

    Scope: a volunteer reaches only their own enrollment (the join on their account).
    Index path: the shift by its unique token, the volunteer by the unique account link,
    the enrollment by the unique (shift, volunteer) pair.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    with hotsql.cursor() as cur:
        cur.execute(checkin_statement(), [user.pk, token])
        row = cur.fetchone()
    return None if row is None else enrollment_of_row(row, user_id=user.pk)


def enrollment_of_row(row: Any, *, user_id: Any) -> Enrollment:
    """The enrollment (with its shift's times and volunteer's consent) of a row of
    `checkin_statement` (or of the check-in function, volunteers/0007: the same columns)."""
    eid, shift_id, volunteer_id, status, cin, cout, method, starts, ends, consent = row
    e = instance(
        Enrollment,
        id=eid,
        shift_id=shift_id,
        volunteer_id=volunteer_id,
        status=status,
        checked_in_at=to_aware(cin),
        checked_out_at=to_aware(cout),
        checkin_method=method,
    )
    e.shift = instance(Shift, id=shift_id, starts_at=to_aware(starts), ends_at=to_aware(ends))
    e.volunteer = instance(Volunteer, id=volunteer_id, consent_version=consent, user_id=user_id)
    return e
