"""Write the name search keys (`OrgNameKey`) of organisations.

For a name of n characters there are n rows: row i holds the name from character i on, and —
where a syllable (a Chinese character) or a run of Latin letters and digits begins there —
its full pinyin and its initials from that syllable on. Syllables are read once for the
whole name (pypinyin reads polyphones like 会 in context), then sliced, so the keys agree
with `SocialOrg.name_pinyin`. A run such as "3D" counts as one syllable whose "initials" are
itself: people type it as written.

`index_orgs` is called by `SocialOrg.save()` when the name changed, by the importer and by
the bulk generators (benchkit, the demo city) after they write organisations. It writes with
the driver's `executemany` on SQLite and `COPY` on PostgreSQL: a city's 3,000-odd
organisations make ~55,000 rows, which the import budget (issue 3: 3,023 organisations in
<= 5 s) cannot spend on `bulk_create`'s model instances.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from gongzhi.core.textkeys import lazy_syllables, to_simplified
from gongzhi.orgs.models import OrgNameKey

_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_ASCII = re.compile(r"[0-9a-z]")
_NOT_PINYIN = re.compile(r"[^a-z0-9]")

CHARS_MAX = OrgNameKey._meta.get_field("chars").max_length or 200
PINYIN_MAX = OrgNameKey._meta.get_field("pinyin").max_length or 600
INITIALS_MAX = OrgNameKey._meta.get_field("initials").max_length or 200


def _each(chars: str) -> Any:
    """pypinyin's `errors` callback: characters without pinyin, one item each (pypinyin
    accepts a list here; its type hints say str)."""
    return list(chars)


def _syllables(text: str) -> list[str]:
    """One item per character: a Chinese character's pinyin, anything else as it is."""
    items = lazy_syllables(text, _each)
    if len(items) != len(text):  # never seen; keep one item per character whatever happens
        items = [(lazy_syllables(c, _each) or [c])[0] for c in text]
    return items


def name_keys(name: str) -> list[tuple[str, str, str]]:
    """(chars, pinyin, initials) for each character of the (Simplified) name, in order; pinyin
    and initials are "" where no syllable begins."""
    text = to_simplified(name or "").lower()
    spoken: list[str] = []  # per character: its pinyin, or the Latin letter/digit itself
    starts: list[bool] = []  # does a syllable (or a Latin/digit run) begin here?
    for i, (char, item) in enumerate(zip(text, _syllables(text), strict=True)):
        if _HAN.match(char):
            spoken.append(_NOT_PINYIN.sub("", item.lower()))
            starts.append(True)
        elif _ASCII.match(char):
            spoken.append(char)
            starts.append(i == 0 or not _ASCII.match(text[i - 1]))
        else:
            spoken.append("")
            starts.append(False)
    heads = [
        s[:1] if _HAN.match(c) else s for c, s in zip(text, spoken, strict=True)
    ]  # initials: a syllable's first letter; a Latin letter or digit stands for itself
    keys = []
    for i in range(len(text)):
        if starts[i]:
            pinyin = "".join(spoken[i:])[:PINYIN_MAX]
            initials = "".join(heads[i:])[:INITIALS_MAX]
        else:
            pinyin = initials = ""
        keys.append((text[i:][:CHARS_MAX], pinyin, initials))
    return keys


def index_orgs(names: Iterable[tuple[int, str]], *, fresh: bool = False) -> int:
    """Replace the keys of each `(org id, name)`; `fresh=True` when the organisations are new
    (nothing to delete). Returns the number of key rows written."""
    pairs = list(names)
    if not pairs:
        return 0
    rows = [(pk, *key) for pk, name in pairs for key in name_keys(name)]
    table = connection.ops.quote_name(OrgNameKey._meta.db_table)
    columns = "org_id, chars, pinyin, initials"
    with transaction.atomic():
        if not fresh:
            ids = [pk for pk, _name in pairs]
            for start in range(0, len(ids), 500):
                OrgNameKey.objects.filter(org_id__in=ids[start : start + 500]).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg 3: COPY is ~10x executemany at this size
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            _sqlite_insert(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?)", rows)
    return len(rows)


def _sqlite_insert(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """The driver's own executemany (no per-row work in Django's wrapper); a bulk load gets a
    larger page cache meanwhile, so the three text indexes are not read back from disk for
    every few rows (the connection's default is 2 MB)."""
    connection.ensure_connection()
    raw: Any = connection.connection
    big = len(rows) > 5000
    if big:
        (cache,) = raw.execute("PRAGMA cache_size").fetchone()
        raw.execute("PRAGMA cache_size = -65536")
    try:
        raw.executemany(sql, rows)
    finally:
        if big:
            raw.execute(f"PRAGMA cache_size = {int(cache)}")


def index_all() -> int:
    """Rewrite every organisation's keys (a migration, or after a raw bulk load)."""
    from gongzhi.orgs.models import SocialOrg

    OrgNameKey.objects.all().delete()
    written = 0
    batch: list[tuple[int, str]] = []
    for pair in SocialOrg.objects.order_by("pk").values_list("pk", "name_simplified").iterator():
        batch.append(pair)
        if len(batch) >= 2000:
            written += index_orgs(batch, fresh=True)
            batch = []
    return written + index_orgs(batch, fresh=True)
