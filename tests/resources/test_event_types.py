"""The events of the resources added after issue 14: each change made through the API
records exactly its events, each with the record as the API returns it."""
import base64
from pathlib import Path

import pytest
from sqlalchemy import select

from app import events
from app.extensions import db
from app.models import Event
from tests.resources.field_service import connect
from tests.resources.helpers import make_customer, make_invoice, make_quote, pay


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


@pytest.fixture
def recorded():
    """``recorded()``: (type, organisation, data) of the events since the last call."""
    seen = [0]

    def since_last():
        rows = db.session.scalars(select(Event).where(Event.id > seen[0]).order_by(Event.id)).all()
        seen[0] = rows[-1].id if rows else seen[0]
        assert {row.type for row in rows} <= set(events.TYPES)  # the documented ones
        return [(row.type, row.organisation_id, row.data) for row in rows]

    return since_last


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json if response.data else None


def test_quotes(client, headers, tree, recorded):
    customer = make_customer(client, headers)
    recorded()
    quote = make_quote(client, headers, customer_id=customer["id"])
    url = f"/api/v1/quotes/{quote['id']}"
    org = tree.C.id
    assert recorded() == [("quote.created", org, quote)]
    noted = ok(client.put(url, json={"notes": "n"}, headers=headers))
    ok(client.put(url, json={"notes": "n"}, headers=headers))  # no change, no event
    assert recorded() == [("quote.updated", org, noted)]
    for status in ("Sent", "Accepted"):
        moved = ok(client.patch(url, json={"status": status}, headers=headers))
        assert recorded() == [(f"quote.{status.lower()}", org, moved)]
    invoice = ok(client.post(f"{url}/convert", json={}, headers=headers), 201)
    converted = ok(client.get(url, headers=headers))
    assert recorded() == [("invoice.created", org, invoice), ("quote.converted", org, converted)]
    other = make_quote(client, headers, customer_id=customer["id"])
    rejected = ok(client.put(f"/api/v1/quotes/{other['id']}", json={"status": "Rejected"},
                             headers=headers))
    assert recorded() == [("quote.created", org, other), ("quote.rejected", org, rejected)]


def test_accounts_and_transactions(client, headers, tree, recorded):
    org = tree.C.id
    first = ok(client.post("/api/v1/accounts", json={"name": "Bank", "type": "bank"},
                           headers=headers), 201)
    assert recorded() == [("account.created", org, first)]
    second = ok(client.post("/api/v1/accounts", json={"name": "Till", "type": "cash",
                                                      "default": True}, headers=headers), 201)
    first_now = ok(client.get(f"/api/v1/accounts/{first['id']}", headers=headers))
    assert not first_now["default"]
    assert recorded() == [("account.created", org, second), ("account.updated", org, first_now)]
    renamed = ok(client.put(f"/api/v1/accounts/{second['id']}", json={"name": "Safe"},
                            headers=headers))
    assert recorded() == [("account.updated", org, renamed)]
    income = ok(client.post("/api/v1/transactions", json={
        "type": "Income", "account_id": first["id"], "amount": "10.00", "date": "2026-01-15"},
        headers=headers), 201)
    assert recorded() == [("transaction.created", org, income)]
    reversal = ok(client.post(f"/api/v1/transactions/{income['id']}/void", headers=headers), 201)
    voided = ok(client.get(f"/api/v1/transactions/{income['id']}", headers=headers))
    assert voided["reversed_by_id"] == reversal["id"]
    assert recorded() == [("transaction.created", org, reversal),
                          ("transaction.voided", org, voided)]


def test_a_payment_records_its_income_transaction(client, headers, tree, recorded):
    invoice = make_invoice(client, headers)
    recorded()
    payment = ok(pay(client, headers, invoice["id"], "100.00"), 201)
    [income] = ok(client.get("/api/v1/transactions", headers=headers))["data"]
    [cash] = ok(client.get("/api/v1/accounts", headers=headers))["data"]
    cash["balance"] = "0.00"  # as it was made, before the income
    got = recorded()
    assert got[:2] == [("account.created", tree.C.id, cash),
                          ("transaction.created", tree.C.id, income)]
    assert [(kind, data["id"]) for kind, _, data in got[2:]] == [
        ("payment.received", payment["id"])]


def test_categories_and_departments(client, headers, tree, recorded):
    category = ok(client.post("/api/v1/categories", json={"name": "Sales", "type": "Income"},
                              headers=headers), 201)
    department = ok(client.post("/api/v1/departments", json={"name": "Support"},
                                headers=headers), 201)
    assert recorded() == [("category.created", tree.C.id, category),
                          ("department.created", tree.C.id, department)]


