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


@lru_cache(maxsize=16_384)
def name_keys(name: str) -> tuple[str, str, str]:
    """(Simplified, full pinyin, initials) of a name, the most frequent ones remembered.

    `pinyin_keys` itself is cheap for names now (a few microseconds); a 200,000-entry
    cache held ~30 MB through a 100,000-row import for little gain (issue 5).
    """
    full, initials = pinyin_keys(name)
    return to_simplified(name), full[:120], initials[:30]


def number_prefix(area_code: str, registered_on: dt.date) -> str:
    return f"V{area_code[:6]}{registered_on.year % 100:02d}"


# Luhn: every second digit from the right of the check digit is doubled (digit sum kept).
_LUHN_DOUBLED = tuple((2 * d) // 10 + (2 * d) % 10 for d in range(10))


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits (stdnum's `luhn.calc_check_digit`).

    Written out because stdnum's general-alphabet version was a tenth of a 100,000-row
    import's time (issue 5); tests compare the two.
    """
    total = 0
    doubled = True
    for ch in reversed(digits):
        d = ord(ch) - 48
        total += _LUHN_DOUBLED[d] if doubled else d
        doubled = not doubled
    return str(-total % 10)


def volunteer_number(prefix: str, seq: int) -> str:
    """V + county(6) + year(2) + sequence(7) + Luhn check digit over the 15 digits."""
    body = f"{prefix}{seq:07d}"
    return body + luhn_digit(body[1:])


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


def allocate_many(counts: dict[str, int]) -> dict[str, int]:
    """Reserve `counts[key]` values of each sequence at once; returns each key's first value.

    One SELECT ... FOR UPDATE of all the keys' rows, in key order (so concurrent callers
    lock in the same order), and one UPDATE: an import of 100,000 volunteers over a hundred
    county-and-year sequences takes the counter locks once.
    """
    from gongzhi.volunteers.models import Counter

    keys = sorted(k for k, n in counts.items() if n > 0)
    if not keys:
        return {}
    with transaction.atomic():
        Counter.objects.bulk_create(
            [Counter(key=k) for k in keys], ignore_conflicts=True, batch_size=500
        )
        rows = list(Counter.objects.select_for_update().filter(key__in=keys).order_by("key"))
        first: dict[str, int] = {}
        for row in rows:
            first[row.key] = row.last + 1
            row.last += counts[row.key]
        Counter.objects.bulk_update(rows, ["last"], batch_size=500)
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
    """Set approved_minutes, last_service_on and the star steps from the ledger for these
    volunteers.

    One correlated UPDATE per 1,000 volunteers; used after bulk loads of approved hours
    (imports, the city generator), never on the request path.
    """
    from django.db.models import Max, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from gongzhi.volunteers import stars
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
    stars.refresh(ids)
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


def insert_rows(model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows of values for `columns` (attnames) as the database driver takes them.

    COPY on PostgreSQL, one prepared `executemany` elsewhere; no model instance and no
    per-value conversion (100,000 imported volunteers, issue 5). Values are in their stored
    form: ciphertext for encrypted fields, JSON as text, dates as `date`; date-times are not
    accepted (`auto_now(_add)` fields are set here). The model's other fields take their
    defaults. Primary keys are not read back.
    """
    from django.db import connection
    from django.db.models import DateTimeField
    from django.utils import timezone

    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    unknown = [c for c in columns if c not in fields or isinstance(fields[c], DateTimeField)]
    if unknown:
        raise ValueError(f"not insertable columns of {model.__name__}: {unknown}")
    now = timezone.now()
    rest = [f for name, f in fields.items() if name not in columns]
    defaults = tuple(
        f.get_db_prep_save(
            now
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
            else f.get_default(),
            connection,
        )
        for f in rest
    )
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(f.column) for f in [*(fields[c] for c in columns), *rest])
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3
                for row in rows:
                    copy.write_row(row + defaults)
                    count += 1
        else:
            marks = ", ".join(["%s"] * (len(columns) + len(rest)))
            batch = [row + defaults for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
            count = len(batch)
    return count
