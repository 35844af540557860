"""Rows out of an uploaded file: xlsx (streamed by `xlsx.py`) or CSV in UTF-8 or GBK."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.imports import xlsx
from gongzhi.core.imports.values import CellError, _text
from gongzhi.core.textkeys import to_simplified

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
    """Rows of the first sheet (xlsx) or of the CSV, header row first.

    xlsx is read by `core.xlsx`, a streaming reader that gives the values openpyxl would,
    several times faster (the 100,000-row imports of issue 5); missing rows come as empty
    rows, so a row's position is its number in the sheet.
    """
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        yield from xlsx.iter_rows(raw)
    elif suffix in {".csv", ".txt"}:
        yield from csv.reader(io.StringIO(decode_csv(raw)))
    else:
        raise CellError(
            _("不支持的文件类型 %(suffix)s：请使用 xlsx 或 csv") % {"suffix": suffix or "?"}
        )


def _unreadable() -> str:
    return _("文件无法读取：不是有效的 xlsx 或 csv 文件")


def _blank(row: Sequence[Any]) -> bool:
    for v in row:
        if v is None or v == "":
            continue
        if not isinstance(v, str) or v.strip():
            return False
    return True
