"""Read the values of an xlsx file's first worksheet, streaming (DESIGN.md § core/imports.py).

openpyxl's read-only mode builds an element tree and a rich-text object per cell; at the
100,000-row imports of issue 5 that alone took 17-22 s. This reader walks the same XML with
expat callbacks and yields each row's values as openpyxl's
`iter_rows(values_only=True)` with `data_only=True` does (the tests compare the two): shared
and inline strings (phonetic runs left out), numbers as int or float, cells with a date or
time number format as `datetime`/`time`/`timedelta` by the workbook's epoch, booleans,
error codes as text, the cached value of formula cells. Missing rows come as empty lists so
a row's position is its Excel row number; a row is as long as its last present cell.

Only what a data sheet holds is read: the package and workbook relationships, the workbook
(first sheet, 1904 date system), the shared strings, the styles' number formats. A document
type declaration is refused (no entity expansion), as no xlsx writer emits one.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

# Transitional (what Excel, WPS, LibreOffice and openpyxl write) and Strict OOXML.
_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHUNK = 1 << 16


class XlsxError(ValueError):
    """The file is not an xlsx workbook this reader understands."""


def _parser(
    start: Callable[[str, dict[str, str]], None] | None,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Any:
    """An expat parser reporting names as `namespace local` and refusing any DTD."""
    p = expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.buffer_size = _CHUNK
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_dtd(*_args: Any) -> None:
        raise XlsxError("a document type declaration is not allowed in xlsx")

    p.StartDoctypeDeclHandler = no_dtd
    p.EntityDeclHandler = no_dtd
    if start:
        p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if text:
        p.CharacterDataHandler = text
    return p


def _local(name: str, spaces: tuple[str, ...] = _MAIN) -> str:
    ns, _sep, local = name.rpartition(" ")
    return local if ns in spaces or not ns else ""


def _feed(p: Any, src: IO[bytes]) -> None:
    while chunk := src.read(_CHUNK):
        p.Parse(chunk, False)
    p.Parse(b"", True)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, absolute part name) of a part's relationships."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if name not in zf.NameToInfo:
        return out

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag, (_PKG_RELS,)) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            out[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    with zf.open(name) as src:
        _feed(_parser(start), src)
    return out


def _by_type(rels: dict[str, tuple[str, str]], suffix: str) -> str | None:
    for kind, path in rels.values():
        if kind.rsplit("/", 1)[-1] == suffix:
            return path
    return None


class _Workbook:
    """Where the first sheet, shared strings and styles are, and the date system."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        part = _by_type(_rels(zf, ""), "officeDocument") or "xl/workbook.xml"
        if part not in zf.NameToInfo:
            raise XlsxError("no workbook part")
        rels = _rels(zf, part)
        first: list[str] = []
        self.epoch = CALENDAR_WINDOWS_1900

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "sheet" and not first:
                for key, value in attrs.items():
                    ns, _s, name = key.rpartition(" ")
                    if name == "id" and ns in _REL_NS:
                        first.append(value)
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        with zf.open(part) as src:
            _feed(_parser(start), src)
        if not first or first[0] not in rels:
            raise XlsxError("the workbook lists no worksheet")
        self.sheet = rels[first[0]][1]
        self.strings = _by_type(rels, "sharedStrings")
        self.styles = _by_type(rels, "styles")


def _shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared string table: each item's text runs, phonetic guides left out."""
    out: list[str] = []
    if not part or part not in zf.NameToInfo:
        return out
    buf: list[str] = []
    state = {"t": False, "ph": 0}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "t":
            state["t"] = True
        elif local == "rPh":
            state["ph"] += 1
        elif local == "si":
            buf.clear()

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "t":
            state["t"] = False
        elif local == "rPh":
            state["ph"] -= 1
        elif local == "si":
            # As openpyxl: undo Excel's escaping of a literal "_xHHHH_" as "_x005F_xHHHH_".
            out.append("".join(buf).replace("x005F_", ""))

    def text(data: str) -> None:
        if state["t"] and not state["ph"]:
            buf.append(data)

    with zf.open(part) as src:
        _feed(_parser(start, end, text), src)
    return out


