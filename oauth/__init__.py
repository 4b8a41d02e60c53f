"""The OAuth 2.0 authorization server: clients, tokens, grants and the protector.

Import what you need from the modules (oauth.protector.require_scope, ...); this package
stays light so that app.models can use oauth.scopes without an import cycle."""


def init_app(app):
    from app.extensions import api
    from oauth import routes, server

    server.init_app(app)
    api.register_blueprint(routes.blp)
