"""The framework's ceiling, and the floors under any authorised request.

``/bare`` returns a constant JSON body: what Flask and gunicorn alone cost. The two floors
add, with the plainest client code, the round trips a request of this service cannot
avoid while limits are shared by every server and a revocation on one server holds on
all of them at once:

- ``/floor/redis``: one Redis call, as counting a shared rate limit takes;
- ``/floor/redis-postgres`` (the read floor): that, and one indexed PostgreSQL look-up by
  a token's hash (psycopg, one connection per thread, no ORM), as checking a shared token
  takes;
- ``/floor/redis-insert`` (the write floor): one Redis call and one INSERT committed, as
  issuing a token takes;
- ``/floor/redis-list`` (the list floor): one Redis call, one SELECT of 100 invoice rows and
  one COUNT, dumped with the standard ``json`` module, as a page of a list takes.

No amount of work on the API's own code can take a request past its floor.
"""
import hashlib
import json
import os
import secrets
import threading
import time

import psycopg
import redis
from flask import Flask, Response, jsonify

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


WRITES_TABLE = """CREATE TABLE IF NOT EXISTS bench_floor_writes (
    id bigserial PRIMARY KEY, token_hash varchar(64) NOT NULL, issued_at integer NOT NULL)"""


@app.post("/floor/redis-insert")
def floor_redis_insert():
    hits = _count_a_hit()
    token = secrets.token_urlsafe(32)
    row = _postgres().execute(  # autocommit: committed by the statement itself
        "INSERT INTO bench_floor_writes (token_hash, issued_at) VALUES (%s, %s) RETURNING id",
        (hashlib.sha256(token.encode()).hexdigest(), int(time.time()))).fetchone()
    return jsonify({"access_token": token, "hits": hits, "id": row[0]})


@app.get("/floor/redis-list")
def floor_redis_list():
    hits = _count_a_hit()
    cursor = _postgres().execute("SELECT * FROM invoices ORDER BY id LIMIT 100")
    names = [column.name for column in cursor.description]
    data = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    total = _postgres().execute("SELECT count(*) FROM invoices").fetchone()[0]
    body = json.dumps({"data": data, "meta": {"total_records": total, "hits": hits}}, default=str)
    return Response(body, mimetype="application/json")
