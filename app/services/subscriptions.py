"""An organisation's subscription (priced per user) and the signed, expiring URL to pay it.

The API rate limit is set by the organisation's plan (app.plans, organisations.plan: the one
source of truth); the subscription only reports it, so the two cannot disagree."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.errors import fail
from app.extensions import db
from app.models import Organisation, Subscription, User
from app.models.base import utcnow
from app.money import round_money
from app.plans import plan_of

SALT = "tiergate.payment-url"


@dataclass
class NoSubscription:
    got_subscription: bool = False


@dataclass
class SubscriptionInfo:
    renewing: bool
    end_date: object
    unit_price: Decimal
    total_price: Decimal
    plan: dict
    got_subscription: bool = True


def _of(organisation: Organisation, *, lock: bool = False) -> Subscription | None:
    query = select(Subscription).where(Subscription.organisation_id == organisation.id)
    return db.session.scalar(query.with_for_update() if lock else query)


def describe(organisation: Organisation):
    subscription = _of(organisation)
    if subscription is None:
        return NoSubscription()
    users = db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == organisation.id, User.active.is_(True)))
    return SubscriptionInfo(subscription.renewing, subscription.end_date, subscription.unit_price,
                            round_money(subscription.unit_price * users), plan_of(organisation))


def cancel(organisation: Organisation):
    """Stop renewing; the subscription runs until its end date."""
    subscription = _of(organisation, lock=True)
    if subscription is None:
        fail(409, "There is no subscription to cancel.")
    subscription.renewing = False
    db.session.commit()
    return describe(organisation)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def payment_url(organisation: Organisation, user: User) -> dict:
    token = _serializer().dumps({"organisation": organisation.id, "user": user.id})
    base = current_app.config["PAYMENT_URL"] or request.host_url + "pay"
    max_age = current_app.config["PAYMENT_URL_MAX_AGE"]
    return {"url": f"{base}?token={token}", "expires_at": utcnow() + timedelta(seconds=max_age)}


def read_payment_token(token: str) -> dict | None:
    """What a payment URL's token says, or None when it is forged or expired (for the page
    that takes the payment)."""
    try:
        return _serializer().loads(token, max_age=current_app.config["PAYMENT_URL_MAX_AGE"])
    except BadSignature:  # SignatureExpired is one
        return None


