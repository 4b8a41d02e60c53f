"""Tasks between connected organisations: both sides and nobody else, the transition table,
partial updates by PUT, PATCH and POST, notes, assignments, notifications."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Notification
from tests.resources.field_service import connect


@pytest.fixture
def connected(parties):
    connection = connect(parties.client_org, parties.contractor_org)
    db.session.commit()
    return connection


def make_task(client, headers, contractor_id, **fields):
    response = client.post("/api/v1/tasks", json={
        "foreigncompany_ref": contractor_id, "title": "Replace the meter",
        "scheduled_start": "2026-12-01T08:00:00Z", **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _texts(user_id):
    return [(n.text, n.related_object) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def test_a_task_is_seen_by_exactly_the_two_sides(client, parties, connected, auth):
    p = parties
    task = make_task(client, auth(p.client_admin), p.contractor_org.id, address="1 High St")
    assert (task["company_ref"], task["foreigncompany_ref"], task["status"]) == (
        p.client_org.id, p.contractor_org.id, "new")
    assert _texts(p.contractor_admin.user.id) == [("Client Ltd has sent you the task Replace the meter",
                                                   "task")]
    for caller in (p.contractor_admin, p.worker):
        seen = client.get(f"/api/v1/tasks/{task['id']}", headers=auth(caller))
        assert seen.status_code == 200 and seen.json["address"] == "1 High St"
        assert [t["id"] for t in client.get("/api/v1/tasks", headers=auth(caller)).json["data"]] == [
            task["id"]]
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=auth(p.third_admin)).status_code == 404
    assert client.get("/api/v1/tasks", headers=auth(p.third_admin)).json["data"] == []
    # the contractor reaches the task only, never the client's other records
    assert client.get(f"/api/v1/organisations/{p.client_org.id}",
                      headers=auth(p.contractor_admin)).status_code == 404
    assert client.get(f"/api/v1/users/{p.client_admin.user.id}",
                      headers=auth(p.contractor_admin)).status_code == 404
    connected.set_status("revoked")
    db.session.commit()
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=auth(p.worker)).status_code == 404
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=auth(p.client_admin)).status_code == 200


def test_only_a_connected_contractor_gets_a_task(client, parties, auth):
    p = parties
    connect(p.client_org, p.third_org, "pending")
    db.session.commit()
    for contractor in (p.third_org.id, p.contractor_org.id, 99999):
        refused = client.post("/api/v1/tasks", json={"foreigncompany_ref": contractor, "title": "x"},
                              headers=auth(p.client_admin))
        assert refused.status_code == 422
        assert refused.json["errors"] == {
            "foreigncompany_ref": f"Foreign company {contractor} was not found."}


def test_status_moves_by_the_table_and_updates_are_partial(client, parties, connected, auth):
    p = parties
    customer = client.post("/api/v1/customers", json={"account": "Jane"}, headers=auth(p.client_admin))
    task = make_task(client, auth(p.client_admin), p.contractor_org.id, description="Old meter",
                     customer_id=customer.json["id"])
    url, worker = f"/api/v1/tasks/{task['id']}", auth(p.worker)
    skipped = client.post(url, json={"status": "completed"}, headers=worker)
    assert skipped.status_code == 409
    assert skipped.json["allowed"] == ["accepted", "cancelled"]
    assert client.post(url, json={"status": "accepted"}, headers=worker).json["status"] == "accepted"
    assert client.put(url, json={"status": "in_progress"}, headers=worker).json["status"] == "in_progress"
    done = client.patch(url, json={"status": "completed", "title": "Meter replaced"}, headers=worker)
    assert (done.json["status"], done.json["title"], done.json["description"]) == (
        "completed", "Meter replaced", "Old meter")
    final = client.post(url, json={"status": "cancelled"}, headers=worker)
    assert final.status_code == 409 and final.json["allowed"] == []
    as_read = client.get(url, headers=worker).json
    assert client.put(url, json=as_read, headers=worker).status_code == 200  # sent back as read
    other_customer = client.patch(url, json={"customer_id": customer.json["id"] + 1}, headers=worker)
    assert other_customer.status_code == 422 and list(other_customer.json["errors"]) == ["customer_id"]
    backwards = client.patch(url, json={"scheduled_end": "2026-11-01T00:00:00Z"}, headers=worker)
    assert backwards.status_code == 422 and list(backwards.json["errors"]) == ["scheduled_end"]
    moves = db.session.scalars(select(AuditEvent.changes).where(
        AuditEvent.resource_type == "tasks", AuditEvent.action == "update")).all()
    assert moves[0] == ["status"]


def test_notes_internal_and_external(client, parties, connected, auth):
    p = parties
    task = make_task(client, auth(p.client_admin), p.contractor_org.id)
    url = f"/api/v1/tasks/{task['id']}/notes"
    assigned = client.post("/api/v1/assignments", json={"task_ref": task["id"],
                                                        "user_ref": p.worker.user.id},
                           headers=auth(p.contractor_admin))
    assert assigned.status_code == 201, assigned.json
    external = client.post(url, json={"text": "Key under the mat"}, headers=auth(p.client_admin))
    assert external.status_code == 201 and external.json["internal"] is False
    internal = client.post(url, json={"text": "Bring a ladder", "internal": True},
                           headers=auth(p.contractor_admin))
    assert (internal.json["user_name"], internal.json["company_ref"]) == (
        "Anna Admin", p.contractor_org.id)
    assert [n["text"] for n in client.get(url, headers=auth(p.worker)).json["data"]] == [
        "Key under the mat", "Bring a ladder"]
    assert [n["text"] for n in client.get(url, headers=auth(p.client_admin)).json["data"]] == [
        "Key under the mat"]
    assert client.get(url, headers=auth(p.third_admin)).status_code == 404
    assert _texts(p.contractor_admin.user.id)[1:] == [
        ("Client Ltd has sent you a new note on the task Replace the meter", "tasknote")]
    assert _texts(p.worker.user.id) == [
        ("Anna Admin has assigned you to the task Replace the meter", "task"),
        ("Anna Admin has sent you a note on the task Replace the meter", "tasknote")]


def test_assignments_once_and_only_the_contractors_users(client, parties, connected, auth):
    p = parties
    task = make_task(client, auth(p.client_admin), p.contractor_org.id)
    body = {"task_ref": task["id"], "user_ref": p.worker.user.id}
    first = client.post("/api/v1/assignments", json=body, headers=auth(p.contractor_admin))
    assert first.status_code == 201 and first.json["user_name"] == "Walter Worker"
    assert client.post("/api/v1/assignments", json=body,
                       headers=auth(p.contractor_admin)).status_code == 409
    own_user = client.post("/api/v1/assignments", json={**body, "user_ref": p.client_admin.user.id},
                           headers=auth(p.client_admin))
    assert own_user.status_code == 422
    assert own_user.json["errors"] == {"user_ref": "The user must belong to the task's contractor."}
    foreign_user = client.post("/api/v1/assignments", json=body, headers=auth(p.client_admin))
    assert foreign_user.status_code == 422 and list(foreign_user.json["errors"]) == ["user_ref"]
    # the client sees who is assigned, by name, and cannot remove them
    seen = client.get(f"/api/v1/assignments?task_ref={task['id']}", headers=auth(p.client_admin))
    assert [a["user_name"] for a in seen.json["data"]] == ["Walter Worker"]
    assert client.get("/api/v1/assignments", headers=auth(p.third_admin)).json["data"] == []
    assert client.delete(f"/api/v1/assignments/{first.json['id']}",
                         headers=auth(p.client_admin)).status_code == 403
    assert client.delete(f"/api/v1/assignments/{first.json['id']}",
                         headers=auth(p.contractor_admin)).status_code == 204


def test_a_replayed_create_is_refused_once_the_connection_is_revoked(client, parties, connected,
                                                                     auth):
    headers = {**auth(parties.client_admin), "Idempotency-Key": "task-once"}
    first = make_task(client, headers, parties.contractor_org.id)
    connected.set_status("revoked")
    db.session.commit()
    replay = client.post("/api/v1/tasks", json={
        "foreigncompany_ref": parties.contractor_org.id, "title": "Replace the meter",
        "scheduled_start": "2026-12-01T08:00:00Z"}, headers=headers)
    assert replay.status_code == 422, replay.json
    assert list(replay.json["errors"]) == ["foreigncompany_ref"]
    assert client.get("/api/v1/tasks", headers=auth(parties.client_admin)).json["meta"][
        "total_records"] == 1  # the one task, its own, made before the revocation
    assert first["id"] == 1
