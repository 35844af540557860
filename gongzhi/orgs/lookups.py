"""`field__prefix=value`: a prefix match that an index serves on both databases.

Django's `startswith` is `LIKE 'value%'`. PostgreSQL answers that from the `*_like`
(varchar_pattern_ops) index Django builds beside every indexed CharField, but SQLite's LIKE
is case-insensitive and uses no index on a BINARY column: it scans. Here SQLite gets the
equivalent range `value <= col < value || U+10FFFF` (BINARY collation compares code points),
which its B-tree index serves. PostgreSQL keeps LIKE: a range under a linguistic collation
is not a prefix test.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith

_TOP = "\U0010ffff"  # the highest code point: every string starting with p sorts below p + it


class Prefix(Lookup):
    lookup_name = "prefix"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler: Any, connection: Any) -> Any:
        if not isinstance(self.rhs, str):  # an expression: no constant range to give
            return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        value = str(self.rhs)
        return f"({lhs} >= %s AND {lhs} < %s)", [
            *lhs_params,
            value,
            *lhs_params,
            value + _TOP,
        ]


def register(*fields: CharField) -> None:
    for f in fields:
        f.register_lookup(Prefix)
