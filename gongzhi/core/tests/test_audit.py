"""The audit chain: sealed after commit, tamper-evident, verified by `gongzhi audit verify`."""

from __future__ import annotations

import pytest

from gongzhi.cli import main as cli
from gongzhi.core import audit
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    events = [
        audit.record(
            actor="test", action="thing.do", object_type="thing", object_id=i, after={"i": i}
        )
        for i in range(n)
    ]
    audit.seal_pending()
    return events


def test_events_are_chained_in_order_after_sealing():
    _events(5)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 5))
    assert audit.verify().ok


def test_changing_a_stored_event_is_detected_at_that_event(capsys):
    events = _events(6)
    # Tamper directly in the database, as someone with SQL access would.
    AuditEvent.objects.filter(pk=events[3].pk).update(after={"i": 999})
    report = audit.verify()
    assert not report.ok
    assert report.broken_seq == 4
    assert cli(["audit", "verify"]) == 1
    assert "BROKEN at event #4" in capsys.readouterr().out


def test_removing_an_event_is_detected():
    events = _events(4)
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete("default")
    report = audit.verify()
    assert not report.ok and report.broken_seq == 2


def test_events_cannot_be_deleted_through_the_model():
    (event,) = _events(1)
    with pytest.raises(PermissionError):
        event.delete()


def test_events_committed_out_of_order_are_sealed_in_commit_order():
    first = _events(2)
    late = audit.record(actor="test", action="late")
    audit.seal_pending()
    late.refresh_from_db()
    assert late.seq == 3 and late.prev_hash == AuditEvent.objects.get(pk=first[1].pk).hash
    assert cli(["audit", "verify"]) == 0


def test_record_carries_the_actor_and_client_address(user_a):
    token = audit.current_ip.set("10.1.2.3")
    try:
        event = audit.record(
            actor=user_a, action="x.y", obj=user_a, before={"a": 1}, after={"a": 2}
        )
    finally:
        audit.current_ip.reset(token)
    assert event.actor_id == user_a.pk and event.actor_label == "district_a"
    assert event.client_ip == "10.1.2.3" and event.object_type == "accounts.user"
    stored = AuditEvent.objects.get(pk=event.pk)  # written by the prepared INSERT
    assert (stored.actor_id, stored.action, stored.object_id) == (user_a.pk, "x.y", str(user_a.pk))
    assert stored.before == {"a": 1} and stored.after == {"a": 2} and stored.seq is None
    assert stored.at == event.at and stored.client_ip == "10.1.2.3"


def test_by_default_events_wait_for_the_worker_to_seal_them(settings):
    settings.GONGZHI_AUDIT_SEAL = "worker"
    event = audit.record(actor="test", action="thing.wait")
    assert AuditEvent.objects.get(pk=event.pk).seq is None
    assert audit.verify().pending == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_seals_pending_events_when_it_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GONGZHI_AUDIT_SEAL_SECONDS = 3600  # only the worker's closing seal runs here
    audit.record(actor="test", action="thing.worker")
    assert audit.verify().pending == 1
    assert cli(["worker", "--batch", "--interval", "0"]) == 0
    assert audit.verify().pending == 0 and audit.verify().ok


class _OnePass:
    """A stop event that lets the loop run exactly one round."""

    def __init__(self) -> None:
        self.rounds = 0

    def wait(self, timeout: float) -> bool:
        self.rounds += 1
        return self.rounds > 1  # False: not stopped, run a round; then stopped


@pytest.mark.django_db(transaction=True)
def test_the_sealing_loop_seals_each_round_until_stopped():
    audit.record(actor="test", action="thing.loop")
    stop = _OnePass()
    audit.seal_loop(stop, 0.01)  # type: ignore[arg-type]
    assert stop.rounds == 2
    assert audit.verify().pending == 0


@pytest.mark.django_db(transaction=True)
def test_sealing_after_each_commit_can_be_chosen(settings):
    settings.GONGZHI_AUDIT_SEAL = "commit"
    event = audit.record(actor="test", action="thing.commit")
    assert AuditEvent.objects.get(pk=event.pk).seq is not None
