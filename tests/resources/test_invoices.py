"""Invoices: exact totals, gap-free numbers, the state machine, filters, the PDF."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from sqlalchemy import select

from app.extensions import db
from app.models import StockMovement
from tests.resources.helpers import make_customer, make_invoice, pay


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def test_totals_are_exact_and_rounded_half_up(client, headers):
    invoice = make_invoice(client, headers, items=[
        {"description": "Hosting", "amount": "99.99", "qty": "3", "tax_rate": "10"},
        {"description": "Tenth", "amount": "0.1", "qty": "3"},
        {"description": "Half cent", "amount": "0.01", "qty": "0.5", "tax_rate": "20"},
    ])
    lines = invoice["items"]
    assert [line["line_total"] for line in lines] == ["299.97", "0.30", "0.01"]
    assert [line["line_tax"] for line in lines] == ["30.00", "0.00", "0.00"]
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("300.28", "30.00", "330.28")
    assert invoice["balance"] == "330.28" and invoice["amount_paid"] == "0.00"


def test_tax_rate_defaults_to_the_products(client, headers):
    product = client.post("/api/v1/products", json={"name": "P", "price": "10.00", "stock": "2",
                                                    "tax_rate": "20"}, headers=headers).json
    invoice = make_invoice(client, headers, items=[
        {"description": "P", "amount": "10.00", "qty": "2", "product_id": product["id"]}])
    assert invoice["items"][0]["tax_rate"] == "20.00"
    assert invoice["total"] == "24.00"


def test_numbers_are_a_sequence_per_organisation_and_year(client, tree, headers):
    numbers = [make_invoice(client, headers)["invoice_number"] for _ in range(3)]
    assert numbers == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]
    next_year = make_invoice(client, headers, date="2027-01-02", due_date="2027-02-01")
    assert next_year["invoice_number"] == "INV-2027-0001"
    customer = make_customer(client, headers, organisation=tree.D.id)
    other_org = make_invoice(client, headers, customer_id=customer["id"], organisation=tree.D.id)
    assert other_org["invoice_number"] == "INV-2026-0001"


def test_a_failed_create_leaves_no_gap(client, headers):
    first = make_invoice(client, headers)
    failed = client.post("/api/v1/invoices", json={
        "customer_id": first["customer_id"], "date": "2026-01-15", "due_date": "2026-02-15",
        "items": [{"description": "x", "qty": "1", "amount": "1.00", "product_id": 999}]},
        headers=headers)
    assert failed.status_code == 422
    assert make_invoice(client, headers)["invoice_number"] == "INV-2026-0002"


def test_customer_and_products_must_be_in_the_invoice_organisation(client, tree, headers):
    customer_of_d = make_customer(client, headers, organisation=tree.D.id)
    response = client.post("/api/v1/invoices", json={
        "customer_id": customer_of_d["id"], "date": "2026-01-15", "due_date": "2026-02-15",
        "items": [{"description": "x", "qty": "1", "amount": "1.00"}]}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"customer_id": "Customer not found in this organisation."}


@pytest.mark.parametrize("change,field", [
    ({"items": []}, "items"),
    ({"items": [{"description": "x", "qty": "0", "amount": "1.00"}]}, "items.0.qty"),
    ({"items": [{"description": "x", "qty": "1", "amount": "-1.00"}]}, "items.0.amount"),
    ({"items": [{"qty": "1", "amount": "1.00"}]}, "items.0.description"),
    ({"due_date": "2026-01-01"}, "due_date"),
    ({"date": "15/01/2026"}, "date"),
    ({"status": "Paid"}, "status"),
    ({"invoice_number": "INV-1"}, "invoice_number"),
    ({"total": "1.00"}, "total"),
])
def test_validation(client, headers, change, field):
    customer = make_customer(client, headers)
    body = {"customer_id": customer["id"], "date": "2026-01-15", "due_date": "2026-02-15",
            "items": [{"description": "Work", "qty": "1", "amount": "10.00"}], **change}
    response = client.post("/api/v1/invoices", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.json["errors"], response.json


class TestStateMachine:
    def test_payments_move_the_status(self, client, headers):
        invoice = make_invoice(client, headers, items=[
            {"description": "x", "qty": "1", "amount": "100.00"}])
        assert invoice["status"] == "Unpaid"
        assert pay(client, headers, invoice["id"], "40.00").status_code == 201
        partial = client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json
        assert (partial["status"], partial["amount_paid"], partial["balance"]) == (
            "Partially Paid", "40.00", "60.00")
        assert pay(client, headers, invoice["id"], "60").status_code == 201
        paid = client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json
        assert (paid["status"], paid["balance"]) == ("Paid", "0.00")

    def test_paid_invoice_items_cannot_change(self, client, headers):
        invoice = make_invoice(client, headers, items=[{"description": "x", "qty": "1", "amount": "5"}])
        pay(client, headers, invoice["id"], "5.00")
        response = client.put(f"/api/v1/invoices/{invoice['id']}", json={
            "items": [{"description": "y", "qty": "1", "amount": "1.00"}]}, headers=headers)
        assert response.status_code == 409
        notes = client.put(f"/api/v1/invoices/{invoice['id']}", json={"notes": "Thanks"},
                           headers=headers)
        assert notes.status_code == 200 and notes.json["notes"] == "Thanks"

    def test_void_invoice_items_cannot_change(self, client, headers):
        invoice = make_invoice(client, headers)
        voided = client.put(f"/api/v1/invoices/{invoice['id']}", json={"status": "Void"},
                            headers=headers)
        assert voided.json["status"] == "Void"
        response = client.put(f"/api/v1/invoices/{invoice['id']}", json={
            "items": [{"description": "y", "qty": "1", "amount": "1.00"}]}, headers=headers)
        assert response.status_code == 409
        assert pay(client, headers, invoice["id"], "1.00").status_code == 409

    def test_draft_takes_no_payment_until_issued(self, client, headers):
        invoice = make_invoice(client, headers, status="Draft")
        assert invoice["status"] == "Draft"
        assert pay(client, headers, invoice["id"], "1.00").status_code == 409
        issued = client.put(f"/api/v1/invoices/{invoice['id']}", json={"status": "Unpaid"},
                            headers=headers)
        assert issued.json["status"] == "Unpaid"
        assert pay(client, headers, invoice["id"], "1.00").status_code == 201

    def test_partly_paid_invoice_cannot_be_voided(self, client, headers):
        invoice = make_invoice(client, headers)
        pay(client, headers, invoice["id"], "1.00")
        response = client.put(f"/api/v1/invoices/{invoice['id']}", json={"status": "Void"},
                              headers=headers)
        assert response.status_code == 409

    def test_unpaid_invoice_items_change_and_totals_follow(self, client, headers):
        invoice = make_invoice(client, headers)
        changed = client.put(f"/api/v1/invoices/{invoice['id']}", json={
            "items": [{"description": "y", "qty": "2", "amount": "7.50"}]}, headers=headers)
        assert changed.status_code == 200
        assert (changed.json["total"], len(changed.json["items"])) == ("15.00", 1)

    def test_total_cannot_drop_below_the_amount_paid(self, client, headers):
        invoice = make_invoice(client, headers, items=[{"description": "x", "qty": "1", "amount": "50"}])
        pay(client, headers, invoice["id"], "30.00")
        response = client.put(f"/api/v1/invoices/{invoice['id']}", json={
            "items": [{"description": "y", "qty": "1", "amount": "10.00"}]}, headers=headers)
        assert response.status_code == 409

    def test_overdue_is_derived_from_the_due_date(self, client, headers):
        past = (date.today() - timedelta(days=1)).isoformat()
        invoice = make_invoice(client, headers, date="2020-01-01", due_date=past)
        assert invoice["status"] == "Overdue" and invoice["overdue"] is True


def test_filters(client, headers):
    first = make_invoice(client, headers, date="2026-01-10")
    second = make_invoice(client, headers, date="2026-03-10", due_date="2099-01-01")
    pay(client, headers, second["id"], "1500.00")
    overdue = make_invoice(client, headers, date="2020-01-01", due_date="2020-02-01")

    def ids(**query):
        response = client.get("/api/v1/invoices", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return [i["id"] for i in response.json["data"]]

    assert ids(status="Paid") == [second["id"]]
    assert ids(status="Unpaid") == [first["id"], overdue["id"]]  # past due included
    assert ids(status="Overdue") == [overdue["id"]]
    assert ids(customer_id=first["customer_id"]) == [first["id"]]
    assert ids(date_from="2026-02-01") == [second["id"]]
    assert ids(date_to="2026-02-01") == [first["id"], overdue["id"]]


def test_pdf_shows_the_invoice(client, headers):
    customer = make_customer(client, headers, account="Zoë Łukasz")
    invoice = make_invoice(client, headers, customer_id=customer["id"], items=[
        {"description": "Web Development", "amount": "1500.00", "qty": "1", "tax_rate": "20"},
        {"description": "Hosting", "amount": "99.99", "qty": "2"}])
    response = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert invoice["invoice_number"] in text
    assert "1,999.98" in text  # total: 1500 + 300 tax + 199.98
    assert "Web Development" in text and "Hosting" in text
    assert "Zoë Łukasz" in text
    assert "Balance due" in text and invoice["due_date"] in text


def _pdf_fonts(data: bytes) -> dict[str, str]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return {name: str(font.get_object()["/BaseFont"]) for name, font in page["/Resources"]["/Font"].items()}


def _text_by_tounicode(data: bytes) -> str:
    """The page text as each font's ToUnicode map says (every font here is Type0, 2-byte codes).

    pypdf's extract_text reads the CJK font as 1-byte codes (its /Encoding is an embedded CMap, which
    pypdf does not parse) and spaces its characters apart; PDF viewers and pdftotext follow the
    ToUnicode map, as this does."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    maps = {}
    for name, font in page["/Resources"]["/Font"].items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
        maps[name] = {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
                      for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S)
                      for code, text in re.findall(r"<([0-9A-F]+)> <([0-9A-F]*)>", block)}
    lines, line, font = [], [], None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"Tf":
            font = operands[0]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else operands
            for raw in (s for s in strings if not isinstance(s, (int, float))):
                raw = raw.original_bytes if hasattr(raw, "original_bytes") else bytes(raw)
                line += [maps[font].get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                         for i in range(0, len(raw), 2)]
        elif operator == b"ET" and line:
            lines.append("".join(line))
            line = []
    return "\n".join(lines)


