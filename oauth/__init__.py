"""The OAuth 2.0 authorization server: client authentication, the client-credentials grant,
revocation, introspection, and the protector of the API's views.

The application uses this package; this package imports nothing of the application.
``init_app`` is handed what the server needs of it (see oauth.store)."""
from oauth import routes, server
from oauth.store import Store
from oauth.token_cache import TokenCache


def init_app(app, api, **store):
    """``store``: db, client_model, token_model, limiter, may_emulate, audit, auth_epochs
    and api_key_model (oauth.store); token look-ups are cached for AUTH_CACHE_SECONDS (0: not
    at all)."""
    app.extensions["oauth"] = Store(**store,
                                    token_cache=TokenCache(app.config["AUTH_CACHE_SECONDS"]))
    server.init_app(app)
    api.register_blueprint(routes.blp)
