"""Plans: a request budget per organisation, shared by all its API clients and keys.

``professional`` allows 100 requests a minute, ``enterprise`` 500, ``custom`` the
organisation's own ``plan_limit``; without a plan only the per-client RATE_LIMIT applies.
The plan is read with the caller's user and organisation on every request (no cache), so
a change applies from the next request on. Counted in the rate limiter's storage with its
strategy (app.ratelimit), so every worker and host shares the count. The responses' rate
limit headers show whichever budget is closer to running out (app.ratelimit.add_headers),
and list every budget in the IETF RateLimit-Policy field."""
import logging
import time
from dataclasses import dataclass

from flask import g
from limits import parse
from redis.exceptions import RedisError

from app.errors import fail
from app.extensions import limiter
from oauth.protector import token_from_header

log = logging.getLogger(__name__)

PER_MINUTE = {"professional": 100, "enterprise": 500}
PLANS = (*PER_MINUTE, "custom")
WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Window:
    """A budget as this request left it."""

    policy: str  # its name in the RateLimit fields
    amount: int
    seconds: int  # the window's length
    remaining: int
    reset_at: float
    breached: bool


def per_minute(plan: str | None, limit: int | None) -> int | None:
    """Requests a minute a plan allows; None: no plan, no organisation budget."""
    if plan == "custom":
        return limit
    return PER_MINUTE.get(plan)


def enforce() -> None:
    """Count the request against its organisation's plan, if it has one: 429 beyond it.

    Runs after flask-limiter (a request over its client's budget is refused there and
    not counted here)."""
    token = token_from_header()
    if token is None:
        return
    organisation = token.user.organisation
    amount = per_minute(organisation.plan, organisation.plan_limit)
    if amount is None:
        return
    item, key = parse(f"{amount} per minute"), (f"org:{organisation.id}", "plan")
    counter = limiter.limiter  # flask-limiter's in-process fallback while the storage is down
    try:
        allowed = counter.hit(item, *key)
        reset_at, remaining = counter.get_window_stats(item, *key)
    except RedisError:  # down since flask-limiter last looked: as it does, serve
        log.warning("rate-limit storage unreachable; the organisation's plan not counted")
        return
    g.plan_window = Window("organisation", amount, WINDOW_SECONDS, max(0, remaining), reset_at,
                           not allowed)
    if not allowed:
        fail(429, f"Your organisation's plan allows {amount} requests a minute, shared by all "
                  "its API clients and keys; try again later.")


def windows_of_request() -> list[Window]:
    """The plan's budget as this request left it, if it counted against one."""
    window = g.get("plan_window")
    return [window] if window is not None else []


def closest_to_running_out(windows: list[Window]) -> Window:
    """The refused budget if any, else the one with the fewest requests left."""
    return min(windows, key=lambda window: (not window.breached, window.remaining))


def write_ietf_fields(response, windows: list[Window], shown: Window) -> None:
    """RateLimit-Policy (every budget) and RateLimit (the one shown), as in
    draft-ietf-httpapi-ratelimit-headers."""
    response.headers["RateLimit-Policy"] = ", ".join(
        f'"{window.policy}";q={window.amount};w={window.seconds}' for window in windows)
    reset_in = max(0, int(shown.reset_at - time.time()))
    response.headers["RateLimit"] = f'"{shown.policy}";r={shown.remaining};t={reset_in}'
