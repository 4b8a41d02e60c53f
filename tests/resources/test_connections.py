"""Connections: asked for by one side, answered by the other side's admins, revoked by
either; foreign companies are the accepted ones."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Notification
from tests.resources.field_service import connect


def _ask(client, headers, foreign_id, **fields):
    return client.post("/api/v1/connections", json={"foreigncompany_ref": foreign_id, **fields},
                       headers=headers)


def test_request_accept_and_the_views_of_both_sides(client, parties, auth):
    p = parties
    asker, asked = auth(p.client_admin), auth(p.contractor_admin)
    created = _ask(client, asker, p.contractor_org.id, text="Work for you")
    assert created.status_code == 201, created.json
    seen = {key: created.json[key] for key in ("company_ref", "foreigncompany_ref",
                                               "outgoing_connection", "connection_status", "text")}
    assert seen == {"company_ref": p.client_org.id, "foreigncompany_ref": p.contractor_org.id,
                    "outgoing_connection": True, "connection_status": "pending",
                    "text": "Work for you"}
    connection_id = created.json["id"]
    other_view = client.get(f"/api/v1/connections/{connection_id}", headers=asked).json
    assert (other_view["company_ref"], other_view["foreigncompany_ref"],
            other_view["outgoing_connection"]) == (p.contractor_org.id, p.client_org.id, False)
    notified = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.text, n.related_object, n.related_id) for n in notified] == [
        (p.contractor_admin.user.id, "Client Ltd has sent you a new connection request",
         "connection", connection_id)]
    # pending: no foreign company yet, and only the asked side's admins may answer
    assert client.get(f"/api/v1/foreigncompanies/{p.contractor_org.id}", headers=asker
                      ).status_code == 404
    refused = client.post(f"/api/v1/connections/{connection_id}/accept", headers=asker)
    assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    worker = client.post(f"/api/v1/connections/{connection_id}/accept", headers=auth(p.worker))
    assert worker.status_code == 403  # no connections scope at all
    accepted = client.post(f"/api/v1/connections/{connection_id}/accept", headers=asked)
    assert accepted.status_code == 200 and accepted.json["connection_status"] == "accepted"
    companies = client.get("/api/v1/foreigncompanies", headers=asker).json
    assert [c["companyname"] for c in companies["data"]] == ["Fixers"]
    again = client.post(f"/api/v1/connections/{connection_id}/reject", headers=asked)
    assert again.status_code == 409 and again.json["allowed"] == ["revoked"]
    assert client.delete(f"/api/v1/connections/{connection_id}", headers=asked).status_code == 204
    assert client.get(f"/api/v1/connections/{connection_id}", headers=asker
                      ).json["connection_status"] == "revoked"
    assert client.get("/api/v1/foreigncompanies", headers=asker).json["data"] == []
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.changes).where(
        AuditEvent.resource_type == "connections")).all()
    assert actions == [("create", None), ("update", ["status"]),
                       ("update", ["live_pair", "status"])]


def test_one_live_connection_per_pair_and_a_new_one_after_rejection(client, parties, auth):
    p = parties
    first = _ask(client, auth(p.client_admin), p.contractor_org.id)
    assert _ask(client, auth(p.client_admin), p.contractor_org.id).status_code == 409
    reverse = _ask(client, auth(p.contractor_admin), p.client_org.id)
    assert reverse.status_code == 409
    rejected = client.post(f"/api/v1/connections/{first.json['id']}/reject",
                           headers=auth(p.contractor_admin))
    assert rejected.json["connection_status"] == "rejected"
    assert client.delete(f"/api/v1/connections/{first.json['id']}",
                         headers=auth(p.client_admin)).status_code == 409
    assert _ask(client, auth(p.client_admin), p.contractor_org.id).status_code == 201
    listed = client.get("/api/v1/connections?connection_status=pending",
                        headers=auth(p.contractor_admin)).json
    assert listed["meta"]["total_records"] == 1


def test_the_foreign_company_must_be_another_existing_organisation(client, tree, admin_c, auth):
    headers = auth(admin_c)
    in_reach = _ask(client, headers, tree.D.id)
    assert in_reach.status_code == 422
    assert in_reach.json["errors"] == {"foreigncompany_ref": "This organisation is in your reach already."}
    assert _ask(client, headers, 999999).json["errors"] == {
        "foreigncompany_ref": "Organisation 999999 was not found."}
    assert _ask(client, headers, tree.U.id, company_ref=tree.B.id).json["errors"] == {
        "company_ref": f"Organisation {tree.B.id} was not found."}
    assert _ask(client, headers, tree.U.id, company_ref=tree.D.id).status_code == 201


def test_company_profile_is_what_a_connected_organisation_sees(client, parties, auth):
    p = parties
    changed = client.post("/api/v1/company", json={"vat_id": "DK1234", "city": "Aarhus",
                                                   "companyname": "Fixers ApS"},
                          headers=auth(p.contractor_admin))
    assert changed.status_code == 200, changed.json
    connect(p.client_org, p.contractor_org)
    db.session.commit()
    seen = client.get(f"/api/v1/foreigncompanies/{p.contractor_org.id}",
                      headers=auth(p.client_admin)).json
    assert (seen["companyname"], seen["vat_id"], seen["city"], seen["phone"]) == (
        "Fixers ApS", "DK1234", "Aarhus", None)
    assert client.get(f"/api/v1/foreigncompanies/{p.contractor_org.id}",
                      headers=auth(p.third_admin)).status_code == 404
