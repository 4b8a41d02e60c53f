"""One error format for every status: RFC 9457 problem details as JSON."""
import http
import logging

from flask import g, jsonify, request
from flask_smorest import abort
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from oauth.routes import is_oauth_request

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


DEFAULT_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


# The RFC 6749 ``error`` of an /oauth answer refused before Authlib saw the request
# (otherwise invalid_request).
OAUTH_ERRORS = {429: "temporarily_unavailable", 500: "server_error",
                503: "temporarily_unavailable"}


def fail(status: int, detail: str, *, code: str | None = None, headers=None, errors=None,
         **extra):
    """Stop the request with a problem response; ``extra`` adds members to the body."""
    abort(status, message=detail, code=code, headers=headers, errors=errors, extra=extra)


def flatten_messages(messages, prefix="") -> dict[str, str]:
    """webargs/marshmallow messages -> {"field.path": "first message"}."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "headers", "path") and not prefix:
                flat.update(flatten_messages(value))
                continue
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_messages(value, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = messages[0]
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = str(messages)
    return flat


def problem_response(status: int, detail: str | None = None, *, code=None, headers=None,
                     errors=None, **extra):
    body = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or http.HTTPStatus(status).description,
        "request_id": g.get("request_id"),
        "code": code or DEFAULT_CODES.get(status, "error"),
    }
    if is_oauth_request():  # RFC 6749 section 5.2: clients read ``error``
        extra.setdefault("error", OAUTH_ERRORS.get(status, "invalid_request"))
    body.update({key: value for key, value in extra.items() if value is not None})
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    # RFC 6749 section 5.2 answers are application/json; everything else is a problem document.
    response.mimetype = "application/json" if is_oauth_request() else PROBLEM_CONTENT_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    db.session.rollback()  # a refused request leaves nothing half-written behind
    original = getattr(error, "original_exception", None)
    if original is not None:  # a refusal we raise (a 503 of /readyz, say) is not an error
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:  # raised by webargs on invalid arguments
        errors = flatten_messages(data["messages"])
    detail = data.get("message")
    if errors and list(errors) == ["_schema"]:  # a whole-body error, e.g. malformed JSON
        detail, errors = errors["_schema"], None
    if detail is None and errors:
        detail = "The request did not validate; see errors."
    if detail is None:
        detail = error.description
    headers = dict(data.get("headers") or {})
    if getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    extra = dict(data.get("extra") or {})
    return problem_response(error.code, detail, code=data.get("code"), headers=headers,
                            errors=errors, **extra)


def handle_integrity_error(error: IntegrityError):
    """A unique or foreign-key constraint lost a race with another request."""
    db.session.rollback()
    log.info("integrity error: %s", error.orig)
    return problem_response(409, "The request conflicts with the current state of a record.")


def handle_out_of_range(error: DataError):
    """A value the database cannot hold (a number too large, say) is the client's to fix."""
    db.session.rollback()
    log.info("data error: %s", error.orig)
    return problem_response(422, "A value is out of the range this API can store.")


def handle_database_unavailable(error: OperationalError):
    """The database is down or unreachable: say so, quickly, and let the client retry."""
    log.error("database unavailable: %s", error.orig)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already gone
        db.session.close()
    return problem_response(503, "The database is unavailable; retry shortly.",
                            code="database_unavailable", headers={"Retry-After": "5"})


def handle_unexpected(error: Exception):
    return handle_http_exception(InternalServerError(original_exception=error))


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(Exception, handle_unexpected)