def test_tickets_and_their_messages(client, headers, tree, recorded):
    customer = make_customer(client, headers)
    recorded()
    org = tree.C.id
    ticket = ok(client.post("/api/v1/tickets", json={
        "customer_id": customer["id"], "subject": "Broken", "message": "Help"}, headers=headers), 201)
    url = f"/api/v1/tickets/{ticket['id']}"
    [first] = ok(client.get(f"{url}/messages", headers=headers))["data"]
    assert recorded() == [("ticket.created", org, ticket), ("ticket_message.created", org, first)]
    reply = ok(client.post(f"{url}/messages", json={"body": "On it", "author": "staff"},
                           headers=headers), 201)
    pending = ok(client.get(url, headers=headers))
    assert recorded() == [("ticket_message.created", org, reply), ("ticket.updated", org, pending)]
    high = ok(client.put(url, json={"priority": "High"}, headers=headers))
    assert recorded() == [("ticket.updated", org, high)]
    closed = ok(client.patch(url, json={"status": "Closed"}, headers=headers))
    assert recorded() == [("ticket.updated", org, closed)]
    again = ok(client.post(f"{url}/messages", json={"body": "Still broken"}, headers=headers), 201)
    follow_up = ok(client.get(f"/api/v1/tickets/{again['ticket_id']}", headers=headers))
    assert follow_up["follow_up_of_id"] == ticket["id"]
    assert recorded() == [("ticket.created", org, follow_up),
                          ("ticket_message.created", org, again)]


def test_leads(client, headers, tree, recorded):
    org = tree.C.id
    lead = ok(client.post("/api/v1/leads", json={"first_name": "John", "email": "j@example.com"},
                          headers=headers), 201)
    url = f"/api/v1/leads/{lead['id']}"
    assert recorded() == [("lead.created", org, lead)]
    contacted = ok(client.put(url, json={"status": "Contacted"}, headers=headers))
    ok(client.put(url, json={"status": "Contacted"}, headers=headers))
    assert recorded() == [("lead.updated", org, contacted)]
    customer = ok(client.post(f"{url}/convert", headers=headers))
    converted = ok(client.get(url, headers=headers))
    assert recorded() == [("customer.created", org, customer), ("lead.converted", org, converted)]
    ok(client.post(f"{url}/convert", headers=headers))
    assert recorded() == []


def test_repairs(client, headers, tree, recorded):
    customer = make_customer(client, headers)
    recorded()
    org = tree.C.id
    repair = ok(client.post("/api/v1/repairs", json={
        "customer_id": customer["id"], "device": "Phone X",
        "labour": [{"description": "Fit screen", "hours": 1.5, "rate": 40.00}]},
        headers=headers), 201)
    assert repair["total"] == "60.00"
    assert recorded() == [("repair.created", org, repair)]
    url = f"/api/v1/repairs/{repair['id']}"
    diagnosing = ok(client.put(url, json={"status": "Diagnosing"}, headers=headers))
    assert recorded() == [("repair.updated", org, diagnosing)]
    relaboured = ok(client.put(url, json={"customer_id": customer["id"], "labour": [
        {"description": "Fit screen", "hours": 2, "rate": 40.00}]}, headers=headers))
    assert recorded() == [("repair.updated", org, relaboured)]
    invoice = ok(client.post(f"{url}/invoice", headers=headers), 201)
    invoiced = ok(client.get(url, headers=headers))
    assert recorded() == [("invoice.created", org, invoice), ("repair.invoiced", org, invoiced)]


def test_connections_tell_both_sides_each_as_it_sees_it(client, parties, auth, recorded):
    p = parties
    asker, asked = auth(p.client_admin), auth(p.contractor_admin)
    recorded()
    sides = (p.client_org.id, p.contractor_org.id)

    def both(verb, connection_id):
        return [(f"connection.{verb}", side, ok(client.get(
            f"/api/v1/connections/{connection_id}", headers=caller)))
            for side, caller in zip(sides, (asker, asked), strict=True)]

    first = ok(client.post("/api/v1/connections", json={"foreigncompany_ref": sides[1]},
                           headers=asker), 201)
    assert recorded() == both("requested", first["id"])
    ok(client.post(f"/api/v1/connections/{first['id']}/accept", headers=asked))
    assert recorded() == both("accepted", first["id"])
    ok(client.delete(f"/api/v1/connections/{first['id']}", headers=asker), 204)
    assert recorded() == both("revoked", first["id"])
    second = ok(client.post("/api/v1/connections", json={"foreigncompany_ref": sides[1]},
                            headers=asker), 201)
    ok(client.post(f"/api/v1/connections/{second['id']}/reject", headers=asked))
    assert recorded()[2:] == both("rejected", second["id"])


