"""A small streaming xlsx (SpreadsheetML, ECMA-376) writer for exports (core/exports.py).

openpyxl's write-only mode builds a cell object per value and serialises it through an XML
library: at a city's 1.6 M volunteers that was most of an export's time. Exports need little
of a spreadsheet: text, numbers, booleans, dates, one header row. This writer writes each row
as text straight into the zip entry of its sheet, strings inline (no shared-string table
to hold in memory), so memory stays constant however many rows.

A sheet holds at most 1,048,576 rows (Excel's limit, ECMA-376 Part 1 §18.3.1.73): past it
the export goes on in a new sheet ("志愿者 (2)", ...) that repeats the header row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

SHEET_MAX_ROWS = 1_048_576
# A sheet's XML stays under what Python's zipfile writes to an entry without ZIP64 (2 GiB; ZIP64
# entries are what older Excel versions warn about); with long texts the row limit might not.
SHEET_MAX_BYTES = 1_900_000_000
TITLE_MAX = 31  # Excel's limit on a sheet name
FLUSH_ROWS = 1000

# Characters XML 1.0 does not allow (§2.2); openpyxl refuses them, a writer must drop them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EPOCH = dt.date(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count
_EPOCH_DT = dt.datetime(1899, 12, 30)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_HEAD = (_DECLARATION + f'<worksheet xmlns="{_MAIN}"><sheetData>').encode()
_SHEET_TAIL = b"</sheetData></worksheet>"

# Cell styles (cellXfs): 0 general, 1 a date, 2 a date and time.
_STYLES = f"""<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def _letters(n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        out.append(name)
    return out


def _text(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def _row_xml(n: int, refs: list[str], row: Iterable[Any]) -> str:
    """One `<row>`: strings inline, numbers as numbers, dates as date serials with a date
    style (so spreadsheets and openpyxl read them back as dates); empty cells left out."""
    parts = [f'<row r="{n}">']
    add = parts.append
    for ref, value in zip(refs, row, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                add(f'<c r="{ref}{n}" t="inlineStr"><is><t xml:space="preserve">')
                add(_text(value))
                add("</t></is></c>")
        elif kind is int or kind is Decimal:
            add(f'<c r="{ref}{n}"><v>{value}</v></c>')
        elif kind is float:
            if math.isfinite(value):
                add(f'<c r="{ref}{n}"><v>{value!r}</v></c>')
            else:
                add(f'<c r="{ref}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
        elif kind is bool:
            add(f'<c r="{ref}{n}" t="b"><v>{int(value)}</v></c>')
        elif kind is dt.date:
            add(f'<c r="{ref}{n}" s="1"><v>{(value - _EPOCH).days}</v></c>')
        elif kind is dt.datetime:
            # Aware values were made local wall time by the exporter (exports._clean).
            serial = (value.replace(tzinfo=None) - _EPOCH_DT) / dt.timedelta(days=1)
            add(f'<c r="{ref}{n}" s="2"><v>{serial!r}</v></c>')
        elif value is None:
            continue
        elif isinstance(value, int) and not isinstance(value, bool):
            # an int subclass (an IntegerChoices member): a number, as openpyxl wrote it
            add(f'<c r="{ref}{n}"><v>{int(value)}</v></c>')
        else:
            text = str(value)
            if text:
                add(f'<c r="{ref}{n}" t="inlineStr"><is><t xml:space="preserve">')
                add(_text(text))
                add("</t></is></c>")
    add("</row>")
    return "".join(parts)


def _encode(xml: str) -> bytes:
    # The markup has no such characters: dropping them from a whole chunk only touches text.
    if _ILLEGAL.search(xml):
        xml = _ILLEGAL.sub("", xml)
    return xml.encode()


def sheet_title(title: str, number: int) -> str:
    """The name of the workbook's `number`th sheet (1-based): "志愿者", "志愿者 (2)", ..."""
    base = _TITLE_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    suffix = "" if number == 1 else f" ({number})"
    return base[: TITLE_MAX - len(suffix)] + suffix


def write_workbook(
    target: str | IO[bytes] | Any,
    *,
    title: str,
    header: list[str],
    rows: Iterable[list[Any]],
    sheet_rows: int = SHEET_MAX_ROWS,
) -> int:
    """Write `header` and `rows` as an xlsx to `target` (a path or a seekable binary file);
    the number of data rows. Each sheet takes `sheet_rows` rows, its header row included."""
    if sheet_rows < 2:
        raise ValueError("a sheet needs room for the header and one row")
    refs = _letters(len(header))
    count = 0
    sheets = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        it = iter(rows)
        pending: list[Any] | None = next(it, None)
        while sheets == 0 or pending is not None:
            sheets += 1
            with zf.open(f"xl/worksheets/sheet{sheets}.xml", "w") as out:
                out.write(_SHEET_HEAD)
                written = len(_SHEET_HEAD)
                buf = [_row_xml(1, refs, header)]
                n = 1
                while pending is not None and n < sheet_rows and written < SHEET_MAX_BYTES:
                    n += 1
                    buf.append(_row_xml(n, refs, pending))
                    count += 1
                    pending = next(it, None)
                    if len(buf) >= FLUSH_ROWS:
                        chunk = _encode("".join(buf))
                        out.write(chunk)
                        written += len(chunk)
                        buf.clear()
                out.write(_encode("".join(buf)))
                out.write(_SHEET_TAIL)
        _write_parts(zf, [sheet_title(title, i) for i in range(1, sheets + 1)])
    return count


def _write_parts(zf: zipfile.ZipFile, titles: list[str]) -> None:
    """The package parts around the sheets: content types, relationships, workbook, styles."""
    n = len(titles)
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    sheets = "".join(
        f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{sheet_types}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{n + 1}" '
            f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }
    for name, xml in parts.items():
        zf.writestr(name, _DECLARATION + xml)
