"""The spreadsheet import framework every app uses (DESIGN.md § core/imports.py).

A file (xlsx, or CSV in UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel
writes it) is read whole and every row validated before anything is written. If
any row is rejected nothing is written and a row-level error report is produced;
otherwise all rows commit in one transaction. Rows are matched to records by a
natural key, so re-importing the same file changes nothing. Every row is
accounted for: rows = inserted + updated + unchanged + rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.models import ImportRun
from gongzhi.core.pii import mask
from gongzhi.core.textkeys import to_simplified

# --- values -------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value is wrong; the message says why, in the user's language."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def p_str(value: Any) -> str:
    return _text(value)


def p_int(value: Any) -> int | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise CellError(_("不是整数")) from None


def p_decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(_("不是数字")) from None


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def p_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    m = _DATE_RE.match(text.split(" ")[0] if "年" not in text else text)
    if not m:
        raise CellError(_("日期格式应为 YYYY-MM-DD"))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise CellError(_("不是有效日期")) from None


def p_bool(value: Any) -> bool | None:
    text = _text(value).lower()
    if not text:
        return None
    if text in {"是", "有", "y", "yes", "true", "1", "√"}:
        return True
    if text in {"否", "无", "n", "no", "false", "0", "×"}:
        return False
    raise CellError(_("应填“是”或“否”"))


def p_choice(choices: type[models.Choices] | Sequence[tuple[Any, Any]]) -> Callable[[Any], Any]:
    """Accept a choice by its value or by its label in any of the interface languages."""
    pairs = list(choices.choices) if hasattr(choices, "choices") else list(choices)  # type: ignore[union-attr]
    lookup: dict[str, Any] = {}
    for value, label in pairs:
        lookup[to_simplified(str(value)).lower()] = value
        lookup[to_simplified(str(label)).lower()] = value

    def parse(raw: Any) -> Any:
        text = _text(raw)
        if not text:
            return None
        try:
            return lookup[to_simplified(text).lower()]
        except KeyError:
            allowed = "、".join(str(label) for _v, label in pairs)
            raise CellError(_("不是可选值（可选：%(allowed)s）") % {"allowed": allowed}) from None

    return parse


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


# --- reading files --------------------------------------------------------------------------


def _normal_header(text: Any) -> str:
    return re.sub(r"[\s*＊:：()（）]", "", to_simplified(_text(text))).lower()


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, a superset of the GBK Chinese Excel writes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_rows(name: str, raw: bytes) -> Iterator[list[Any]]:
    """Rows of the first sheet (xlsx) or of the CSV, header row first."""
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            wb.close()
    elif suffix in {".csv", ".txt"}:
        yield from csv.reader(io.StringIO(decode_csv(raw)))
    else:
        raise CellError(
            _("不支持的文件类型 %(suffix)s：请使用 xlsx 或 csv") % {"suffix": suffix or "?"}
        )


def _blank(row: Sequence[Any]) -> bool:
    return all(_text(v) == "" for v in row)


# --- running --------------------------------------------------------------------------------


def run_import(
    importer: Importer,
    *,
    name: str,
    raw: bytes,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate every row, then commit all or nothing. Never raises for bad data."""
    result = ImportResult(kind=importer.kind)
    importer.actor = actor
    sha = hashlib.sha256(raw).hexdigest()
    try:
        rows_iter = read_rows(name, raw)
        header = next(rows_iter, None)
    except CellError as exc:
        result.errors.append(RowError(1, "", "", str(exc)))
        return _finish(importer, result, name, sha, actor, [])
    except Exception:  # a corrupt xlsx raises many kinds of errors
        result.errors.append(RowError(1, "", "", _("文件无法读取：不是有效的 xlsx 或 csv 文件")))
        return _finish(importer, result, name, sha, actor, [])
    if header is None:
        result.errors.append(RowError(1, "", "", _("文件是空的")))
        return _finish(importer, result, name, sha, actor, [])

    by_header: dict[str, Column] = {}
    for col in importer.columns:
        for h in (col.header, col.key, *col.aliases):
            by_header[_normal_header(h)] = col
    positions: dict[int, Column] = {}
    for i, h in enumerate(header):
        found = by_header.get(_normal_header(h))
        if found is None:
            if _text(h):
                result.ignored_headers.append(_text(h))
            continue
        positions[i] = found
    missing = [c.header for c in importer.columns if c.required and c not in positions.values()]
    if missing:
        result.errors.append(RowError(1, "、".join(missing), "", _("缺少必填列")))
        # Every row is accounted for: all are rejected with the file.
        result.rows = result.rejected = sum(1 for r in rows_iter if not _blank(r))
        return _finish(importer, result, name, sha, actor, [])

    parsed: list[tuple[int, dict[str, Any]]] = []
    bad_rows: set[int] = set()
    for rownum, row in enumerate(rows_iter, start=2):
        if _blank(row):
            continue
        result.rows += 1
        data: dict[str, Any] = {}
        row_ok = True
        for i, col in positions.items():
            raw_value = row[i] if i < len(row) else None
            try:
                value = col.parse(raw_value)
            except CellError as exc:
                result.errors.append(RowError(rownum, col.header, _shown(raw_value, col), str(exc)))
                row_ok = False
                continue
            if col.required and (value is None or value == ""):
                result.errors.append(RowError(rownum, col.header, "", _("必填项为空")))
                row_ok = False
            data[col.key] = value
        for col in importer.columns:
            data.setdefault(col.key, None)
        if row_ok:
            parsed.append((rownum, data))
        else:
            bad_rows.add(rownum)

    importer.prepare([d for _n, d in parsed])
    cols = {c.key: c for c in importer.columns}
    seen: dict[tuple[Any, ...], int] = {}
    good: list[dict[str, Any]] = []
    for rownum, data in parsed:
        try:
            data = importer.clean_row(data)
        except RowInvalid as exc:
            bad_col = cols.get(exc.column_key)
            header_text = bad_col.header if bad_col else exc.column_key
            shown = _shown(data.get(exc.column_key), bad_col) if bad_col else ""
            result.errors.append(RowError(rownum, header_text, shown, exc.reason))
            bad_rows.add(rownum)
            continue
        key = importer.natural_key(data)
        if key in seen:
            # Name only the key parts this row uses (a key may be "code, or street and name").
            parts = [(k, v) for k, v in zip(importer.key, key, strict=False) if v not in (None, "")]
            parts = parts or list(zip(importer.key, key, strict=False))[:1]
            result.errors.append(
                RowError(
                    rownum,
                    "、".join(cols[k].header for k, _v in parts if k in cols),
                    " / ".join(_shown(v, cols.get(k)) for k, v in parts),
                    _("与第 %(row)d 行重复") % {"row": seen[key]},
                )
            )
            bad_rows.add(rownum)
            continue
        seen[key] = rownum
        good.append(data)
        if progress and len(good) % 5000 == 0:
            progress(len(good), result.rows)

    result.rejected = len(bad_rows)
    if result.rejected:
        # All or nothing: good rows are counted as unchanged, since nothing was written.
        result.unchanged = result.rows - result.rejected
        result.errors.sort(key=lambda e: e.row)
        return _finish(importer, result, name, sha, actor, [])
    return _finish(importer, result, name, sha, actor, good)


