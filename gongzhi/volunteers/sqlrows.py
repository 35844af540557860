"""Small helpers for the few hand-written statements of hot paths (check-in).

They turn a fetched row into the model instances the ORM would have built and adapt
values both ways as the ORM does, so callers keep working with models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

M = TypeVar("M", bound=models.Model)


def table(model: type[models.Model]) -> str:
    # Both databases quote identifiers the SQL-standard way (no connection look-up needed).
    return '"' + model._meta.db_table.replace('"', '""') + '"'


def instance(model: type[M], **values: Any) -> M:
    """A model instance "from the database" with these attribute values (by attname); the
    other fields are deferred and load on access, as with `.only()`."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[n] for n in names])


def to_aware(value: Any) -> dt.datetime | None:
    """A datetime column read by a raw cursor: PostgreSQL gives aware values, SQLite naive
    UTC (or text): what the ORM's converters would return (USE_TZ)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def db_datetime(value: dt.datetime) -> Any:
    """A datetime as a raw statement's parameter, stored as the ORM stores it."""
    return connection.ops.adapt_datetimefield_value(value)
