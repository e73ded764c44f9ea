"""Label sheets and the printing-house CSV: content, QR round trip, streaming in pieces."""

import csv
import io

import pytest
import segno

from ocop.stamps import codes, printing
from ocop.stamps.constants import StampState
from ocop.stamps.models_register import Stamp
from ocop.stamps.tests import pdfread
from ocop.stamps.tests.factories import issued_batch

pytestmark = pytest.mark.django_db


def test_the_sheet_is_a_pdf_with_forty_labels_a_page(certificate, settings):
    settings.SITE_URL = "https://ocop.example"
    batch = issued_batch(certificate_obj=certificate, quantity=45)
    pieces = list(printing.batch_pdf(batch))
    pdf = b"".join(pieces)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/Count 2" in pdf
    pages = pdfread.page_streams(pdf)
    assert [len(pdfread.qr_blocks(p)) for p in pages] == [40, 5]
    # The header, page number and human serials are on the page.
    first = Stamp.objects.get(batch=batch, number=1)
    words = pdfread.texts(pages[0])
    assert f"{batch.code}   #1-#40" in words
    human = codes.human_serial(first.serial)
    assert human[:7] in words and human[7:] in words and "#1" in words


def test_each_qr_code_is_segnos_matrix_of_the_signed_verification_url(certificate, settings):
    settings.SITE_URL = "https://ocop.example"
    batch = issued_batch(certificate_obj=certificate, quantity=3)
    pages = pdfread.page_streams(b"".join(printing.batch_pdf(batch)))
    drawn = [matrix for *_, matrix in pdfread.qr_blocks(pages[0])]
    for number, matrix in enumerate(drawn, start=1):
        serial = Stamp.objects.get(batch=batch, number=number).serial
        url = f"https://ocop.example/v/{codes.sign(serial, key_id=batch.key_id)}"
        expected = segno.make(url, error="m", micro=False, boost_error=False)
        assert matrix == [bytes(row) for row in expected.matrix]
        assert codes.parse(url.rsplit("/", 1)[1]).serial == serial


def test_the_xref_offsets_point_at_their_objects(certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=41)
    pdf = b"".join(printing.batch_pdf(batch))
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    table = pdf[start:].split(b"trailer")[0].splitlines()[3:]
    for number, line in enumerate(table, start=1):
        offset = int(line[:10])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)


def test_voided_stamps_are_not_printed_and_the_pdf_streams_per_page(certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=85)
    Stamp.objects.filter(batch=batch, number__lte=5).update(state=StampState.VOIDED)
    pieces = list(printing.batch_pdf(batch))
    pages = pdfread.page_streams(b"".join(pieces))
    assert sum(len(pdfread.qr_blocks(p)) for p in pages) == 80
    # header + two fonts, then (content, page) per page, then pages, catalog, xref, trailer
    assert len(pieces) == 3 + 2 * 2 + 4


def test_an_empty_range_still_gives_a_valid_document(certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=2)
    Stamp.objects.filter(batch=batch).update(state=StampState.VOIDED)
    pdf = b"".join(printing.batch_pdf(batch))
    assert b"/Count 1" in pdf and pdf.rstrip().endswith(b"%%EOF")


def test_the_csv_lists_every_stamp_with_its_urls(certificate, settings):
    settings.SITE_URL = "https://ocop.example/"
    certificate.product.gtin = "8934567890120"
    certificate.product.save()
    batch = issued_batch(certificate_obj=certificate, quantity=4)
    text = b"".join(printing.batch_csv(batch)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["number"]) for r in rows] == [1, 2, 3, 4]
    for row in rows:
        serial = codes.parse(row["token"]).serial
        assert codes.human_serial(serial) == row["serial"]
        assert row["url"] == f"https://ocop.example/v/{row['token']}"
        assert row["gs1_url"].startswith(
            f"https://ocop.example/01/08934567890120/21/{row['serial']}?s="
        )
        assert row["state"] == "issued"


def test_the_csv_is_read_in_keyset_pages(certificate, django_assert_max_num_queries, monkeypatch):
    from ocop.stamps import selectors

    batch = issued_batch(certificate_obj=certificate, quantity=25)
    original = selectors.batch_stamps
    monkeypatch.setattr(selectors, "batch_stamps", lambda **kw: original(**{**kw, "chunk": 10}))
    with django_assert_max_num_queries(4):  # 3 pages of 10 rows, plus the product (gtin)
        lines = b"".join(printing.batch_csv(batch)).decode().splitlines()
    assert len(lines) == 26