def _shown(value: Any, col: Column | None) -> str:
    text = _text(value)
    if col is not None and col.pii and text:
        return mask(text, col.pii)
    return text[:200]


def _finish(
    importer: Importer,
    result: ImportResult,
    name: str,
    sha: str,
    actor: Any,
    good: list[dict[str, Any]],
) -> ImportResult:
    previous = (
        ImportRun.objects.filter(kind=importer.kind, file_sha256=sha, committed=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    result.same_file_as = previous
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if good and not result.errors:
            counts = importer.apply(good, actor)
            result.inserted, result.updated, result.unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            result.committed = True
        run = ImportRun.objects.create(
            kind=importer.kind,
            file_name=Path(name).name[:255],
            file_sha256=sha,
            actor=user,
            committed=result.committed,
            rows=result.rows,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
            errors=[e.as_dict() for e in result.errors[:1000]],
        )
        result.run_id = run.pk
        audit.record(
            actor=actor,
            action=f"import.{importer.kind}",
            obj=run,
            result="success" if result.committed or not result.errors else "failure",
            after={"file": run.file_name, "sha256": sha, "summary": result.summary()},
        )
    return result


def write_error_report(result: ImportResult, path: Path) -> Path:
    """The row-level error report as xlsx: row, column, value (masked), reason."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("错误"))
    ws.append([_("行"), _("列"), _("值"), _("原因")])
    for e in result.errors:
        ws.append([e.row, e.column, e.value, e.reason])
    wb.save(path)
    result.error_report = path
    return path


def write_template(importer: Importer, path: Path | io.BytesIO) -> None:
    """An empty template with the Chinese headers (required ones marked *) and a help row sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = str(importer.label)[:31]
    for i, col in enumerate(importer.columns, start=1):
        cell = ws.cell(row=1, column=i, value=f"{col.header}{'*' if col.required else ''}")
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = max(12, len(col.header) * 2 + 4)
    notes = wb.create_sheet(_("填写说明"))
    notes.append([_("列"), _("必填"), _("说明")])
    for col in importer.columns:
        notes.append([col.header, _("是") if col.required else _("否"), str(col.help)])
    wb.save(path)


def iter_chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