def test_pdf_shows_names_and_lines_in_any_script(client, headers):
    long_description = "Consulting: " + "analysis, design and review of the rollout; " * 4 + "END"
    latin = make_customer(client, headers, account="Zoë Łukasiewicz")
    invoice = make_invoice(client, headers, customer_id=latin["id"], items=[
        {"description": "Ελληνικά и кириллица", "amount": "10.00", "qty": "1"},
        {"description": long_description, "amount": "1.00", "qty": "1"}])
    response = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=headers)
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Zoë Łukasiewicz" in text
    assert "Ελληνικά и кириллица" in text
    assert "END" in text and len(long_description) > 60  # wrapped in its cell, not cut
    # Latin, Greek and Cyrillic need no CJK font: it is only embedded when the text needs it
    assert not any("CJK" in font for font in _pdf_fonts(response.data).values())

    cjk = make_customer(client, headers, account="株式会社テスト")
    invoice = make_invoice(client, headers, customer_id=cjk["id"], items=[
        {"description": "ホスティング 한국어 서비스", "amount": "10.00", "qty": "1"}])
    response = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=headers)
    assert response.status_code == 200
    assert any("NotoSansCJK" in font for font in _pdf_fonts(response.data).values())
    text = _text_by_tounicode(response.data)
    assert "株式会社テスト" in text.splitlines()
    assert "ホスティング 한국어 서비스" in text
    assert invoice["invoice_number"] in text and "Balance due" in text


