"""Plans: a request budget per organisation, shared by all its API clients and keys.

``professional`` allows 100 requests a minute, ``enterprise`` 500, ``custom`` the
organisation's own ``plan_limit``; without a plan only the per-client RATE_LIMIT applies.
An API client or key with a plan of its own counts against that instead (its own budget).
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

from app import tenancy
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


def limit_problem(plan: str | None, limit: int | None) -> str | None:
    """What is wrong with a plan's limit, if anything: a custom plan needs one, the others
    imply theirs (sent back as GET answered it, it is accepted)."""
    if plan == "custom" and limit is None:
        return "A custom plan needs its limit."
    if plan != "custom" and limit not in (None, PER_MINUTE.get(plan)):
        return "Only a custom plan takes a limit of its own."
    return None


def set_own_plan(record, organisation, plan: str | None, limit: int | None) -> None:
    """Give an API client or key (``record``, of ``organisation``) a plan of its own, or
    None to follow its organisation's again: 422 for a bad limit, 403 for a raise of the
    caller's own organisation's budget."""
    problem = limit_problem(plan, limit)
    if problem:
        fail(422, "The plan cannot be used.", errors={"plan_limit": problem})
    after = per_minute(plan, limit) if plan else organisation_budget(organisation)
    if (organisation.id == tenancy.current_user().organisation_id
            and raises(client_budget(record, organisation), after)):
        fail(403, "A plan cannot raise your own organisation's budget; an ancestor sets it.",
             code="permission_denied")
    record.plan, record.plan_limit = plan, limit if plan == "custom" else None


def raises(before: int | None, after: int | None) -> bool:
    """Whether going from ``before`` to ``after`` requests a minute (None: no budget) is a
    raise, which nobody may give its own organisation."""
    return before is not None and (after is None or after > before)


def organisation_budget(organisation) -> int | None:
    return per_minute(organisation.plan, organisation.plan_limit)


def plan_of(organisation) -> dict:
    """The plan as GET /organisations/{id}/plan (and GET /subscription) show it."""
    return {"plan": organisation.plan, "limit": organisation_budget(organisation)}


def client_budget(client, organisation) -> int | None:
    """What a client's (or key's) requests are held to: its own plan, else its organisation's."""
    own = per_minute(client.plan, client.plan_limit)
    return own if own is not None else organisation_budget(organisation)


def _budget(token) -> tuple[str, str, int] | None:
    """(policy, counter key, requests a minute) of the plan the request counts against."""
    client, organisation = token.client, token.user.organisation
    own = per_minute(client.plan, client.plan_limit)
    if own is not None:
        return "client-plan", f"client:{client.client_id}", own
    amount = organisation_budget(organisation)
    return ("organisation", f"org:{organisation.id}", amount) if amount is not None else None


def enforce() -> None:
    """Count the request against its plan, if any: 429 beyond it.

    Runs after flask-limiter (a request over its client's budget is refused there and
    not counted here)."""
    token = token_from_header()
    budget = _budget(token) if token is not None else None
    if budget is None:
        return
    policy, counter_key, amount = budget
    item, key = parse(f"{amount} per minute"), (counter_key, "plan")
    counter = limiter.limiter  # flask-limiter's in-process fallback while the storage is down
    try:
        allowed = counter.hit(item, *key)
        reset_at, remaining = counter.get_window_stats(item, *key)
    except RedisError:  # down since flask-limiter last looked: as it does, serve
        log.warning("rate-limit storage unreachable; the organisation's plan not counted")
        return
    g.plan_window = Window(policy, amount, WINDOW_SECONDS, max(0, remaining), reset_at,
                           not allowed)
    if not allowed:
        whose = ("This client's plan allows" if policy == "client-plan" else
                 "Your organisation's plan allows")
        shared = "" if policy == "client-plan" else ", shared by all its API clients and keys"
        fail(429, f"{whose} {amount} requests a minute{shared}; try again later.")


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
