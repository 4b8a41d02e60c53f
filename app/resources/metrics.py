from flask import make_response

from app import metrics
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import limiter

blp = Blueprint("metrics", __name__, description="Prometheus metrics")


@blp.route("/metrics", methods=["GET"])
@limiter.exempt
@blp.response(200, {"type": "string"}, content_type="text/plain",
              description="Prometheus text exposition format")
@blp.alt_response(401, description="The metrics token is missing or wrong")
@blp.alt_response(404, description="Metrics are not enabled (METRICS_TOKEN unset)")
@blp.doc(security=[])
def prometheus_metrics():
    """Prometheus metrics

    Requests answered and their latency (by route, method and status), rate-limit
    refusals, and the delivery backlog (webhook deliveries and invoice emails due and not
    yet done, and the age of the oldest), in Prometheus' text format. Served only when the
    `METRICS_TOKEN` setting is set (404 otherwise), to whoever sends it as
    `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Not counted against any rate limit.
    """
    allowed = metrics.allowed()
    if allowed is None:
        fail(404, "Metrics are not enabled on this server.")
    if not allowed:
        fail(401, "Send the metrics token as a bearer token.")
    body, content_type = metrics.exposition()
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    return response
