"""Push notifications through the outbox: queued with their notification, one per device of
the user, and sent by the worker to a push gateway on 127.0.0.1 (pytest-httpserver)."""
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import create_organisation
from app.extensions import db
from app.models import Connection, PushDelivery
from app.models.base import utcnow
from app.models.event import DELIVERED, DROPPED, FAILED, PENDING
from app.services import notifications

DEVICES = [{"platform_name": "android", "device_id_string": "phone-a"},
           {"platform_name": "ios", "device_id_string": "phone-i"}]


@pytest.fixture
def gateway(receiving, httpserver):
    """The push gateway on 127.0.0.1: allowed as the operator's own setting, not by
    WEBHOOK_ALLOWED_HOSTS."""
    receiving.config.update(PUSH_GATEWAY_URL=httpserver.url_for("/push"), PUSH_GATEWAY_TOKEN="gw-token",
                      PUSH_TIMEOUT=0.5, WEBHOOK_ALLOWED_HOSTS=[])
    return httpserver


@pytest.fixture
def companies(app, make_caller):
    """(asker, admin of the asked company): a connection request notifies the asked admin."""
    asking, asked = create_organisation("Client Ltd"), create_organisation("Fixers")
    db.session.commit()
    return make_caller(asking, admin=True, name="Carla"), make_caller(asked, admin=True, name="Anna")


@pytest.fixture
def register(client, auth):
    def run(caller, *devices):
        for device in devices:
            answer = client.post("/api/v1/deviceids", json=device, headers=auth(caller))
            assert answer.status_code in (200, 201), answer.json

    return run


@pytest.fixture
def ask(client, auth, companies):
    """The asker requests a connection to the asked company: a notification to its admin."""
    asker, asked = companies

    def run():
        answer = client.post("/api/v1/connections", json={
            "foreigncompany_ref": asked.user.organisation_id}, headers=auth(asker))
        assert answer.status_code == 201, answer.json
        return answer.json

    return run


def pushes():
    db.session.expire_all()
    return db.session.scalars(select(PushDelivery).order_by(PushDelivery.id)).all()


def received(httpserver):
    return [request for request, _ in httpserver.log]


def test_each_device_of_the_user_gets_the_notification(
        gateway, companies, register, ask, deliver):
    gateway.expect_request("/push", method="POST").respond_with_data("")
    asker, asked = companies
    register(asked, *DEVICES)
    register(asker, {"platform_name": "android", "device_id_string": "asker-phone"})
    connection = ask()

    assert [p.status for p in pushes()] == [PENDING, PENDING]  # the asker is not told
    assert deliver() == 2
    assert [p.status for p in pushes()] == [DELIVERED, DELIVERED]
    requests = received(gateway)
    assert {r.headers["authorization"] for r in requests} == {"Bearer gw-token"}
    assert {r.headers["idempotency-key"] for r in requests} == {f"push-{p.id}" for p in pushes()}
    [notification] = {p.notification for p in pushes()}
    assert sorted((json.loads(r.get_data()) for r in requests), key=lambda b: b["platform"]) == [
        {"platform": device["platform_name"], "device_id": device["device_id_string"],
         "notification_id": notification.id, "type": "new_connection",
         "text": "Client Ltd has sent you a new connection request",
         "related_object": {"object": "connection", "id": connection["id"]}}
        for device in DEVICES]
    assert deliver() == 0