def _date_styles(zf: zipfile.ZipFile, part: str | None) -> tuple[set[int], set[int]]:
    """Indexes of the cell formats showing a date/time, and those showing a duration."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": 0}
    if part and part in zf.NameToInfo:

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "cellXfs":
                depth["cellXfs"] += 1
            elif local == "xf" and depth["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                depth["cellXfs"] -= 1

        with zf.open(part) as src:
            _feed(_parser(start, end), src)
    dates: set[int] = set()
    durations: set[int] = set()
    for idx, fmt_id in enumerate(xfs):
        fmt = custom[fmt_id] if fmt_id in custom else builtin_format_code(fmt_id)
        if is_date_format(fmt):
            dates.add(idx)
        if is_timedelta_format(fmt):
            durations.add(idx)
    return dates, durations


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """1-based column of a cell reference such as "AB12"."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        _COLUMNS[letters] = col
    return col


def _number(text: str) -> int | float:
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


def iter_rows(source: bytes | IO[bytes]) -> Iterator[list[Any]]:
    """The first worksheet's rows of values, row 1 first; gaps come as empty rows."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except zipfile.BadZipFile as exc:
        raise XlsxError(str(exc)) from None
    with zf:
        wb = _Workbook(zf)
        if wb.sheet not in zf.NameToInfo:
            raise XlsxError("the first worksheet is missing")
        strings = _shared_strings(zf, wb.strings)
        dates, durations = _date_styles(zf, wb.styles)
        yield from _sheet_rows(zf, wb.sheet, strings, dates, durations, wb.epoch)


_ROW, _C, _V, _T, _IS, _RPH, _OTHER = range(7)


def _sheet_rows(
    zf: zipfile.ZipFile,
    part: str,
    strings: list[str],
    dates: set[int],
    durations: set[int],
    epoch: Any,
) -> Iterator[list[Any]]:
    done: list[list[Any]] = []  # rows completed by the chunk just parsed
    row: list[Any] = []
    buf: list[str] = []
    number = column = style = phonetic = 0
    kind = "n"
    collect = inline = False
    # Element name -> code; names in another namespace or none are looked up once.
    codes: dict[str, int] = {}
    seen_dates: dict[tuple[str, int], Any] = {}
    for ns in _MAIN:
        codes.update({f"{ns} row": _ROW, f"{ns} c": _C, f"{ns} v": _V, f"{ns} t": _T})
        codes.update({f"{ns} is": _IS, f"{ns} rPh": _RPH})

    def code_of(tag: str) -> int:
        found = codes[tag] = codes.get(f"{_MAIN[0]} {_local(tag)}", _OTHER)
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal number, column, kind, style, collect, inline, phonetic
        code = codes.get(tag)
        if code is None:
            code = code_of(tag)
        if code == _C:
            ref = attrs.get("r")
            column = _column(ref) if ref else column + 1
            kind = attrs.get("t", "n")
            s = attrs.get("s")
            style = int(s) if s else 0
            inline = False
            buf.clear()
        elif code == _V:
            collect = kind != "inlineStr"
        elif code == _T:
            collect = inline and not phonetic
        elif code == _IS:
            inline = True
        elif code == _RPH:
            phonetic += 1
        elif code == _ROW:
            r = attrs.get("r")
            at = int(float(r)) if r else number + 1
            for _gap in range(number + 1, at):
                done.append([])
            number, column = at, 0
            row.clear()

    def end(tag: str) -> None:
        nonlocal collect, phonetic
        code = codes.get(tag)
        if code is None:
            code = code_of(tag)
        if code == _C:
            value = _value("".join(buf)) if buf else _value("")
            if column > len(row):
                row.extend([None] * (column - len(row)))
            row[column - 1] = value
        elif code == _V or code == _T:
            collect = False
        elif code == _RPH:
            phonetic -= 1
        elif code == _ROW:
            done.append(row[:])

    def text(data: str) -> None:
        if collect:
            buf.append(data)

    def _value(raw: str) -> Any:
        if kind == "n":
            if not raw:
                return None
            if style in dates:
                # A date column repeats a few thousand days: convert each serial once.
                key = (raw, style)
                found = seen_dates.get(key)
                if found is None:
                    try:
                        found = from_excel(_number(raw), epoch, timedelta=style in durations)
                    except (OverflowError, ValueError):
                        found = "#VALUE!"
                    if len(seen_dates) < 100_000:
                        seen_dates[key] = found
                return found
            return _number(raw)
        if kind == "inlineStr":
            # The text of its <is> ("" when empty), None without one, as openpyxl.
            return raw if inline else None
        if not raw:
            return None
        if kind == "s":
            return strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # "str" (a formula's text), "e" (an error code)

    p = _parser(start, end, text)
    with zf.open(part) as src:
        while chunk := src.read(_CHUNK):
            p.Parse(chunk, False)
            if done:
                yield from done
                done.clear()
        p.Parse(b"", True)
    yield from done
