"""Tickets: departments, replies that move the status, follow-ups of closed tickets, the
transition table and the history."""
import pytest

from tests.resources.helpers import make_customer

OPEN, PENDING, CLOSED = "Open", "Pending", "Closed"
ALLOWED = {OPEN: [PENDING, CLOSED], PENDING: [OPEN, CLOSED], CLOSED: []}


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


def make_ticket(client, headers, **fields):
    body = {"customer_id": make_customer(client, headers)["id"], "subject": "Printer on fire",
            "message": "It is on fire", **fields}
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def ticket_in(client, headers, status):
    ticket = make_ticket(client, headers)
    path = {OPEN: [], PENDING: [PENDING], CLOSED: [CLOSED]}[status]
    for step in path:
        assert client.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": step},
                            headers=headers).status_code == 200
    return ticket


def reply(client, headers, ticket_id, author, body="Hello"):
    return client.post(f"/api/v1/tickets/{ticket_id}/messages",
                       json={"body": body, "author": author}, headers=headers)


def test_create_with_first_message_and_department(client, headers):
    department = client.post("/api/v1/departments", json={"name": "Support"}, headers=headers)
    assert department.status_code == 201, department.json
    ticket = make_ticket(client, headers, department_id=department.json["id"], priority="High")
    assert (ticket["status"], ticket["priority"], ticket["department_id"]) == (
        OPEN, "High", department.json["id"])
    messages = client.get(f"/api/v1/tickets/{ticket['id']}/messages", headers=headers).json
    assert [(m["body"], m["author"]) for m in messages["data"]] == [("It is on fire", "customer")]
    listed = client.get("/api/v1/departments", headers=headers).json["data"]
    assert [d["name"] for d in listed] == ["Support"]


def test_references_must_be_of_the_tickets_organisation(client, tree, headers, make_caller,
                                                         auth):
    other = auth(make_caller(tree.C2, admin=True))
    foreign = client.post("/api/v1/departments", json={"name": "Theirs"}, headers=other).json
    response = client.post("/api/v1/tickets", json={
        "customer_id": make_customer(client, headers)["id"], "subject": "S", "message": "M",
        "department_id": foreign["id"]}, headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["department_id"]


@pytest.mark.parametrize("author,status", [("staff", PENDING), ("customer", OPEN)])
@pytest.mark.parametrize("before", [OPEN, PENDING])
def test_a_reply_sets_the_status(client, headers, author, status, before):
    ticket = ticket_in(client, headers, before)
    response = reply(client, headers, ticket["id"], author)
    assert response.status_code == 201, response.json
    assert response.json["ticket_id"] == ticket["id"]
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json["status"] == status


@pytest.mark.parametrize("author,status", [("staff", PENDING), ("customer", OPEN)])
def test_a_reply_to_a_closed_ticket_opens_a_follow_up(client, headers, author, status):
    closed = ticket_in(client, headers, CLOSED)
    response = reply(client, headers, closed["id"], author, "Still broken")
    assert response.status_code == 201, response.json
    follow_up_id = response.json["ticket_id"]
    assert follow_up_id != closed["id"]
    assert client.get(f"/api/v1/tickets/{closed['id']}", headers=headers).json["status"] == CLOSED
    follow_up = client.get(f"/api/v1/tickets/{follow_up_id}", headers=headers).json
    assert (follow_up["status"], follow_up["follow_up_of_id"], follow_up["subject"]) == (
        status, closed["id"], closed["subject"])
    # a second reply to the closed ticket joins the same follow-up
    again = reply(client, headers, closed["id"], "customer")
    assert again.json["ticket_id"] == follow_up_id
    bodies = client.get(f"/api/v1/tickets/{follow_up_id}/messages", headers=headers).json["data"]
    assert [m["body"] for m in bodies] == ["Still broken", "Hello"]


@pytest.mark.parametrize("source", [OPEN, PENDING, CLOSED])
@pytest.mark.parametrize("target", [OPEN, PENDING, CLOSED])
def test_every_move_of_the_transition_table(client, headers, source, target):
    ticket = ticket_in(client, headers, source)
    response = client.put(f"/api/v1/tickets/{ticket['id']}", json={"status": target},
                          headers=headers)
    if target == source or target in ALLOWED[source]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == target
    else:
        assert response.status_code == 409, response.json
        assert response.json["code"] == "invalid_transition"
        assert response.json["allowed"] == ALLOWED[source]


def test_history_says_who_changed_what(client, headers, admin_c):
    ticket = make_ticket(client, headers, priority="Low")
    client.patch(f"/api/v1/tickets/{ticket['id']}", json={"priority": "Urgent", "subject": "S2"},
                 headers=headers)
    reply(client, headers, ticket["id"], "staff")
    history = client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers).json
    changes = [(h["field"], h["old"], h["new"]) for h in history["data"]]
    assert changes == [
        ("status", None, OPEN), ("subject", None, "Printer on fire"), ("priority", None, "Low"),
        ("customer_id", None, str(ticket["customer_id"])),
        ("subject", "Printer on fire", "S2"), ("priority", "Low", "Urgent"),
        ("status", OPEN, PENDING)]
    assert {h["user_id"] for h in history["data"]} == {admin_c.user.id}
    assert all(h["at"] for h in history["data"])


def test_list_filters(client, headers):
    support = client.post("/api/v1/departments", json={"name": "Support"}, headers=headers).json
    first = make_ticket(client, headers, subject="Login fails", priority="Urgent",
                        department_id=support["id"])
    second = make_ticket(client, headers, subject="Invoice question")
    reply(client, headers, second["id"], "staff")

    def ids(**query):
        response = client.get("/api/v1/tickets", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return [t["id"] for t in response.json["data"]]

    assert ids() == [first["id"], second["id"]]
    assert ids(status=PENDING) == [second["id"]]
    assert ids(priority="Urgent") == [first["id"]]
    assert ids(department_id=support["id"]) == [first["id"]]
    assert ids(customer_id=second["customer_id"]) == [second["id"]]
    assert ids(search="LOGIN") == [first["id"]]
    bad = client.get("/api/v1/tickets?status=Solved", headers=headers)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["status"]


def test_a_ticket_sent_back_as_get_showed_it_is_no_change(client, headers):
    ticket = ticket_in(client, headers, CLOSED)
    shown = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json
    response = client.put(f"/api/v1/tickets/{ticket['id']}", json=shown, headers=headers)
    assert response.status_code == 200, response.json
    history = client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers).json
    assert history["data"][-1]["new"] == CLOSED  # nothing more was recorded
