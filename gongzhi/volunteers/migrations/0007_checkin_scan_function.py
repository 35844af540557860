"""PostgreSQL: a phone's check-in by the shift's code as one statement, `gongzhi_checkin_scan`.

Issue 7 (a 2,000-person event): sent statement by statement, a scan cost five round trips
and two transactions (the token's look-up and "last used", BEGIN, the read-and-lock, the
claim with its audit event, COMMIT), and each statement's Python and protocol cost more
than its run (~0.05 ms). In a function they are one statement in autocommit: its own
transaction, one round trip. Every statement inside still takes its own snapshot (READ
COMMITTED, a VOLATILE function), so the claim after the volunteer's row lock sees a
check-in on an overlapping shift that was committed while the lock was awaited — what
`services.attendance` required of separate statements.

The function decides only the fast path; anything else (no token, no enrollment, a repeat,
a refusal) returns what it found and the service's slow path says why. SQLite has no
functions: there the service sends the statements itself.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION gongzhi_checkin_scan(
    p_key_hash varchar,        -- an API token's SHA-256, or NULL with p_user_id
    p_user_id bigint,          -- the caller, when already authenticated (a session)
    p_code varchar,            -- the shift's check-in code
    p_now timestamptz,
    p_stale_before timestamptz,  -- a token last used before this is touched
    p_early interval,          -- how long before the start check-in opens
    p_consent varchar,         -- the current privacy notice's version
    p_enrolled varchar,        -- EnrollmentStatus.ENROLLED
    p_method varchar,
    p_action varchar,          -- the audit event: action, object type, after, client address
    p_object_type varchar,
    p_after jsonb,
    p_client_ip varchar
) RETURNS TABLE (
    out_user_id bigint, out_id bigint, out_shift_id bigint, out_volunteer_id bigint,
    out_status varchar, out_checked_in_at timestamptz, out_checked_out_at timestamptz,
    out_checkin_method varchar, out_starts_at timestamptz, out_ends_at timestamptz,
    out_consent_version varchar, out_claimed boolean
) LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_user bigint;
    v_label varchar;
    v_token bigint;
    v_stale boolean;
    v_claimed boolean := false;
    e record;
BEGIN
    IF p_key_hash IS NOT NULL THEN
        -- api.TokenAuth's conditions: not revoked, an active user.
        SELECT t.id, t.user_id, u.username,
               (t.last_used_at IS NULL OR t.last_used_at <= p_stale_before)
          INTO v_token, v_user, v_label, v_stale
          FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
         WHERE t.key_hash = p_key_hash AND t.revoked_at IS NULL AND u.is_active;
        IF NOT FOUND THEN
            RETURN;  -- no row: not authenticated
        END IF;
        IF v_stale THEN
            UPDATE accounts_apitoken SET last_used_at = p_now WHERE id = v_token;
        END IF;
    ELSE
        SELECT u.id, u.username INTO v_user, v_label FROM accounts_user u WHERE u.id = p_user_id;
    END IF;

    -- The caller's enrollment in the scanned shift, and the volunteer's row lock
    -- (services.attendance.lock_volunteer's: every attendance write takes it first).
    SELECT en.id, en.shift_id, en.volunteer_id, en.status, en.checked_in_at,
           en.checked_out_at, en.checkin_method, s.starts_at, s.ends_at, v.consent_version
      INTO e
      FROM volunteers_enrollment en
      JOIN volunteers_shift s ON s.id = en.shift_id
      JOIN volunteers_volunteer v ON v.id = en.volunteer_id
     WHERE s.checkin_token = p_code AND v.user_id = v_user
       FOR UPDATE OF v;
    IF NOT FOUND THEN
        RETURN QUERY SELECT v_user, NULL::bigint, NULL::bigint, NULL::bigint, NULL::varchar,
            NULL::timestamptz, NULL::timestamptz, NULL::varchar, NULL::timestamptz,
            NULL::timestamptz, NULL::varchar, false;
        RETURN;
    END IF;

    -- The claim: a new statement, so a new snapshot taken under the lock.
    IF e.consent_version = p_consent AND e.starts_at <= p_now + p_early
       AND e.ends_at >= p_now THEN
        UPDATE volunteers_enrollment en
           SET checked_in_at = p_now, checkin_method = p_method
         WHERE en.id = e.id AND en.status = p_enrolled AND en.checked_in_at IS NULL
           AND NOT EXISTS (
               SELECT 1 FROM volunteers_enrollment e2
               JOIN volunteers_shift s2 ON s2.id = e2.shift_id
               WHERE e2.volunteer_id = en.volunteer_id AND e2.id <> en.id
                 AND e2.checked_in_at IS NOT NULL AND e2.checked_out_at IS NULL
                 AND s2.starts_at < e.ends_at AND s2.ends_at > e.starts_at);
        v_claimed := FOUND;
        IF v_claimed THEN
            -- audit.event's fields; sealed into the chain later (audit.seal_pending).
            INSERT INTO core_auditevent (at, actor_id, actor_label, action, object_type,
                object_id, result, before, after, client_ip, seq, prev_hash, hash)
            VALUES (p_now, v_user, left(v_label, 150), p_action, p_object_type,
                e.id::text, 'success', NULL, p_after, left(p_client_ip, 45), NULL, '', '');
        END IF;
    END IF;

    RETURN QUERY SELECT v_user, e.id, e.shift_id, e.volunteer_id, e.status,
        e.checked_in_at, e.checked_out_at, e.checkin_method, e.starts_at, e.ends_at,
        e.consent_version, v_claimed;
END
$fn$;
"""

DROP = "DROP FUNCTION IF EXISTS gongzhi_checkin_scan("
DROP += "varchar, bigint, varchar, timestamptz, timestamptz, interval, varchar, varchar, "
DROP += "varchar, varchar, varchar, jsonb, varchar)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_prune_ledger_indexes"),
        ("accounts", "0001_initial"),
        ("core", "0002_holiday"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
