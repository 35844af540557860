"""Streamed CSV/xlsx exports with constant memory, scoped, masked, audited (DESIGN.md).

An exporter names its columns and a scoped selector; personal fields are masked
unless the user may reveal them and asked to. Every export is an audit event.

A column either reads a model instance (`get`) or names the field it shows (`field`, with
an optional `convert`). When every column of an exporter names its field, the rows are read
as tuples of those fields (`values_list`) and no model instance is built: at a city's 1.6 M
volunteers, building instances cost more than the rest of the export (docs/performance.md).
xlsx files are written by the small streaming writer in `core/xlsx.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import ExpressionWrapper, F
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.pii import MASKERS, EncryptedCharField, decryptor
from gongzhi.core.xlsx import SHEET_MAX_ROWS, write_workbook

CHUNK = 2000  # rows fetched per round trip (server-side cursor on PostgreSQL)


@dataclass(frozen=True)
class ExportColumn:
    header: Any  # a lazy translation is fine: resolved per export in the user's language
    get: Callable[[Any], Any] | None = None  # model instance -> value
    pii: str | None = None
    field: str | None = None  # or the field (a values_list path) the column shows ...
    convert: Callable[[Any], Any] | None = None  # ... and what turns its value into the cell,
    choices: Any = None  # ... or the choices (a Django Choices class) whose label it shows


class Exporter:
    kind: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[list[ExportColumn]]

    def queryset(self, user: Any) -> Any:
        """The scoped selector's queryset for `user`."""
        raise NotImplementedError


def may_reveal(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("core.reveal_pii"))


