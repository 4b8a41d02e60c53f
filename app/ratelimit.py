"""Rate limits: one budget per API client (per address when unauthenticated).

flask-limiter counts; this module picks the key, counts in one Redis round trip, and
writes the X-Rate-Limit-* headers, whose Reset is the seconds left in the window as the
002 seed defines it.
"""
import functools
import time

from flask import current_app, has_request_context, request
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.util import WindowStats

from app.errors import fail
from oauth.basic import basic_credentials

ONE_TRIP_FIXED_WINDOW = "tiergate-fixed-window"
_WINDOWS = "tiergate.rate_windows"

# limits' own incr_expire script, returning the key's time to live beside the count.
_INCR_RETURNING_TTL = """
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if current == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("pttl", KEYS[1])}
"""


class OneTripFixedWindow(FixedWindowRateLimiter):
    """limits' fixed window, counted and measured in one Redis round trip.

    flask-limiter hits each limit, then asks for its window (remaining, reset) for the
    headers: on Redis two more commands per request. Here the hit returns the count and
    the time to live together, and the window is answered from them for the rest of the
    request. Other storages (memory://) work as in limits."""

    def hit(self, item, *identifiers: str, cost: int = 1) -> bool:
        if not (isinstance(self.storage, RedisStorage) and has_request_context()):
            return super().hit(item, *identifiers, cost=cost)
        key = item.key_for(*identifiers)
        count, ttl_ms = self._script()([self.storage.prefixed_key(key)],
                                       [item.get_expiry(), cost])
        windows = request.environ.setdefault(_WINDOWS, {})  # this request's, not the app's
        windows[key] = WindowStats(time.time() + max(0, ttl_ms) / 1000,
                                   max(0, item.amount - count))
        return count <= item.amount

    def get_window_stats(self, item, *identifiers: str) -> WindowStats:
        if has_request_context():
            window = request.environ.get(_WINDOWS, {}).get(item.key_for(*identifiers))
            if window is not None:
                return window
        return super().get_window_stats(item, *identifiers)

    def _script(self):
        if not hasattr(self, "_incr_returning_ttl"):
            connection = self.storage.get_connection()
            self._incr_returning_ttl = connection.register_script(_INCR_RETURNING_TTL)
        return self._incr_returning_ttl


STRATEGIES[ONE_TRIP_FIXED_WINDOW] = OneTripFixedWindow


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
