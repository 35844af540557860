"""The spreadsheet import framework every app uses (DESIGN.md § core/imports.py).

A file (xlsx, or CSV in UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel
writes it) is read and every row validated; if any row is rejected nothing is written
and a row-level error report is produced; otherwise all rows commit in one transaction.
Rows are matched to records by a natural key, so re-importing the same file changes
nothing. Every row is accounted for: rows = inserted + updated + unchanged + rejected.

By default the whole file is validated before anything is written. An importer with a
`chunk_size` (large files of independent rows: volunteers) is validated and written a
chunk at a time inside the one transaction, which is rolled back if any row is bad: the
same outcome, in the memory of one chunk.

values.py    cell parsers (p_str, p_date, p_choice, ...) and CellError
base.py      Column, Importer, ModelImporter, Counts, ImportResult, RowError, RowInvalid
reading.py   rows of an xlsx (xlsx.py, a streaming reader) or CSV file
running.py   run_import: validation, the transaction, the ImportRun record and its audit
files.py     the error report and the template
"""

from __future__ import annotations

from gongzhi.core.imports.base import (
    Column,
    Counts,
    Importer,
    ImportResult,
    ModelImporter,
    RowError,
    RowInvalid,
    iter_chunks,
)
from gongzhi.core.imports.files import write_error_report, write_template
from gongzhi.core.imports.reading import decode_csv, read_rows
from gongzhi.core.imports.running import run_import
from gongzhi.core.imports.values import (
    CellError,
    p_bool,
    p_choice,
    p_date,
    p_decimal,
    p_int,
    p_str,
)

__all__ = [
    "CellError",
    "Column",
    "Counts",
    "ImportResult",
    "Importer",
    "ModelImporter",
    "RowError",
    "RowInvalid",
    "decode_csv",
    "iter_chunks",
    "p_bool",
    "p_choice",
    "p_date",
    "p_decimal",
    "p_int",
    "p_str",
    "read_rows",
    "run_import",
    "write_error_report",
    "write_template",
]
