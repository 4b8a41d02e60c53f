"""Rate limits: one budget per API client (per address when unauthenticated).

flask-limiter counts; this module picks the key and writes the X-Rate-Limit-*
headers, whose Reset is the seconds left in the window as the 002 seed defines it.
"""
import functools
import time

from flask import current_app, request
from limits import parse

from app.errors import fail
from oauth.basic import basic_credentials


def rate_limit_key() -> str:
    from oauth.protector import token_from_header

    token = token_from_header()
    if token is not None:
        return f"client:{token.client.client_id}"
    return f"addr:{request.remote_addr}"


def _auth_failure_key() -> tuple[str, ...]:
    client_id = (basic_credentials(request.headers) or ("", ""))[0]
    client_id = client_id or request.form.get("client_id") or "-"
    return ("tiergate", "authfail", client_id[:100], request.remote_addr)


def throttle_failed_authentication(view):
    """Refuse (429) a client id and address that failed client authentication too often.

    Only 401 answers count, so a well-behaved client never notices this limit."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from app.extensions import limiter

        item, key = parse(current_app.config["AUTH_FAILURE_LIMIT"]), _auth_failure_key()
        if not limiter.limiter.test(item, *key):
            reset_at, _ = limiter.limiter.get_window_stats(item, *key)
            retry = max(1, int(reset_at - time.time()))
            fail(429, "Too many failed client authentications; try again later.",
                 code="too_many_failed_authentications", headers={"Retry-After": str(retry)})
        response = view(*args, **kwargs)
        if response.status_code == 401:
            limiter.limiter.hit(item, *key)
        return response

    return wrapper


def identify_request() -> str:
    # flask-limiter skips requests with no endpoint (404, 405); the application
    # limit must still count them and report its headers.
    return request.endpoint or "unrouted"


def add_headers(response):
    from app.extensions import limiter

    limits = limiter.current_limits
    if not limits:
        return response
    shown = next((lim for lim in limits if lim.breached), None)
    shown = shown or next((lim for lim in limits if lim.shared), limits[0])
    reset_in = max(0, int(shown.reset_at - time.time()))
    response.headers["X-Rate-Limit-Limit"] = str(shown.limit.amount)
    response.headers["X-Rate-Limit-Remaining"] = str(max(0, shown.remaining))
    response.headers["X-Rate-Limit-Reset"] = str(reset_in)
    if shown.breached:
        response.headers["Retry-After"] = str(max(1, reset_in))
    return response
