"""Idempotency-Key: a retried create returns the first result instead of a duplicate."""
from tests.resources.helpers import make_invoice


def post(client, headers, key, body, path="/api/v1/customers"):
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def test_retry_returns_the_first_result(client, admin_c, auth):
    headers = auth(admin_c)
    first = post(client, headers, "key-1", {"account": "Jane"})
    again = post(client, headers, "key-1", {"account": "Jane"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get("/api/v1/customers", headers=headers).json["meta"]["total_records"] == 1


def test_payment_retry_pays_once(client, admin_c, auth):
    headers = auth(admin_c)
    invoice = make_invoice(client, headers)
    body = {"invoice_id": invoice["id"], "amount": "100.00", "date": "2026-01-20", "method": "card"}
    for _ in range(3):
        assert post(client, headers, "pay-1", body, "/api/v1/payments").status_code == 201
    after = client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json
    assert after["amount_paid"] == "100.00"


def test_same_key_different_body_is_refused(client, admin_c, auth):
    headers = auth(admin_c)
    post(client, headers, "key-2", {"account": "Jane"})
    response = post(client, headers, "key-2", {"account": "John"})
    assert response.status_code == 409
    assert response.json["code"] == "idempotency_key_reused"


def test_failed_create_can_be_retried_with_the_key(client, admin_c, auth):
    headers = auth(admin_c)
    assert post(client, headers, "key-3", {"account": ""}).status_code == 422
    assert post(client, headers, "key-3", {"account": "Fixed"}).status_code == 201


def test_keys_belong_to_the_client(client, tree, admin_c, make_caller, auth):
    other = make_caller(tree.C, admin=True)
    first = post(client, auth(admin_c), "shared", {"account": "A"})
    second = post(client, auth(other), "shared", {"account": "A"})
    assert second.status_code == 201 and second.json["id"] != first.json["id"]


def test_bad_key_is_400(client, admin_c, auth):
    response = post(client, auth(admin_c), "x" * 256, {"account": "A"})
    assert response.status_code == 400
