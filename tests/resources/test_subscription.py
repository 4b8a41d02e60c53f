"""The subscription (price per user), its cancellation and the signed payment URL."""
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from app.bootstrap import create_organisation
from app.extensions import db
from app.models import AuditEvent, Subscription
from app.services import subscriptions


def test_subscription_cancel_and_payment_url(app, client, tree, admin_c, make_user, auth):
    headers = auth(admin_c)
    assert client.get("/api/v1/subscription", headers=headers).json == {"got_subscription": False}
    assert client.post("/api/v1/subscription/cancel", headers=headers).status_code == 409
    db.session.add(Subscription(organisation_id=tree.C.id, end_date=date(2027, 1, 31),
                                unit_price=Decimal("12.50")))
    make_user(tree.C)
    make_user(tree.D)  # another organisation's user does not count
    db.session.commit()
    assert client.get("/api/v1/subscription", headers=headers).json == {
        "got_subscription": True, "renewing": True, "end_date": "2027-01-31",
        "unit_price": "12.50", "total_price": "25.00", "plan": {"plan": None, "limit": None}}
    cancelled = client.post("/api/v1/subscription/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["renewing"] is False
    paying = client.get("/api/v1/paymenturl", headers=headers).json
    token = parse_qs(urlparse(paying["url"]).query)["token"][0]
    assert subscriptions.read_payment_token(token) == {"organisation": tree.C.id,
                                                       "user": admin_c.user.id}
    assert subscriptions.read_payment_token(token[:-2] + "xx") is None
    app.config["PAYMENT_URL_MAX_AGE"] = -1
    assert subscriptions.read_payment_token(token) is None


def test_the_subscription_reports_the_plan_that_sets_the_rate_limit(
        client, tree, admin_c, make_caller, auth):
    headers = auth(admin_c)
    db.session.add(Subscription(organisation_id=tree.C.id, unit_price=Decimal("5")))
    db.session.commit()
    assert client.put(f"/api/v1/organisations/{tree.C.id}/plan", json={"plan": "enterprise"},
                      headers=auth(make_caller(tree.B, admin=True))).status_code == 200
    assert client.get("/api/v1/subscription", headers=headers).json["plan"] == {
        "plan": "enterprise", "limit": 500}
    cancelled = client.post("/api/v1/subscription/cancel", headers=headers).json
    assert cancelled["plan"] == {"plan": "enterprise", "limit": 500}  # the plan is set apart
    response = client.get("/api/v1/subscription", headers=headers)
    assert response.headers["X-Rate-Limit-Limit"] == "500"  # the limit it reports applies


def test_subscription_needs_its_scope(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["subscription:view"])
    assert client.get("/api/v1/subscription", headers=auth(caller)).status_code == 200
    assert client.post("/api/v1/subscription/cancel", headers=auth(caller)).status_code == 403


@pytest.mark.commits
def test_the_cli_sets_a_subscription(app):
    organisation = create_organisation("Subscriber")
    db.session.commit()
    runner = app.test_cli_runner()
    args = ["set-subscription", "--org", str(organisation.id), "--unit-price", "9.99",
            "--end-date", "2027-06-30"]
    created = runner.invoke(args=args)
    assert created.exit_code == 0, created.output
    assert "9.99 per user until 2027-06-30, renewing" in created.output
    assert runner.invoke(args=[*args[:-1], "2027-12-31", "--not-renewing"]).exit_code == 0
    subscription = db.session.scalar(select(Subscription))
    assert (subscription.end_date, subscription.renewing) == (date(2027, 12, 31), False)
    refused = runner.invoke(args=[*args[:3], "--unit-price", "1.234", "--end-date", "2027-01-01"])
    assert refused.exit_code != 0 and "unit_price" in refused.output
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.resource_type == "subscriptions").order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]
