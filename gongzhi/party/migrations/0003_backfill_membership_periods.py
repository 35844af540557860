"""Backfill the membership history for members written before it existed.

Each member's time in the sector (joined_on → left_on) is split at the receipts of the
transfers between platform organisations on record (回执 moves the membership), so a member
who moved keeps their earlier organisation and district for the dates before the move.
Without such a transfer the whole span is in the current organisation, as the figures
counted it before. Members that already have history are left alone.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import migrations

MOVED_STATES = ("receipted", "archived")


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    PartyMember = apps.get_model("party", "PartyMember")
    PartyOrg = apps.get_model("party", "PartyOrg")
    Transfer = apps.get_model("party", "Transfer")
    MembershipPeriod = apps.get_model("party", "MembershipPeriod")
    db = schema_editor.connection.alias

    have = set(MembershipPeriod.objects.using(db).values_list("member_id", flat=True))
    org_codes = dict(PartyOrg.objects.using(db).values_list("id", "area_code"))
    moves = defaultdict(list)
    for member_id, from_id, to_id, receipt_on in (
        Transfer.objects.using(db)
        .filter(
            state__in=MOVED_STATES,
            from_org__isnull=False,
            to_org__isnull=False,
            receipt_on__isnull=False,
        )
        .order_by("receipt_on", "id")
        .values_list("member_id", "from_org_id", "to_org_id", "receipt_on")
    ):
        moves[member_id].append((from_id, to_id, receipt_on))

    rows = []
    members = (
        PartyMember.objects.using(db)
        .filter(party_org__isnull=False)
        .values_list("id", "party_org_id", "area_code", "joined_on", "left_on")
        .iterator(chunk_size=2000)
    )
    for member_id, org_id, area_code, joined_on, left_on in members:
        if member_id in have:
            continue
        start = joined_on
        for from_id, _to_id, receipt_on in moves.get(member_id, []):
            # Only moves inside the member's current time in the sector split it.
            if receipt_on <= start or (left_on is not None and receipt_on > left_on):
                continue
            rows.append(
                MembershipPeriod(
                    member_id=member_id,
                    party_org_id=from_id,
                    area_code=org_codes.get(from_id, area_code),
                    started_on=start,
                    ended_on=receipt_on,
                )
            )
            start = receipt_on
        rows.append(
            MembershipPeriod(
                member_id=member_id,
                party_org_id=org_id,
                area_code=area_code,
                started_on=start,
                ended_on=max(left_on, start) if left_on else None,
            )
        )
        if len(rows) >= 2000:
            MembershipPeriod.objects.using(db).bulk_create(rows)
            rows = []
    MembershipPeriod.objects.using(db).bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("party", "0002_membership_period")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
