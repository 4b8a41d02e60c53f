"""Invoices and quotes as PDF documents (fpdf2), in Unicode fonts that pip installs with the project.

Text is set in Fira Sans (Latin with its extensions, Greek, Cyrillic; package fontpkg-fira-sans).
Characters Fira Sans lacks (Chinese, Japanese, Korean) fall back to Noto Sans CJK JP (packages
noto-cjk-sans-jp-regular and -bold), which is added to a document only when its text needs it:
the CJK fonts are 16 MB each, and loading and subsetting them is what makes such a PDF slower.
fpdf2 embeds only the glyphs used, with a ToUnicode map so that the text can be searched and copied.
"""
from functools import cache
from importlib.resources import files

from flask import make_response
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from app.extensions import db
from app.models import Customer, Organisation

TEXT_FONT = "FiraSans"
FALLBACK_FONT = "NotoSansCJK"
# (family, style, importable package, file inside it, distribution that pip installs)
_FONT_FILES = (
    (TEXT_FONT, "", "fontpkg_fira_sans", "files/FiraSans-Regular.ttf", "fontpkg-fira-sans"),
    (TEXT_FONT, "B", "fontpkg_fira_sans", "files/FiraSans-Bold.ttf", "fontpkg-fira-sans"),
    (FALLBACK_FONT, "", "noto_cjk_sans_jp_regular", "NotoSansCJKjp-Regular.otf",
     "noto-cjk-sans-jp-regular"),
    (FALLBACK_FONT, "B", "noto_cjk_sans_jp_bold", "NotoSansCJKjp-Bold.otf", "noto-cjk-sans-jp-bold"),
)

COLUMNS = (  # heading, width (mm; 190 = A4 less the 10 mm margins), alignment
    ("#", 10, "LEFT"), ("Description", 86, "LEFT"), ("Qty", 20, "RIGHT"),
    ("Unit price", 28, "RIGHT"), ("Tax %", 16, "RIGHT"), ("Amount", 30, "RIGHT"))


def pdf_response(description: str, example_number: str) -> dict:
    """The documented 200 of a PDF download (arguments of Blueprint.response)."""
    return {"schema": {"type": "string", "format": "binary"}, "content_type": "application/pdf",
            "description": description, "headers": {"Content-Disposition": {
                "description": "A download, named after the document's number",
                "schema": {"type": "string",
                           "example": f'attachment; filename="{example_number}.pdf"'}}}}


def pdf_download(pdf: bytes, number: str):
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    return response


def with_parties(document) -> tuple:
    """(document, its organisation, its customer): what a render_* takes."""
    return (document, db.session.get(Organisation, document.organisation_id),
            db.session.get(Customer, document.customer_id))


class FontMissing(RuntimeError):
    """A font file the invoice PDF needs is not installed."""


@cache
def font_files() -> dict[tuple[str, str], str]:
    """(family, style) -> path of the font file, found inside its pip package."""
    found = {}
    for family, style, package, name, dist in _FONT_FILES:
        try:
            path = files(package).joinpath(name)
        except ModuleNotFoundError:
            path = None
        if path is None or not path.is_file():
            raise FontMissing(f"Invoice PDF font {name} not found: the Python package {dist} is missing "
                              "(`make run` or `pip install -e .` installs it)")
        found[family, style] = str(path)
    return found


@cache
def _text_font_chars() -> frozenset[int]:
    """The code points Fira Sans draws (the regular and bold files cover the same ones)."""
    with TTFont(font_files()[TEXT_FONT, ""], lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needs_fallback(texts) -> bool:
    chars = _text_font_chars()
    return any(ord(char) not in chars for text in texts for char in text if not char.isspace())


def _money(value) -> str:
    return f"{value:,.2f}"


class _InvoicePDF(FPDF):
    def set_font(self, family=None, style="", size=0):
        super().set_font(family, style, size)
        # fpdf2 2.8.9 sets the font of a line that starts with a fallback-font character inside
        # that line's q/Q block, so the page is back on the previous font after it (the next
        # lines come out in the wrong font): set the font on the page now, outside any q/Q.
        if self.page and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))


