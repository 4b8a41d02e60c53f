"""The OpenAPI document: generated from the code by flask-smorest/apispec, served at /openapi.json."""
import http
import json
from pathlib import Path

import flask
import flask_smorest
from flask_smorest.spec import prepare_response

from app.blueprint import ID_SCHEMA, IdConverter
from app.errors import PROBLEM_CONTENT_TYPE
from app.money import ExactDecimal
from app.schemas.problem import ProblemSchema
from oauth.scopes import SCOPE_DESCRIPTIONS
from openapi.complete import RESPONSE_HEADERS, complete, header_refs
from openapi.docs import LICENCE_URL, docs

SPEC_FILE = Path(__file__).resolve().parent / "openapi.json"
ALWAYS_LISTED = {400, 401, 403, 409, 413, 415, 422, 429, 500, 503}

INFO = {
    "description": (
        "The business API of a hierarchy of organisations, and the OAuth 2.0 server that "
        "issues its tokens.\n\n"
        "**Getting a token.** An API client (a client id and secret, made with "
        "`tiergate create-client` or `POST /api/v1/api-clients`) acts as one user. "
        "`POST /oauth/token` with the client-credentials grant answers a bearer token; send it "
        "as `Authorization: Bearer <token>`. Here, press **Authorize** and enter the client id "
        "and secret.\n\n"
        "**Reach.** A caller acts on its own organisation and, where its permissions have "
        "`parent: true`, on that organisation's descendants. A record out of reach answers as "
        "if it did not exist: 404 when the URL names it, 422 on the field when a body or a "
        "filter refers to it.\n\n"
        "**Conventions.** Lists take `page` and `per_page` (or `limit`, at most 100) and "
        "answer `{\"data\": [...], \"meta\": {...}}`; a query parameter an operation does "
        "not take is a 422. `PUT` and `PATCH` both change only the fields sent. Money and "
        "quantities may be sent as JSON numbers or decimal strings and are answered as decimal "
        "strings. Errors are `application/problem+json` (RFC 9457) with a `request_id`. "
        "Creates accept an `Idempotency-Key` header. Every response carries `X-Request-Id` "
        "and the `X-Rate-Limit-*` headers."),
    "contact": {"name": "Tiergate maintainers"},
    "license": {"name": "Proprietary: all rights reserved", "url": LICENCE_URL},
}
SERVERS = [{"url": "/", "description": "This server (the host that serves this document)"}]


class Api(flask_smorest.Api):
    """flask-smorest's Api, with errors left to app.errors and documented as problem+json."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # openapi.complete lists each operation's errors

    def _register_error_handlers(self):
        """app.errors registers the handlers for every error."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
                response["headers"] = header_refs()
                if status in (429, 503):
                    response["headers"]["Retry-After"] = {
                        "description": "Seconds to wait", "schema": {"type": "integer"}}
                if status in (401, 403):
                    response["headers"]["WWW-Authenticate"] = {
                        "description": "RFC 6750 challenge", "schema": {"type": "string"}}
            # Always listed: openapi.complete refers to them after apispec has run.
            self.spec.components.response(status.name, response,
                                          lazy=status not in ALWAYS_LISTED)

    def _register_pagination_header(self):
        """Lists page with app.pagination (a `meta` in the body), not flask-smorest's
        X-Pagination header: its header and PaginationMetadata schema stay out."""

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.flask_plugin.register_converter(IdConverter, lambda converter: dict(ID_SCHEMA))
        # No type of its own: its metadata says string, or oneOf string and number.
        self.ma_plugin.map_to_openapi_type(ExactDecimal, None, None)
        self.ma_plugin.converter.add_attribute_function(nullable_in_one_branch)
        for name, (description, schema) in RESPONSE_HEADERS.items():
            self.spec.components.header(name, {"description": description, "schema": schema})
        self.spec.components.security_scheme("oauth2", {
            "type": "oauth2",
            "description": (
                "Client-credentials grant: enter your API client's id and secret. Leave the scopes "
                "unticked and the token gets every scope the client may have; tick some only to "
                "try a narrower token (a scope the client may not have is refused). The token is "
                "sent as `Authorization: Bearer <token>`."),
            "flows": {"clientCredentials": {"tokenUrl": "/oauth/token",
                                            "scopes": dict(SCOPE_DESCRIPTIONS)}},
        })
        self.spec.components.security_scheme("clientBasic", {
            "type": "http", "scheme": "basic",
            "description": (
                "The API client's id and secret as HTTP Basic (`client_secret_basic`), only for "
                "`/oauth/token`, `/oauth/revoke` and `/oauth/introspect`, which take them as "
                "`client_id` and `client_secret` in the form too. The API takes the `oauth2` "
                "bearer token, which the Authorize button gets."),
        })

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        app.register_blueprint(docs)

    def spec_dict(self) -> dict:
        """The served document: apispec's, completed (see openapi.complete)."""
        return complete(self.spec.to_dict())

    def _openapi_json(self):
        return flask.current_app.response_class(
            flask.json.dumps(self.spec_dict(), indent=2, sort_keys=False),
            mimetype="application/json",
        )


def nullable_in_one_branch(converter, field, ret: dict, **kwargs) -> dict:
    """OpenAPI 3.0 ignores `nullable` without a `type` beside it: a nullable decimal (a
    string or a number) takes null in its string branch, so that null matches one branch."""
    if ret.get("nullable") and "type" not in ret and "oneOf" in ret:
        del ret["nullable"]
        first, *others = ret["oneOf"]
        ret["oneOf"] = [{**first, "nullable": True}, *others]
    return {}


def dump(spec: dict) -> str:
    """The document as committed: stable key order, so a diff shows only real changes."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


api = Api(spec_kwargs={"info": INFO, "servers": SERVERS})
