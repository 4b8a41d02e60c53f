"""Prometheus metrics of this process (GET /metrics): requests and their latency by route,
method and status, the requests the rate limiter refused, and the delivery backlog (read
from the database at each scrape, so every process answers the same).

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory) for the
workers to share their figures, as prometheus_client documents; gunicorn.conf.py then
tells it when a worker exits."""
import hmac
import os
import time

from flask import current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.delivery import claims
from app.delivery.worker import KINDS
from app.models.base import utcnow
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


class DeliveryBacklog(Collector):
    """Webhook deliveries and emails the worker should have sent by now (as it would claim
    them: not those waiting for a disabled endpoint), and how long the oldest has waited."""

    def collect(self):
        now = utcnow()
        waiting = GaugeMetricFamily("tiergate_delivery_backlog",
                                    "Deliveries due and not yet done", labels=["kind"])
        age = GaugeMetricFamily("tiergate_delivery_backlog_oldest_age_seconds",
                                "Seconds the oldest due delivery has waited (0 without one)",
                                labels=["kind"])
        for model, kind in KINDS:
            count, oldest = claims.backlog(model, now, *kind.claimable())
            waiting.add_metric([model.__tablename__], count)
            age.add_metric([model.__tablename__], (now - oldest).total_seconds() if oldest else 0)
        yield waiting
        yield age


def exposition() -> tuple[bytes, str]:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    backlog = CollectorRegistry()
    backlog.register(DeliveryBacklog())
    return generate_latest(registry) + generate_latest(backlog), CONTENT_TYPE_LATEST
