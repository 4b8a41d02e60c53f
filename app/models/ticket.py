"""The service desk: departments, tickets and the messages on them."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, utcnow

OPEN, PENDING, CLOSED = "Open", "Pending", "Closed"
TICKET_STATUSES = (OPEN, PENDING, CLOSED)
PRIORITIES = ("Low", "Medium", "High", "Urgent")
STAFF, CUSTOMER = "staff", "customer"
AUTHORS = (STAFF, CUSTOMER)


class Department(Timestamps, db.Model):
    __tablename__ = "departments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_departments_org_id", "organisation_id", "id"),)


class Ticket(Timestamps, db.Model):
    __tablename__ = "tickets"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(10), default="Medium")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    # The closed ticket a reply reopened as this one.
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)

    __table_args__ = (Index("ix_tickets_org_id", "organisation_id", "id"),)


class TicketMessage(db.Model):
    __tablename__ = "ticket_messages"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
