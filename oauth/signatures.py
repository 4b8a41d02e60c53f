"""Signed requests: HTTP Message Signatures (RFC 9421) with a Content-Digest (RFC 9530).

An API client may register signing keys (``ed25519`` public keys, or ``hmac-sha256``
secrets we generate) and be marked ``require_signature``; each of its API requests must
then carry one signature, by one of its own keys, covering at least COVERED with
``created`` (at most MAX_SKEW off) and a ``nonce`` never seen within that window. Nonces
are kept in the rate limiter's storage, so every server sees them. Verification is done
by the ``http-message-signatures`` package.

HMAC secrets must be readable to verify with, so they are stored encrypted (Fernet)
under a key derived from SECRET_KEY, never in plain."""
import base64
import hashlib
import logging
import secrets
from datetime import timedelta

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import request
from http_message_signatures import HTTPMessageVerifier, InvalidSignature, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from http_message_signatures.resolvers import MappingKeyResolver
from redis.exceptions import RedisError

from oauth import hashing
from oauth.problems import refuse
from oauth.store import store

log = logging.getLogger(__name__)

ALGORITHMS = {"ed25519": algorithms.ED25519, "hmac-sha256": algorithms.HMAC_SHA256}
COVERED = ("@method", "@target-uri", "authorization", "content-digest")
MAX_SKEW = timedelta(seconds=300)
ACCEPT_SIGNATURE = 'sig1=("' + '" "'.join(COVERED) + '");created;nonce;keyid'


class Verifier(HTTPMessageVerifier):
    max_clock_skew = MAX_SKEW  # a created up to this far in the future or the past


class SigningKeyMixin:
    """A client's signing key. Expects ``key_id``, ``algorithm`` and ``key_material``
    (the PEM of an ed25519 public key; the encrypted secret of an hmac-sha256 key)."""

    def set_public_key(self, pem: str) -> None:
        """Store an ed25519 public key; ValueError if the PEM is not one."""
        try:
            key = load_pem_public_key(pem.encode())
        except (ValueError, TypeError) as error:
            raise ValueError("Not a PEM public key.") from error
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("Not an ed25519 public key.")
        self.key_material = pem

    def set_new_secret(self) -> str:
        """Generate an hmac-sha256 secret, store it encrypted, return it base64 (shown once)."""
        secret = secrets.token_bytes(32)
        self.key_material = _fernet().encrypt(secret).decode()
        return base64.b64encode(secret).decode()

    def verification_key(self):
        if self.algorithm == "hmac-sha256":
            return _fernet().decrypt(self.key_material.encode())
        return load_pem_public_key(self.key_material.encode())


def new_key_id() -> str:
    return "sk_" + secrets.token_urlsafe(12)


def _fernet():
    return hashing.sealer("signing keys")


class _Message:
    """The request as the verifier reads it: method, absolute URL, header lines."""

    def __init__(self):
        self.method = request.method
        self.url = request.url
        self.headers = request.headers


def _refuse(detail: str):
    refuse(401, f"Request signature refused: {detail}", code="invalid_signature",
           error="invalid_signature", headers={"Accept-Signature": ACCEPT_SIGNATURE})


def _signature_params() -> dict:
    """The parameters of the request's one signature (keyid, created, nonce...)."""
    value = request.headers.get("Signature-Input")
    if not value or "Signature" not in request.headers:
        _refuse("this client must sign its requests (RFC 9421): send Signature-Input and "
                f"Signature covering {', '.join(COVERED)} with created and nonce.")
    try:
        parsed = http_sf.parse(value.encode(), tltype="dictionary")
    except ValueError:
        _refuse("Signature-Input is not a structured-field dictionary.")
    if len(parsed) != 1:
        _refuse("send exactly one signature.")
    (_components, params), = parsed.values()
    return params


def verify_request(client) -> None:
    """401 unless the request is signed as ``client`` requires; its nonce is then spent."""
    params = _signature_params()
    key = next((k for k in client.signing_keys if k.key_id == params.get("keyid")), None)
    if key is None:
        _refuse("keyid is not a signing key of this client.")
    if not isinstance(params.get("nonce"), str) or not params["nonce"]:
        _refuse("the signature has no nonce.")
    verifier = Verifier(signature_algorithm=ALGORITHMS[key.algorithm], key_resolver=MappingKeyResolver(
        public_keys={key.key_id: key.verification_key()}, private_keys={}))
    try:
        verifier.verify(_Message(), max_age=timedelta(0), require_components=COVERED,
                        body=request.get_data(cache=True))
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        _refuse(f"{error}.".replace("..", "."))
    _spend_nonce(client.client_id, params["nonce"])


def _spend_nonce(client_id: str, nonce: str) -> None:
    """Refuse a nonce seen before within twice the skew (the longest a signature lives)."""
    key = f"tiergate:nonce:{client_id}:{hashlib.sha256(nonce.encode()).hexdigest()}"
    try:
        seen = store().limiter.limiter.storage.incr(key, int(2 * MAX_SKEW.total_seconds()))
    except RedisError:  # as the limiter does while the storage is down: serve, say so
        log.warning("rate-limit storage unreachable; a signature nonce not checked for reuse")
        return
    if seen > 1:
        _refuse("this nonce was used already; sign each request with a new one.")
