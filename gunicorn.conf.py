"""gunicorn settings, from the environment (see README)."""
import multiprocessing
import os
import sys

from prometheus_client import multiprocess

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
_storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
_shared_limits = not _storage.startswith("memory://")

if "WEB_CONCURRENCY" in os.environ:
    workers = int(os.environ["WEB_CONCURRENCY"])
else:
    workers = multiprocessing.cpu_count() if _shared_limits else 1

if workers > 1 and not _shared_limits:
    sys.exit(
        f"Refusing to start {workers} workers with RATELIMIT_STORAGE_URI={_storage}: in-memory "
        "rate limits are counted per process. Use WEB_CONCURRENCY=1 (threads are fine) or a "
        "shared store such as redis://127.0.0.1:6379/0."
    )

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# The application writes one JSON line per request (logger tiergate.access) with the request
# id, client and organisation. GUNICORN_ACCESS_LOG=- adds gunicorn's own line, also with the
# request id and the path without its query string (a token sent there stays out of logs).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
limit_request_line = 8190  # the largest gunicorn allows; longer lines get its own 414


def child_exit(server, worker):
    """prometheus_client's multiprocess mode forgets an exited worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