PHOTO = {"action": "add", "filename": "meter.png", "mimetype": "image/png",
         "binary": base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)).decode()}


def test_tasks_notes_and_assignments_tell_the_sides_that_see_them(client, parties, auth, recorded):
    p = parties
    connection = connect(p.client_org, p.contractor_org)
    db.session.commit()
    giver, contractor = auth(p.client_admin), auth(p.contractor_admin)
    sides = [p.client_org.id, p.contractor_org.id]
    task = ok(client.post("/api/v1/tasks", json={
        "foreigncompany_ref": sides[1], "title": "Fix", "photos": [PHOTO]}, headers=giver), 201)
    assert task["photos"]
    url = f"/api/v1/tasks/{task['id']}"
    assert recorded() == [("task.created", side, task) for side in sides]
    attached = ok(client.patch(url, json={"attachment": PHOTO}, headers=giver))
    assert attached["attachment"]
    assert recorded() == [("task.updated", side, attached) for side in sides]
    accepted = ok(client.patch(url, json={"status": "accepted"}, headers=contractor))
    ok(client.patch(url, json={"status": "accepted", "title": "Fix"}, headers=contractor))
    assert recorded() == [("task.updated", side, accepted) for side in sides]
    internal = ok(client.post(f"{url}/notes", json={"text": "Ours", "internal": True,
                                                    "photos": [PHOTO]}, headers=contractor), 201)
    assert internal["photos"]
    assert recorded() == [("task_note.created", sides[1], internal)]
    external = ok(client.post(f"{url}/notes", json={"text": "Yours"}, headers=contractor), 201)
    assert recorded() == [("task_note.created", side, external) for side in sides]
    assignment = ok(client.post("/api/v1/assignments", json={
        "task_ref": task["id"], "user_ref": p.worker.user.id}, headers=contractor), 201)
    assert recorded() == [("assignment.created", side, assignment) for side in sides]
    ok(client.delete(f"/api/v1/assignments/{assignment['id']}", headers=contractor), 204)
    assert recorded() == [("assignment.deleted", side, assignment) for side in sides]
    connection.set_status("revoked")
    db.session.commit()
    renamed = ok(client.put(url, json={"title": "Fix it"}, headers=giver))
    assert recorded() == [("task.updated", sides[0], renamed)]  # the contractor no longer sees it


def test_a_batch_records_what_single_creates_record(client, headers, recorded):
    single = make_customer(client, headers)
    assert [kind for kind, _, _ in recorded()] == ["customer.created"]
    batch = ok(client.post("/api/v1/batch/customers", json={
        "customers": [{"account": "One"}, {"account": ""}, {"account": "Two"}]}, headers=headers))
    created = [result["id"] for result in batch["results"] if result["status"] == 201]
    got = recorded()
    assert [(kind, data["id"]) for kind, _, data in got] == [
        ("customer.created", record_id) for record_id in created]
    assert got[0][2] == {**single, "id": created[0], "account": "One",
                            "created_at": got[0][2]["created_at"],
                            "updated_at": got[0][2]["updated_at"]}


def test_the_readme_lists_every_event_type():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert [kind for kind in events.TYPES if f"`{kind}`" not in readme] == []


def test_batch_products_and_invoices_record_their_created_events(client, headers, recorded):
    customer = make_customer(client, headers)
    recorded()
    for name, item in (("products", {"name": "Widget", "price": "1.00"}),
                       ("invoices", {"customer_id": customer["id"], "date": "2026-01-15",
                                     "due_date": "2026-02-15", "items": [
                                         {"description": "Work", "amount": "10.00", "qty": "1"}]})):
        batch = ok(client.post(f"/api/v1/batch/{name}", json={name: [item, item]}, headers=headers))
        created = [result["id"] for result in batch["results"]]
        single = ok(client.get(f"/api/v1/{name}/{created[0]}", headers=headers))
        got = recorded()
        assert [(kind, data["id"]) for kind, _, data in got] == [
            (f"{name[:-1]}.created", record_id) for record_id in created]
        assert got[0][2] == single
