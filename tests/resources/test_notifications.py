"""Notifications (the current user's, made with their cause) and push devices."""
from sqlalchemy import select

from app.extensions import db
from app.models import Device, Notification


def test_notifications_are_the_users_own(client, parties, auth):
    p = parties
    asked = client.post("/api/v1/connections", json={"foreigncompany_ref": p.contractor_org.id},
                        headers=auth(p.client_admin))
    assert asked.status_code == 201
    headers = auth(p.contractor_admin)
    [notification] = client.get("/api/v1/notifications", headers=headers).json["data"]
    assert notification["related_object"] == {"object": "connection", "id": asked.json["id"]}
    assert (notification["is_read"], notification["user_ref"]) == (False, p.contractor_admin.user.id)
    url = f"/api/v1/notifications/{notification['id']}"
    assert client.get("/api/v1/notifications", headers=auth(p.client_admin)).json["data"] == []
    assert client.post(url, json={"is_read": True}, headers=auth(p.client_admin)).status_code == 404
    read = client.post(url, json={**notification, "is_read": True}, headers=headers)
    assert read.status_code == 200 and read.json["is_read"] is True
    assert client.get("/api/v1/notifications?is_read=false", headers=headers).json["data"] == []
    assert len(client.get("/api/v1/notifications?is_read=true", headers=headers).json["data"]) == 1
    assert client.delete(url, headers=auth(p.client_admin)).status_code == 404
    assert client.delete(url, headers=headers).status_code == 204
    assert db.session.scalars(select(Notification)).all() == []


def test_a_refused_cause_leaves_no_notification(client, parties, auth):
    p = parties
    client.post("/api/v1/connections", json={"foreigncompany_ref": p.contractor_org.id},
                headers=auth(p.client_admin))
    twin = client.post("/api/v1/connections", json={"foreigncompany_ref": p.contractor_org.id},
                       headers=auth(p.client_admin))
    assert twin.status_code == 409
    assert len(db.session.scalars(select(Notification)).all()) == 1


def test_a_device_follows_whoever_posts_it(client, parties, auth):
    p = parties
    body = {"platform_name": "android", "device_id_string": "phone-1"}
    first = client.post("/api/v1/deviceids", json=body, headers=auth(p.worker))
    assert first.status_code == 201, first.json
    again = client.post("/api/v1/deviceids", json=body, headers=auth(p.worker))
    assert again.status_code == 200 and again.json["updated_at"] >= first.json["updated_at"]
    moved = client.post("/api/v1/deviceids", json={**body, "platform_name": "ios"},
                        headers=auth(p.contractor_admin))
    assert moved.status_code == 200
    [device] = db.session.scalars(select(Device)).all()
    assert (device.user_id, device.platform_name) == (p.contractor_admin.user.id, "ios")
    assert client.delete("/api/v1/deviceids/phone-1", headers=auth(p.worker)).status_code == 404
    assert client.delete("/api/v1/deviceids/phone-1", headers=auth(p.contractor_admin)).status_code == 204
    assert db.session.scalars(select(Device)).all() == []
    bad = client.post("/api/v1/deviceids", json={**body, "platform_name": "windows"},
                      headers=auth(p.worker))
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["platform_name"]