def _new_pdf(regular_texts, bold_texts) -> FPDF:
    paths = font_files()
    pdf = _InvoicePDF(format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.add_font(TEXT_FONT, "", paths[TEXT_FONT, ""])
    pdf.add_font(TEXT_FONT, "B", paths[TEXT_FONT, "B"])
    fallback = [style for style, texts in (("", regular_texts), ("B", bold_texts)) if _needs_fallback(texts)]
    for style in fallback:
        pdf.add_font(FALLBACK_FONT, style, paths[FALLBACK_FONT, style])
    if fallback:
        # exact_match=False: bold text may borrow the regular CJK glyphs if only those were loaded
        pdf.set_fallback_fonts([FALLBACK_FONT], exact_match=False)
    return pdf


def render_invoice(invoice, organisation, customer) -> bytes:
    details = (("Date", invoice.date.isoformat()), ("Due date", invoice.due_date.isoformat()),
               ("Status", invoice.display_status))
    totals = (("Subtotal", invoice.subtotal, ""), ("Tax", invoice.tax, ""),
              ("Total", invoice.total, "B"), ("Paid", invoice.amount_paid, ""),
              ("Balance due", invoice.balance, "B"))
    return _render(f"Invoice {invoice.invoice_number}", invoice, organisation, customer,
                   details, totals)


def render_quote(quote, organisation, customer) -> bytes:
    details = (("Date", quote.date.isoformat()), ("Valid until", quote.valid_until.isoformat()),
               ("Status", quote.display_status))
    totals = (("Subtotal", quote.subtotal, ""), ("Tax", quote.tax, ""),
              ("Total", quote.total, "B"))
    return _render(f"Quote {quote.quote_number}", quote, organisation, customer, details, totals)


def _render(title, document, organisation, customer, details, totals) -> bytes:
    """An invoice or a quote: ``details`` (label, text) under the title, the lines, then
    ``totals`` (label, amount, font style)."""
    address = ", ".join(filter(None, (customer.address, customer.city, customer.state,
                                      customer.zip, customer.country)))
    bill_to = [line for line in (customer.account, address, customer.email, customer.phone) if line]
    rows = [(str(line.position), line.description, f"{line.qty.normalize():f}", _money(line.amount),
             f"{line.tax_rate:.2f}", _money(line.line_total)) for line in document.items]
    bold_texts = [organisation.name or "", title]
    regular_texts = [*bill_to, *(value for _, value in details), *(text for row in rows for text in row),
                     document.notes or ""]

    pdf = _new_pdf(regular_texts, bold_texts)
    pdf.set_title(title)
    pdf.set_author(organisation.name or "")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(TEXT_FONT, "B", 16)
    pdf.multi_cell(width, 8, organisation.name or "", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(TEXT_FONT, "B", 13)
    pdf.cell(width, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    for label, value in details:
        pdf.set_font(TEXT_FONT, "", 10)
        pdf.cell(30, 6, label)
        pdf.cell(width - 30, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(TEXT_FONT, "B", 10)
    pdf.cell(width, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "", 10)
    for line in bill_to:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    with pdf.table(col_widths=[column[1] for column in COLUMNS],
                   text_align=[column[2] for column in COLUMNS], width=width, align="LEFT",
                   borders_layout=TableBordersLayout.SINGLE_TOP_LINE, line_height=6,
                   headings_style=FontFace(emphasis="BOLD"), padding=(1.5, 1)) as table:
        table.row([column[0] for column in COLUMNS])
        for row in rows:
            table.row(row)
    pdf.ln(2)
    pdf.set_draw_color(0)
    label_width = width - COLUMNS[-1][1]
    for label, value, style in totals:
        pdf.set_font(TEXT_FONT, style, 10)
        pdf.cell(label_width, 6, label, align="R")
        pdf.cell(COLUMNS[-1][1], 6, _money(value), align="R", new_x="LMARGIN", new_y="NEXT")
    if document.notes:
        pdf.ln(6)
        pdf.set_font(TEXT_FONT, "", 9)
        pdf.multi_cell(width, 5, document.notes, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
