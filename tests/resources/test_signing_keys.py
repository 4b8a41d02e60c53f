"""Listing and deleting an API client's signing keys."""
import base64

from tests.resources.test_signed_requests import client_pk, require_signatures, send, signer


def test_keys_are_listed_without_secrets_and_a_deleted_key_stops_signing(client, admin_c, auth):
    headers = auth(admin_c)
    pk = client_pk(admin_c)
    first = client.post(f"/api/v1/api-clients/{pk}/signing-keys", json={"algorithm": "hmac-sha256"},
                        headers=headers).json
    second = require_signatures(client, headers, pk, {"algorithm": "hmac-sha256"})
    token = headers["Authorization"].split()[1]
    first_signer = signer(first["key_id"], base64.b64decode(first["secret"]))
    listed = send(client, "GET", f"/api/v1/api-clients/{pk}/signing-keys", token, first_signer)
    assert listed.status_code == 200
    assert [sorted(key) for key in listed.json["data"]] == [["algorithm", "created_at", "key_id"]] * 2
    assert [key["key_id"] for key in listed.json["data"]] == [first["key_id"], second["key_id"]]
    assert listed.json["meta"]["total_records"] == 2

    url = f"/api/v1/api-clients/{pk}/signing-keys/{first['key_id']}"
    deleted = send(client, "DELETE", url, token, first_signer)
    assert deleted.status_code == 204
    refused = send(client, "GET", "/api/v1/me", token, first_signer)
    assert refused.status_code == 401 and "keyid" in refused.json["detail"]
    second_signer = signer(second["key_id"], base64.b64decode(second["secret"]))
    assert send(client, "DELETE", url, token, second_signer).status_code == 404
    last = send(client, "DELETE", f"/api/v1/api-clients/{pk}/signing-keys/{second['key_id']}",
                token, second_signer)
    assert last.status_code == 409 and "key_id" in last.json["errors"]
    assert send(client, "GET", "/api/v1/me", token, second_signer).status_code == 200


def test_another_clients_key_id_is_not_found_under_this_client(client, admin_c, make_caller, tree,
                                                               auth):
    headers = auth(admin_c)
    other = client_pk(make_caller(tree.D, permissions=["users:view"]))
    key = client.post(f"/api/v1/api-clients/{other}/signing-keys", json={"algorithm": "hmac-sha256"},
                      headers=headers).json
    mine = client.delete(f"/api/v1/api-clients/{client_pk(admin_c)}/signing-keys/{key['key_id']}",
                         headers=headers)
    assert mine.status_code == 404
    assert client.get(f"/api/v1/api-clients/{other}/signing-keys",
                      headers=headers).json["meta"]["total_records"] == 1
