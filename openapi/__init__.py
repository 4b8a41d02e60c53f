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
from openapi.docs import docs

SPEC_FILE = Path(__file__).resolve().parent / "openapi.json"
ALWAYS_LISTED = {400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503}


class Api(flask_smorest.Api):
    """flask-smorest's Api, with errors left to app.errors and documented as problem+json."""

    ERROR_SCHEMA = ProblemSchema

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
        default = {"description": "Error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.flask_plugin.register_converter(IdConverter, lambda converter: dict(ID_SCHEMA))
        # No type of its own: its metadata says string, or oneOf string and number.
        self.ma_plugin.map_to_openapi_type(ExactDecimal, None, None)
        for name, (description, schema) in RESPONSE_HEADERS.items():
            self.spec.components.header(name, {"description": description, "schema": schema})
        self.spec.components.security_scheme("oauth2", {
            "type": "oauth2",
            "description": "Client-credentials grant; send the token as `Authorization: Bearer`.",
            "flows": {"clientCredentials": {"tokenUrl": "/oauth/token",
                                            "scopes": dict(SCOPE_DESCRIPTIONS)}},
        })
        self.spec.components.security_scheme("clientBasic", {
            "type": "http", "scheme": "basic",
            "description": "API client id and secret (client_secret_basic)",
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


def dump(spec: dict) -> str:
    """The document as committed: stable key order, so a diff shows only real changes."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


api = Api()
