"""Rate limits: one budget per API client (per address when unauthenticated), and one per
organisation with a plan (app.plans).

flask-limiter counts; this module picks the key, counts in one Redis round trip, and
writes the X-Rate-Limit-* headers, whose Reset is the seconds left in the window.
"""
import time

from flask import current_app, g, has_request_context, request
from limits import parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.util import WindowStats
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from app import auth_epoch, plans
from app.extensions import limiter
from oauth.protector import token_from_header

ONE_TRIP_FIXED_WINDOW = "tiergate-fixed-window"
GLOBAL_SCOPE = "global"  # flask-limiter's scope of an application-wide limit
CLIENT_POLICY = "client"  # the client's budget, in the RateLimit fields
_WINDOWS = "tiergate.rate_windows"

# limits' own incr_expire script, returning the key's time to live beside the count,
# and the auth epoch (KEYS[2], started at ARGV[3] when missing: app.auth_epoch).
_INCR_RETURNING_TTL = """
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if current == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
local result = {current, redis.call("pttl", KEYS[1])}
if KEYS[2] then
    redis.call("set", KEYS[2], ARGV[3], "NX")
    result[3] = redis.call("get", KEYS[2])
end
return result
"""


class OneTripFixedWindow(FixedWindowRateLimiter):
    """limits' fixed window, counted and measured in one Redis round trip.

    flask-limiter hits each limit, then asks for its window (remaining, reset) for the
    headers: on Redis two more commands per request. Here the hit returns the count and
    the time to live together, and the window is answered from them for the rest of the
    request; the auth epoch comes back with them. Other storages (memory://) work as in
    limits."""

    def hit(self, item, *identifiers: str, cost: int = 1) -> bool:
        if not (isinstance(self.storage, RedisStorage) and has_request_context()):
            return super().hit(item, *identifiers, cost=cost)
        key = item.key_for(*identifiers)
        count, ttl_ms, epoch = self._script()(
            [self.storage.prefixed_key(key), self.storage.prefixed_key(auth_epoch.KEY)],
            [item.get_expiry(), cost, auth_epoch.seed()])
        auth_epoch.counted_under(epoch)
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


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory storage (memory://, which this class takes over), with expired
    counters swept by the request that finds a second has passed since the last sweep.

    limits sweeps with a timer thread of 10 ms, started again by the first hit after it
    ends: under load a thread start every few requests, each waiting for the new thread
    to run, about a third of a millisecond a request on average. Counts are unchanged:
    an expired counter reads as zero whether swept or not."""

    STORAGE_SCHEME = ["memory"]
    SWEEP_EVERY = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timer.cancel()
        self._next_sweep = time.monotonic() + self.SWEEP_EVERY

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides limits' own
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()


def identify_caller() -> None:
    """Find whose budget the request counts against, before flask-limiter counts it.

    The look-up reads the database; failing here, it is the 503 of a database outage.
    Inside flask-limiter the same failure would be taken for the limit storage's, switching
    the limits to the in-process fallback and retrying on a session that needs a rollback."""
    # Provisional: a cached look-up is taken before the count brings the auth epoch back.
    # Should the epoch have moved (the token revoked on another server a moment ago), the
    # protector reads the token again and refuses it; only that one request is then
    # counted against the client's budget rather than its address's.
    g.rate_limit_key = _key_of(token_from_header(provisional=True))


def rate_limit_key() -> str:
    if "rate_limit_key" in g:
        return g.rate_limit_key
    return _key_of(token_from_header())


def _key_of(token) -> str:
    return f"client:{token.client.client_id}" if token is not None else _address_key()


def _address_key() -> str:
    return f"addr:{request.remote_addr}"


def identify_request() -> str:
    # flask-limiter skips requests with no endpoint (404, 405); the application
    # limit must still count them and report its headers.
    return request.endpoint or "unrouted"


def _budget_as_it_stands() -> plans.Window:
    """The client's budget, without counting this request: for a request refused before
    the limiter saw it (415, 413)."""
    item = parse(current_app.config["RATE_LIMIT"])
    try:
        key = rate_limit_key()
    except SQLAlchemyError:  # the token could not be looked up: the answer is a 503 anyway
        key = _address_key()
    try:
        reset_at, remaining = limiter.limiter.get_window_stats(item, key, GLOBAL_SCOPE)
    except RedisError:  # the storage went down since the limiter last looked: the full budget
        reset_at, remaining = time.time() + item.get_expiry(), item.amount
    return plans.Window(CLIENT_POLICY, item.amount, item.get_expiry(), max(0, remaining), reset_at,
                        False)


def _client_window() -> plans.Window:
    """The client's (or address's) budget as this request left it."""
    limits = limiter.current_limits
    shown = next((lim for lim in limits if lim.breached), None)
    shown = shown or next((lim for lim in limits if lim.shared), limits[0] if limits else None)
    if shown is None:
        return _budget_as_it_stands()
    return plans.Window(CLIENT_POLICY, shown.limit.amount, shown.limit.get_expiry(),
                        max(0, shown.remaining), shown.reset_at, shown.breached)


def refused() -> bool:
    """Whether a budget, the client's or its organisation's plan, refused this request (429)."""
    return (any(limit.breached for limit in limiter.current_limits)
            or any(window.breached for window in plans.windows_of_request()))


def add_headers(response):
    """X-Rate-Limit-* and the IETF RateLimit field of the budget closest to running out
    (the client's, or its organisation's plan: app.plans), RateLimit-Policy of all."""
    windows = [_client_window(), *plans.windows_of_request()]
    shown = plans.closest_to_running_out(windows)
    reset_in = max(0, int(shown.reset_at - time.time()))
    response.headers["X-Rate-Limit-Limit"] = str(shown.amount)
    response.headers["X-Rate-Limit-Remaining"] = str(shown.remaining)
    response.headers["X-Rate-Limit-Reset"] = str(reset_in)
    if shown.breached:
        response.headers["Retry-After"] = str(max(1, reset_in))
    plans.write_ietf_fields(response, windows, shown)
    return response


def init_app(app):
    """Count every request against its client's budget (its address's, without a token)."""
    app.before_request(identify_caller)  # before flask-limiter's own hook, which follows
    app.config["RATELIMIT_REQUEST_IDENTIFIER"] = identify_request
    limiter.init_app(app, key_func=rate_limit_key)
    app.before_request(plans.enforce)  # after flask-limiter's hook: the organisation's plan
