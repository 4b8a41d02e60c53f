"""make profile-hooks: what each step every request takes costs, on GET /healthz in process.

Times ``GET /healthz`` through the Flask test client (CPU time of this process, which a
busy machine disturbs far less than wall time; best of many repeats) for bare Flask, for
the application as configured (SQLite, in-memory limits), and for the application with
one step left out at a time: the difference is that step's cost.
"""
import logging
import os
import tempfile
import time
import timeit

from flask import Flask


def cost(app: Flask, path: str = "/healthz", number: int = 300, repeat: int = 15) -> float:
    """Milliseconds of CPU per request, best of ``repeat`` runs of ``number``."""
    client = app.test_client()
    client.get(path)
    runs = timeit.Timer(lambda: client.get(path), timer=time.process_time).repeat(
        number=number, repeat=repeat)
    return min(runs) / number * 1000


def _bare() -> Flask:
    bare = Flask("bare")
    bare.get("/healthz")(lambda: {"status": "ok"})
    return bare


def _without(app: Flask, hooks: str, name: str) -> Flask:
    functions = getattr(app, hooks)[None]
    inner = (getattr(f, "func", f) for f in functions)  # flask-cors registers a partial
    found = next(i for i, f in enumerate(inner) if name in (f.__name__, f.__module__))
    del functions[found]
    return app


def main() -> None:
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-hooks-"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    from app.extensions import limiter
    from app.factory import create_app

    access_log = logging.getLogger("tiergate.access")
    steps = {
        "request id": lambda app: _without(app, "before_request_funcs", "start_request"),
        "body checks": lambda app: _without(app, "before_request_funcs", "check_request"),
        "caller look-up": lambda app: _without(app, "before_request_funcs", "identify_caller"),
        "rate limit (flask-limiter)": lambda app: limiter.__setattr__("enabled", False) or app,
        "CORS (flask-cors)": lambda app: _without(app, "after_request_funcs", "cors_after_request"),
    }
    baseline = cost(_bare())
    full = cost(create_app())
    print(f"| step | ms per request |\n| --- | ---: |\n| bare Flask | {baseline:.3f} |")
    print(f"| Tiergate GET /healthz, every step | {full:.3f} |")
    for name, leave_out in steps.items():
        app = leave_out(create_app())
        print(f"| of which {name} | {full - cost(app):.3f} |")
        limiter.enabled = True
    access_log.disabled = True
    print(f"| of which the access log line | {full - cost(create_app()):.3f} |")


if __name__ == "__main__":
    main()