def test_totals_beyond_the_storable_range_are_422(client, headers):
    customer = make_customer(client, headers)
    response = client.post("/api/v1/invoices", json={
        "customer_id": customer["id"], "date": "2026-01-15", "due_date": "2026-02-15",
        "items": [{"description": "x", "qty": "99999999999.999", "amount": "9999999999.99"}]},
        headers=headers)
    assert response.status_code == 422
    assert "items" in response.json["errors"]


class TestStockFollowsInvoices:
    """An invoice line naming a product takes its quantity from stock when the invoice is
    issued, follows edits, and gives it back when the invoice is voided."""

    @pytest.fixture
    def shop(self, client, tree, make_caller, auth):
        headers = auth(make_caller(tree.C, admin=True))
        customer = client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
        product = client.post("/api/v1/products", headers=headers, json={
            "name": "Widget", "price": "10.00", "stock": "100", "min_stock": "95"})
        return headers, customer.json["id"], product.json["id"]

    @staticmethod
    def _invoice(client, headers, customer_id, product_id, qty, status="Unpaid"):
        return client.post("/api/v1/invoices", headers=headers, json={
            "customer_id": customer_id, "date": "2026-03-01", "due_date": "2099-01-01",
            "status": status, "items": [{"description": "Widgets", "qty": qty, "amount": "10.00",
                                         "product_id": product_id}]})

    @staticmethod
    def _stock(client, headers, product_id):
        return client.get(f"/api/v1/products/{product_id}", headers=headers).json["stock"]

    def test_issue_edit_and_void(self, client, shop):
        headers, customer_id, product_id = shop
        invoice = self._invoice(client, headers, customer_id, product_id, "3")
        assert invoice.status_code == 201
        assert self._stock(client, headers, product_id) == "97.000"
        low = client.get("/api/v1/products/low-stock", headers=headers).json["data"]
        assert [p["id"] for p in low] == []
        url = f"/api/v1/invoices/{invoice.json['id']}"
        lines = [{"description": "Widgets", "qty": "8", "amount": "10.00", "product_id": product_id}]
        assert client.put(url, json={"items": lines}, headers=headers).status_code == 200
        assert self._stock(client, headers, product_id) == "92.000"
        low = client.get("/api/v1/products/low-stock", headers=headers).json["data"]
        assert [p["id"] for p in low] == [product_id]  # at once
        assert client.put(url, json={"status": "Void"}, headers=headers).status_code == 200
        assert self._stock(client, headers, product_id) == "100.000"
        movements = db.session.scalars(select(StockMovement).where(
            StockMovement.product_id == product_id).order_by(StockMovement.id)).all()
        assert [(m.change, m.invoice_id) for m in movements] == [
            (Decimal("100"), None), (Decimal("-3"), invoice.json["id"]),
            (Decimal("-5"), invoice.json["id"]), (Decimal("8"), invoice.json["id"])]

    def test_a_draft_takes_nothing_until_issued(self, client, shop):
        headers, customer_id, product_id = shop
        draft = self._invoice(client, headers, customer_id, product_id, "4", status="Draft")
        assert self._stock(client, headers, product_id) == "100.000"
        client.put(f"/api/v1/invoices/{draft.json['id']}", json={"status": "Unpaid"},
                   headers=headers)
        assert self._stock(client, headers, product_id) == "96.000"

    def test_never_below_zero_unless_the_product_allows_it(self, client, shop):
        headers, customer_id, product_id = shop
        refused = self._invoice(client, headers, customer_id, product_id, "101")
        assert refused.status_code == 422
        assert list(refused.json["errors"]) == ["items.0.qty"]
        assert self._stock(client, headers, product_id) == "100.000"
        client.put(f"/api/v1/products/{product_id}", json={"allow_negative_stock": True},
                   headers=headers)
        assert self._invoice(client, headers, customer_id, product_id, "101").status_code == 201
        assert self._stock(client, headers, product_id) == "-1.000"