def test_a_refusing_gateway_is_tried_again_with_the_same_key(
        gateway, companies, register, ask, deliver):
    gateway.expect_oneshot_request("/push").respond_with_data("down", status=500)
    gateway.expect_request("/push").respond_with_data("")
    register(companies[1], DEVICES[0])
    ask()
    before = utcnow()
    assert deliver() == 1
    [push] = pushes()
    assert (push.status, push.attempts, push.last_status_code) == (PENDING, 1, 500)
    assert timedelta(seconds=3) < push.next_attempt_at - before < timedelta(seconds=7)
    assert deliver() == 0  # not due yet
    assert deliver(after=timedelta(seconds=10)) == 1
    assert pushes()[0].status == DELIVERED
    first, second = received(gateway)
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_a_push_is_given_up_on_a_client_error_or_after_its_short_schedule(
        gateway, companies, register, ask, deliver):
    gateway.expect_oneshot_request("/push").respond_with_data("no such device", status=400)
    gateway.expect_request("/push").respond_with_data("", status=503)
    register(companies[1], DEVICES[0])
    ask()
    deliver()
    assert [p.status for p in pushes()] == [FAILED]  # not tried again

    db.session.delete(db.session.scalar(select(Connection)))
    db.session.commit()
    ask()
    for step in range(7):  # 40 minutes apart, longer than any delay (30 min + 20 %)
        deliver(after=timedelta(minutes=40 * step))
    [_, push] = pushes()
    assert (push.status, push.attempts) == (FAILED, 6)


def test_a_device_moved_to_another_user_gets_none_of_the_previous_users_pushes(
        gateway, client, auth, companies, register, ask, deliver, make_caller):
    asker, asked = companies
    colleague = make_caller(asked.user.organisation, name="Colin",
                            permissions=["notifications:edit"])
    register(asked, DEVICES[0])
    ask()
    register(colleague, DEVICES[0])  # the phone is handed over before the worker runs

    assert deliver() == 1
    [push] = pushes()
    assert (push.status, push.last_error) == (DROPPED, "The device moved to another user.")
    assert received(gateway) == []


def test_a_deleted_devices_queued_pushes_are_dropped(
        gateway, client, auth, companies, register, ask, deliver):
    asked = companies[1]
    register(asked, *DEVICES)
    ask()
    gateway.expect_request("/push").respond_with_data("")
    assert client.delete("/api/v1/deviceids/phone-a", headers=auth(asked)).status_code == 204

    assert deliver() == 2
    dropped, delivered = pushes()
    assert (dropped.status, dropped.device_id, dropped.last_error) == (
        DROPPED, None, "The device was deleted.")
    assert delivered.status == DELIVERED
    assert [json.loads(r.get_data())["device_id"] for r in received(gateway)] == ["phone-i"]


def test_a_deleted_notification_takes_its_queued_pushes_with_it(
        gateway, client, auth, companies, register, ask, deliver):
    asked = companies[1]
    register(asked, DEVICES[0])
    ask()
    [notification] = client.get("/api/v1/notifications", headers=auth(asked)).json["data"]
    assert client.delete(f"/api/v1/notifications/{notification['id']}",
                         headers=auth(asked)).status_code == 204
    assert pushes() == [] and deliver() == 0


def test_a_rolled_back_notification_leaves_no_push(gateway, companies, register):
    asker, asked = companies
    register(asked, *DEVICES)
    connection = Connection(organisation_id=asker.user.organisation_id,
                            foreign_organisation_id=asked.user.organisation_id)
    db.session.add(connection)
    db.session.flush()
    notifications.new_connection(connection, asker.user)
    db.session.flush()
    assert len(pushes()) == 2
    db.session.rollback()
    assert pushes() == []


def test_without_a_gateway_no_push_is_queued(app, companies, register, ask):
    app.config["PUSH_GATEWAY_URL"] = None
    register(companies[1], *DEVICES)
    ask()
    assert pushes() == []


def test_a_sandbox_users_pushes_are_written_down_not_sent(
        receiving, gateway, companies, register, ask, deliver):
    asker, asked = companies
    db.session.get(type(asked.user.organisation), asked.user.organisation_id).sandbox = True
    db.session.commit()
    register(asked, DEVICES[0])
    ask()
    assert deliver() == 1
    assert received(gateway) == [] and [p.status for p in pushes()] == [DELIVERED]
    written = Path(receiving.instance_path) / "sandbox" / "pushes" / f"push-delivery-{pushes()[0].id}.json"
    captured = json.loads(written.read_text())
    assert json.loads(captured["body"])["device_id"] == "phone-a"
    assert "authorization" not in {key.lower() for key in captured["headers"]}  # no token on disk
