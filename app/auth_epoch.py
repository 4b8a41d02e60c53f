"""The auth epoch: a number that moves after every commit that changes who may do what.

oauth.token_cache serves a cached token look-up only while the request's epoch is the one
its rows were read under. With Redis limits the epoch lives in Redis, shared by every
server, and comes back with the request's rate-limit count (app.ratelimit, same round
trip); with in-memory limits (one process) it is a counter in the process.

One session hook bumps it, so every endpoint and every command is covered: a commit that
updated or deleted rows of AUTH_MODELS. Inserts leave it alone: a new row changes no
look-up already cached."""
import itertools
import logging
import random

from flask import current_app, has_app_context, has_request_context, request
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import limiter
from app.models import AccessToken, ApiClient, Organisation, User

AUTH_MODELS = (ApiClient, AccessToken, User, Organisation)
KEY = "tiergate:auth-epoch"  # in the rate-limit storage, beside the counters
_REQUEST_EPOCH = "tiergate.auth_epoch"
_CHANGED = "tiergate.auth_changed"

log = logging.getLogger(__name__)

_BUMP = """
redis.call("set", KEYS[1], ARGV[1], "NX")
return redis.call("incr", KEYS[1])
"""
_process_epochs = itertools.count(1)
_process_epoch = 0
_latest_shared = None  # the last epoch a count in Redis returned to this process


def seed() -> int:
    """Where a Redis without the key (new, or flushed) starts it: anywhere but where it
    was, so that no entry cached before the flush matches again."""
    return random.randrange(1, 2**52)


def _shared() -> bool:
    return not current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")


def current():
    """The request's epoch; None when it cannot be known (not counted in Redis yet, Redis
    down, outside a request), which keeps the cache out of it."""
    if not has_request_context():
        return None
    if _shared():
        return request.environ.get(_REQUEST_EPOCH)
    return _process_epoch


def latest():
    """The last epoch this process saw: rows read from now on are good for it (a change
    committed after the read bumps it). None if it never saw one."""
    if has_app_context() and _shared():
        return _latest_shared
    return _process_epoch


def counted_under(epoch) -> None:
    """Record the epoch the Redis count of this request returned."""
    global _latest_shared
    _latest_shared = request.environ[_REQUEST_EPOCH] = int(epoch)


def bump() -> None:
    global _process_epoch
    _process_epoch = next(_process_epochs)
    if not (has_app_context() and _shared()):
        return
    storage = limiter.storage
    try:
        connection = storage.get_connection()
        connection.eval(_BUMP, 1, storage.prefixed_key(KEY), seed())
    except (RedisError, AttributeError):  # down (or not Redis): AUTH_CACHE_SECONDS bounds it
        log.warning("auth epoch not bumped: the rate-limit storage is unreachable")


def _note_changed_rows(session, _context) -> None:
    changed = itertools.chain(session.dirty, session.deleted)
    if any(isinstance(obj, AUTH_MODELS) for obj in changed):
        session.info[_CHANGED] = True


def _note_bulk_changes(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and issubclass(
            mapper.class_, AUTH_MODELS):
        state.session.info[_CHANGED] = True


def _bump_after_commit(session) -> None:
    if session.info.pop(_CHANGED, False):
        bump()


def _forget_changes(session) -> None:
    session.info.pop(_CHANGED, None)


HOOKS = (("after_flush", _note_changed_rows), ("do_orm_execute", _note_bulk_changes),
         ("after_commit", _bump_after_commit), ("after_rollback", _forget_changes))


def init_app(_app) -> None:
    for name, hook in HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
