"""The access matrix: every endpoint x organisation relation -> status.

The caller sits in C of A > B > C > D > E (C2 is C's sibling, U unrelated). It may act on
C, D and E where its permission reaches descendants, on C alone where it does not, and
never on A, B, C2 or U: those answer exactly as if the record did not exist: 404 when
the URL names it, 422 on the field when the body or query string refers to it.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Callable

import pytest
from werkzeug.exceptions import HTTPException

from app import files, rows, tenancy
from app.bootstrap import create_client, create_organisation
from app.extensions import db
from app.models import (
    Account,
    Address,
    ApiClient,
    ApiKey,
    Assignment,
    Category,
    Customer,
    Department,
    Device,
    Event,
    Invoice,
    Lead,
    Notification,
    Organisation,
    Payment,
    Product,
    Quote,
    QuoteLine,
    Repair,
    RepairLabour,
    SigningKey,
    Task,
    TaskNote,
    Ticket,
    Transaction,
    User,
    Vendor,
    WebhookEndpoint,
)
from app.services.webhooks import new_secret, seal
from oauth.protector import require_oauth
from oauth.scopes import ALL_PERMISSIONS, implied_by
from oauth.signatures import new_key_id
from tests.conftest import undone
from tests.resources.field_service import connect

RELATIONS = ("self", "child", "descendant", "parent", "ancestor", "sibling", "unrelated")
IN_REACH_WITH_DESCENDANTS = {"self", "child", "descendant"}


def _user(org):
    user = User(organisation=org, name=f"Member of {org.name}",
                email=f"member-{org.id}@example.com")
    db.session.add(user)
    db.session.flush()
    return user


def _client(org):
    create_client(_user(org), "target client")
    return db.session.query(ApiClient).order_by(ApiClient.id.desc()).first()


def _api_key(org):
    api_key = ApiKey(user=_user(org), name="target key")
    api_key.set_key()
    db.session.add(api_key)
    db.session.flush()
    return api_key


def _signing_key(org):
    key = SigningKey(client=_client(org), key_id=new_key_id(), algorithm="hmac-sha256")
    key.set_new_secret()
    db.session.add(key)
    db.session.flush()
    return key


def _customer(org):
    customer = Customer(organisation_id=org.id, account=f"Customer of {org.name}")
    db.session.add(customer)
    db.session.flush()
    return customer


def _vendor(org):
    vendor = Vendor(organisation_id=org.id, name=f"Vendor of {org.name}")
    db.session.add(vendor)
    db.session.flush()
    return vendor


def _product(org):
    product = Product(organisation_id=org.id, name=f"Product of {org.name}", price=Decimal("10"),
                      stock=Decimal("1"), min_stock=Decimal("5"))
    db.session.add(product)
    db.session.flush()
    return product


def _invoice(org):
    invoice = Invoice(organisation_id=org.id, customer_id=_customer(org).id,
                      invoice_number=f"INV-T-{org.id}", date=date(2026, 1, 1),
                      due_date=date(2099, 1, 1), total=Decimal("100"), subtotal=Decimal("100"),
                      tax=Decimal("0"), amount_paid=Decimal("0"), status="Unpaid")
    db.session.add(invoice)
    db.session.flush()
    return invoice


def _payment(org):
    invoice = _invoice(org)
    payment = Payment(organisation_id=org.id, invoice_id=invoice.id, amount=Decimal("1"),
                      date=date(2026, 1, 2), method="cash")
    invoice.amount_paid = Decimal("1")
    db.session.add(payment)
    db.session.flush()
    return payment


def _department(org):
    department = Department(organisation_id=org.id, name=f"Desk of {org.name}")
    db.session.add(department)
    db.session.flush()
    return department


def _department_and_customer(org):
    """A department, with a customer of its organisation to file a ticket for."""
    department = _department(org)
    department.test_customer = _customer(org)
    return department


def _product_and_customer(org):
    product = _product(org)
    product.test_customer = _customer(org)
    return product


def _ticket(org):
    ticket = Ticket(organisation_id=org.id, customer_id=_customer(org).id, subject="Help")
    db.session.add(ticket)
    db.session.flush()
    return ticket


def _lead(org):
    lead = Lead(organisation_id=org.id, first_name="John", email=f"lead-{org.id}@example.com")
    db.session.add(lead)
    db.session.flush()
    return lead


def _repair(org):
    repair = Repair(organisation_id=org.id, customer_id=_customer(org).id, device="Phone",
                    total=Decimal("10"), labour_total=Decimal("10"))
    db.session.add(repair)
    db.session.flush()
    return repair


def _labour_repair(org):
    repair = _repair(org)
    repair.labour.append(RepairLabour(position=1, description="Work", hours=Decimal("1"),
                                      rate=Decimal("10"), line_total=Decimal("10")))
    db.session.flush()
    return repair
def _quote(org):
    quote = Quote(organisation_id=org.id, customer_id=_customer(org).id,
                  quote_number=f"QUO-T-{org.id}", date=date(2026, 1, 1),
                  valid_until=date(2099, 1, 1), status="Draft", subtotal=Decimal("10"),
                  tax=Decimal("0"), total=Decimal("10"))
    quote.items.append(QuoteLine(position=1, description="Work", qty=Decimal("1"),
                                 amount=Decimal("10"), tax_rate=Decimal("0"),
                                 line_total=Decimal("10"), line_tax=Decimal("0")))
    db.session.add(quote)
    db.session.flush()
    return quote


def _account(org):
    account = Account(organisation_id=org.id, name=f"Bank of {org.name}", type="bank",
                      currency="GBP", opening_balance=Decimal("0"))
    db.session.add(account)
    db.session.flush()
    return account


def _category(org):
    category = Category(organisation_id=org.id, name=f"Sales of {org.name}", type="Income")
    db.session.add(category)
    db.session.flush()
    return category


def _transaction(org):
    transaction = Transaction(organisation_id=org.id, account_id=_account(org).id, type="Income",
                              amount=Decimal("5"), date=date(2026, 1, 2))
    db.session.add(transaction)
    db.session.flush()
    return transaction
def _event(org):
    event = Event(organisation_id=org.id, type="customer.created", data={"id": 1})
    db.session.add(event)
    db.session.flush()
    return event


def _webhook(org):
    endpoint = WebhookEndpoint(organisation_id=org.id, url="https://example.com/hook",
                               events=["*"], sealed_secret=seal(new_secret()))
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


INVOICE_BODY = {"date": "2026-01-15", "due_date": "2026-02-15",
                "items": [{"description": "Work", "qty": "1", "amount": "10.00"}]}


@dataclass
class Endpoint:
    method: str
    url: Callable
    success: int
    make_target: Callable = lambda org: org
    body: Callable | None = None
    refused: int = 404  # 422 where the target is a reference in the body or query

    def check_refused(self, response):
        assert response.status_code == self.refused, response.json
        if self.refused == 422:
            assert response.json["code"] == "validation_failed"
            assert len(response.json["errors"]) == 1, response.json

    def __str__(self):
        return f"{self.method} {self.url(_Id())}"


class _Id:
    id = client_pk = key_id = "{id}"


ENDPOINTS = [
    Endpoint("GET", lambda o: f"/api/v1/organisations/{o.id}", 200),
    Endpoint("PUT", lambda o: f"/api/v1/organisations/{o.id}", 200,
             body=lambda o: {"name": "Renamed"}),
    Endpoint("PATCH", lambda o: f"/api/v1/organisations/{o.id}", 200,
             body=lambda o: {"name": "Renamed"}),
    Endpoint("POST", lambda o: "/api/v1/organisations", 201,
             body=lambda o: {"name": "Child", "parent": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/organisations/{o.id}/addresses", 200),
    Endpoint("GET", lambda o: f"/api/v1/organisations/{o.id}/plan", 200),
    Endpoint("PUT", lambda o: f"/api/v1/organisations/{o.id}/plan", 200,
             body=lambda o: {"plan": "professional"}),
    Endpoint("POST", lambda o: f"/api/v1/organisations/{o.id}/addresses", 201,
             body=lambda o: {"name": "HQ", "addr_line_1": "1 Road", "city": "Leeds",
                             "country_code": 826}),
    Endpoint("GET", lambda u: f"/api/v1/users/{u.id}", 200, make_target=_user),
    Endpoint("PUT", lambda u: f"/api/v1/users/{u.id}", 200, make_target=_user,
             body=lambda u: {"name": "Renamed"}),
    Endpoint("PATCH", lambda u: f"/api/v1/users/{u.id}", 200, make_target=_user,
             body=lambda u: {"name": "Renamed"}),
    Endpoint("GET", lambda o: f"/api/v1/users?organisation={o.id}", 200, refused=422),
    Endpoint("POST", lambda o: "/api/v1/users", 201,
             body=lambda o: {"name": "New", "email": "new@example.com", "organisation": o.id},
             refused=422),
    Endpoint("POST", lambda u: f"/api/v1/users/{u.id}/emulation", 201, make_target=_user),
    Endpoint("GET", lambda c: f"/api/v1/api-clients/{c.id}", 200, make_target=_client),
    Endpoint("DELETE", lambda c: f"/api/v1/api-clients/{c.id}", 204, make_target=_client),
    Endpoint("PUT", lambda c: f"/api/v1/api-clients/{c.id}", 200, make_target=_client,
             body=lambda c: {"name": "Renamed"}),
    Endpoint("PATCH", lambda c: f"/api/v1/api-clients/{c.id}", 200, make_target=_client,
             body=lambda c: {"name": "Renamed"}),
    Endpoint("POST", lambda c: f"/api/v1/api-clients/{c.id}/signing-keys", 201, make_target=_client,
             body=lambda c: {"algorithm": "hmac-sha256"}),
    Endpoint("GET", lambda c: f"/api/v1/api-clients/{c.id}/signing-keys", 200, make_target=_client),
    Endpoint("DELETE", lambda k: f"/api/v1/api-clients/{k.client_pk}/signing-keys/{k.key_id}", 204,
             make_target=_signing_key),
    Endpoint("POST", lambda c: f"/api/v1/api-clients/{c.id}/secret", 201, make_target=_client),
    Endpoint("POST", lambda u: "/api/v1/api-clients", 201, make_target=_user,
             body=lambda u: {"name": "Integration", "user": u.id}, refused=422),
    Endpoint("DELETE", lambda k: f"/api/v1/api-keys/{k.id}", 204, make_target=_api_key),
    Endpoint("GET", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer),
    Endpoint("PUT", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer,
             body=lambda c: {"account": "Renamed"}),
    Endpoint("PATCH", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer,
             body=lambda c: {"account": "Renamed"}),
    Endpoint("DELETE", lambda c: f"/api/v1/customers/{c.id}", 204, make_target=_customer),
    Endpoint("POST", lambda o: "/api/v1/customers", 201,
             body=lambda o: {"account": "New", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/customers?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/usage?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/usage?api_client={c.id}", 200, make_target=_client,
             refused=422),
    Endpoint("GET", lambda v: f"/api/v1/vendors/{v.id}", 200, make_target=_vendor),
    Endpoint("POST", lambda o: "/api/v1/vendors", 201,
             body=lambda o: {"name": "New", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/vendors?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda p: f"/api/v1/products/{p.id}", 200, make_target=_product),
    Endpoint("PUT", lambda p: f"/api/v1/products/{p.id}", 200, make_target=_product,
             body=lambda p: {"stock": "3"}),
    Endpoint("PATCH", lambda p: f"/api/v1/products/{p.id}", 200, make_target=_product,
             body=lambda p: {"stock": 4}),
    Endpoint("POST", lambda o: "/api/v1/products", 201,
             body=lambda o: {"name": "New", "price": "1.00", "organisation": o.id},
             refused=422),
    Endpoint("POST", lambda v: "/api/v1/products", 201, make_target=_vendor,
             body=lambda v: {"name": "New", "price": "1.00", "vendor": v.id,
                             "organisation": v.organisation_id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/products?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda v: f"/api/v1/products?vendor={v.id}", 200, make_target=_vendor,
             refused=422),
    Endpoint("GET", lambda o: f"/api/v1/products/low-stock?organisation={o.id}", 200,
             refused=422),
    Endpoint("GET", lambda i: f"/api/v1/invoices/{i.id}", 200, make_target=_invoice),
    Endpoint("GET", lambda i: f"/api/v1/invoices/{i.id}/pdf", 200, make_target=_invoice),
    Endpoint("PUT", lambda i: f"/api/v1/invoices/{i.id}", 200, make_target=_invoice,
             body=lambda i: {"notes": "Changed"}),
    Endpoint("PATCH", lambda i: f"/api/v1/invoices/{i.id}", 200, make_target=_invoice,
             body=lambda i: {"notes": "Changed"}),
    Endpoint("POST", lambda c: "/api/v1/invoices", 201, make_target=_customer,
             body=lambda c: {**INVOICE_BODY, "customer_id": c.id, "organisation": c.organisation_id},
             refused=422),
    Endpoint("GET", lambda o: f"/api/v1/invoices?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/invoices?customer_id={c.id}", 200,
             make_target=_customer, refused=422),
    Endpoint("GET", lambda p: f"/api/v1/payments/{p.id}", 200, make_target=_payment),
    Endpoint("POST", lambda i: "/api/v1/payments", 201, make_target=_invoice,
             body=lambda i: {"invoice_id": i.id, "amount": "5.00", "date": "2026-01-20",
                             "method": "card"}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/payments?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda i: f"/api/v1/payments?invoice_id={i.id}", 200,
             make_target=_invoice, refused=422),
    Endpoint("POST", lambda o: "/api/v1/departments", 201,
             body=lambda o: {"name": "Desk", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/departments?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda t: f"/api/v1/tickets/{t.id}", 200, make_target=_ticket),
    Endpoint("PUT", lambda t: f"/api/v1/tickets/{t.id}", 200, make_target=_ticket,
             body=lambda t: {"status": "Pending"}),
    Endpoint("PATCH", lambda t: f"/api/v1/tickets/{t.id}", 200, make_target=_ticket,
             body=lambda t: {"priority": "High"}),
    Endpoint("POST", lambda c: "/api/v1/tickets", 201, make_target=_customer,
             body=lambda c: {"customer_id": c.id, "subject": "S", "message": "M",
                             "organisation": c.organisation_id}, refused=422),
    Endpoint("POST", lambda d: "/api/v1/tickets", 201, make_target=_department_and_customer,
             body=lambda d: {"customer_id": d.test_customer.id, "subject": "S",
                             "message": "M", "department_id": d.id,
                             "organisation": d.organisation_id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/tickets?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/tickets?customer_id={c.id}", 200,
             make_target=_customer, refused=422),
    Endpoint("GET", lambda d: f"/api/v1/tickets?department_id={d.id}", 200,
             make_target=_department, refused=422),
    Endpoint("GET", lambda t: f"/api/v1/tickets/{t.id}/messages", 200, make_target=_ticket),
    Endpoint("POST", lambda t: f"/api/v1/tickets/{t.id}/messages", 201, make_target=_ticket,
             body=lambda t: {"body": "Hi", "author": "staff"}),
    Endpoint("GET", lambda t: f"/api/v1/tickets/{t.id}/history", 200, make_target=_ticket),
    Endpoint("GET", lambda lead: f"/api/v1/leads/{lead.id}", 200, make_target=_lead),
    Endpoint("PUT", lambda lead: f"/api/v1/leads/{lead.id}", 200, make_target=_lead,
             body=lambda lead: {"status": "Contacted"}),
    Endpoint("PATCH", lambda lead: f"/api/v1/leads/{lead.id}", 200, make_target=_lead,
             body=lambda lead: {"company": "Acme"}),
    Endpoint("POST", lambda o: "/api/v1/leads", 201,
             body=lambda o: {"first_name": "J", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/leads?organisation={o.id}", 200, refused=422),
    Endpoint("POST", lambda lead: f"/api/v1/leads/{lead.id}/convert", 200, make_target=_lead),
    Endpoint("GET", lambda lead: f"/api/v1/leads/{lead.id}/history", 200, make_target=_lead),
    Endpoint("GET", lambda r: f"/api/v1/repairs/{r.id}", 200, make_target=_repair),
    Endpoint("PUT", lambda r: f"/api/v1/repairs/{r.id}", 200, make_target=_repair,
             body=lambda r: {"status": "Diagnosing"}),
    Endpoint("PATCH", lambda r: f"/api/v1/repairs/{r.id}", 200, make_target=_repair,
             body=lambda r: {"diagnosis": "Dead battery"}),
    Endpoint("POST", lambda c: "/api/v1/repairs", 201, make_target=_customer,
             body=lambda c: {"customer_id": c.id, "device": "Phone",
                             "organisation": c.organisation_id}, refused=422),
    Endpoint("POST", lambda p: "/api/v1/repairs", 201, make_target=_product_and_customer,
             body=lambda p: {"customer_id": p.test_customer.id, "device": "Phone",
                             "parts": [{"product_id": p.id, "qty": 1}],
                             "organisation": p.organisation_id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/repairs?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/repairs?customer_id={c.id}", 200,
             make_target=_customer, refused=422),
    Endpoint("POST", lambda r: f"/api/v1/repairs/{r.id}/invoice", 201,
             make_target=_labour_repair),
    Endpoint("GET", lambda r: f"/api/v1/repairs/{r.id}/history", 200, make_target=_repair),
    Endpoint("GET", lambda q: f"/api/v1/quotes/{q.id}", 200, make_target=_quote),
    Endpoint("GET", lambda q: f"/api/v1/quotes/{q.id}/pdf", 200, make_target=_quote),
    Endpoint("PUT", lambda q: f"/api/v1/quotes/{q.id}", 200, make_target=_quote,
             body=lambda q: {"notes": "Changed"}),
    Endpoint("PATCH", lambda q: f"/api/v1/quotes/{q.id}", 200, make_target=_quote,
             body=lambda q: {"status": "Sent"}),
    Endpoint("POST", lambda q: f"/api/v1/quotes/{q.id}/convert", 201, make_target=_quote,
             body=lambda q: {"issue": True}),
    Endpoint("POST", lambda c: "/api/v1/quotes", 201, make_target=_customer,
             body=lambda c: {"customer_id": c.id, "valid_until": "2099-01-01",
                             "items": INVOICE_BODY["items"], "organisation": c.organisation_id},
             refused=422),
    Endpoint("GET", lambda o: f"/api/v1/quotes?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/quotes?customer_id={c.id}", 200,
             make_target=_customer, refused=422),
    Endpoint("GET", lambda a: f"/api/v1/accounts/{a.id}", 200, make_target=_account),
    Endpoint("PUT", lambda a: f"/api/v1/accounts/{a.id}", 200, make_target=_account,
             body=lambda a: {"name": "Renamed"}),
    Endpoint("PATCH", lambda a: f"/api/v1/accounts/{a.id}", 200, make_target=_account,
             body=lambda a: {"default": True}),
    Endpoint("POST", lambda o: "/api/v1/accounts", 201,
             body=lambda o: {"name": "Bank", "type": "bank", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/accounts?organisation={o.id}", 200, refused=422),
    Endpoint("POST", lambda o: "/api/v1/categories", 201,
             body=lambda o: {"name": "Sales", "type": "Income", "organisation": o.id},
             refused=422),
    Endpoint("GET", lambda o: f"/api/v1/categories?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda t: f"/api/v1/transactions/{t.id}", 200, make_target=_transaction),
    Endpoint("POST", lambda t: f"/api/v1/transactions/{t.id}/void", 201,
             make_target=_transaction),
    Endpoint("POST", lambda a: "/api/v1/transactions", 201, make_target=_account,
             body=lambda a: {"type": "Expense", "account_id": a.id, "amount": "2.50",
                             "date": "2026-01-03"}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/transactions?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda a: f"/api/v1/transactions?account_id={a.id}", 200,
             make_target=_account, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/transactions?category_id={c.id}", 200,
             make_target=_category, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/reports/financial?organisation={o.id}", 200,
             refused=422),
    Endpoint("GET", lambda o: f"/api/v1/reports/financial?organisation={o.id}"
                              "&include_descendants=true&basis=cash", 200, refused=422),
    Endpoint("POST", lambda o: "/api/v1/batch/customers?atomic=true", 200,
             body=lambda o: {"customers": [{"account": "New", "organisation": o.id}]},
             refused=422),
    Endpoint("POST", lambda o: "/api/v1/batch/products?atomic=true", 200,
             body=lambda o: {"products": [{"name": "New", "price": "1.00", "organisation": o.id}]},
             refused=422),
    Endpoint("POST", lambda c: "/api/v1/batch/invoices?atomic=true", 200, make_target=_customer,
             body=lambda c: {"invoices": [{**INVOICE_BODY, "customer_id": c.id,
                                           "organisation": c.organisation_id}]}, refused=422),
    Endpoint("POST", lambda i: f"/api/v1/invoices/{i.id}/send", 202, make_target=_invoice,
             body=lambda i: {"to": ["billing@example.com"]}),
    Endpoint("GET", lambda i: f"/api/v1/invoices/{i.id}/emails", 200, make_target=_invoice),
    Endpoint("GET", lambda e: f"/api/v1/events/{e.id}", 200, make_target=_event),
    Endpoint("POST", lambda e: f"/api/v1/events/{e.id}/redeliver", 202, make_target=_event),
    Endpoint("GET", lambda o: f"/api/v1/events?organisation={o.id}", 200, refused=422),
    Endpoint("GET", lambda w: f"/api/v1/webhooks/{w.id}", 200, make_target=_webhook),
    Endpoint("PUT", lambda w: f"/api/v1/webhooks/{w.id}", 200, make_target=_webhook,
             body=lambda w: {"description": "Changed"}),
    Endpoint("PATCH", lambda w: f"/api/v1/webhooks/{w.id}", 200, make_target=_webhook,
             body=lambda w: {"events": ["invoice.paid"]}),
    Endpoint("DELETE", lambda w: f"/api/v1/webhooks/{w.id}", 204, make_target=_webhook),
    Endpoint("POST", lambda o: "/api/v1/webhooks", 201,
             body=lambda o: {"url": "https://example.com/new", "events": ["*"],
                             "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/webhooks?organisation={o.id}", 200, refused=422),
    Endpoint("POST", lambda w: f"/api/v1/webhooks/{w.id}/secret", 200, make_target=_webhook),
    Endpoint("GET", lambda w: f"/api/v1/webhooks/{w.id}/attempts", 200, make_target=_webhook),
    Endpoint("POST", lambda w: f"/api/v1/webhooks/{w.id}/replay", 202, make_target=_webhook,
             body=lambda w: {"since": "2026-01-01T00:00:00Z"}),
]


# accepted, the tasks between the two (with their notes, assignments and files) are shared by
# exactly the two sides, and nothing else of either tree is.

#: the scope of a path's first segment where it is not the segment itself
SCOPE_RESOURCES = {"foreigncompanies": "connections", "assignments": "tasks", "files": "tasks",
                   "deviceids": "notifications", "paymenturl": "subscription",
                   "company": "organisations"}


def _outsider(org):
    """An organisation of a tree of its own, for ``org`` to deal with."""
    return create_organisation(f"Outside {org.name}")


def _connection(org):
    """A pending request from ``org`` to an organisation of another tree."""
    return connect(org, _outsider(org), "pending")


def _incoming_connection(org):
    """A pending request to ``org`` from an organisation of another tree."""
    return connect(_outsider(org), org, "pending")


def _asking(org):
    return SimpleNamespace(id=org.id, foreign=_outsider(org))


def _foreign_company(org):
    """An organisation of another tree that ``org`` is connected to."""
    foreign = _outsider(org)
    connect(org, foreign)
    return foreign


def _task(org, contractor=None):
    """A task ``org`` gives to a contractor of another tree it is connected to."""
    task = Task(organisation_id=org.id, contractor_id=(contractor or _foreign_company(org)).id,
                title=f"Task of {org.name}")
    db.session.add(task)
    db.session.flush()
    return task


def _contractor_task(org):
    """A task given to ``org`` by a connected organisation of another tree."""
    client = _outsider(org)
    connect(client, org)
    return _task(client, org)


def _assignable(org):
    return SimpleNamespace(task=_contractor_task(org), user=_user(org))


def _assignment(org):
    assignment = Assignment(task_id=_contractor_task(org).id, user_id=_user(org).id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _note(org):
    task = _task(org)
    note = TaskNote(task_id=task.id, organisation_id=org.id, user_id=_user(org).id, text="Note")
    db.session.add(note)
    db.session.flush()
    return note


def _stored_file(org):
    stored = files.save(files.Upload("a.pdf", "application/pdf", b"%PDF-1.4 a"), task_id=_task(org).id,
                        organisation_id=org.id, field="attachment")
    db.session.flush()
    return stored


def _connected_pair(org):
    return SimpleNamespace(id=org.id, foreign=_foreign_company(org))


ENDPOINTS += [
    Endpoint("GET", lambda c: f"/api/v1/connections/{c.id}", 200, make_target=_connection),
    Endpoint("GET", lambda c: f"/api/v1/connections/{c.id}", 200, make_target=_incoming_connection),
    Endpoint("DELETE", lambda c: f"/api/v1/connections/{c.id}", 204, make_target=_connection),
    Endpoint("POST", lambda t: "/api/v1/connections", 201, make_target=_asking,
             body=lambda t: {"company_ref": t.id, "foreigncompany_ref": t.foreign.id}, refused=422),
    Endpoint("GET", lambda f: f"/api/v1/foreigncompanies/{f.id}", 200, make_target=_foreign_company),
    Endpoint("GET", lambda t: f"/api/v1/tasks/{t.id}", 200, make_target=_task),
    Endpoint("GET", lambda t: f"/api/v1/tasks/{t.id}", 200, make_target=_contractor_task),
    *(Endpoint(method, lambda t: f"/api/v1/tasks/{t.id}", 200, make_target=_contractor_task,
               body=lambda t: {"title": "Renamed"}) for method in ("PUT", "PATCH", "POST")),
    Endpoint("POST", lambda t: "/api/v1/tasks", 201, make_target=_connected_pair,
             body=lambda t: {"company_ref": t.id, "foreigncompany_ref": t.foreign.id, "title": "Job"},
             refused=422),
    Endpoint("GET", lambda t: f"/api/v1/tasks/{t.id}/notes", 200, make_target=_task),
    Endpoint("POST", lambda t: f"/api/v1/tasks/{t.id}/notes", 201, make_target=_contractor_task,
             body=lambda t: {"text": "On my way", "internal": True}),
    Endpoint("POST", lambda a: "/api/v1/assignments", 201, make_target=_assignable,
             body=lambda a: {"task_ref": a.task.id, "user_ref": a.user.id}, refused=422),
    Endpoint("DELETE", lambda a: f"/api/v1/assignments/{a.id}", 204, make_target=_assignment),
    Endpoint("GET", lambda f: f"/api/v1/files/{f.id}", 200, make_target=_stored_file),
]
SHARED_LISTS = [
    ("/api/v1/connections", _connection),
    ("/api/v1/foreigncompanies", _foreign_company),
    ("/api/v1/tasks", _task),
    ("/api/v1/tasks", _contractor_task),
    ("/api/v1/assignments", _assignment),
]

#: endpoints of the caller's own records or only for admins: tested below, not by relation
OWN_ENDPOINTS = [
    Endpoint("POST", lambda c: f"/api/v1/connections/{c.id}/accept", 200),
    Endpoint("POST", lambda c: f"/api/v1/connections/{c.id}/reject", 200),
    Endpoint("GET", lambda _: "/api/v1/company", 200),
    Endpoint("POST", lambda _: "/api/v1/company", 200),
    Endpoint("GET", lambda _: "/api/v1/currentuser", 200),
    Endpoint("GET", lambda _: "/api/v1/notifications", 200),
    Endpoint("POST", lambda n: f"/api/v1/notifications/{n.id}", 200),
    Endpoint("DELETE", lambda n: f"/api/v1/notifications/{n.id}", 204),
    Endpoint("POST", lambda _: "/api/v1/deviceids", 201),
    Endpoint("DELETE", lambda d: f"/api/v1/deviceids/{d.id}", 204),
    Endpoint("GET", lambda _: "/api/v1/subscription", 200),
    Endpoint("POST", lambda _: "/api/v1/subscription/cancel", 200),
    Endpoint("GET", lambda _: "/api/v1/paymenturl", 200),
]


@pytest.mark.parametrize("answer", ["accept", "reject"])
@pytest.mark.parametrize("relation", RELATIONS)
def test_only_the_asked_sides_admins_answer_a_connection(
        client, tree, admin_c, make_caller, auth, relation, answer):
    asked = _incoming_connection(tree.relation(relation))
    asking = _connection(tree.relation(relation))
    member = make_caller(tree.C, permissions=["connections:edit+"])
    db.session.commit()
    response = client.post(f"/api/v1/connections/{asked.id}/{answer}", headers=auth(admin_c))
    assert response.status_code == (200 if relation in IN_REACH_WITH_DESCENDANTS else 404)
    by_asker = client.post(f"/api/v1/connections/{asking.id}/{answer}", headers=auth(admin_c))
    assert by_asker.status_code == (403 if relation in IN_REACH_WITH_DESCENDANTS else 404)
    asked.set_status("pending")
    db.session.commit()
    by_member = client.post(f"/api/v1/connections/{asked.id}/{answer}", headers=auth(member))
    assert by_member.status_code == (403 if relation in IN_REACH_WITH_DESCENDANTS else 404)


@pytest.mark.parametrize("status", ["accepted", "pending", "rejected", "revoked", None])
def test_a_foreign_company_is_one_with_an_accepted_connection(client, tree, admin_c, make_caller,
                                                              auth, status):
    foreign = _outsider(tree.C)
    if status:
        connect(foreign, tree.D, status)
    third = make_caller(tree.U, admin=True)
    db.session.commit()
    seen = client.get(f"/api/v1/foreigncompanies/{foreign.id}", headers=auth(admin_c))
    assert seen.status_code == (200 if status == "accepted" else 404)
    listed = client.get("/api/v1/foreigncompanies", headers=auth(admin_c)).json["data"]
    assert [c["id"] for c in listed] == ([foreign.id] if status == "accepted" else [])
    assert client.get(f"/api/v1/foreigncompanies/{foreign.id}",
                      headers=auth(third)).status_code == 404


def _shared_with_c(tree, status):
    """X (another tree) gives C a task, with a note, a file and a user of C assigned, over a
    connection in ``status`` (None: never connected)."""
    giver = _outsider(tree.C)
    if status:
        connect(giver, tree.C, status)
    task = _task(giver, tree.C)
    note = TaskNote(task_id=task.id, organisation_id=giver.id, user_id=_user(giver).id, text="Hi")
    assignment = Assignment(task_id=task.id, user_id=_user(tree.C).id)
    db.session.add_all([note, assignment])
    db.session.flush()
    stored = files.save(files.Upload("a.png", "image/png", b"\x89PNG\r\n\x1a\n"), task_id=task.id,
                        organisation_id=giver.id, field="photos")
    db.session.flush()
    unassigned = User(organisation=tree.C, name="Second of C", email="second@example.com")
    db.session.add(unassigned)
    db.session.flush()
    return SimpleNamespace(giver=giver, task=task, file=stored, assignment=assignment,
                           user=unassigned)


SHARED_ENDPOINTS = [
    Endpoint("GET", lambda s: f"/api/v1/tasks/{s.task.id}", 200),
    Endpoint("PATCH", lambda s: f"/api/v1/tasks/{s.task.id}", 200, body=lambda s: {"status": "accepted"}),
    Endpoint("GET", lambda s: f"/api/v1/tasks/{s.task.id}/notes", 200),
    Endpoint("POST", lambda s: f"/api/v1/tasks/{s.task.id}/notes", 201, body=lambda s: {"text": "Hi"}),
    Endpoint("GET", lambda s: f"/api/v1/files/{s.file.id}", 200),
    Endpoint("POST", lambda s: "/api/v1/assignments", 201,
             body=lambda s: {"task_ref": s.task.id, "user_ref": s.user.id}, refused=422),
    Endpoint("DELETE", lambda s: f"/api/v1/assignments/{s.assignment.id}", 204),
]


class _SharedIds:
    task = file = assignment = _Id()


@pytest.mark.parametrize("status", ["accepted", "pending", "rejected", "revoked", None])
@pytest.mark.parametrize("endpoint", SHARED_ENDPOINTS,
                         ids=lambda endpoint: f"{endpoint.method} {endpoint.url(_SharedIds())}")
def test_a_task_is_shared_while_the_connection_is_accepted(
        client, tree, admin_c, make_caller, auth, endpoint, status):
    shared = _shared_with_c(tree, status)
    third = make_caller(tree.U, admin=True)
    db.session.commit()
    response = _call(client, endpoint, shared, auth(admin_c))
    _check(endpoint, response, status == "accepted")
    endpoint.check_refused(_call(client, endpoint, shared, auth(third)))


@pytest.mark.parametrize("status", ["accepted", "pending", "rejected", "revoked", None])
def test_lists_show_shared_tasks_while_connected(client, tree, admin_c, make_caller, auth, status):
    shared = _shared_with_c(tree, status)
    giver, third = make_caller(shared.giver, admin=True), make_caller(tree.U, admin=True)
    db.session.commit()
    for caller, sees in ((admin_c, status == "accepted"), (giver, True), (third, False)):
        tasks = client.get("/api/v1/tasks", headers=auth(caller)).json["data"]
        assert [t["id"] for t in tasks] == ([shared.task.id] if sees else [])
        assignments = client.get("/api/v1/assignments", headers=auth(caller)).json["data"]
        assert [a["user_name"] for a in assignments] == ([shared.assignment.user.name] if sees else [])


def test_notifications_and_devices_are_their_users_alone(client, tree, admin_c, auth):
    """Not even an admin above the user reaches them."""
    member = _user(tree.D)
    notification = Notification(user_id=member.id, organisation_id=tree.D.id, kind="new_task",
                                text="Hello")
    db.session.add_all([notification, Device(user_id=member.id, organisation_id=tree.D.id,
                                             platform_name="ios", device_id_string="d-phone")])
    db.session.commit()
    headers = auth(admin_c)
    assert client.get("/api/v1/notifications", headers=headers).json["data"] == []
    for method in ("POST", "DELETE"):
        response = client.open(f"/api/v1/notifications/{notification.id}", method=method,
                               json={"is_read": True} if method == "POST" else None, headers=headers)
        assert response.status_code == 404, method
    assert client.delete("/api/v1/deviceids/d-phone", headers=headers).status_code == 404


def test_company_and_current_user_are_the_callers_own(client, tree, make_caller, auth):
    caller = make_caller(tree.D, permissions=["organisations:edit+"])
    headers = auth(caller)
    assert client.post("/api/v1/company", json={"city": "Leeds"}, headers=headers).json["id"] == tree.D.id
    assert client.get("/api/v1/company", headers=headers).json["city"] == "Leeds"
    assert client.get("/api/v1/currentuser", headers=headers).json == client.get(
        "/api/v1/me", headers=headers).json


def _call(client, endpoint, target, headers):
    kwargs = {"headers": headers}
    if endpoint.body:
        kwargs["json"] = endpoint.body(target)
    return client.open(endpoint.url(target), method=endpoint.method, **kwargs)


#: The callers in C, and the relations each reaches: an admin and a holder of every permission
#: with ``parent`` reach C, D and E; a holder without ``parent`` reaches C alone.
CALLERS = {
    "admin": IN_REACH_WITH_DESCENDANTS,
    "permissions without parent": {"self"},
    "permissions with parent": IN_REACH_WITH_DESCENDANTS,
}


def _callers(tree, admin_c, make_caller) -> dict:
    return {
        "admin": admin_c,
        "permissions without parent": make_caller(tree.C, permissions=ALL_PERMISSIONS),
        "permissions with parent": make_caller(tree.C,
                                               permissions=[p + "+" for p in ALL_PERMISSIONS]),
    }


def _check(endpoint, response, in_reach):
    if in_reach:
        assert response.status_code == endpoint.success, response.json
    else:
        endpoint.check_refused(response)


def _outcome(endpoint, response) -> str:
    """The answer, as the matrix compares it: the status, and for a refusal on a field
    whether it names exactly one field as an invalid request."""
    status = response.status_code
    if status == 422 and endpoint.refused == 422:
        problem = response.json
        if problem.get("code") != "validation_failed" or len(problem.get("errors", {})) != 1:
            return f"422 {problem}"
    return str(status) if status in (endpoint.success, endpoint.refused) else (
        f"{status} {response.json}")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_caller_reaches_exactly_its_relations(client, tree, admin_c, make_caller, auth,
                                                   endpoint):
    """The endpoint's row of the matrix: every caller against a target in every relation,
    each call undone before the next."""
    expected, answered = {}, {}
    for name, caller in _callers(tree, admin_c, make_caller).items():
        headers = auth(caller)
        for relation in RELATIONS:
            with undone():
                target = endpoint.make_target(tree.relation(relation))
                db.session.commit()
                answered[name, relation] = _outcome(endpoint, _call(client, endpoint, target,
                                                                    headers))
            in_reach = relation in CALLERS[name]
            expected[name, relation] = str(endpoint.success if in_reach else endpoint.refused)
    with undone():
        target = endpoint.make_target(tree.C)
        db.session.commit()
        needed = _scope_needed(endpoint, target)
        expected["without the permission"] = (
            str(endpoint.success) if needed == "organisations:read" else f"403 {needed}")
        answered["without the permission"] = _refusal_for_scope(client, endpoint, target, headers=auth(
            make_caller(tree.C, permissions=["organisations:view"], scope=None)))
    assert answered == expected


def _refusal_for_scope(client, endpoint, target, headers) -> str:
    """A caller whose user lacks the permission: its token cannot carry the scope, so the
    protector refuses first, naming the scope."""
    response = _call(client, endpoint, target, headers)
    if response.status_code != 403:
        return str(response.status_code)
    problem = response.json
    assert problem["code"] == "insufficient_scope", problem
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    return f"403 {problem['scope']}"


def _scope_needed(endpoint, target) -> str:
    """The scope an endpoint asks for: <resources>:read for GET, :write otherwise."""
    path = endpoint.url(target).partition("?")[0]
    if path.endswith("/emulation"):
        return "users:emulate"
    also = {"convert": {"leads": "customers:write", "quotes": "invoices:write"},
            "invoice": {"repairs": "invoices:write"}}.get(path.rsplit("/", 1)[-1], {})
    if path.split("/")[3] in also:  # a view that makes another resource's record
        return f"{path.split('/')[3]}:write {also[path.split('/')[3]]}"
    if path.endswith("/usage"):  # the usage of API clients
        return "api-clients:read"
    if path in GLOBAL:
        return GLOBAL[path]
    parts = path.split("/")
    resource = parts[4] if parts[3] == "batch" else parts[3]  # /api/v1/batch/<resources>
    resource = SCOPE_RESOURCES.get(resource, resource)
    return f"{resource}:{'read' if endpoint.method == 'GET' else 'write'}"


@pytest.mark.parametrize("permission", ALL_PERMISSIONS)
def test_the_permission_layer_refuses_what_the_user_does_not_hold(
        app, tree, make_caller, get_token, permission):
    """Behind the scope check, tenancy.reach() itself answers 403 permission_denied.

    Over HTTP the protector's scope check always refuses first (scopes follow the
    user's permissions), so the layer is called as a view calls it: in a request whose
    token the protector accepted without a scope."""
    held = [p for p in ALL_PERMISSIONS if p not in (permission, implied_by(permission))]
    caller = make_caller(tree.C, permissions=[p + "+" for p in held])
    token = get_token(caller)
    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
        require_oauth.acquire_token()
        assert tenancy.current_user().id == caller.user.id
        for other in held:
            assert tenancy.reach(other) == tenancy.Reach(tree.C, True), other
        with pytest.raises(HTTPException) as refused:
            tenancy.reach(permission)
        with pytest.raises(HTTPException) as refused_query:
            tenancy.scoped(Organisation, permission)
        response = app.handle_user_exception(refused.value)
    assert refused_query.value.code == 403
    assert response.status_code == 403, response.json
    assert response.json["code"] == "permission_denied"
    assert permission in response.json["detail"]


LISTS = [
    ("/api/v1/organisations", lambda org: org),
    ("/api/v1/users", _user),
    ("/api/v1/api-clients", _client),
    ("/api/v1/api-keys", _api_key),
    ("/api/v1/customers", _customer),
    ("/api/v1/vendors", _vendor),
    ("/api/v1/products", _product),
    ("/api/v1/products/low-stock", _product),
    ("/api/v1/invoices", _invoice),
    ("/api/v1/payments", _payment),
    *SHARED_LISTS,
    ("/api/v1/departments", _department),
    ("/api/v1/tickets", _ticket),
    ("/api/v1/leads", _lead),
    ("/api/v1/repairs", _repair),
    ("/api/v1/quotes", _quote),
    ("/api/v1/accounts", _account),
    ("/api/v1/categories", _category),
    ("/api/v1/transactions", _transaction),
    ("/api/v1/events", _event),
    ("/api/v1/webhooks", _webhook),
]


@pytest.mark.parametrize("url,make", LISTS, ids=[url for url, _ in LISTS])
def test_lists_show_exactly_the_reach(client, tree, admin_c, auth, monkeypatch, url, make):
    """And the rows read as plain columns (app.rows) answer what ORM objects would."""
    targets = {relation: make(tree.relation(relation)) for relation in RELATIONS}
    db.session.commit()
    headers = auth(admin_c)
    listed = client.get(url + "?per_page=100", headers=headers).json
    ids = {record["id"] for record in listed["data"]}
    for relation, target in targets.items():
        assert (target.id in ids) == (relation in IN_REACH_WITH_DESCENDANTS), relation
    monkeypatch.setattr(rows, "plan_for", lambda schema, model: None)
    assert client.get(url + "?per_page=100", headers=headers).json == listed


def test_addresses_of_a_reachable_organisation_only(client, tree, admin_c, auth):
    for org in (tree.C, tree.D, tree.B):
        db.session.add(Address(organisation_id=org.id, name="Office", addr_line_1="1 Road",
                               city="York", country_code=826))
    db.session.commit()
    response = client.get(f"/api/v1/organisations/{tree.D.id}/addresses", headers=auth(admin_c))
    assert [a["organisation"] for a in response.json["data"]] == [tree.D.id]


def test_visible_but_not_editable_is_403(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["organisations:view+", "organisations:edit"])
    response = client.put(f"/api/v1/organisations/{tree.D.id}", json={"name": "x"},
                          headers=auth(caller))
    assert response.status_code == 403
    assert response.json["code"] == "permission_denied"


GLOBAL = {"/api/v1/roles": "users:read"}


@pytest.mark.parametrize("url", GLOBAL)
def test_global_endpoints_need_only_their_scope(client, tree, make_caller, auth, url):
    for organisation in (tree.C, tree.E):
        holder = make_caller(organisation, permissions=[GLOBAL[url].replace(":read", ":view")])
        assert client.get(url, headers=auth(holder)).status_code == 200
    other = make_caller(tree.C, permissions=["organisations:view"])
    refused = client.get(url, headers=auth(other))
    assert refused.status_code == 403 and refused.json["scope"] == GLOBAL[url]


# Endpoints that name no record and act only as the caller (tests/resources cover them).
CALLERS_OWN = {("POST", "/api/v1/api-keys")}


def _rule_of(url: str) -> str:
    return url.split("?")[0]


def test_every_endpoint_is_in_the_matrix(app):
    """A new endpoint cannot be forgotten here: each one under /api/v1 is in ENDPOINTS
    (or, for a list, in LISTS)."""
    covered = {(endpoint.method, _rule_of(endpoint.url(_Id()))) for endpoint in ENDPOINTS}
    covered |= {("GET", url) for url, _ in LISTS}
    covered |= {(endpoint.method, _rule_of(endpoint.url(_Id()))) for endpoint in OWN_ENDPOINTS}
    covered |= {("GET", url) for url in GLOBAL}
    covered |= CALLERS_OWN
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/me":
            path = re.sub(r"<[^>]+>", "{id}", rule.rule)
            routed |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed - covered == set()

