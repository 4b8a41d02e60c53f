from collections import Counter
from datetime import datetime, timezone

from redis.exceptions import RedisError

from app import tenancy, usage
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.models import ApiClient, Organisation
from app.pagination import page_of, paginate_list
from app.schemas.usage import GRANULARITIES, UsageArgs, UsageSchema
from oauth.protector import require_scope

blp = Blueprint("usage", __name__, url_prefix="/api/v1", description="API usage")


def _hours(args) -> list[int]:
    first = int(args["from_"].timestamp()) // usage.HOUR * usage.HOUR
    return list(range(first, int(args["to"].timestamp()), usage.HOUR))


def _organisations_in_reach(args) -> set[int]:
    if args.get("organisation") is not None:
        return {tenancy.get_or_404(Organisation, args["organisation"], field="organisation").id}
    return set(db.session.scalars(tenancy.scoped(Organisation).with_only_columns(Organisation.id)))


@blp.route("/usage", methods=["GET"])
@require_scope("api-clients:read")
@blp.arguments(UsageArgs, location="query")
@blp.response(200, page_of(UsageSchema))
@blp.alt_response(503, description="The rate-limit storage, which keeps the counts, is unreachable")
def get_usage(args):
    """API usage

    Requests counted per API client (or API key), endpoint and status class, by `hour` or
    `day` (UTC), from `from` (default: 24 hours before `to`) to `to` (default: now), at
    most 31 days at a time and kept 35 days, for the organisations in reach: a request
    counts for the organisation of the user its caller acts as. `api_client` narrows it to
    one API client in reach (422 otherwise), `organisation` to one organisation. Counts
    from every server, at most a second behind. Ordered by period, organisation, client,
    endpoint and status class. 503 while the rate-limit storage is unreachable. Needs
    `api-clients:read`.
    """
    organisations = _organisations_in_reach(args)
    client_id = None
    if args.get("api_client") is not None:
        client_id = tenancy.get_or_404(ApiClient, args["api_client"], field="api_client").client_id
    step = GRANULARITIES[args["granularity"]]
    try:
        found = usage.counts(_hours(args))
    except RedisError:
        fail(503, "Usage counts cannot be read while the rate-limit storage is unreachable.",
             headers={"Retry-After": "5"})
    totals = Counter()
    for hour, organisation, caller, endpoint, status_class, requests in found:
        if organisation in organisations and client_id in (None, caller):
            totals[(hour // step * step, organisation, caller, endpoint, status_class)] += requests
    rows = [{"period_start": datetime.fromtimestamp(period, timezone.utc), "organisation": org,
             "api_client": caller, "endpoint": endpoint, "status_class": status_class,
             "requests": requests}
            for (period, org, caller, endpoint, status_class), requests in sorted(totals.items())]
    return paginate_list(rows, args)
