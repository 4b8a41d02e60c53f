"""API keys: long-lived bearer credentials that act as the user who created them.

A key reads ``tgk_`` + 30 random base62 characters + a 6-character base62 CRC32 of what
precedes it, the format of GitHub's tokens: a secret scanner recognises the prefix and
checks the checksum without asking us, and a mistyped key is refused without a database
look-up. Keys are stored only as keyed hashes (oauth.hashing), like access tokens.

A key row stands in for an access token wherever one is used (oauth.protector, the
audit trail, the rate limiter): ``ApiKeyMixin`` gives it the token's interface, with the
key as its own client. Its scopes are re-read from its user on every request."""
import secrets
import string
import time
import zlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from oauth import hashing, scopes

PREFIX = "tgk_"
RANDOM_LENGTH = 30  # about 178 bits
CHECKSUM_LENGTH = 6  # a CRC32 fits in 6 base62 digits
KEY_LENGTH = len(PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH
BASE62 = string.digits + string.ascii_letters
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per key and minute


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits)).rjust(width, "0")


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


def new_key() -> str:
    body = PREFIX + "".join(secrets.choice(BASE62) for _ in range(RANDOM_LENGTH))
    return body + _checksum(body)


def is_well_formed(value: str) -> bool:
    """Prefix, length, alphabet and checksum all right: an API key, not an access token
    (43 characters; one may start with the prefix by chance)."""
    body, checksum = value[:-CHECKSUM_LENGTH], value[-CHECKSUM_LENGTH:]
    return (len(value) == KEY_LENGTH and value.startswith(PREFIX)
            and all(char in BASE62 for char in value[len(PREFIX):])
            and secrets.compare_digest(checksum, _checksum(body)))


def find(session, model, value: str):
    """The key row for ``value``, a well-formed key (revoked or expired ones included: the
    protector refuses them), or None; its use is recorded."""
    key = session.scalar(select(model).where(model.key_hash == hashing.digest(value)))
    if key is not None:
        _record_use(session, key)
    return key


def _record_use(session, key) -> None:
    """last_used_at, to the minute: one write a minute at most, committed at once (the
    look-up happens before the request's own work, so nothing else is committed)."""
    now = datetime.now(timezone.utc)
    if key.last_used_at is not None and key.last_used_at > now - LAST_USED_PRECISION:
        return
    model = type(key)
    session.execute(update(model).where(model.id == key.id).values(last_used_at=now)
                    .execution_options(synchronize_session=False))
    session.commit()


class ApiKeyMixin:
    """An API key row, used as an access token. Expects ``id``, ``key_hash``, ``user_id``,
    ``user`` (with ``active`` and ``held_scopes()``), ``scope`` (None: whatever its user
    holds), ``expires_at`` (datetime or None), ``revoked_at`` and ``last_used_at`` (and
    ``plan``, ``plan_limit`` as an API client has, for the application's rate limits)."""

    is_api_key = True
    emulating = False
    require_signature = False  # signing keys belong to API clients

    def set_key(self) -> str:
        """Store a new key's hash and return the key, to be shown once."""
        key = new_key()
        self.key_hash = hashing.digest(key)
        return key

    # The key is its own client: for the rate limit, the access log and the audit trail.
    @property
    def client(self):
        return self

    @property
    def client_id(self) -> str:
        return f"api-key-{self.id}"

    @property
    def real_user_id(self) -> int:
        return self.user_id

    @property
    def real_user(self):
        return self.user

    def effective_scopes(self) -> set[str]:
        held = self.user.held_scopes()
        return held if self.scope is None else held & scopes.split(self.scope)

    def allowed_scopes(self) -> set[str]:
        return self.effective_scopes()

    def get_scope(self):
        return scopes.join(self.effective_scopes())

    def check_client(self, client) -> bool:
        return False  # no OAuth client may revoke or introspect it

    def is_expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at.timestamp()

    def is_revoked(self) -> bool:
        """Revoked, or its user disabled."""
        return bool(self.revoked_at or not self.user.active)
