"""What every request and response goes through: request id, body checks, access log.

The order of the steps is in app.factory.register_request_path."""
import functools
import logging
import random
import time
import uuid

from flask import current_app, g, has_request_context, make_response, request
from pythonjsonlogger import json as jsonlogger
from werkzeug.exceptions import RequestEntityTooLarge

from app import metrics, ratelimit, usage
from app.errors import fail
from oauth.protector import request_caller
from oauth.routes import is_oauth_request

log = logging.getLogger("tiergate.access")

RENAMED_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger",
                  "exc_info": "exception"}
BODY_METHODS = {"POST", "PUT", "PATCH"}
FORM_MIMETYPES = {"application/x-www-form-urlencoded"}


def new_request_id() -> str:
    """A random (version 4) UUID from Python's generator rather than the system's, which
    uuid4 reads on every call: an id only has to be unique, not unguessable."""
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


def _inbound_request_id() -> str:
    value = request.headers.get("X-Request-Id", "")
    if not value:
        return new_request_id()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return new_request_id()


def start_request():
    g.request_id = _inbound_request_id()
    g.started = time.perf_counter()


def check_request():
    """JSON API bodies must be JSON, OAuth bodies form-encoded (RFC 6749), no larger than
    MAX_CONTENT_LENGTH (413), and no parameter may hold NUL, which no database stores."""
    sources = (request.args, request.form) if _is_form() else (request.args,)
    if any("\x00" in key or "\x00" in value
           for source in sources for key, value in source.items(multi=True)):
        fail(400, "Parameters may not contain NUL characters.")
    if request.method not in BODY_METHODS:
        return
    request.max_content_length = limit = _body_limit()
    try:
        body = request.get_data(cache=True)  # read now, so that an oversized one is refused now
    except RequestEntityTooLarge:
        fail(413, f"The request body is over the limit of {limit} bytes.")
    if request.content_length is None and len(body) >= limit:
        # A chunked body is cut at the limit, not refused, by werkzeug: what reaches the
        # limit was (almost surely) longer.
        fail(413, f"The request body is over the limit of {limit} bytes.")
    if not body and not request.content_length:  # (a parsed form leaves no raw data)
        return
    if is_oauth_request():
        if not _is_form():
            fail(415, "Send the request body as application/x-www-form-urlencoded.")
    elif request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        fail(415, "Send the request body as application/json.")


def _body_limit() -> int:
    """MAX_CONTENT_LENGTH, or the setting a view class names in ``body_limit_setting`` (the
    views taking files in base64, a third larger than the files)."""
    view = current_app.view_functions.get(request.endpoint)
    setting = getattr(getattr(view, "view_class", None), "body_limit_setting", "MAX_CONTENT_LENGTH")
    return current_app.config[setting]


def _is_form() -> bool:
    return request.mimetype in FORM_MIMETYPES


def no_store(view):
    """For responses that carry a secret or a token (RFC 6749 section 5.1)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    return wrapper


def finish_response(response):
    ratelimit.add_headers(response)
    response.headers["X-Request-Id"] = g.get("request_id") or new_request_id()
    _log_request(response)
    usage.count(response)
    metrics.observe(response, rate_limited=ratelimit.refused())
    return response


def _log_request(response):
    caller = request_caller()
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info(
        "%s %s %s %.1fms",
        request.method, request.path, response.status_code, elapsed,
        extra={
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed, 2),
            "client_id": caller[0] if caller else None,
            "organisation": caller[1] if caller else None,
        },
    )


class RequestIdFilter(logging.Filter):
    """Stamps every log record made during a request with its request id."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(jsonlogger.JsonFormatter):
    """One JSON object per line: time, level, logger, message, and the record's own fields
    (the request id on every line; method, path, status, ... on the access line)."""

    def __init__(self):
        super().__init__(["asctime", "levelname", "name", "message"],
                         datefmt="%Y-%m-%dT%H:%M:%S%z", rename_fields=RENAMED_FIELDS)

    def process_log_record(self, log_data):
        return {key: value for key, value in log_data.items() if value is not None}


def configure_logging():
    # Authlib logs issued tokens at DEBUG: never let those records exist.
    logging.getLogger("authlib").setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    for name in ("app", "oauth", "tiergate"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = True

