"""Signed requests (RFC 9421 with RFC 9530 digests), signed by an independent client
library (requests-http-signature) and verified by the server."""
import base64
import datetime

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from http_message_signatures import HTTPMessageSigner, algorithms
from requests_http_signature import HTTPSignatureAuth
from sqlalchemy import select

from app.extensions import db
from app.models import ApiClient

COVERED = ("@method", "@target-uri", "authorization", "content-digest")
BASE = "http://localhost"


class AuthorizationUncovered(HTTPSignatureAuth):
    _auto_cover_header_fields = ("date",)


class StaleAuth(HTTPSignatureAuth):
    def get_created(self, request):
        return datetime.datetime.now() - datetime.timedelta(seconds=301)


def send(client, method, path, token, auth=None, json=None):
    """Prepare the request as requests would send it, sign it, hand it to the test client."""
    prepared = requests.Request(method, BASE + path, json=json,
                                headers={"Authorization": f"Bearer {token}"}).prepare()
    if auth is not None:
        auth(prepared)
    return client.open(path, method=method, base_url=BASE, headers=dict(prepared.headers),
                       data=prepared.body)


def signer(key_id, key, algorithm=algorithms.HMAC_SHA256, cls=HTTPSignatureAuth, **options):
    options = {"covered_component_ids": COVERED, "use_nonce": True, **options}
    return cls(signature_algorithm=algorithm, key=key, key_id=key_id, **options)


def client_pk(caller) -> int:
    return db.session.scalar(select(ApiClient.id).where(ApiClient.client_id == caller.client_id))


def require_signatures(client, headers, pk, body) -> dict:
    key = client.post(f"/api/v1/api-clients/{pk}/signing-keys", json=body, headers=headers)
    assert key.status_code == 201, key.json
    changed = client.patch(f"/api/v1/api-clients/{pk}", json={"require_signature": True},
                           headers=headers)
    assert changed.status_code == 200 and changed.json["require_signature"] is True
    return key.json


@pytest.fixture
def hmac_signed(client, admin_c, get_token):
    """(token, signer) of admin_c's client once it must sign, with an hmac-sha256 key."""
    token = get_token(admin_c)
    key = require_signatures(client, {"Authorization": f"Bearer {token}"}, client_pk(admin_c),
                             {"algorithm": "hmac-sha256"})
    assert key["algorithm"] == "hmac-sha256" and key["key_id"].startswith("sk_")
    return token, key["key_id"], base64.b64decode(key["secret"])


def test_hmac_signed_requests_pass_and_unsigned_ones_are_401(client, hmac_signed):
    token, key_id, secret = hmac_signed
    assert send(client, "GET", "/api/v1/me", token, signer(key_id, secret)).status_code == 200
    created = send(client, "POST", "/api/v1/customers", token, signer(key_id, secret),
                   json={"account": "Signed"})
    assert created.status_code == 201, created.json
    unsigned = send(client, "GET", "/api/v1/me", token)
    assert unsigned.status_code == 401 and unsigned.json["code"] == "invalid_signature"
    assert "Signature-Input" in unsigned.json["detail"]
    assert '"content-digest"' in unsigned.headers["Accept-Signature"]


def test_a_nonce_is_used_once(client, hmac_signed):
    token, key_id, secret = hmac_signed
    prepared = requests.Request("GET", BASE + "/api/v1/me",
                                headers={"Authorization": f"Bearer {token}"}).prepare()
    signer(key_id, secret)(prepared)
    first = client.get("/api/v1/me", base_url=BASE, headers=dict(prepared.headers))
    replayed = client.get("/api/v1/me", base_url=BASE, headers=dict(prepared.headers))
    assert first.status_code == 200
    assert replayed.status_code == 401 and "nonce was used" in replayed.json["detail"]


