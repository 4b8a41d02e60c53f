"""Client secrets and access tokens are stored only as keyed hashes.

They are 256-bit random values, so a fast keyed hash (HMAC-SHA256 under SECRET_KEY)
is as strong as a slow password hash would be, and costs microseconds per request.
"""
import hashlib
import hmac
import secrets

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
