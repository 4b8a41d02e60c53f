"""The application factory: settings, extensions, the request path, errors, the
authorization server and the resources."""
from flask import Flask
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

import oauth
from app import (
    audit,
    auth_epoch,
    commands,
    config,
    database,
    errors,
    file_store,
    ratelimit,
    requests,
    resources,
    tenancy,
)
from app.blueprint import IdConverter
from app.extensions import cors, db, limiter, migrate
from app.models import AccessToken, ApiClient, ApiKey
from openapi import api


class NoCookieSessions(SessionInterface):
    """No request has a cookie session (callers send bearer tokens): Flask's default would
    build a signing serializer for every request only to find no cookie."""

    def open_session(self, app, request):
        return None  # Flask then uses its null session, which nothing writes

    def save_session(self, app, session, response):
        return None


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask("app", instance_path=str(config.instance_path()))
    app.session_interface = NoCookieSessions()
    app.config.from_object(config.Defaults)
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    app.url_map.converters["id"] = IdConverter

    database.init_app(app, db)
    migrate.init_app(app, db)
    audit.init_app(app)
    file_store.init_app(app)
    auth_epoch.init_app(app)
    register_request_path(app)
    errors.init_app(app)
    api.init_app(app)
    oauth.init_app(app, api, db=db, client_model=ApiClient,
                   token_model=AccessToken, limiter=limiter,
                   may_emulate=tenancy.may_emulate, audit=audit.token_event,
                   api_key_model=ApiKey, auth_epochs=auth_epoch)
    for blueprint in resources.blueprints():
        api.register_blueprint(blueprint)
    commands.register(app)
    return app


def register_request_path(app: Flask) -> None:
    """Every request takes these steps, in this order."""
    if app.config["TRUSTED_PROXIES"]:  # client address and scheme from X-Forwarded-*
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    requests.configure_logging()
    # 1. A request id (the caller's, when a valid UUID) and the clock for the access log.
    app.before_request(requests.start_request)
    # 2. The body: JSON for the API, a form for /oauth (415); no larger than allowed (413).
    #    Refused here, a request costs nothing of the client's rate limit.
    app.before_request(requests.check_request)
    # 3. The caller's budget found (its token looked up: 503 if the database is down), and
    #    the request counted against it (429).
    ratelimit.init_app(app)
    # 4. The view: its @require_scope checks the bearer token and scope (401, 403), its
    #    schema the arguments (400, 422), and app.tenancy the records' reach (404, 422).
    # 5. Whatever the outcome: rate-limit headers, request id and the access log line;
    #    flask-cors adds the CORS headers (and answers preflights with what is allowed).
    app.after_request(requests.finish_response)
    cors.init_app(app)
