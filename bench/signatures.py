"""make bench-signatures: what verifying a request signature (RFC 9421) costs, in process.

The same GET /api/v1/me is sent through Flask's test client unsigned, then signed with
hmac-sha256 and with ed25519 (a fresh nonce each time, as a client must), on a SQLite
database in memory with in-memory limits; the signing itself happens outside the timed
part. Figures are medians of several rounds, quoted as ratios to the unsigned request.
"""
import argparse
import base64
import os
import statistics
import tempfile
import time

os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-bench-"))
os.environ.setdefault("SECRET_KEY", "bench")

import requests  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from http_message_signatures import algorithms  # noqa: E402
from requests_http_signature import HTTPSignatureAuth  # noqa: E402

from app.bootstrap import create_client, create_organisation  # noqa: E402
from app.extensions import db  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import ApiClient, User  # noqa: E402

BASE = "http://localhost"
PATH = "/api/v1/me"
COVERED = ("@method", "@target-uri", "authorization", "content-digest")


def _setup():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://",
                      "RATE_LIMIT": "100000000 per hour"})
    with app.app_context():
        db.create_all()
        organisation = create_organisation("Bench")
        user = User(organisation=organisation, name="Bench", email="bench@example.com", admin=True)
        db.session.add(user)
        credentials = create_client(user, "bench")
        db.session.commit()
    client = app.test_client()
    token = client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": credentials.client_id,
        "client_secret": credentials.client_secret}).json["access_token"]
    return app, client, credentials.client_id, token


def _keys(app, client, client_id, token):
    """(name, signer) for an hmac-sha256 and an ed25519 key of a client that must sign."""
    with app.app_context():
        pk = db.session.query(ApiClient.id).filter_by(client_id=client_id).scalar()
    headers = {"Authorization": f"Bearer {token}"}
    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    hmac = client.post(f"/api/v1/api-clients/{pk}/signing-keys", json={"algorithm": "hmac-sha256"},
                       headers=headers).json
    ed = client.post(f"/api/v1/api-clients/{pk}/signing-keys",
                     json={"algorithm": "ed25519", "public_key": pem}, headers=headers).json
    return headers, pk, [
        ("hmac-sha256", HTTPSignatureAuth(
            signature_algorithm=algorithms.HMAC_SHA256, key=base64.b64decode(hmac["secret"]),
            key_id=hmac["key_id"], covered_component_ids=COVERED, use_nonce=True)),
        ("ed25519", HTTPSignatureAuth(
            signature_algorithm=algorithms.ED25519, key=private, key_id=ed["key_id"],
            covered_component_ids=COVERED, use_nonce=True)),
    ]


def _signed_headers(token, auth, count):
    prepared = []
    for _ in range(count):
        request = requests.Request("GET", BASE + PATH,
                                   headers={"Authorization": f"Bearer {token}"}).prepare()
        auth(request)
        prepared.append(dict(request.headers))
    return prepared


def _time(client, headers_list) -> float:
    """Seconds per request."""
    start = time.perf_counter()
    for headers in headers_list:
        assert client.get(PATH, base_url=BASE, headers=headers).status_code == 200
    return (time.perf_counter() - start) / len(headers_list)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    app, client, client_id, token = _setup()
    headers, pk, signers = _keys(app, client, client_id, token)
    unsigned = statistics.median(_time(client, [headers] * args.requests) for _ in range(args.rounds))
    client.patch(f"/api/v1/api-clients/{pk}", json={"require_signature": True}, headers=headers)
    print(f"unsigned: {unsigned * 1e3:.3f} ms per request")
    for name, auth in signers:
        signed = statistics.median(_time(client, _signed_headers(token, auth, args.requests))
                                   for _ in range(args.rounds))
        print(f"{name}: {signed * 1e3:.3f} ms per request, {signed / unsigned:.2f}x unsigned")


if __name__ == "__main__":
    main()
