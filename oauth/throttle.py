"""The failed-authentication throttle of the /oauth endpoints."""
import functools
import logging
import time

from flask import current_app, request
from limits import parse
from redis.exceptions import RedisError

from oauth.basic import basic_credentials
from oauth.problems import refuse
from oauth.store import MAX_CLIENT_ID_LENGTH, store

log = logging.getLogger(__name__)


def _auth_failure_key() -> tuple[str, ...]:
    client_id = (basic_credentials(request.headers) or ("", ""))[0]
    client_id = client_id or request.form.get("client_id") or "-"
    return ("tiergate", "authfail", client_id[:MAX_CLIENT_ID_LENGTH], request.remote_addr)


def throttle_failed_authentication(view):
    """Refuse (429) a client id and address that failed client authentication too often.

    Only 401 answers count, so a well-behaved client never notices this limit. Counted
    in the rate limiter's storage, so every server of a deployment shares the count."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        counter = store().limiter.limiter  # the in-process fallback while the storage is down
        item, key = parse(current_app.config["AUTH_FAILURE_LIMIT"]), _auth_failure_key()
        try:
            allowed = counter.test(item, *key)
        except RedisError:  # down since the limiter last looked: as the limiter does, serve
            log.warning("rate-limit storage unreachable; failed authentications not counted")
            return view(*args, **kwargs)
        if not allowed:
            reset_at, _ = counter.get_window_stats(item, *key)
            retry = max(1, int(reset_at - time.time()))
            refuse(429, "Too many failed client authentications; try again later.",
                   code="too_many_failed_authentications", headers={"Retry-After": str(retry)},
                   error="temporarily_unavailable")
        response = view(*args, **kwargs)
        if response.status_code == 401:
            try:
                counter.hit(item, *key)
            except RedisError:  # gone since the test above: the refusal stands uncounted
                log.warning("rate-limit storage unreachable; a failed authentication not counted")
        return response

    return wrapper
