"""Prometheus metrics of this process (GET /metrics): requests and their latency by route,
method and status, and the requests the rate limiter refused.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory) for the
workers to share their figures, as prometheus_client documents; gunicorn.conf.py then
tells it when a worker exits."""
import hmac
import os
import time

from flask import current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from app.usage import endpoint_name

REQUESTS = Counter("tiergate_requests_total", "Requests answered",
                   ["route", "method", "status"])
LATENCY = Histogram("tiergate_request_duration_seconds", "Time to answer a request",
                    ["route", "method", "status"])
RATE_LIMITED = Counter("tiergate_rate_limit_rejections_total",
                       "Requests refused by the rate limiter (429)", ["route"])


def observe(response, rate_limited: bool) -> None:
    method, _, route = endpoint_name().partition(" ")
    labels = {"route": route, "method": method, "status": str(response.status_code)}
    REQUESTS.labels(**labels).inc()
    LATENCY.labels(**labels).observe(time.perf_counter() - g.get("started", time.perf_counter()))
    if rate_limited:
        RATE_LIMITED.labels(route=route).inc()


def allowed() -> bool | None:
    """None while METRICS_TOKEN is unset (no metrics served); else whether the request
    brings it as a bearer token."""
    expected = current_app.config["METRICS_TOKEN"]
    if not expected:
        return None
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), expected.encode())


def exposition() -> tuple[bytes, str]:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
