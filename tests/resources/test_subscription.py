"""The subscription (price per user), its cancellation and the signed payment URL."""
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from app.extensions import db
from app.models import Subscription
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
        "unit_price": "12.50", "total_price": "25.00"}
    cancelled = client.post("/api/v1/subscription/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["renewing"] is False
    paying = client.get("/api/v1/paymenturl", headers=headers).json
    token = parse_qs(urlparse(paying["url"]).query)["token"][0]
    assert subscriptions.read_payment_token(token) == {"organisation": tree.C.id,
                                                       "user": admin_c.user.id}
    assert subscriptions.read_payment_token(token[:-2] + "xx") is None
    app.config["PAYMENT_URL_MAX_AGE"] = -1
    assert subscriptions.read_payment_token(token) is None


def test_subscription_needs_its_scope(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["subscription:view"])
    assert client.get("/api/v1/subscription", headers=auth(caller)).status_code == 200
    assert client.post("/api/v1/subscription/cancel", headers=auth(caller)).status_code == 403
