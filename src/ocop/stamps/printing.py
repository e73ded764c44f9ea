"""Print output of a stamp batch, streamed: an A4 label-sheet PDF with QR codes and a CSV for
printing houses. Neither holds the batch in memory: rows come from `selectors.batch_stamps` in keyset
pages and each PDF page is written as soon as its 40 labels are drawn.

The PDF is written directly (PDF 1.4 objects, one compressed content stream per page) rather than
through a reportlab canvas, because a canvas keeps every page of the document until `save()`: a
million codes would be 25,000 pages in memory. Only the byte offset of each object is kept for the
cross-reference table (two integers a page). QR codes come from segno's module matrix and are drawn
as filled rectangles (one per horizontal run of dark modules), so they stay sharp at any print
resolution. Labels carry only ASCII (the human serial, the number, the batch code), so the
standard Helvetica font is enough and nothing is embedded.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import segno
from django.conf import settings

from ocop.stamps import codes, selectors
from ocop.stamps.constants import StampState
from ocop.stamps.models_register import StampBatch

MM = 72 / 25.4
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
COLS, ROWS = 4, 10
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 10 * MM, 14 * MM, 12 * MM
CELL_W = (PAGE_W - 2 * MARGIN_X) / COLS
CELL_H = (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) / ROWS
QR_SIZE = 22 * MM
PER_PAGE = COLS * ROWS
QR_ERROR = "m"


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")


def verify_url(token: str) -> str:
    return site_url() + codes.verify_path(token)


# --- QR drawing ----------------------------------------------------------------------------------
def qr_matrix(data: str) -> list[bytes]:
    """segno's module matrix (rows of 0/1, no quiet zone) for `data`."""
    qr = segno.make(data, error=QR_ERROR, micro=False, boost_error=False)
    return [bytes(row) for row in qr.matrix]


def qr_ops(matrix: list[bytes], x: float, y_top: float, size: float) -> str:
    """PDF operators drawing `matrix` in a size×size square whose top-left corner is (x, y_top):
    one rectangle per run of dark modules, in module units under a flipped transform."""
    scale = size / len(matrix)
    ops = [f"q {scale:.4f} 0 0 {-scale:.4f} {x:.2f} {y_top:.2f} cm"]
    for row_index, row in enumerate(matrix):
        start = None
        for col, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start} {row_index} {col - start} 1 re")
                start = None
    ops.append("f Q")
    return "\n".join(ops)


def _pdf_text(text: str) -> str:
    safe = text.encode("ascii", "replace").decode()
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text(x: float, y: float, size: float, text: str, *, bold: bool = False) -> str:
    font = "/F2" if bold else "/F1"
    return f"BT {font} {size} Tf {x:.2f} {y:.2f} Td ({_pdf_text(text)}) Tj ET"


@dataclass(frozen=True)
class Label:
    number: int
    serial: int
    url: str


def _label_ops(label: Label, col: int, row: int) -> str:
    x0 = MARGIN_X + col * CELL_W
    y_top = PAGE_H - MARGIN_TOP - row * CELL_H
    pad = (CELL_H - QR_SIZE) / 2
    qr = qr_ops(qr_matrix(label.url), x0 + pad, y_top - pad, QR_SIZE)
    human = codes.human_serial(label.serial)
    tx = x0 + pad + QR_SIZE + 3 * MM  # outside the 4-module quiet zone
    mid = y_top - CELL_H / 2
    return "\n".join(
        [
            qr,
            _text(tx, mid + 12, 8, "OCOP", bold=True),
            _text(tx, mid + 2, 7.5, human[:7], bold=True),
            _text(tx, mid - 7, 7.5, human[7:], bold=True),
            _text(tx, mid - 18, 6, f"#{label.number}"),
            # light cut guide around the cell
            f"q 0.85 G 0.3 w {x0:.2f} {y_top - CELL_H:.2f} {CELL_W:.2f} {CELL_H:.2f} re S Q",
        ]
    )


