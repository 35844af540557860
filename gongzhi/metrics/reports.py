"""The table behind each chart as xlsx, and the printable overview as PDF (reportlab, STSong-Light)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _


def _filename(data: dict[str, Any], ext: str) -> str:
    unit = data["unit"].code if data["unit"] else "scope"
    return f"{data['board'].key}-{unit}-{data['as_of'].isoformat()}.{ext}"


def table_xlsx(data: dict[str, Any]) -> HttpResponse:
    from openpyxl import Workbook

    from gongzhi.metrics.views import title

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(data["board"].label)[:30])
    ws.append([title(data)])
    ws.append([_("区划代码"), _("单位"), *data["labels"], *data["rate_labels"]])
    for row in data["table"]:
        ws.append(
            [
                row["code"],
                row["name"],
                *row["values"],
                *[r if r is not None else _("无数据") for r in row["rates"]],
            ]
        )
    unit = data["unit"]
    ws.append(
        [
            unit.code if unit else "",
            _("合计"),
            *[c["value"] for c in data["cards"]],
            *[r["value"] for r in data["rates"]],
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, "xlsx")}"'
    return response


def overview_pdf(data: dict[str, Any]) -> HttpResponse:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gongzhi.metrics.views import title

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    h1 = ParagraphStyle("h1", fontName="STSong-Light", fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title(data)
    )
    story: list[Any] = [Paragraph(title(data), h1), Spacer(1, 6 * mm)]
    cards = [[c["label"], f"{c['value']:,}", str(c["unit"])] for c in data["cards"]]
    t = Table([[_("指标"), _("数值"), _("单位")], *cards], colWidths=[70 * mm, 40 * mm, 20 * mm])
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2dede")),
            ("ALIGN", (1, 1), (1, -1), "RIGHT"),
        ]
    )
    t.setStyle(style)
    story += [t, Spacer(1, 8 * mm)]
    if data["table"]:
        story.append(Paragraph(_("下级单位"), body))
        head = [_("单位"), *data["labels"]]
        rows = [[r["name"], *[f"{v:,}" for v in r["values"]]] for r in data["table"]]
        widths = [40 * mm] + [(174 - 40) / max(1, len(data["labels"])) * mm] * len(data["labels"])
        t2 = Table([head, *rows], colWidths=widths, repeatRows=1)
        t2.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                    ("FONTSIZE", (0, 0), (-1, -1), 7),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story.append(t2)
    fresh = data["freshness"]["refreshed_at"] or _("尚未汇总")
    story += [
        Spacer(1, 6 * mm),
        Paragraph(_("数据汇总时间：%(t)s；演示数据为虚构。") % {"t": fresh}, body),
    ]
    doc.build(story)
    response = HttpResponse(buf.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(data, "pdf")}"'
    return response
