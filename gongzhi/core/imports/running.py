"""Running an import: validate, then write all or nothing, and record the run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.imports.base import (
    Column,
    Counts,
    Importer,
    ImportResult,
    RowError,
    RowInvalid,
    iter_chunks,
)
from gongzhi.core.imports.reading import _blank, _normal_header, _unreadable, read_rows
from gongzhi.core.imports.values import CellError, _text
from gongzhi.core.models import ImportRun
from gongzhi.core.pii import mask
from gongzhi.core.sqlite.pragmas import pragma

# --- running --------------------------------------------------------------------------------


def run_import(
    importer: Importer,
    *,
    name: str,
    raw: bytes,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate every row and commit all or nothing (see the package). Never raises for bad data."""
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
        result.errors.append(RowError(1, "", "", _unreadable()))
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

    run = _Run(importer, result, positions)
    rows = _guarded(rows_iter, run.broken)
    if importer.chunk_size:
        return _run_in_chunks(run, rows, name, sha, actor, progress)
    good = run.clean(list(run.parse(rows)))
    if progress:
        progress(len(good), result.rows)
    run.close()
    if result.rejected:
        return _finish(importer, result, name, sha, actor, [])
    return _finish(importer, result, name, sha, actor, good)


class _Run:
    """The validation state of one import: errors, rejected rows, keys seen so far."""

    def __init__(self, importer: Importer, result: ImportResult, positions: dict[int, Column]):
        self.importer, self.result, self.positions = importer, result, positions
        self.cols = {c.key: c for c in importer.columns}
        self.bad_rows: set[int] = set()
        self.seen: dict[tuple[Any, ...], int] = {}
        self.broken: list[int] = []

    def parse(self, rows: Iterable[list[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, values) of the rows whose every cell parses; the others are reported."""
        result, positions, columns = (
            self.result,
            list(self.positions.items()),
            self.importer.columns,
        )
        rownum = 1
        for rownum, row in enumerate(rows, start=2):
            if _blank(row):
                continue
            result.rows += 1
            data: dict[str, Any] = {}
            row_ok = True
            for i, col in positions:
                raw_value = row[i] if i < len(row) else None
                try:
                    value = col.parse(raw_value)
                except CellError as exc:
                    result.errors.append(
                        RowError(rownum, col.header, _shown(raw_value, col), str(exc))
                    )
                    row_ok = False
                    continue
                if col.required and (value is None or value == ""):
                    result.errors.append(RowError(rownum, col.header, "", _("必填项为空")))
                    row_ok = False
                data[col.key] = value
            for col in columns:
                data.setdefault(col.key, None)
            if row_ok:
                yield rownum, data
            else:
                self.bad_rows.add(rownum)
        if self.broken:
            # The file broke off (a damaged xlsx): the rest cannot be read, nothing is written.
            result.rows += 1
            result.errors.append(RowError(rownum + 1, "", "", _unreadable()))
            self.bad_rows.add(rownum + 1)

    def clean(self, parsed: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
        """`prepare`, `clean_row` and the duplicate-key check over parsed rows: the good ones."""
        importer, result, cols, seen = self.importer, self.result, self.cols, self.seen
        importer.prepare([d for _n, d in parsed])
        good: list[dict[str, Any]] = []
        for rownum, data in parsed:
            try:
                data = importer.clean_row(data)
            except RowInvalid as exc:
                bad_col = cols.get(exc.column_key)
                header_text = bad_col.header if bad_col else exc.column_key
                shown = _shown(data.get(exc.column_key), bad_col) if bad_col else ""
                result.errors.append(RowError(rownum, header_text, shown, exc.reason))
                self.bad_rows.add(rownum)
                continue
            key = importer.natural_key(data)
            if key in seen:
                # Name only the key parts this row uses (a key may be "code, or street and name").
                pairs = list(zip(importer.key, key, strict=False))
                parts = [(k, v) for k, v in pairs if v not in (None, "")] or pairs[:1]
                result.errors.append(
                    RowError(
                        rownum,
                        "、".join(cols[k].header for k, _v in parts if k in cols),
                        " / ".join(_shown(v, cols.get(k)) for k, v in parts),
                        _("与第 %(row)d 行重复") % {"row": seen[key]},
                    )
                )
                self.bad_rows.add(rownum)
                continue
            seen[key] = rownum
            good.append(data)
        return good

    def close(self) -> None:
        result = self.result
        result.rejected = len(self.bad_rows)
        if result.rejected:
            # All or nothing: good rows are counted as unchanged, since nothing was written.
            result.inserted = result.updated = 0
            result.unchanged = result.rows - result.rejected
            result.errors.sort(key=lambda e: e.row)


class _Discard(Exception):
    """Raised to roll back the rows a chunked import wrote once a bad row turned up."""


def _run_in_chunks(
    run: _Run,
    rows: Iterator[list[Any]],
    name: str,
    sha: str,
    actor: Any,
    progress: Callable[[int, int], None] | None,
) -> ImportResult:
    """Validate and write `chunk_size` rows at a time inside one transaction.

    Memory stays that of one chunk (plus the keys seen, for duplicates) whatever the file's
    size. The first bad row stops the writing, validation goes on so every bad row is
    reported, and the transaction's writes are rolled back: all or nothing as ever.
    """
    importer, result = run.importer, run.result
    size = importer.chunk_size or 5000
    result.same_file_as = _previous(importer, sha)
    counts = Counts()
    written = 0
    with transaction.atomic(), _bulk_session():
        try:
            with transaction.atomic():
                for chunk in iter_chunks(run.parse(rows), size):
                    good = run.clean(chunk)
                    if good and not result.errors:
                        done = importer.apply(good, actor)
                        counts.inserted += done.inserted
                        counts.updated += done.updated
                        counts.unchanged += done.unchanged
                        written += len(good)
                    if progress:
                        progress(written, result.rows)
                if result.errors or not written:
                    raise _Discard
        except _Discard:
            run.close()
        else:
            result.inserted, result.updated = counts.inserted, counts.updated
            result.unchanged = counts.unchanged
            result.committed = True
        _record(importer, result, name, sha, actor)
    return result


@contextmanager
def _bulk_session() -> Iterator[None]:
    """On SQLite, a larger page cache while a chunked import writes, then the usual one.

    Each new row goes into a dozen indexes at random places; with SQLite's default 2 MB
    cache a 100,000-row import spends most of its time re-reading and spilling index
    pages. 64 MB holds them (measured for issue 5: the writes take half the time).
    """
    with pragma("cache_size", -65536):
        yield


def _guarded(rows: Iterator[list[Any]], broken: list[int]) -> Iterator[list[Any]]:
    """The rows until the file turns out to be damaged; then `broken` is marked."""
    try:
        yield from rows
    except Exception:  # zip, XML and decoding errors alike: the rest is unreadable
        broken.append(1)


def _shown(value: Any, col: Column | None) -> str:
    text = _text(value)
    if col is not None and col.pii and text:
        return mask(text, col.pii)
    return text[:200]


def _previous(importer: Importer, sha: str) -> int | None:
    """The last committed import of the same file, if any (shown: "imported before")."""
    return (
        ImportRun.objects.filter(kind=importer.kind, file_sha256=sha, committed=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def _finish(
    importer: Importer,
    result: ImportResult,
    name: str,
    sha: str,
    actor: Any,
    good: list[dict[str, Any]],
) -> ImportResult:
    result.same_file_as = _previous(importer, sha)
    with transaction.atomic():
        if good and not result.errors:
            counts = importer.apply(good, actor)
            result.inserted, result.updated, result.unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            result.committed = True
        _record(importer, result, name, sha, actor)
    return result


def _record(importer: Importer, result: ImportResult, name: str, sha: str, actor: Any) -> None:
    """The ImportRun row and its audit event, in the import's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
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