def _page_ops(labels: list[Label], header: str, page_no: int) -> bytes:
    parts = [_text(MARGIN_X, PAGE_H - 9 * MM, 8, header)]
    for index, label in enumerate(labels):
        parts.append(_label_ops(label, index % COLS, index // COLS))
    parts.append(_text(PAGE_W / 2 - 8, 6 * MM, 7, f"- {page_no} -"))
    return "\n".join(parts).encode("ascii")


class _PdfStream:
    """Writes PDF objects as they come and remembers only their offsets."""

    def __init__(self) -> None:
        self.offset = 0
        self.offsets: dict[int, int] = {}

    def raw(self, data: bytes) -> bytes:
        self.offset += len(data)
        return data

    def obj(self, number: int, body: bytes) -> bytes:
        self.offsets[number] = self.offset
        return self.raw(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def stream(self, number: int, data: bytes, extra: bytes = b"") -> bytes:
        packed = zlib.compress(data, 6)
        head = b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra)
        return self.obj(number, head + packed + b"\nendstream")


CATALOG, PAGES, FONT, FONT_BOLD, FIRST_PAGE_OBJ = 1, 2, 3, 4, 5


def _pages(labels: Iterable[Label]) -> Iterator[list[Label]]:
    page: list[Label] = []
    for label in labels:
        page.append(label)
        if len(page) == PER_PAGE:
            yield page
            page = []
    if page:
        yield page


def sheet_pdf(labels: Iterable[Label], *, title: str) -> Iterator[bytes]:
    """The label sheets of `labels` as a PDF, yielded in pieces (header, each page, trailer)."""
    pdf = _PdfStream()
    yield pdf.raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    yield pdf.obj(FONT, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    yield pdf.obj(FONT_BOLD, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    count = 0
    for page_labels in _pages(labels):
        content_no = FIRST_PAGE_OBJ + 2 * count
        header = f"{title}   #{page_labels[0].number}-#{page_labels[-1].number}"
        yield pdf.stream(content_no, _page_ops(page_labels, header, count + 1))
        yield pdf.obj(
            content_no + 1,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
            % (PAGES, PAGE_W, PAGE_H, content_no, FONT, FONT_BOLD),
        )
        count += 1
    if count == 0:  # an empty selection still gives a valid one-page document
        yield pdf.stream(FIRST_PAGE_OBJ, _page_ops([], title, 1))
        yield pdf.obj(
            FIRST_PAGE_OBJ + 1,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R >>"
            % (PAGES, PAGE_W, PAGE_H, FIRST_PAGE_OBJ),
        )
        count = 1
    kids = b" ".join(b"%d 0 R" % (FIRST_PAGE_OBJ + 2 * i + 1) for i in range(count))
    yield pdf.obj(PAGES, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids))
    yield pdf.obj(CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES)
    size = FIRST_PAGE_OBJ + 2 * count
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
    xref.extend(b"%010d 00000 n \n" % pdf.offsets[n] for n in range(1, size))
    start = pdf.offset
    yield pdf.raw(b"".join(xref))
    yield pdf.raw(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, CATALOG, start)
    )


# --- batch outputs -------------------------------------------------------------------------------
def batch_labels(batch: StampBatch, *, first: int = 1, last: int | None = None) -> Iterator[Label]:
    """Labels of the batch's printable (not voided) stamps, in number order."""
    signer = codes.Signer(batch.key_id or None)
    for row in selectors.batch_stamps(batch=batch, first=first, last=last):
        if row.state == StampState.VOIDED:
            continue
        yield Label(row.number, row.serial, verify_url(signer.token(row.serial)))


def batch_pdf(batch: StampBatch, *, first: int = 1, last: int | None = None) -> Iterator[bytes]:
    return sheet_pdf(batch_labels(batch, first=first, last=last), title=batch.code)


CSV_HEADER = ["number", "serial", "token", "url", "gs1_url", "state"]


def batch_csv(batch: StampBatch, *, first: int = 1, last: int | None = None) -> Iterator[bytes]:
    """One line per stamp for printing houses (UTF-8, header line), yielded in chunks."""
    signer = codes.Signer(batch.key_id or None)
    gtin = batch.product.gtin
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for index, row in enumerate(selectors.batch_stamps(batch=batch, first=first, last=last)):
        token = signer.token(row.serial)
        gs1 = (
            site_url() + codes.gs1_path(gtin=gtin, serial=row.serial, key_id=signer.kid)
            if gtin
            else ""
        )
        writer.writerow(
            [row.number, codes.human_serial(row.serial), token, verify_url(token), gs1, row.state]
        )
        if index % 2000 == 1999:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
