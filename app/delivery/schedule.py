"""When a failed delivery is tried again."""
import random
from datetime import datetime, timedelta

# After the 1st, 2nd, ... failed attempt (Standard Webhooks' usual schedule); then given up.
WEBHOOK_RETRY_DELAYS = tuple(timedelta(seconds=seconds) for seconds in (
    5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600))
EMAIL_RETRY_DELAYS = tuple(timedelta(seconds=seconds) for seconds in (
    60, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600))
# A push is worth little once late: a short schedule, given up after about 45 minutes.
PUSH_RETRY_DELAYS = tuple(timedelta(seconds=seconds) for seconds in (5, 30, 2 * 60, 10 * 60, 30 * 60))
JITTER = 0.2  # +-20%, so that a receiver back from an outage is not hit by every retry at once


def next_attempt(attempts: int, now: datetime, delays: tuple[timedelta, ...],
                 at_least: timedelta | None = None) -> datetime | None:
    """When to try again after ``attempts`` failed ones; None once the schedule is spent.
    ``at_least`` is the receiver's Retry-After, honoured when longer."""
    if attempts > len(delays):
        return None
    delay = delays[attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)
    return now + max(delay, at_least or timedelta(0))
