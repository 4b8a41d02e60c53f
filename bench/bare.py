"""The framework's ceiling, and the floors under any authorised request.

``/bare`` returns a constant JSON body: what Flask and gunicorn alone cost. The two floors
add, with the plainest client code, the round trips a request of this service cannot
avoid while limits are shared by every server and a revocation on one server holds on
all of them at once:

- ``/floor/redis``: one Redis call, as counting a shared rate limit takes;
- ``/floor/redis-postgres``: that, and one indexed PostgreSQL look-up by a token's hash
  (psycopg, one connection per thread, no ORM), as checking a shared token takes.

No amount of work on the API's own code can take a request past its floor.
"""
import hashlib
import os
import threading

import psycopg
import redis
from flask import Flask, jsonify

app = Flask(__name__)
_local = threading.local()


def _redis() -> redis.Redis:
    if not hasattr(_local, "redis"):
        _local.redis = redis.Redis.from_url(os.environ.get("RATELIMIT_STORAGE_URI", ""))
    return _local.redis


def _postgres() -> psycopg.Connection:
    if not hasattr(_local, "postgres"):
        url = os.environ.get("DATABASE_URL", "").replace("postgresql+psycopg://", "postgresql://")
        _local.postgres = psycopg.connect(url, autocommit=True)
    return _local.postgres


def _count_a_hit() -> int:
    pipe = _redis().pipeline(transaction=False)
    pipe.incr("bench:floor").expire("bench:floor", 3600)
    return pipe.execute()[0]


@app.get("/bare")
def bare():
    return jsonify({"status": "ok", "service": "bare"})


@app.get("/floor/redis")
def floor_redis():
    return jsonify({"status": "ok", "hits": _count_a_hit()})


@app.get("/floor/redis-postgres")
def floor_redis_postgres():
    hits = _count_a_hit()
    token_hash = hashlib.sha256(b"bench").hexdigest()
    row = _postgres().execute("SELECT id FROM access_tokens WHERE token_hash = %s",
                              (token_hash,)).fetchone()
    return jsonify({"status": "ok", "hits": hits, "token": row[0] if row else None})
