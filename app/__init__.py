"""The application factory: config -> extensions -> request hooks -> errors -> oauth -> blueprints."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config.instance_path()))
    from app.blueprint import IdConverter

    app.url_map.converters["id"] = IdConverter
    app.config.from_object(config.Defaults)
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"connect_timeout": 5}}  # an unreachable database fails fast

    from app import audit, errors, ratelimit, requests  # noqa: F401  (audit: session events)

    if app.config["TRUSTED_PROXIES"]:  # client addresses (rate limits) from X-Forwarded-*
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    app.config["RATELIMIT_REQUEST_IDENTIFIER"] = ratelimit.identify_request
    from app import database
    from app.extensions import api, db, limiter, migrate

    db.init_app(app)
    database.init_app(app, db)
    migrate.init_app(app, db)
    requests.init_app(app)
    app.after_request(requests.finish_response)
    app.after_request(ratelimit.add_headers)
    limiter.init_app(app)
    app.before_request(requests.check_request)
    errors.init_app(app)
    api.init_app(app)

    import oauth
    from app.resources import BLUEPRINTS

    oauth.init_app(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)

    from app.cli import register_commands

    register_commands(app)
    return app
