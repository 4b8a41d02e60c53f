"""Request helpers shared by the resource tests."""


def make_customer(client, headers, **fields) -> dict:
    response = client.post("/api/v1/customers", json={"account": "Jane Smith", **fields},
                           headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def make_invoice(client, headers, *, items=None, customer_id=None, **fields) -> dict:
    customer_id = customer_id or make_customer(client, headers)["id"]
    body = {"customer_id": customer_id, "date": "2026-01-15", "due_date": "2099-02-15",
            "items": items or [{"description": "Web Development", "amount": "1500.00", "qty": "1"}],
            **fields}
    response = client.post("/api/v1/invoices", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def pay(client, headers, invoice_id, amount, **fields):
    return client.post("/api/v1/payments", json={
        "invoice_id": invoice_id, "amount": amount, "date": "2026-01-20", "method": "card",
        **fields}, headers=headers)


def make_quote(client, headers, *, items=None, customer_id=None, **fields) -> dict:
    customer_id = customer_id or make_customer(client, headers)["id"]
    body = {"customer_id": customer_id, "date": "2026-01-15", "valid_until": "2099-02-15",
            "items": items or [{"description": "Consulting", "amount": "2000.00", "qty": "1"}],
            **fields}
    response = client.post("/api/v1/quotes", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json