def test_stale_unsigned_nonce_or_uncovered_signatures_are_refused(client, hmac_signed):
    token, key_id, secret = hmac_signed
    stale = send(client, "GET", "/api/v1/me", token, signer(key_id, secret, cls=StaleAuth))
    assert stale.status_code == 401 and "age" in stale.json["detail"]
    no_nonce = send(client, "GET", "/api/v1/me", token, signer(key_id, secret, use_nonce=False))
    assert no_nonce.status_code == 401 and "nonce" in no_nonce.json["detail"]
    narrow = signer(key_id, secret, cls=AuthorizationUncovered,
                    covered_component_ids=("@method", "@target-uri", "content-digest"))
    uncovered = send(client, "GET", "/api/v1/me", token, narrow)
    assert uncovered.status_code == 401 and "authorization" in uncovered.json["detail"]
    wrong = send(client, "GET", "/api/v1/me", token, signer(key_id, b"x" * 32))
    assert wrong.status_code == 401
    unknown = send(client, "GET", "/api/v1/me", token, signer("sk_other", secret))
    assert unknown.status_code == 401 and "keyid" in unknown.json["detail"]


def test_ed25519_signature_covers_the_body(client, admin_c, get_token):
    token = get_token(admin_c)
    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    key = require_signatures(client, {"Authorization": f"Bearer {token}"}, client_pk(admin_c),
                             {"algorithm": "ed25519", "public_key": pem})
    assert key["secret"] is None
    auth = signer(key["key_id"], private, algorithm=algorithms.ED25519)
    ok = send(client, "POST", "/api/v1/customers", token, auth, json={"account": "Signed"})
    assert ok.status_code == 201, ok.json
    prepared = requests.Request("POST", BASE + "/api/v1/customers", json={"account": "A"},
                                headers={"Authorization": f"Bearer {token}"}).prepare()
    auth(prepared)
    tampered = client.post("/api/v1/customers", base_url=BASE, headers=dict(prepared.headers),
                           data=b'{"account": "B"}')
    assert tampered.status_code == 401 and tampered.json["code"] == "invalid_signature"


def test_the_servers_library_signs_interchangeably(client, hmac_signed):
    """The same signature made by http-message-signatures' own signer is accepted."""
    token, key_id, secret = hmac_signed
    prepared = requests.Request("GET", BASE + "/api/v1/me",
                                headers={"Authorization": f"Bearer {token}"}).prepare()
    own = HTTPMessageSigner(signature_algorithm=algorithms.HMAC_SHA256, key_resolver=type(
        "Keys", (), {"resolve_private_key": lambda self, kid: secret})())
    own.sign(prepared, key_id=key_id, nonce="n-1", covered_component_ids=COVERED, body=b"")
    assert client.get("/api/v1/me", base_url=BASE, headers=dict(prepared.headers)).status_code == 200


def test_signing_key_and_require_signature_checks(client, admin_c, make_caller, tree, auth):
    headers = auth(admin_c)
    pk = client_pk(admin_c)
    without = client.patch(f"/api/v1/api-clients/{pk}", json={"require_signature": True},
                           headers=headers)
    assert without.status_code == 409
    bad = client.post(f"/api/v1/api-clients/{pk}/signing-keys",
                      json={"algorithm": "ed25519", "public_key": "not a pem"}, headers=headers)
    assert bad.status_code == 422 and "public_key" in bad.json["errors"]
    stray = client.post(f"/api/v1/api-clients/{pk}/signing-keys",
                        json={"algorithm": "hmac-sha256", "public_key": "x"}, headers=headers)
    assert stray.status_code == 422
    other = make_caller(tree.D, permissions=["users:view"])
    other_key = client.post(f"/api/v1/api-clients/{client_pk(other)}/signing-keys",
                            json={"algorithm": "hmac-sha256"}, headers=headers).json
    renamed = client.put(f"/api/v1/api-clients/{pk}", json={"name": "Renamed"}, headers=headers)
    assert renamed.status_code == 200 and renamed.json["require_signature"] is False
    own = client.post(f"/api/v1/api-clients/{pk}/signing-keys", json={"algorithm": "hmac-sha256"},
                      headers=headers).json
    client.patch(f"/api/v1/api-clients/{pk}", json={"require_signature": True}, headers=headers)
    token = headers["Authorization"].split()[1]
    foreign = send(client, "GET", "/api/v1/me", token,
                   signer(other_key["key_id"], base64.b64decode(other_key["secret"])))
    assert foreign.status_code == 401 and "keyid" in foreign.json["detail"]
    mine = send(client, "GET", "/api/v1/me", token,
                signer(own["key_id"], base64.b64decode(own["secret"])))
    assert mine.status_code == 200
