"""Where the authorization server finds clients and tokens.

The application hands over its database, its client and token models (built on
oauth.models), its rate limiter and its rule for emulation through ``oauth.init_app``;
everything in this package reaches them through ``store()``."""
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from oauth import api_keys, hashing
from oauth.token_cache import Found, TokenCache

MAX_TOKEN_LENGTH = 200
MAX_CLIENT_ID_LENGTH = 64  # the column's size: a longer id is no client's


@dataclass(frozen=True)
class Store:
    db: Any  # the Flask-SQLAlchemy extension: its session is looked up at each use
    client_model: type
    token_model: type
    limiter: Any  # flask_limiter.Limiter, for the failed-authentication throttle
    may_emulate: Callable[[Any, Any], bool]  # (real user, target user) -> allowed now
    audit: Callable[[str, Any], None]  # (action, token): a line in the audit trail
    # The auth epochs (oauth.token_cache): current() the request's, None when it cannot be
    # known; latest() the last this process saw.
    auth_epochs: Any
    token_cache: TokenCache
    api_key_model: type | None = None  # built on oauth.api_keys.ApiKeyMixin

    @property
    def session(self):
        return self.db.session

    def authenticate_client(self, client_id: str, secret: str):
        """The client, or None; the same work whether the id is unknown, the secret wrong
        or the client disabled."""
        model = self.client_model
        client = self.session.scalar(select(model).where(model.client_id == client_id[:MAX_CLIENT_ID_LENGTH]))
        ok = hashing.matches(secret, client.secret_hash if client else None)
        if ok and client.active and client.user.active:
            return client
        return None

    def find_token(self, token_string: str):
        return self.look_up(token_string).record

    def look_up(self, token_string: str, *, provisional: bool = False) -> Found:
        """The token ``token_string`` stands for (record None if none), through the
        process's cache: the one way to a bearer credential. ``provisional`` before the
        request's auth epoch is known (see TokenCache.find)."""
        if not token_string or len(token_string) > MAX_TOKEN_LENGTH:
            return Found(None, None, True)
        if self.api_key_model is not None and api_keys.is_well_formed(token_string):
            # Read every time (never cached), so a revoked key or its user's lost
            # permission holds at once; last_used_at is written at most once a minute.
            key = api_keys.find(self.session, self.api_key_model, token_string)
            return Found(key, None, True)
        digest = hashing.digest(token_string)
        return self.token_cache.find(self.session, digest, self.auth_epochs,
                                     lambda: self._load_token(digest), provisional=provisional)

    def _load_token(self, digest: str):
        token, client = self.token_model, self.client_model
        query = select(token).where(token.token_hash == digest)
        # The client's user is nearly always the token's: loaded once, then found in the
        # identity map, rather than joined a second time with its organisation.
        found = self.session.scalar(query.options(joinedload(token.client).lazyload(client.user)))
        if found is not None:
            found.client.user, found.real_user  # noqa: B018 - loaded, so the cache holds them
        return found

    def add_token(self, access_token: str, client, user, scope: str, expires_in: int,
                  parent=None):
        """Record a token of ``client`` acting as ``user`` (started from the token ``parent``,
        for an emulation) and return it; the caller commits."""
        token = self.token_model(
            token_hash=hashing.digest(access_token), client_pk=client.id, user_id=user.id,
            real_user_id=client.user_id, scope=scope, issued_at=int(time.time()),
            expires_in=expires_in, parent_id=parent.id if parent is not None else None)
        self.session.add(token)
        return token

    def revoke_tokens(self, *criteria) -> None:
        """Revoke, for good, the live tokens matching ``criteria`` and every token started
        from one of them (emulations; one level today, as an emulation cannot start another),
        each with a line in the audit trail; the caller commits."""
        token, now = self.token_model, datetime.now(timezone.utc)
        matching, revoked = (token.revoked_at.is_(None), *criteria), []
        while True:
            newly = self.session.scalars(
                update(token).where(*matching).values(revoked_at=now).returning(token.id)
                .execution_options(synchronize_session="fetch")).all()
            if not newly:
                break
            revoked += newly
            matching = token.revoked_at.is_(None), token.parent_id.in_(newly)
        if revoked:
            for ended in self.session.scalars(select(token).where(token.id.in_(revoked))):
                self.audit("emulation.ended" if ended.emulating else "token.revoked", ended)

    def still_live(self, token) -> bool:
        """Re-read ``token`` under a row lock held to the end of the transaction: an
        emulation started from it then cannot miss a revocation racing with its start."""
        model = self.token_model
        revoked_at = self.session.scalar(
            select(model.revoked_at).where(model.id == token.id).with_for_update())
        return revoked_at is None


def store() -> Store:
    return current_app.extensions["oauth"]
