"""The invoice as a PDF document (fpdf2)."""
import unicodedata

from fpdf import FPDF


def _latin1(text) -> str:
    """The PDF core fonts cover Latin-1: keep what they can show, approximate the rest."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _money(value) -> str:
    return f"{value:,.2f}"


class _InvoicePDF(FPDF):
    def cell_text(self, width, text, align="L", bold=False, size=10):
        self.set_font("Helvetica", "B" if bold else "", size)
        self.cell(width, 7, _latin1(text), align=align)


def render_invoice(invoice, organisation, customer) -> bytes:
    pdf = _InvoicePDF(format="A4")
    pdf.set_title(_latin1(f"Invoice {invoice.invoice_number}"))
    pdf.set_author(_latin1(organisation.name))
    pdf.add_page()
    pdf.cell_text(0, organisation.name, bold=True, size=16)
    pdf.ln(10)
    pdf.cell_text(0, f"Invoice {invoice.invoice_number}", bold=True, size=13)
    pdf.ln(8)
    for label, value in (("Date", invoice.date.isoformat()),
                         ("Due date", invoice.due_date.isoformat()),
                         ("Status", invoice.display_status)):
        pdf.cell_text(30, label)
        pdf.cell_text(0, value)
        pdf.ln(6)
    pdf.ln(4)
    pdf.cell_text(0, "Bill to", bold=True)
    pdf.ln(6)
    address = ", ".join(filter(None, (customer.address, customer.city, customer.state,
                                      customer.zip, customer.country)))
    for line in filter(None, (customer.account, address, customer.email, customer.phone)):
        pdf.cell_text(0, line)
        pdf.ln(6)
    pdf.ln(4)
    widths = (10, 80, 20, 25, 20, 30)
    headings = ("#", "Description", "Qty", "Unit price", "Tax %", "Amount")
    for width, heading, align in zip(widths, headings, "LLRRRR", strict=True):
        pdf.cell_text(width, heading, bold=True, align=align)
    pdf.ln(8)
    for line in invoice.items:
        cells = (str(line.position), line.description[:60], f"{line.qty.normalize():f}",
                 _money(line.amount), f"{line.tax_rate:.2f}", _money(line.line_total))
        for width, text, align in zip(widths, cells, "LLRRRR", strict=True):
            pdf.cell_text(width, text, align=align)
        pdf.ln(7)
    pdf.ln(4)
    for label, value, bold in (("Subtotal", invoice.subtotal, False), ("Tax", invoice.tax, False),
                               ("Total", invoice.total, True), ("Paid", invoice.amount_paid, False),
                               ("Balance due", invoice.balance, True)):
        pdf.cell_text(sum(widths[:-1]), label, align="R", bold=bold)
        pdf.cell_text(widths[-1], _money(value), align="R", bold=bold)
        pdf.ln(7)
    if invoice.notes:
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 5, _latin1(invoice.notes))
    return bytes(pdf.output())
