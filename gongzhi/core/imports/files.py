"""Files an import gives back: the row-level error report and the empty template."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext as _

from gongzhi.core.imports.base import Importer, ImportResult


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
