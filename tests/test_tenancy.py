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
from typing import Callable

import pytest
from werkzeug.exceptions import HTTPException

from app import tenancy
from app.bootstrap import create_client
from app.extensions import db
from app.models import (
    Address,
    ApiClient,
    Customer,
    Event,
    Invoice,
    Organisation,
    Payment,
    Product,
    User,
    Vendor,
    WebhookEndpoint,
)
from app.services.webhooks import new_secret, seal
from oauth.protector import require_oauth
from oauth.scopes import ALL_PERMISSIONS, implied_by

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
    id = "{id}"


ENDPOINTS = [
    Endpoint("GET", lambda o: f"/api/v1/organisations/{o.id}", 200),
    Endpoint("PUT", lambda o: f"/api/v1/organisations/{o.id}", 200,
             body=lambda o: {"name": "Renamed"}),
    Endpoint("PATCH", lambda o: f"/api/v1/organisations/{o.id}", 200,
             body=lambda o: {"name": "Renamed"}),
    Endpoint("POST", lambda o: "/api/v1/organisations", 201,
             body=lambda o: {"name": "Child", "parent": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/organisations/{o.id}/addresses", 200),
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
    Endpoint("POST", lambda c: f"/api/v1/api-clients/{c.id}/secret", 201, make_target=_client),
    Endpoint("POST", lambda u: "/api/v1/api-clients", 201, make_target=_user,
             body=lambda u: {"name": "Integration", "user": u.id}, refused=422),
    Endpoint("GET", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer),
    Endpoint("PUT", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer,
             body=lambda c: {"account": "Renamed"}),
    Endpoint("PATCH", lambda c: f"/api/v1/customers/{c.id}", 200, make_target=_customer,
             body=lambda c: {"account": "Renamed"}),
    Endpoint("DELETE", lambda c: f"/api/v1/customers/{c.id}", 204, make_target=_customer),
    Endpoint("POST", lambda o: "/api/v1/customers", 201,
             body=lambda o: {"account": "New", "organisation": o.id}, refused=422),
    Endpoint("GET", lambda o: f"/api/v1/customers?organisation={o.id}", 200, refused=422),
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


def _call(client, endpoint, target, headers):
    kwargs = {"headers": headers}
    if endpoint.body:
        kwargs["json"] = endpoint.body(target)
    return client.open(endpoint.url(target), method=endpoint.method, **kwargs)


def _check(endpoint, response, in_reach):
    if in_reach:
        assert response.status_code == endpoint.success, response.json
    else:
        endpoint.check_refused(response)


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_admin_reaches_its_subtree_only(client, tree, admin_c, auth, endpoint, relation):
    target = endpoint.make_target(tree.relation(relation))
    db.session.commit()
    response = _call(client, endpoint, target, auth(admin_c))
    _check(endpoint, response, relation in IN_REACH_WITH_DESCENDANTS)


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_permissions_without_parent_reach_own_organisation_only(
        client, tree, make_caller, auth, endpoint, relation):
    caller = make_caller(tree.C, permissions=ALL_PERMISSIONS)
    target = endpoint.make_target(tree.relation(relation))
    db.session.commit()
    response = _call(client, endpoint, target, auth(caller))
    _check(endpoint, response, relation == "self")


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_permissions_with_parent_reach_descendants(
        client, tree, make_caller, auth, endpoint, relation):
    caller = make_caller(tree.C, permissions=[p + "+" for p in ALL_PERMISSIONS])
    target = endpoint.make_target(tree.relation(relation))
    db.session.commit()
    response = _call(client, endpoint, target, auth(caller))
    _check(endpoint, response, relation in IN_REACH_WITH_DESCENDANTS)


def _scope_needed(endpoint, target) -> str:
    """The scope an endpoint asks for: <resources>:read for GET, :write otherwise."""
    path = endpoint.url(target).partition("?")[0]
    if path.endswith("/emulation"):
        return "users:emulate"
    return f"{path.split('/')[3]}:{'read' if endpoint.method == 'GET' else 'write'}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_without_the_permission_the_answer_is_403(client, tree, make_caller, auth, endpoint):
    caller = make_caller(tree.C, permissions=["organisations:view"], scope=None)
    target = endpoint.make_target(tree.C)
    db.session.commit()
    # A token cannot carry a scope its user lacks, so the protector refuses first.
    response = _call(client, endpoint, target, auth(caller))
    needed = _scope_needed(endpoint, target)
    if needed == "organisations:read":
        assert response.status_code == endpoint.success, response.json
    else:
        assert response.status_code == 403, response.json
        assert response.json["code"] == "insufficient_scope"
        assert response.json["scope"] == needed
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


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
    ("/api/v1/customers", _customer),
    ("/api/v1/vendors", _vendor),
    ("/api/v1/products", _product),
    ("/api/v1/products/low-stock", _product),
    ("/api/v1/invoices", _invoice),
    ("/api/v1/payments", _payment),
    ("/api/v1/events", _event),
    ("/api/v1/webhooks", _webhook),
]


@pytest.mark.parametrize("url,make", LISTS, ids=[url for url, _ in LISTS])
def test_lists_show_exactly_the_reach(client, tree, admin_c, auth, url, make):
    targets = {relation: make(tree.relation(relation)) for relation in RELATIONS}
    db.session.commit()
    ids = {record["id"] for record in client.get(url + "?per_page=100", headers=auth(admin_c)).json["data"]}
    for relation, target in targets.items():
        assert (target.id in ids) == (relation in IN_REACH_WITH_DESCENDANTS), relation


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


def _rule_of(url: str) -> str:
    return url.split("?")[0]


def test_every_endpoint_is_in_the_matrix(app):
    """A new endpoint cannot be forgotten here: each one under /api/v1 is in ENDPOINTS
    (or, for a list, in LISTS)."""
    covered = {(endpoint.method, _rule_of(endpoint.url(_Id()))) for endpoint in ENDPOINTS}
    covered |= {("GET", url) for url, _ in LISTS}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/me":
            path = re.sub(r"<[^>]+>", "{id}", rule.rule)
            routed |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed - covered == set()
