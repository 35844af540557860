"""The 志愿服务记录证明 PDF (民政部令67号 fields), drawn with reportlab's built-in CID font.

STSong-Light ships with every PDF reader's Asian font pack, so no font file is embedded.
The QR code (segno) is drawn as vector squares and opens the public verification page.
"""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from gongzhi.volunteers.models import Certificate

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    cell = size / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def certificate_pdf(cert: Certificate, verify_url: str, *, compress: bool = True) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1 if compress else 0)
    c.setTitle(f"{_('志愿服务记录证明')} {cert.number}")
    width, height = A4
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 35 * mm, _("志愿服务记录证明"))
    c.setFont(font, 10)
    c.drawRightString(width - 20 * mm, height - 45 * mm, _("证明编号：%(n)s") % {"n": cert.number})
    y = height - 60 * mm
    c.setFont(font, 12)
    lines = [
        (_("姓名"), cert.holder_name),
        (_("证件类型"), cert.holder_id_type),
        (_("证件号码"), cert.holder_id_masked),
        (_("志愿者编号"), cert.holder_number),
        (_("服务时间"), f"{cert.period_from:%Y年%m月%d日} — {cert.period_to:%Y年%m月%d日}"),
        (_("服务时长"), _("%(h)s 小时") % {"h": cert.hours}),
    ]
    for label, value in lines:
        c.drawString(25 * mm, y, f"{label}：{value}")
        y -= 9 * mm
    c.drawString(25 * mm, y, _("服务内容："))
    y -= 7 * mm
    for part in _wrap(cert.content, 38)[:8]:
        c.drawString(30 * mm, y, part)
        y -= 7 * mm
    y -= 6 * mm
    c.drawString(
        25 * mm,
        y,
        _("特此证明。上述记录已在本单位内部公示 %(from)s 至 %(until)s。")
        % {"from": cert.publicity_from, "until": cert.publicity_until},
    )
    y -= 16 * mm
    for label, value in (
        (_("出具单位"), cert.issuer_name),
        (_("负责人"), cert.person_in_charge),
        (_("经办人"), cert.clerk),
        (_("联系方式"), cert.contact),
        (
            _("出具日期"),
            f"{cert.issued_on:%Y年%m月%d日}" if cert.issued_on else _("（公示中，未出具）"),
        ),
    ):
        c.drawString(110 * mm, y, f"{label}：{value}")
        y -= 8 * mm
    c.setFont(font, 10)
    c.drawString(110 * mm, y - 4 * mm, _("（单位盖章）"))
    _qr(c, verify_url, 25 * mm, 25 * mm, 32 * mm)
    c.drawString(25 * mm, 20 * mm, _("扫码核验：%(u)s") % {"u": verify_url})
    c.showPage()
    c.save()
    return buf.getvalue()
