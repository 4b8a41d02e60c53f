"""Usage: every request of a known caller counted per organisation, API client (or API
key), endpoint and status class, by the hour, in the rate limiter's storage, so that every
server adds to the same counts (GET /api/v1/usage reads them).

Counting a request in Redis would cost each request a round trip; instead each process
adds up its requests and writes them at most every USAGE_FLUSH_SECONDS, in one pipeline,
so what a process counted shows at most that late (and is lost with it if it dies)."""
import logging
import threading
import time
from collections import Counter
from datetime import timedelta

from flask import current_app, request
from limits.storage import RedisStorage
from redis.exceptions import RedisError

from app.extensions import limiter
from oauth.protector import request_caller

log = logging.getLogger(__name__)

RETENTION = timedelta(days=35)
HOUR = 3600
_PREFIX = "tiergate:usage"
_SEPARATOR = "|"  # in the counts' field names: none of the parts contains it


class _Pending:
    """This process's counts not yet written: (hour, field) -> requests."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.flushed_at = 0.0

    def take(self) -> Counter:
        with self.lock:
            taken, self.counts, self.flushed_at = self.counts, Counter(), time.monotonic()
        return taken

    def give_back(self, counts: Counter) -> None:
        with self.lock:
            self.counts.update(counts)


_pending = _Pending()


def endpoint_name() -> str:
    """The method and route of the request, "GET /api/v1/customers/<id:customer_id>"."""
    rule = request.url_rule.rule if request.url_rule is not None else "unrouted"
    return f"{request.method} {rule}"


def count(response) -> None:
    """Count the request just answered, if its caller is known."""
    caller = request_caller()
    if caller is None:
        return
    client_id, organisation = caller
    field = _SEPARATOR.join((str(organisation), client_id, endpoint_name(),
                             f"{response.status_code // 100}xx"))
    with _pending.lock:
        _pending.counts[(int(time.time()) // HOUR * HOUR, field)] += 1
        due = time.monotonic() - _pending.flushed_at >= current_app.config["USAGE_FLUSH_SECONDS"]
    if due:
        flush()


def flush() -> None:
    """Write this process's counts to the storage (kept for later if it is down)."""
    counts = _pending.take()
    if not counts:
        return
    # The configured storage, never flask-limiter's in-process fallback: counts written
    # there would be seen by this process only, and lost with it.
    storage, expiry = limiter.storage, int(RETENTION.total_seconds())
    try:
        if isinstance(storage, RedisStorage):
            pipeline = storage.get_connection().pipeline(transaction=False)
            for (hour, field), requests in counts.items():
                key = storage.prefixed_key(f"{_PREFIX}:{hour}")
                pipeline.hincrby(key, field, requests)
                pipeline.expire(key, expiry)
            pipeline.execute()
        else:  # memory://: one process, its own keys
            for (hour, field), requests in counts.items():
                storage.incr(f"{_PREFIX}:{hour}:{field}", expiry, amount=requests)
    except RedisError:
        log.warning("rate-limit storage unreachable; usage counts kept to write later")
        _pending.give_back(counts)


def counts(hours: list[int]) -> list[tuple]:
    """(hour, organisation, client id, endpoint, status class, requests) of every count
    in those hours, this process's pending ones written first; RedisError while the
    storage is down."""
    flush()
    storage = limiter.storage
    if isinstance(storage, RedisStorage):
        pipeline = storage.get_connection().pipeline(transaction=False)
        for hour in hours:
            pipeline.hgetall(storage.prefixed_key(f"{_PREFIX}:{hour}"))
        by_hour = zip(hours, pipeline.execute(), strict=True)
        found = [(hour, field.decode(), int(value))
                 for hour, fields in by_hour for field, value in fields.items()]
    else:
        wanted = {str(hour) for hour in hours}
        found = []
        for key in list(storage.storage):
            prefix, _, rest = key.partition(f"{_PREFIX}:")
            hour, _, field = rest.partition(":")
            if not prefix and hour in wanted and storage.get(key):
                found.append((int(hour), field, storage.get(key)))
    return [(hour, int(org), client_id, endpoint, status_class, requests)
            for hour, field, requests in found
            for org, client_id, endpoint, status_class in [field.split(_SEPARATOR, 3)]]
