"""The dated membership history (`MembershipPeriod`) kept by the member services.

Figures "as of" a date read the history, not the member's current organisation, so a
member who moved between districts counts in the district of the organisation they
belonged to on that date (DESIGN.md § Time: every fact the statistics count carries its
own dates). The member services call `period_open` / `period_close` inside their own
transaction and audit event; bulk writers call `bulk_history_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from gongzhi.party.models import MembershipPeriod, PartyMember, PartyOrg


def period_open(*, member: PartyMember, party_org: PartyOrg, on: dt.date) -> MembershipPeriod:
    """Start a period in `party_org` on `on`, ending any open period of the member that day."""
    period_close(member=member, on=on)
    return MembershipPeriod.objects.create(
        member=member, party_org=party_org, area_code=party_org.area_code, started_on=on
    )


def period_close(*, member: PartyMember, on: dt.date) -> int:
    """End the member's open period on `on` (a period started later than `on` ends empty)."""
    closed = 0
    for period in MembershipPeriod.objects.filter(member=member, ended_on__isnull=True):
        period.ended_on = max(on, period.started_on)
        period.save(update_fields=["ended_on"])
        closed += 1
    return closed


def period_reopen(*, member: PartyMember) -> None:
    """Undo a close (a leaving date cleared by an import): the last period is open again."""
    last = MembershipPeriod.objects.filter(member=member).order_by("-started_on", "-id").first()
    if last is not None and last.ended_on is not None:
        last.ended_on = None
        last.save(update_fields=["ended_on"])


def history_sync(
    *,
    member: PartyMember,
    old_party_org_id: int | None,
    old_joined_on: dt.date,
    old_left_on: dt.date | None,
    on: dt.date,
) -> None:
    """Bring the history in line with a member row an import changed (moved on `on`)."""
    if not MembershipPeriod.objects.filter(member=member).exists():
        bulk_history_for([member])
        return
    if member.party_org_id and member.party_org_id != old_party_org_id:
        assert member.party_org is not None
        period_open(member=member, party_org=member.party_org, on=on)
    periods = MembershipPeriod.objects.filter(member=member)
    if member.joined_on != old_joined_on:
        first = periods.order_by("started_on", "id").first()
        if first is not None and (first.ended_on is None or first.ended_on >= member.joined_on):
            first.started_on = member.joined_on
            first.save(update_fields=["started_on"])
    if member.left_on != old_left_on:
        if member.left_on is None:
            period_reopen(member=member)
        else:
            last = periods.order_by("-started_on", "-id").first()
            if last is not None:
                last.ended_on = max(member.left_on, last.started_on)
                last.save(update_fields=["ended_on"])


def bulk_history_for(
    members: Iterable[PartyMember] | QuerySet[PartyMember], *, batch_size: int = 2000
) -> int:
    """Write one history period for each member that has none yet; returns the rows written.

    For bulk-created members (the city generator, the member import): each member is taken
    to have been in their current Party organisation for their whole time in the sector —
    from `joined_on` to `left_on` — in the organisation's district (`area_code` of the
    member row, which `PartyMember.fill_derived` copies from the organisation). Members
    without a Party organisation, and members that already have history, are skipped, so
    calling it twice writes nothing the second time. Pass a queryset to stream large sets
    (read in chunks by id); the call is not audited, like the bulk writes it follows.
    """
    rows: list[MembershipPeriod] = []
    written = 0

    def flush() -> None:
        nonlocal written
        if not rows:
            return
        have = set(
            MembershipPeriod.objects.filter(member_id__in=[r.member_id for r in rows]).values_list(
                "member_id", flat=True
            )
        )
        fresh = [r for r in rows if r.member_id not in have]
        MembershipPeriod.objects.bulk_create(fresh, batch_size=batch_size)
        written += len(fresh)
        rows.clear()

    fields = ("id", "party_org_id", "area_code", "joined_on", "left_on")
    source: Iterable[Any]
    if isinstance(members, QuerySet):
        source = members.filter(party_org__isnull=False).values_list(*fields).iterator(batch_size)
    else:
        source = (
            (m.pk, m.party_org_id, m.area_code, m.joined_on, m.left_on)
            for m in members
            if m.party_org_id
        )
    for member_id, party_org_id, area_code, joined_on, left_on in source:
        rows.append(
            MembershipPeriod(
                member_id=member_id,
                party_org_id=party_org_id,
                area_code=area_code,
                started_on=joined_on,
                ended_on=max(left_on, joined_on) if left_on else None,
            )
        )
        if len(rows) >= batch_size:
            flush()
    flush()
    return written