def _clean(value: Any) -> Any:
    """A value as a cell holds it: text for lazy translations, local wall time for aware
    datetimes (DESIGN.md § Time: Asia/Shanghai), "" for None."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _local(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _cell(
    column: ExportColumn, reveal: bool, *, tuples: bool = False, raw: Any = None
) -> Callable[[Any], Any] | None:
    """The function from what the query gives for `column` (an instance, or on the tuple path
    its field's value) to its cell, composed once per export; None when the value is the cell
    (`raw` is the model field of a field column on the tuple path).

    Choice labels are translated here, once per export, in its language (`get_FOO_display()`
    per cell cost more than writing the cell, docs/performance.md). None is left as it is
    on the tuple path: the CSV writer writes it as "" and the xlsx writer leaves the cell out.
    """
    masker = MASKERS[column.pii] if column.pii and not reveal else None
    plain = not (column.convert or column.get or column.choices is not None)
    if tuples and plain:
        # The value is the cell, but for what a datetime, an encrypted number or a mask needs.
        if isinstance(raw, EncryptedCharField):
            # Read as stored (_tuples): decrypted, and masked unless revealed, in one call.
            return decryptor(mask=column.pii if masker else None)
        if masker is not None:
            return masker
        return _local if isinstance(raw, models.DateTimeField) else None
    steps: list[Callable[[Any], Any]] = []
    if column.field:
        if not tuples:
            steps.append(_path(column.field))
        elif isinstance(raw, EncryptedCharField):
            steps.append(decryptor())
        if column.convert:
            steps.append(column.convert)
    elif column.get:
        steps.append(column.get)
    if column.choices is not None:
        labels = _Labels((value, str(label)) for value, label in column.choices.choices)
        if tuples and not steps and masker is None:
            return labels.__getitem__  # labels are text: nothing for _clean to do
        steps.append(labels.__getitem__)
    steps.append(_clean)
    if masker is not None:
        steps.append(masker)
    return _compose(steps)


class _Labels(dict[Any, str]):
    """value -> its label; a value without one shows as itself (get_FOO_display())."""

    def __missing__(self, value: Any) -> Any:
        return value or ""


def _path(field: str) -> Callable[[Any], Any]:
    """An instance's value at a values_list path; None past an empty relation, as the join."""
    names = field.split("__")

    def get(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return get


def _compose(steps: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def then(first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda value: second(first(value))

    composed = steps[0]
    for step in steps[1:]:
        composed = then(composed, step)
    return composed


def _model_field(model: Any, path: str) -> Any:
    *hops, name = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def header(exporter: Exporter) -> list[str]:
    return [str(c.header) for c in exporter.columns]


def _data(exporter: Exporter, user: Any, reveal: bool) -> Iterator[list[Any]]:
    cols = exporter.columns
    qs = exporter.queryset(user)
    if all(c.field for c in cols) and hasattr(qs, "values_list"):
        yield from _tuples(qs, cols, reveal)
        return
    cells = [_cell(c, reveal) or _clean for c in cols]  # never None off the tuple path
    iterator = qs.iterator(chunk_size=CHUNK) if hasattr(qs, "iterator") else iter(qs)
    for obj in iterator:
        yield [cell(obj) for cell in cells]


def _tuples(qs: Any, cols: list[ExportColumn], reveal: bool) -> Iterator[list[Any]]:
    """Rows read as tuples of the columns' fields, each changed only where its column says."""
    fields: list[str] = list(dict.fromkeys(c.field for c in cols if c.field))
    if qs.query.distinct and "pk" not in fields:
        # A scope that fans out over a relation reads DISTINCT (core.scope.restrict): without
        # the key, two records with the same cells (and order keys) would be one row.
        fields.append("pk")
    at = [fields.index(c.field) for c in cols if c.field]
    raw = {f: _model_field(qs.model, f) for f in fields}
    cells = [_cell(c, reveal, tuples=True, raw=raw[c.field]) for c in cols if c.field]
    changes = [(j, cell) for j, cell in enumerate(cells) if cell is not None]
    same_order = at == list(range(len(fields)))
    # Encrypted fields are read as stored, without the field's converter, and decrypted by
    # their cells: a converter per value (and none left on PostgreSQL) cost a fifth of a row.
    selected = [
        ExpressionWrapper(F(f), output_field=models.TextField())
        if isinstance(raw[f], EncryptedCharField)
        else f
        for f in fields
    ]
    for values in qs.values_list(*selected).iterator(chunk_size=CHUNK):
        row = list(values) if same_order else [values[i] for i in at]
        for j, cell in changes:
            row[j] = cell(row[j])
        yield row


def _rows(exporter: Exporter, user: Any, reveal: bool) -> Iterator[list[Any]]:
    """The header row, then the data rows."""
    yield header(exporter)
    yield from _data(exporter, user, reveal)


def _check_reveal(user: Any, reveal: bool, system: bool) -> None:
    if reveal and not system and not may_reveal(user):
        raise PermissionDenied(_("无权导出完整的个人信息"))


def export_to_file(
    exporter: Exporter,
    user: Any,
    path: Path,
    *,
    reveal: bool = False,
    system: bool = False,
    sheet_rows: int = SHEET_MAX_ROWS,
) -> int:
    """Write an export to xlsx or csv (by suffix); the number of data rows.

    `system` is the command line acting for all; `sheet_rows` the rows (header included) an
    xlsx sheet takes before the export goes on in a new sheet."""
    _check_reveal(user, reveal, system)
    if path.suffix.lower() == ".csv":
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header(exporter))
            for row in _data(exporter, user, reveal):
                writer.writerow(row)
                count += 1
    else:
        count = _write_xlsx(exporter, user, reveal, path, sheet_rows)
    _audit(exporter, user if not system else "system", count, reveal, path.suffix)
    return count


def _write_xlsx(exporter: Exporter, user: Any, reveal: bool, target: Any, sheet_rows: int) -> int:
    return write_workbook(
        target,
        title=str(exporter.label),
        header=header(exporter),
        rows=_data(exporter, user, reveal),
        sheet_rows=sheet_rows,
    )


def _audit(exporter: Exporter, actor: Any, count: int, reveal: bool, fmt: str) -> None:
    audit.record(
        actor=actor,
        action=f"export.{exporter.kind}",
        object_type=exporter.kind,
        after={"rows": count, "revealed": reveal, "format": fmt.lstrip(".")},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(exporter: Exporter, user: Any, fmt: str, *, reveal: bool = False) -> Any:
    """An HTTP response streaming the export (CSV row by row; xlsx via a spooled temp file)."""
    _check_reveal(user, reveal, False)
    stamp = timezone.localdate().isoformat()
    filename = f"{exporter.kind}-{stamp}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream() -> Iterator[str]:
            yield "\ufeff" + writer.writerow(header(exporter))
            count = 0
            batch: list[str] = []
            for row in _data(exporter, user, reveal):
                batch.append(writer.writerow(row))
                count += 1
                if len(batch) == 500:  # one chunk per 500 rows, not one per row
                    yield "".join(batch)
                    batch.clear()
            yield "".join(batch)
            _audit(exporter, user, count, reveal, "csv")

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    count = _write_xlsx(exporter, user, reveal, spool, SHEET_MAX_ROWS)
    _audit(exporter, user, count, reveal, "xlsx")
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def read_back(raw: bytes) -> list[list[Any]]:
    """Rows of an exported xlsx (tests and round-trips): the first sheet's, then the data rows
    of the sheets it went on in (their repeated header left out)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw), read_only=True)
    rows: list[list[Any]] = []
    for n, ws in enumerate(wb.worksheets):
        sheet = ws.iter_rows(values_only=True)
        if n:
            next(sheet, None)
        rows.extend(list(r) for r in sheet)
    return rows
