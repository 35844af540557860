"""The streaming xlsx reader gives the values openpyxl gives, whatever wrote the file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from gongzhi.core.imports.xlsx import XlsxError, iter_rows

# Text as people type it, Chinese and English, with spaces; no control characters (XML 1.0
# cannot hold them and openpyxl refuses them).
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n 张三丰長江，_x000D_"
    ),
    max_size=12,
)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.times().map(lambda t: t.replace(microsecond=0)),
)
ROWS = st.lists(st.lists(CELL, max_size=8), max_size=12)


def _openpyxl(raw: bytes) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return [_trim(r) for r in rows]


def _trim(row: list[object]) -> list[object]:
    """openpyxl pads rows to the sheet's width when the file states it; compare without."""
    while row and row[-1] is None:
        row.pop()
    return row


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _written(rows: list[list[object]], *, write_only: bool) -> bytes:
    """openpyxl's normal mode writes shared strings; write-only mode writes inline strings."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("data") if write_only else wb.active
    for row in rows:
        ws.append(row)
    return _save(wb)


@settings(max_examples=60)
@given(rows=ROWS, write_only=st.booleans())
def test_it_reads_what_openpyxl_reads_from_files_openpyxl_wrote(rows, write_only):
    raw = _written(rows, write_only=write_only)
    assert [_trim(r) for r in iter_rows(raw)] == _openpyxl(raw)


@settings(max_examples=30)
@given(cells=st.dictionaries(st.tuples(st.integers(1, 30), st.integers(1, 12)), CELL, max_size=25))
def test_gaps_between_rows_and_cells_keep_each_value_at_its_row_and_column(cells):
    wb = Workbook()
    ws = wb.active
    for (r, c), value in cells.items():
        ws.cell(row=r, column=c, value=value)
    raw = _save(wb)
    ours = [_trim(r) for r in iter_rows(raw)]
    theirs = _openpyxl(raw)
    # openpyxl stops at the last row it knows of; trailing empty rows carry nothing.
    while ours and not ours[-1]:
        ours.pop()
    while theirs and not theirs[-1]:
        theirs.pop()
    assert ours == theirs


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _content_types() -> str:
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "/xl/workbook.xml": f"{ml}.sheet.main+xml",
        "/xl/worksheets/sheet1.xml": f"{ml}.worksheet+xml",
        "/xl/worksheets/data.xml": f"{ml}.worksheet+xml",
        "/xl/sharedStrings.xml": f"{ml}.sharedStrings+xml",
        "/xl/styles.xml": f"{ml}.styles+xml",
    }
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in parts.items())
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _package(sheet: str, *, strings: str = "", date1904: bool = False, main: str = MAIN) -> bytes:
    """A workbook as Excel or WPS write it, by hand: the parts openpyxl never emits."""
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<x:workbook xmlns:x="{main}" xmlns:r="{REL}">'
            f'<x:workbookPr date1904="{"1" if date1904 else "0"}"/><x:sheets>'
            '<x:sheet name="登记表" sheetId="7" r:id="rId9"/>'
            '<x:sheet name="说明" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId9" Type="{REL}/worksheet" Target="/xl/worksheets/data.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{main}"><numFmts count="1">'
            '<numFmt numFmtId="170" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
            '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="170"/>'
            '<xf numFmtId="14"/></cellXfs></styleSheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>说明页</t></is></c></row>'
        "</sheetData></worksheet>",
        "xl/worksheets/data.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet}</sheetData>'
        "</worksheet>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


SHARED = (
    "<si><t>张三</t></si>"
    # A rich-text string with a phonetic guide (Japanese/Chinese Excel): the guide is not text.
    '<si><r><t>衡</t></r><r><rPr><b/></rPr><t xml:space="preserve">阳 </t></r>'
    '<rPh sb="0" eb="1"><t>héng</t></rPh></si>'
    "<si><t>_x005F_x000D_a</t></si>"
)
SHEET = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
    # No row or cell references: positions follow on (some writers omit them).
    '<row><c><v>42</v></c><c><v>2.5</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
    '<row r="5"><c r="B5" s="1"><v>45292</v></c><c r="C5" s="2"><v>45292.5</v></c>'
    '<c r="D5" t="str"><f>A1&amp;"!"</f><v>张三!</v></c><c r="E5"><f>1+1</f><v>2</v></c>'
    '<c r="F5" t="inlineStr"><is><r><t>内联</t></r><r><t>富文本</t></r></is></c>'
    '<c r="G5" t="s"><v>2</v></c><c r="H5" s="1"/></row>'
)
EXPECTED = [
    ["张三", None, "衡阳 "],
    [42, 2.5, True, "#N/A"],
    [],
    [],
    [
        None,
        dt.datetime(2024, 1, 1),
        dt.datetime(2024, 1, 1, 12),
        "张三!",
        2,
        "内联富文本",
        "_x000D_a",
        None,
    ],
]


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_a_hand_written_workbook_reads_as_openpyxl_reads_it():
    raw = _package(SHEET, strings=SHARED)
    assert list(iter_rows(raw)) == EXPECTED
    assert [_trim(r) for r in iter_rows(raw)] == _openpyxl(raw)


def test_the_first_sheet_is_the_workbook_s_first_not_the_first_file():
    assert next(iter_rows(_package(SHEET, strings=SHARED)))[0] == "张三"


def test_dates_count_from_1904_when_the_workbook_says_so():
    raw = _package('<row r="1"><c r="A1" s="2"><v>1</v></c></row>', date1904=True)
    assert list(iter_rows(raw)) == [[dt.datetime(1904, 1, 2)]]


def test_strict_ooxml_names_are_understood():
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    raw = _package(SHEET, strings=SHARED, main=strict)
    assert list(iter_rows(raw)) == EXPECTED


def test_a_document_type_declaration_is_refused():
    raw = _package('<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>')
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/data.xml":
                data = b'<!DOCTYPE w [<!ENTITY x "boom">]>' + data
            dst.writestr(item, data)
    with pytest.raises(XlsxError):
        list(iter_rows(buf.getvalue()))


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(XlsxError):
        list(iter_rows(b"PK\x03\x04 not really"))
