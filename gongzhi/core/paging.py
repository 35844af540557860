"""Offset paging for the JSON API's lists: a handler takes `page: Query[Page]` (or a
subclass with its own default `limit`) and returns `page.of(rows)`.

The response stays a plain list: a client asks for the next page with `offset` + `limit` and
stops at a page shorter than `limit`. Offsets are only meaningful in a total order, so every
selector behind a paged list orders by a unique key last (the primary key where the shown
order has ties).
"""

from __future__ import annotations

from typing import Any, TypeVar

from ninja import Field, Schema

MAX_LIMIT = 500
# A bound keeps a silly offset a 422 naming the field, not a database error.
MAX_OFFSET = 10**9

T = TypeVar("T")


def limit_field(default: int, maximum: int = MAX_LIMIT) -> Any:
    """The `limit` field of a page: at least 1, at most `maximum` (a 422 naming `limit`)."""
    return Field(default, ge=1, le=maximum)


class Page(Schema):
    limit: int = limit_field(100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def of(self, rows: T) -> T:
        """This page of an ordered query set or list (one LIMIT/OFFSET query for a query set)."""
        return rows[self.offset : self.offset + self.limit]  # type: ignore[index]
