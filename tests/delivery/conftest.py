"""Receivers on 127.0.0.1 (pytest-httpserver) and the worker, run in the test's process."""
from datetime import timedelta

import pytest

from app.delivery.worker import Worker
from app.extensions import db
from app.models.base import utcnow
from app.models.event import WebhookDelivery


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture
def receiving(app):
    """Deliveries may go to 127.0.0.1 (as WEBHOOK_ALLOWED_HOSTS=127.0.0.1 allows), with a
    short timeout."""
    app.config.update(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"], WEBHOOK_TIMEOUT=0.5)
    return app


@pytest.fixture
def deliver(receiving):
    """deliver(after=timedelta()) -> attempts made by a worker run at now + ``after``."""

    def run(after: timedelta = timedelta()) -> int:
        return Worker(threads=2).run_once(utcnow() + after)

    return run


@pytest.fixture
def headers(admin_c, auth):
    return auth(admin_c)


@pytest.fixture
def make_endpoint(client, headers, httpserver):
    def make(events=("*",), path="/hook", **fields):
        response = client.post("/api/v1/webhooks", json={
            "url": httpserver.url_for(path), "events": list(events), **fields}, headers=headers)
        assert response.status_code == 201, response.json
        return response.json

    return make


def deliveries():
    db.session.expire_all()
    return db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
