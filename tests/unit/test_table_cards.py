"""The printable A4 sheet of table cards: every card's STP, table, link in print, and a QR code that reads back."""
import datetime as dt
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from forum.links import build_table_link
from reports.table_cards import TableCard, build_table_cards_pdf

CARDS = [TableCard(name, label, build_table_link("http://192.168.1.20:8501", f"{number:02d}" + "Abc_-" * 6))
         for number, (name, label) in enumerate([("North Central London", ""), ("North East London", "Table 2"),
                                                  ("South East London", "Tâble «3»"), ("South West London", ""),
                                                  ("North West London", "Table 5")])]


def test_five_cards_fill_two_a4_pages_with_each_stp_table_and_link_in_print():
    reader = PdfReader(io.BytesIO(build_table_cards_pdf(CARDS, event_name="Clinical Senate forum",
                                                        event_date=dt.date(2019, 3, 14))))

    assert len(reader.pages) == 2
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for card in CARDS:
        assert card.stp_name in text and card.table_label in text
        assert card.link in text  # the link printed in full, for typing in by hand
    assert "Clinical Senate forum, 14 March 2019" in text


def test_every_cards_qr_code_reads_back_as_its_link():
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements.txt) decodes the QR codes")
    reader = PdfReader(io.BytesIO(build_table_cards_pdf(CARDS, event_name="Forum", event_date=dt.date(2019, 3, 14))))
    decoded = [code.text for page in reader.pages for image in page.images
               for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
    assert decoded == [card.link for card in CARDS]


def test_an_event_without_links_says_so():
    reader = PdfReader(io.BytesIO(build_table_cards_pdf([], event_name="Forum", event_date=dt.date(2019, 3, 14))))
    assert "No table links have been issued" in reader.pages[0].extract_text()
