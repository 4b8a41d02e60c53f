from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps
from app.money import MoneyColumn


class Subscription(Timestamps, db.Model):
    """An organisation's subscription: a price per user, renewed at ``end_date`` unless
    cancelled."""

    __tablename__ = "subscriptions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    renewing: Mapped[bool] = mapped_column(Boolean, default=True)
    end_date: Mapped[date | None] = mapped_column(Date)
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn())
