"""What an importer declares (columns, natural key) and what an import reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.db import models

from gongzhi.core.imports.values import p_str

# --- columns and importers ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Simplified Chinese header written in the template
    parse: Callable[[Any], Any] = p_str
    required: bool = False
    aliases: tuple[str, ...] = ()  # other accepted headers (English, old names)
    pii: str | None = None  # "id_number" / "phone": masked in error reports
    help: Any = ""


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class RowInvalid(Exception):
    """Raised by `Importer.clean_row` for a cross-field or look-up failure."""

    def __init__(self, column_key: str, reason: str) -> None:
        super().__init__(reason)
        self.column_key = column_key
        self.reason = reason


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Subclass per kind: declare columns and the natural key; implement `apply`.

    Hooks, all optional: `prepare(rows)` for batch look-ups after parsing,
    `clean_row(data)` for cross-field checks (raise RowInvalid), `natural_key(data)`.
    `apply(rows, actor)` runs inside the import's transaction and returns Counts.
    """

    kind: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[list[Column]]
    key: ClassVar[tuple[str, ...]]
    # Who runs the import (set by `run_import` before validation, so rows can be checked
    # against the actor's scope and rights in `prepare`/`clean_row`).
    actor: Any = None
    # None: the whole file is validated (`prepare` sees every row, e.g. for references
    # between rows) before `apply` gets all of it. A number: `prepare`, `clean_row` and
    # `apply` take that many rows at a time inside the import's transaction, rolled back if
    # any row is bad; for large files of independent rows (volunteers, issue 5).
    chunk_size: ClassVar[int | None] = None

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        return None

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def natural_key(self, data: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(data.get(k) for k in self.key)

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        raise NotImplementedError


class ModelImporter(Importer):
    """Upsert one model by a natural key with bulk writes: the common case.

    `to_fields(data)` gives the model field values; the key's model fields are
    `key_fields` (default: the same names as `key`).
    """

    model: ClassVar[type[models.Model]]
    key_fields: ClassVar[tuple[str, ...] | None] = None
    batch_size: ClassVar[int] = 1000

    def to_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {c.key: data.get(c.key) for c in self.columns}

    def existing_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def _key_fields(self) -> tuple[str, ...]:
        return self.key_fields or self.key

    def _existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], models.Model]:
        fields = self._key_fields()
        found: dict[tuple[Any, ...], models.Model] = {}
        for start in range(0, len(keys), self.batch_size):
            chunk = keys[start : start + self.batch_size]
            if len(fields) == 1:
                q = models.Q(**{f"{fields[0]}__in": [k[0] for k in chunk]})
            else:
                q = models.Q(pk__in=[])
                for k in chunk:
                    q |= models.Q(**dict(zip(fields, k, strict=True)))
            for obj in self.existing_queryset().filter(q):
                found[tuple(getattr(obj, f) for f in fields)] = obj
        return found

    def before_create(self, obj: models.Model, data: dict[str, Any], actor: Any) -> None:
        return None

    def after_write(
        self, created: list[models.Model], updated: list[models.Model], actor: Any
    ) -> None:
        return None

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        prepared = [(self.natural_key(r), self.to_fields(r), r) for r in rows]
        existing = self._existing([k for k, _f, _r in prepared])
        to_create: list[models.Model] = []
        to_update: list[models.Model] = []
        changed_fields: set[str] = set()
        for key, values, data in prepared:
            obj = existing.get(key)
            if obj is None:
                obj = self.model(**values)
                self.before_create(obj, data, actor)
                to_create.append(obj)
                continue
            diff = {f: v for f, v in values.items() if getattr(obj, f) != v}
            if not diff:
                counts.unchanged += 1
                continue
            for f, v in diff.items():
                setattr(obj, f, v)
            changed_fields.update(diff)
            to_update.append(obj)
        self.model._default_manager.bulk_create(to_create, batch_size=self.batch_size)
        if to_update:
            self.model._default_manager.bulk_update(
                to_update, sorted(changed_fields), batch_size=self.batch_size
            )
        counts.inserted = len(to_create)
        counts.updated = len(to_update)
        self.after_write(to_create, to_update, actor)
        return counts


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    run_id: int | None = None
    same_file_as: int | None = None
    ignored_headers: list[str] = field(default_factory=list)
    error_report: Path | None = None

    def summary(self) -> str:
        return (
            f"rows={self.rows} inserted={self.inserted} updated={self.updated} "
            f"unchanged={self.unchanged} rejected={self.rejected}"
        )


def iter_chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
