"""The volunteer chunks of the demo city: valid numbers, unique IDs, same city with any workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stdnum import luhn
from stdnum.cn import ric

from gongzhi.core import pii
from gongzhi.metrics.demo_city import volunteer_rows as rows
from gongzhi.metrics.tests.conftest import SCALE


def _plan(vendor: str = "sqlite", **over: Any) -> rows.Plan:
    communities = ["430405001001", "430405001002", "430421101001"]
    days = sorted(dt.date(2015 + i % 11, 1 + i % 12, 1 + i % 28).toordinal() for i in range(40))
    acts = list(range(40))
    args: dict[str, Any] = dict(
        seed=5,
        vendor=vendor,
        first_vid=1,
        active=rows.CHUNK + 500,  # two chunks and a bit
        before=40,
        after_per_year=30,
        years_after=list(range(2021, 2027)),
        communities=communities,
        community_cum=[3.0, 6.0, 7.0],
        community_area=[11, 12, 13],
        community_prefix=[[0] * 31, [0] * 31, [1] * 31],
        prefixes=["V43040520", "V43042120"],
        unit_days=[days, days, []],
        unit_acts=[acts, acts, []],
        act_tails=[
            rows.act_tail(1, n, n, "2020-01-01", "c", "430405001001", None, "t") for n in acts
        ],
        created_out="2026-01-01 00:00:00",
    )
    args.update(over)
    plan = rows.Plan(**args)
    plan.prepare()
    return plan


def test_volunteer_numbers_carry_a_valid_luhn_digit_and_continue_the_counters() -> None:
    numbers = rows.Numbers(["V43040521", "V43042226"], {"V43040521": 9_998})
    got = numbers.take([0, 0, 1, 0] * 3000)
    assert got[:3] == [
        "V43040521" + "0009999" + luhn.calc_check_digit("430405210009999"),
        "V43040521" + "0010000" + luhn.calc_check_digit("430405210010000"),
        "V43042226" + "0000001" + luhn.calc_check_digit("430422260000001"),
    ]
    assert all(luhn.is_valid(n[1:]) and len(n) == 17 for n in got)
    assert len(set(got)) == len(got)
    assert numbers.counters() == {"V43040521": 9_998 + 9000, "V43042226": 3000}


def test_a_chunk_draws_valid_unique_id_numbers_and_ledgers_that_match_the_totals() -> None:
    plan = _plan()
    chunks = [rows.draw_chunk(plan, k) for k in range(plan.n_chunks)]
    ids = []
    for chunk in chunks:
        minutes: dict[int, int] = {}
        it = iter(chunk.entries)
        for vid, _act, m in zip(it, it, it, strict=True):
            minutes[vid] = minutes.get(vid, 0) + m
        for row in chunk.volunteers:
            assert row[16] == minutes.get(row[0], 0)
            ids.append(pii.decrypt(row[6]))
            assert row[7] == pii.blind_index(ids[-1], kind="id_number")
            assert pii.decrypt(row[8])[-4:] == row[10]
    assert len(ids) == plan.total and len(set(ids)) == len(ids)
    assert all(ric.is_valid(i) for i in ids)
    entries = sum(c.n_entries for c in chunks)
    assert 2.5 < entries / plan.total < 4.5  # geometric, mean ENTRIES_PER_VOLUNTEER where eligible


def _clear(chunk: rows.Chunk) -> list[Any]:
    """A chunk's volunteers without their ciphertext (random nonces), with the clear values."""
    return [
        [*row[:6], pii.decrypt(row[6]), row[7], pii.decrypt(row[8]), *row[9:]]
        for row in chunk.volunteers
    ]


def test_chunks_are_the_same_whichever_process_draws_them_and_in_which_order() -> None:
    from gongzhi.metrics.demo_city.volunteer_load import drawn_chunks

    plan = _plan()
    inline = list(drawn_chunks(plan, 1))
    forked = list(drawn_chunks(plan, 2))
    backwards = [rows.draw_chunk(plan, k) for k in reversed(range(plan.n_chunks))][::-1]
    assert [c.k for c in forked] == list(range(plan.n_chunks))
    for a, b, c in zip(inline, forked, backwards, strict=True):
        assert _clear(a) == _clear(b) == _clear(c)
        assert list(a.entries) == list(b.entries) == list(c.entries)
        assert list(a.prefix_ids) == list(b.prefix_ids)


ROUNDS = 25


def test_forked_drawing_ends_even_when_the_parent_catches_sigterm() -> None:
    """Pool workers inherit the parent's handlers; a caught SIGTERM once kept a terminated
    worker alive and the suite waited for ever. Both ways out of the pool must return."""
    import signal
    import threading

    from gongzhi.metrics.demo_city.volunteer_load import drawn_chunks

    plan = _plan()
    results: dict[str, Any] = {}

    def draw() -> None:
        # The hang was a race (a worker blocked on the queue's lock when terminated): repeat.
        for _ in range(ROUNDS):
            results["all"] = len(list(drawn_chunks(plan, 2)))
            early = drawn_chunks(plan, 2)
            results["first"] = next(early).k
            early.close()  # the consumer stops early: the pool is terminated

    before = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        worker = threading.Thread(target=draw, daemon=True)
        worker.start()
        worker.join(timeout=120)
    finally:
        signal.signal(signal.SIGTERM, before)
    assert not worker.is_alive(), "drawing in forked workers did not end"
    assert results == {"all": plan.n_chunks, "first": 0}


def test_postgresql_chunks_are_copy_text_of_the_same_volunteers() -> None:
    lite, pg = rows.draw_chunk(_plan(), 0), rows.draw_chunk(_plan("postgresql"), 0)
    assert len(pg.volunteers) == len(lite.volunteers)
    first = pg.volunteers[0].rstrip("\n").split("\t")
    assert len(first) == len(rows.COPY_VOLUNTEER_COLUMNS) - 1  # the parent adds the number
    row = lite.volunteers[0]
    assert [first[0], first[1], first[2], first[3], first[4]] == [
        str(row[0]),
        row[1],
        row[1],
        row[2],
        row[3],
    ]
    lines = pg.entries.splitlines()
    assert len(lines) == pg.n_entries == lite.n_entries
    assert all(len(x.split("\t")) == len(rows.COPY_ENTRY_COLUMNS) for x in lines)


def test_given_name_keys_compose_from_their_characters() -> None:
    from gongzhi.metrics.demo_city.people import GIVEN
    from gongzhi.volunteers.keys import name_keys

    single = {c: name_keys(c) for c in GIVEN}
    for a, b in [(GIVEN[i], GIVEN[-1 - i]) for i in range(0, len(GIVEN), 7)]:
        assert name_keys(a + b) == tuple(x + y for x, y in zip(single[a], single[b], strict=True))


@pytest.mark.django_db
def test_the_city_is_the_same_with_one_or_two_workers() -> None:
    from django.db import transaction

    from gongzhi.metrics.demo_city import load_city
    from gongzhi.volunteers.models import HoursEntry, Volunteer

    def snapshot() -> tuple[list[Any], list[Any]]:
        vols = list(
            Volunteer.objects.order_by("id").values_list(
                "id", "number", "name", "birth_date", "id_number", "phone", "approved_minutes"
            )
        )
        hours = list(
            HoursEntry.objects.order_by("id").values_list("volunteer_id", "activity_id", "minutes")
        )
        return vols, hours

    sid = transaction.savepoint()
    load_city(scale=SCALE, seed=3, workers=1)
    one = snapshot()
    transaction.savepoint_rollback(sid)
    load_city(scale=SCALE, seed=3, workers=2)
    assert snapshot() == one
