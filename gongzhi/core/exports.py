"""Streamed CSV/xlsx exports with constant memory, scoped, masked, audited (DESIGN.md).

An exporter names its columns and a scoped selector; personal fields are masked
unless the user may reveal them and asked to. Every export is an audit event.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.pii import mask


@dataclass(frozen=True)
class ExportColumn:
    header: Any  # a lazy translation is fine: resolved per export in the user's language
    get: Callable[[Any], Any]
    pii: str | None = None


class Exporter:
    kind: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[list[ExportColumn]]

    def queryset(self, user: Any) -> Any:
        """The scoped selector's queryset for `user`."""
        raise NotImplementedError


def may_reveal(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("core.reveal_pii"))


def _rows(exporter: Exporter, user: Any, reveal: bool) -> Iterator[list[Any]]:
    cols = exporter.columns
    yield [str(c.header) for c in cols]
    qs = exporter.queryset(user)
    iterator = qs.iterator(chunk_size=2000) if hasattr(qs, "iterator") else iter(qs)
    for obj in iterator:
        row = []
        for c in cols:
            value = c.get(obj)
            if isinstance(value, Promise):
                value = str(value)
            if c.pii and not reveal:
                value = mask(value, c.pii)
            if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
                value = timezone.localtime(value).replace(tzinfo=None)
            row.append("" if value is None else value)
        yield row


def _check_reveal(user: Any, reveal: bool, system: bool) -> None:
    if reveal and not system and not may_reveal(user):
        raise PermissionDenied(_("无权导出完整的个人信息"))


def export_to_file(
    exporter: Exporter, user: Any, path: Path, *, reveal: bool = False, system: bool = False
) -> int:
    """Write an export to xlsx or csv (by suffix). `system` is the command line acting for all."""
    _check_reveal(user, reveal, system)
    count = 0
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            for row in _rows(exporter, user, reveal):
                writer.writerow(row)
                count += 1
    else:
        count = _write_xlsx(exporter, user, reveal, path)
    _audit(exporter, user if not system else "system", count - 1, reveal, path.suffix)
    return count - 1


def _write_xlsx(exporter: Exporter, user: Any, reveal: bool, target: Any) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(exporter.label)[:31])
    count = 0
    for row in _rows(exporter, user, reveal):
        ws.append(row)
        count += 1
    wb.save(target)
    return count


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
        counter = {"n": -1}

        def stream() -> Iterator[str]:
            yield "\ufeff"
            for row in _rows(exporter, user, reveal):
                counter["n"] += 1
                yield writer.writerow(row)
            _audit(exporter, user, counter["n"], reveal, "csv")

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    count = _write_xlsx(exporter, user, reveal, spool)
    _audit(exporter, user, count - 1, reveal, "xlsx")
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def read_back(raw: bytes) -> list[list[Any]]:
    """Rows of an exported xlsx (tests and round-trips)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
