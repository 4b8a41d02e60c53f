"""A plain Authlib server, for `make bench` to compare the embedded default against.

Written here from Authlib's documented Flask and SQLAlchemy integration (its
``sqla_oauth2`` helpers), in the shape of Authlib's own example server
(authlib/example-oauth2-server): SQLite through Flask-SQLAlchemy, a client-credentials
token endpoint and ``GET /api/me`` behind a ``ResourceProtector``; nothing else (no rate
limits, tenancy, request ids or access logs). That repository's code is not copied here.
Its client and token are created by ``setup()``; the token acts as the client's user.
"""
import os
import time
from pathlib import Path

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.integrations.sqla_oauth2 import (
    OAuth2ClientMixin,
    OAuth2TokenMixin,
    create_bearer_token_validator,
    create_query_client_func,
)
from authlib.oauth2.rfc6749 import grants
from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy

CLIENT = ("plain-authlib-client", "plain-authlib-secret-0123456789")
TOKEN = "plain-authlib-token-0123456789abcdef"

app = Flask(__name__)
instance = Path(os.environ.get("INSTANCE_PATH", "instance"))
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance.resolve() / 'plain_authlib.db'}"
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True)

    def get_user_id(self):
        return self.id


class Client(db.Model, OAuth2ClientMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"))
    user = db.relationship(User)


class Token(db.Model, OAuth2TokenMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"))
    user = db.relationship(User)


def save_token(token: dict, request) -> None:
    """Authlib's create_save_token_func, with the token acting as the client's user."""
    client = request.client
    db.session.add(Token(client_id=client.client_id, user_id=client.user_id, **token))
    db.session.commit()


server = AuthorizationServer(app, query_client=create_query_client_func(db.session, Client),
                             save_token=save_token)
server.register_grant(grants.ClientCredentialsGrant)
require_oauth = ResourceProtector()
require_oauth.register_token_validator(create_bearer_token_validator(db.session, Token)())


@app.get("/")
def home():
    return jsonify({"service": "plain authlib"})


@app.post("/oauth/token")
def issue_token():
    return server.create_token_response()


@app.get("/api/me")
@require_oauth("profile")
def api_me():
    user = current_token.user
    return jsonify(id=user.id, username=user.username)


def setup() -> None:
    """A user, its client (client credentials, secret by HTTP Basic) and a long token."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(username="bench")
        client = Client(client_id=CLIENT[0], client_secret=CLIENT[1], user=user,
                        client_id_issued_at=int(time.time()))
        client.set_client_metadata({"grant_types": ["client_credentials"], "scope": "profile",
                                    "token_endpoint_auth_method": "client_secret_basic"})
        db.session.add_all([user, client, Token(
            client_id=CLIENT[0], user=user, token_type="Bearer", access_token=TOKEN,
            scope="profile", issued_at=int(time.time()), expires_in=10**8)])
        db.session.commit()


if __name__ == "__main__":
    setup()
