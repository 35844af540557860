"""Append-only, hash-chained audit events (MLPS 2.0 level 3: audit records protected from change).

`record()` writes an unsealed event in the caller's transaction; `seal_pending()` later
gives unsealed events a sequence number and chains their hashes in one short transaction:
by default the background worker does it every few seconds (GONGZHI_AUDIT_SEAL=worker,
freshness GONGZHI_AUDIT_SEAL_SECONDS), or right after each commit (GONGZHI_AUDIT_SEAL=commit),
which costs every write a second transaction (measured: ~9 ms of a 30 ms check-in). Writers never wait on the chain; sealing is ordered and
serialised by a lock (an advisory lock on PostgreSQL, the write lock on SQLite).
`verify()` recomputes the chain and reports the first broken link.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from gongzhi.core import hotsql
from gongzhi.core.models import AuditEvent

GENESIS = "0" * 64
logger = logging.getLogger(__name__)
_SEAL_LOCK_KEY = 0x67_6F_6E_67  # "gong": advisory-lock key for the sealer

current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("gongzhi_client_ip", default="")


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


_INSERT_SQL: dict[str, str] = {}


def _columns() -> list[Any]:
    """The fields an insert writes (all but the id), in the order of its statement."""
    return [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _values(event: AuditEvent, fields: list[Any]) -> list[Any]:
    """The event's values for `fields`, through each field's own `get_db_prep_save`."""
    return [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]


@dataclass(frozen=True)
class Prepared:
    """An event with its INSERT ready (`prepare`)."""

    event: AuditEvent
    sql: str
    values: list[Any]


def prepare(event: AuditEvent) -> Prepared:
    """The INSERT of one event, built once per database, with the event's values.

    Every write of the platform records an event, and the ORM compiled the same INSERT each
    time (~0.3 ms of Python per call, ~15% of a check-in's CPU: docs/performance.md). The
    values still go through each field's own `get_db_prep_save` (JSON, datetimes). An event
    is never updated by the ORM afterwards (the sealer writes seq/hash by SQL), and no
    signal listens to it. A hot path prepares its event before its transaction begins
    (on SQLite the transaction is the one write turn every writer waits for).
    """
    fields = _columns()
    sql = _INSERT_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(
            quote(AuditEvent._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            quote(AuditEvent._meta.pk.column),
        )
        _INSERT_SQL[connection.vendor] = sql
    return Prepared(event, sql, _values(event, fields))


def _insert(prepared: Prepared) -> None:
    event = prepared.event
    with hotsql.cursor() as cursor:  # prepared on PostgreSQL: the same statement every time
        cursor.execute(prepared.sql, prepared.values)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


def event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    result: str = AuditEvent.Result.SUCCESS,
    before: Any = None,
    after: Any = None,
    client_ip: str | None = None,
) -> AuditEvent:
    """The event `record()` writes, not yet written."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = ""
    if user is not None:
        label = user.get_username()
    elif isinstance(actor, str):
        label = actor
    return AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or "")[:64],
        result=result,
        before=_jsonable(before),
        after=_jsonable(after),
        client_ip=(client_ip if client_ip is not None else current_ip.get())[:45],
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    result: str = AuditEvent.Result.SUCCESS,
    before: Any = None,
    after: Any = None,
    client_ip: str | None = None,
) -> AuditEvent:
    """Write one audit event in the current transaction; it is sealed after commit."""
    written = event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        result=result,
        before=before,
        after=after,
        client_ip=client_ip,
    )
    write(written)
    return written


def write(event: AuditEvent | Prepared) -> None:
    """Write an event made by `event()` (or `prepare()`d) in the current transaction."""
    _insert(event if isinstance(event, Prepared) else prepare(event))
    written_in_transaction()


def written_in_transaction() -> None:
    """What follows writing an event, for a caller that wrote it by its own statement."""
    if settings.GONGZHI_AUDIT_SEAL == "commit":
        transaction.on_commit(seal_pending)


def _digest(event: AuditEvent, prev_hash: str) -> str:
    body = {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "result": event.result,
        "before": event.before,
        "after": event.after,
        "client_ip": event.client_ip,
        "prev": prev_hash,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def seal_pending(batch: int = 5000) -> int:
    """Chain every unsealed event, oldest id first. Returns how many were sealed."""
    sealed = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
        seq: int = (last.seq or 0) if last else 0
        prev = last.hash if last else GENESIS
        while True:
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not pending:
                break
            for event in pending:
                seq += 1
                event.seq = seq
                event.prev_hash = prev
                event.hash = _digest(event, prev)
                prev = event.hash
            AuditEvent.objects.bulk_update(pending, ["seq", "prev_hash", "hash"])
            sealed += len(pending)
    return sealed


def seal_loop(stop: threading.Event, interval: float) -> None:
    """Seal pending events every `interval` seconds until `stop` is set (run by the worker)."""
    from django.db import close_old_connections

    while not stop.wait(interval):
        try:
            seal_pending()
        except Exception:  # a busy database must not end the worker; the next round retries
            logger.exception("audit sealing failed; retrying")
        finally:
            close_old_connections()


@dataclass
class VerifyReport:
    checked: int
    pending: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify() -> VerifyReport:
    """Recompute the chain; report the first broken link (changed, removed or reordered)."""
    prev = GENESIS
    expected = 1
    checked = 0
    for event in (
        AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)
    ):
        if event.seq != expected:
            return VerifyReport(checked, _pending(), expected, f"event #{expected} is missing")
        if event.prev_hash != prev:
            return VerifyReport(
                checked, _pending(), event.seq, "link to the previous event does not match"
            )
        if _digest(event, prev) != event.hash:
            return VerifyReport(checked, _pending(), event.seq, "content does not match its hash")
        prev = event.hash
        expected += 1
        checked += 1
    return VerifyReport(checked, _pending())


def _pending() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()
