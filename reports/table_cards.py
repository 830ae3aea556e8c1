"""Table cards for a forum: an A4 sheet (PDF) of four cards, one per table, each with the STP's name, the table,
the link's QR code and the link itself in print, to cut out and stand on the tables."""
import io
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from forum.links import build_qr_png
from reports.briefing import compute_latin_1, find_unicode_font, format_day

CARD_COLUMNS, CARD_ROWS = 2, 2  # four A6 cards to an A4 page
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
CARD_MARGIN_MM = 9
QR_SIDE_MM = 64  # about 1.1 mm a module for a version 4-5 code: scans from an arm's length
CUT_LINE_GREY = 170


@dataclass(frozen=True)
class TableCard:
    """What one card says: whose table it is and the link it opens."""

    stp_name: str
    table_label: str
    link: str


class _CardSheet(FPDF):
    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        fonts = find_unicode_font()
        if fonts:
            for style, path in fonts.items():
                self.add_font("DejaVu", style, str(path))
        self.family = "DejaVu" if fonts else "helvetica"
        self.unicode = fonts is not None
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)

    def text_for_font(self, text: str) -> str:
        return text if self.unicode else compute_latin_1(text)


def build_table_cards_pdf(cards: list[TableCard], *, event_name: str, event_date: date) -> bytes:
    """The cards, four to an A4 page, with dashed cutting lines between them."""
    pdf = _CardSheet()
    pdf.set_title(pdf.text_for_font(f"Table cards: {event_name}"))
    width, height = PAGE_WIDTH_MM / CARD_COLUMNS, PAGE_HEIGHT_MM / CARD_ROWS
    per_page = CARD_COLUMNS * CARD_ROWS
    for number, card in enumerate(cards):
        if number % per_page == 0:
            pdf.add_page()
            _draw_cut_lines(pdf, width, height)
        place = number % per_page
        left, top = (place % CARD_COLUMNS) * width, (place // CARD_COLUMNS) * height
        _draw_card(pdf, card, left=left, top=top, width=width, event_line=f"{event_name}, {format_day(event_date)}")
    if not cards:
        pdf.add_page()
        pdf.set_font(pdf.family, "", 14)
        pdf.set_xy(20, 20)
        pdf.multi_cell(170, 8, "No table links have been issued for this event yet.")
    return bytes(pdf.output())


def _draw_cut_lines(pdf: _CardSheet, width: float, height: float) -> None:
    pdf.set_draw_color(CUT_LINE_GREY)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=2)
        for column in range(1, CARD_COLUMNS):
            pdf.line(column * width, 0, column * width, PAGE_HEIGHT_MM)
        for row in range(1, CARD_ROWS):
            pdf.line(0, row * height, PAGE_WIDTH_MM, row * height)


def _draw_card(pdf: _CardSheet, card: TableCard, *, left: float, top: float, width: float, event_line: str) -> None:
    inner = width - 2 * CARD_MARGIN_MM
    x = left + CARD_MARGIN_MM
    pdf.set_text_color(60)
    pdf.set_font(pdf.family, "", 9)
    pdf.set_xy(x, top + CARD_MARGIN_MM)
    pdf.multi_cell(inner, 4.5, pdf.text_for_font(f"Forum: {event_line}"), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_font(pdf.family, "B", 17)
    pdf.multi_cell(inner, 7.5, pdf.text_for_font(card.stp_name), new_x=XPos.LEFT, new_y=YPos.NEXT)
    if card.table_label.strip():
        pdf.set_font(pdf.family, "", 14)
        pdf.multi_cell(inner, 6.5, pdf.text_for_font(card.table_label), new_x=XPos.LEFT, new_y=YPos.NEXT)
    qr_top = max(pdf.get_y() + 3, top + 38)
    pdf.image(io.BytesIO(build_qr_png(card.link, scale=10)), x=left + (width - QR_SIDE_MM) / 2, y=qr_top,
              w=QR_SIDE_MM, h=QR_SIDE_MM)
    pdf.set_xy(x, qr_top + QR_SIDE_MM + 3)
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(inner, 5, "Scan the code with your phone's camera, or type this link:", align=Align.C,
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("courier", "", 9)
    pdf.multi_cell(inner, 4.5, compute_latin_1(card.link), align=Align.C, wrapmode=WrapMode.CHAR,
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
