"""The failed-authentication throttle of the /oauth endpoints."""
import functools
import time

from flask import current_app, request
from limits import parse

from oauth.basic import basic_credentials
from oauth.problems import refuse
from oauth.store import store


def _auth_failure_key() -> tuple[str, ...]:
    client_id = (basic_credentials(request.headers) or ("", ""))[0]
    client_id = client_id or request.form.get("client_id") or "-"
    return ("tiergate", "authfail", client_id[:100], request.remote_addr)


def throttle_failed_authentication(view):
    """Refuse (429) a client id and address that failed client authentication too often.

    Only 401 answers count, so a well-behaved client never notices this limit. Counted
    in the rate limiter's storage, so every server of a deployment shares the count."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        counter = store().limiter.limiter
        item, key = parse(current_app.config["AUTH_FAILURE_LIMIT"]), _auth_failure_key()
        if not counter.test(item, *key):
            reset_at, _ = counter.get_window_stats(item, *key)
            retry = max(1, int(reset_at - time.time()))
            refuse(429, "Too many failed client authentications; try again later.",
                   code="too_many_failed_authentications", headers={"Retry-After": str(retry)},
                   error="temporarily_unavailable")
        response = view(*args, **kwargs)
        if response.status_code == 401:
            counter.hit(item, *key)
        return response

    return wrapper
