"""The certificate as a PDF (A4 landscape): national motto, issuing body, product, producer,
address, stars, number, decision, validity, and a QR code to the public look-up page.

Rendered with `invariant=1`, so the same certificate and URL always give the same bytes: the
SHA-256 stored on the certificate lets a printed copy be checked against the register.
"""

from __future__ import annotations

import hashlib
import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ocop.certificates.constants import CertificateLevel
from ocop.certificates.models import Certificate
from ocop.core.pdf import register_fonts

RED = colors.HexColor("#a3161a")
GOLD = colors.HexColor("#c9a227")
INK = colors.HexColor("#1c1c1c")


def public_url(certificate: Certificate, request=None) -> str:
    """Absolute URL of the public look-up page (request host when given, else SITE_URL)."""
    path = reverse("certificates:public_lookup", args=[certificate.number])
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…/…/……"


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares (crisp at any print size), quiet zone included."""
    code = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    border = 2
    modules = len(matrix) + 2 * border
    cell = size / modules
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + border) * cell,
                    y + size - (r + border + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    import math

    path = canvas.beginPath()
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        r = radius if i % 2 == 0 else radius * 0.4
        px, py = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(px, py)
        else:
            path.lineTo(px, py)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest font size ≤ size at which `text` fits `width`."""
    while size > 7 and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def certificate_pdf(certificate: Certificate, *, url: str | None = None) -> bytes:
    regular, bold = register_fonts()
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = Canvas(buf, pagesize=(width, height), invariant=1)
    c.setTitle(_("Giấy chứng nhận sản phẩm OCOP %(number)s") % {"number": certificate.number})
    c.setAuthor(certificate.decision_issuer or certificate.province_name)
    c.setSubject(certificate.product_name)

    # Frame.
    c.setStrokeColor(GOLD)
    c.setLineWidth(4)
    c.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    c.setLineWidth(1)
    c.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)

    left_x, right_x = 66 * mm, width - 78 * mm
    top = height - 24 * mm
    issuer = (
        certificate.decision_issuer
        or (
            _("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
            if certificate.level == CertificateLevel.CENTRAL
            else _("ỦY BAN NHÂN DÂN %(province)s") % {"province": certificate.province_name}
        )
    ).upper()
    c.setFillColor(INK)
    c.setFont(bold, _fit(c, issuer, bold, 11, 96 * mm))
    c.drawCentredString(left_x, top, issuer)
    c.setFont(regular, 10)
    c.drawCentredString(left_x, top - 6 * mm, _("Số: %(number)s") % {"number": certificate.number})

    c.setFont(bold, 11)
    c.drawCentredString(right_x, top, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    c.setFont(bold, 11)
    c.drawCentredString(right_x, top - 6 * mm, _("Độc lập - Tự do - Hạnh phúc"))
    c.setLineWidth(0.6)
    c.setStrokeColor(INK)
    c.line(right_x - 26 * mm, top - 8 * mm, right_x + 26 * mm, top - 8 * mm)

    y = top - 26 * mm
    c.setFillColor(RED)
    c.setFont(bold, 24)
    c.drawCentredString(width / 2, y, _("GIẤY CHỨNG NHẬN"))
    c.setFont(bold, 16)
    c.drawCentredString(width / 2, y - 10 * mm, _("SẢN PHẨM OCOP"))

    y -= 24 * mm
    c.setFillColor(INK)
    c.setFont(regular, 11)
    c.drawCentredString(
        width / 2,
        y,
        _("Căn cứ Quyết định số %(number)s ngày %(date)s công nhận sản phẩm OCOP,")
        % {"number": certificate.decision_number, "date": _date(certificate.decision_date)},
    )
    c.drawCentredString(width / 2, y - 6 * mm, _("chứng nhận sản phẩm:"))

    y -= 18 * mm
    c.setFillColor(RED)
    name = certificate.product_name.upper()
    c.setFont(bold, _fit(c, name, bold, 20, width - 60 * mm))
    c.drawCentredString(width / 2, y, name)

    # Stars.
    y -= 13 * mm
    c.setFillColor(GOLD)
    gap = 12 * mm
    first = width / 2 - gap * (certificate.stars - 1) / 2
    for i in range(certificate.stars):
        _star(c, first + i * gap, y, 5 * mm)
    c.setFillColor(INK)
    c.setFont(bold, 12)
    c.drawCentredString(
        width / 2, y - 10 * mm, _("Đạt hạng %(stars)s sao") % {"stars": certificate.stars}
    )

    rows = [
        (_("Chủ thể:"), certificate.producer_name),
        (_("Địa chỉ:"), certificate.address),
        (_("Mã sản phẩm:"), certificate.product_code),
        (
            _("Hiệu lực:"),
            _("từ ngày %(start)s đến hết ngày %(end)s")
            % {"start": _date(certificate.valid_from), "end": _date(certificate.valid_until)},
        ),
    ]
    y -= 22 * mm
    label_x, value_x = 66 * mm, 104 * mm
    for label, value in rows:
        c.setFont(bold, 11)
        c.drawString(label_x, y, str(label))
        c.setFont(regular, _fit(c, value or "—", regular, 11, width - value_x - 70 * mm))
        c.drawString(value_x, y, value or "—")
        y -= 7 * mm

    # QR code and how to check.
    link = url or public_url(certificate)
    qr_size = 34 * mm
    _qr(c, link, 20 * mm, 26 * mm, qr_size)
    c.setFont(regular, 8)
    c.drawString(22 * mm, 22 * mm, _("Quét mã để kiểm tra hiệu lực hiện tại:"))
    c.setFont(regular, _fit(c, link, regular, 7, 110 * mm))
    c.drawString(22 * mm, 18 * mm, link)

    # Signature block.
    sx = width - 70 * mm
    c.setFont(regular, 10)
    c.drawCentredString(
        sx,
        52 * mm,
        _("%(province)s, ngày %(date)s")
        % {"province": certificate.province_name, "date": _date(certificate.decision_date)},
    )
    c.setFont(bold, 11)
    c.drawCentredString(sx, 45 * mm, issuer)
    if certificate.decision_signer:
        c.setFont(regular, 10)
        c.drawCentredString(sx, 24 * mm, certificate.decision_signer)

    c.showPage()
    c.save()
    return buf.getvalue()


def certificate_pdf_sha256(certificate: Certificate) -> str:
    return hashlib.sha256(certificate_pdf(certificate)).hexdigest()
