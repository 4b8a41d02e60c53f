"""Client secrets and access tokens are stored only as keyed hashes; secrets the server must
read back (webhook signing secrets, request-signing HMAC keys) only sealed.

They are 256-bit random values, so a fast keyed hash (HMAC-SHA256 under SECRET_KEY)
is as strong as a slow password hash would be, and costs microseconds per request.
"""
import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from flask import current_app


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def matches(value: str, stored: str | None) -> bool:
    """Constant-time check; an absent record is compared against a dummy all the same."""
    expected = stored or "0" * 64
    return hmac.compare_digest(digest(value), expected) and stored is not None


def sealer(purpose: str) -> Fernet:
    """Encryption for secrets at rest under a key derived from SECRET_KEY for ``purpose``:
    a copy of the database alone does not reveal them."""
    key = hashlib.sha256(f"tiergate {purpose}\0".encode() + current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key.digest()))
