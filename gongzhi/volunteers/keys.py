"""Derived columns of volunteers: search keys, blind indexes, encrypted values, numbers.

`fill_derived` runs in `Volunteer.save()`; `prepare_batch` does the same for a list of
unsaved volunteers before `bulk_create` (importers and the city generator), allocating
volunteer numbers in blocks so 1.1M rows take a handful of counter locks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import transaction
from stdnum import luhn

from gongzhi.core import pii
from gongzhi.core.textkeys import pinyin_keys, to_simplified

if TYPE_CHECKING:
    from gongzhi.volunteers.models import Volunteer


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str, str]:
    """(Simplified, full pinyin, initials): names repeat a lot, so a cache pays at city scale."""
    full, initials = pinyin_keys(name)
    return to_simplified(name), full[:120], initials[:30]


def number_prefix(area_code: str, registered_on: dt.date) -> str:
    return f"V{area_code[:6]}{registered_on:%y}"


def volunteer_number(prefix: str, seq: int) -> str:
    """V + county(6) + year(2) + sequence(7) + Luhn check digit over the 15 digits."""
    body = f"{prefix}{seq:07d}"
    return body + luhn.calc_check_digit(body[1:])


def is_valid_number(number: str) -> bool:
    return (
        len(number) == 17
        and number[0] == "V"
        and number[1:].isdigit()
        and luhn.is_valid(number[1:])
    )


def allocate(key: str, count: int) -> int:
    """Reserve `count` consecutive values of sequence `key`; returns the first one.

    Runs in its own atomic block with a row lock (SELECT ... FOR UPDATE), so concurrent
    registrations and bulk loads never hand out the same number.
    """
    from gongzhi.volunteers.models import Counter

    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        row = Counter.objects.select_for_update().get(key=key)
        first = row.last + 1
        row.last += count
        row.save(update_fields=["last"])
    return first


def encrypt_phone(phone: str) -> tuple[str, str, str]:
    """(ciphertext, blind index, last four digits) of a phone number, for bulk writes."""
    norm = pii.normalise_phone(phone)
    if not norm:
        return "", "", ""
    return pii.encrypt(norm), pii.blind_index(norm, kind="phone"), norm[-4:]


def fill_derived(v: Volunteer, *, with_number: bool = True) -> None:
    """Compute the search keys, blind indexes, clear phone tail and area code of one volunteer."""
    v.name_simplified, v.name_pinyin, v.name_initials = name_keys(v.name)
    if v.id_number:
        v.id_number = pii.normalise_id_number(v.id_number)
    v.id_number_bidx = pii.bidx_for(v.id_number, "id_number") if v.id_number else ""
    if v.phone:
        v.phone = pii.normalise_phone(v.phone)
    v.phone_bidx = pii.bidx_for(v.phone, "phone") if v.phone else ""
    v.phone_last4 = v.phone[-4:] if v.phone else ""
    if v.area_id and not v.area_code:
        v.area_code = v.area.code
    if with_number and not v.number:
        prefix = number_prefix(v.area_code, v.registered_on)
        v.number = volunteer_number(prefix, allocate(prefix, 1))


def prepare_batch(volunteers: Iterable[Volunteer], *, encrypt: bool = True) -> list[Volunteer]:
    """Fill every derived field of unsaved volunteers for `bulk_create`.

    Each volunteer needs `name`, `area_id` and `area_code` (set `area_code` yourself to avoid
    a query per row), `registered_on`; optional `id_number`, `phone`. With `encrypt` the
    clear ID/phone values are replaced by their ciphertext so `bulk_create` does not
    encrypt them again row by row (it would anyway: `EncryptedCharField` skips values that
    are already ciphertext). Numbers are allocated per county and year in one block each.
    """
    items = list(volunteers)
    need_number: dict[str, list[Volunteer]] = defaultdict(list)
    for v in items:
        v.name_simplified, v.name_pinyin, v.name_initials = name_keys(v.name)
        idn = pii.normalise_id_number(v.id_number or "")
        v.id_number_bidx = pii.blind_index(idn, kind="id_number") if idn else ""
        if encrypt and idn:
            v.id_number = pii.encrypt(idn)
        phone_cipher, v.phone_bidx, v.phone_last4 = encrypt_phone(v.phone or "")
        if encrypt:
            v.phone = phone_cipher
        if not v.number:
            need_number[number_prefix(v.area_code, v.registered_on)].append(v)
    for prefix, group in need_number.items():
        first = allocate(prefix, len(group))
        for offset, v in enumerate(group):
            v.number = volunteer_number(prefix, first + offset)
    return items


def recompute_totals(volunteer_ids: Iterable[int]) -> int:
    """Set approved_minutes and last_service_on from the ledger for these volunteers.

    One correlated UPDATE per 1,000 volunteers; used after bulk loads of approved hours
    (imports, the city generator), never on the request path.
    """
    from django.db.models import Max, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from gongzhi.volunteers.models import EntryStatus, HoursEntry, Volunteer

    ids = sorted(set(volunteer_ids))
    approved = HoursEntry.objects.filter(volunteer=OuterRef("pk"), status=EntryStatus.APPROVED)
    total = approved.order_by().values("volunteer").annotate(s=Sum("minutes")).values("s")
    last = (
        approved.filter(kind="entry").order_by().values("volunteer").annotate(m=Max("service_date"))
    ).values("m")
    changed = 0
    for start in range(0, len(ids), 1000):
        changed += Volunteer.objects.filter(pk__in=ids[start : start + 1000]).update(
            approved_minutes=Coalesce(Subquery(total), Value(0)),
            last_service_on=Subquery(last),
        )
    return changed


def fill_entry_keys(entries: Iterable[Any], teams: dict[int, Any]) -> list[Any]:
    """Set the scope keys of unsaved HoursEntry rows from their team for `bulk_create`.

    After bulk-creating approved entries call `recompute_totals(volunteer_ids)` so the
    running totals match the ledger.
    """
    from django.utils import timezone

    now = timezone.now()
    out = []
    for e in entries:
        team = teams[e.team_id]
        if not e.area_code:
            e.area_code = team.area_code
        e.owner_org_id = team.owner_org_id
        if e.recorded_at is None:
            e.recorded_at = now
        out.append(e)
    return out


def bulk_insert(model: Any, objs: list[Any], *, batch_size: int = 2000) -> int:
    """Insert unsaved rows fast: COPY on PostgreSQL, `bulk_create` elsewhere.

    Values must already be in their stored form (`prepare_batch` encrypts ID and phone
    numbers); `auto_now_add` fields are set here. Primary keys are not read back, so use
    this for loads (imports, the city generator), not when the caller needs the ids.
    """
    import json

    from django.db import connection
    from django.db.models import JSONField
    from django.utils import timezone

    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            for o in objs:
                setattr(o, f.attname, now)
    getters = []
    for f in fields:
        if isinstance(f, JSONField):
            getters.append(lambda o, a=f.attname: json.dumps(getattr(o, a), ensure_ascii=False))
        elif f.__class__.__name__ == "EncryptedCharField":
            # prepare_batch stored ciphertext already; get_prep_value passes it through.
            getters.append(lambda o, f=f: f.get_prep_value(getattr(o, f.attname)))
        else:
            getters.append(lambda o, a=f.attname: getattr(o, a))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:  # psycopg 3
            for o in objs:
                copy.write_row([g(o) for g in getters])
    return len(objs)
