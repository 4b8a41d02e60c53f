"""Sandbox trees: a root organisation flagged ``sandbox``, with demo data to try the API on.

A sandbox is a tree of its own, so the reach rule (app.tenancy) already confines its
clients' tokens to sandbox data, and keeps every other caller out of it. ``reset``
restores the demo data (`tiergate sandbox reset`, daily by cron or on demand): what
the tree holds is deleted, except its root organisation, the root's users and their API
clients and keys, so an integrator's sandbox credentials keep working."""
from decimal import Decimal

from sqlalchemy import delete, or_, select

from app.bootstrap import Credentials, create_client, create_organisation
from app.extensions import db
from app.models import (
    AccessToken,
    Address,
    ApiClient,
    ApiKey,
    Customer,
    IdempotencyKey,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Organisation,
    Payment,
    Product,
    SigningKey,
    StockMovement,
    User,
    Vendor,
)

# Deleted in this order, children before the rows they refer to.
OWNED_DATA = (Payment, StockMovement, Invoice, InvoiceCounter, Product, Vendor, Customer, Address)
DEMO_CHILDREN = ("Sandbox Reseller", "Sandbox Shop")


def roots() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(
        Organisation.sandbox.is_(True), Organisation.parent_id.is_(None)).order_by(Organisation.id)))


def contains(organisation_id: int) -> bool:
    """Whether the organisation belongs to a sandbox tree (its root is flagged)."""
    organisation = db.session.get(Organisation, organisation_id)
    root_id = int(organisation.path.strip("/").partition("/")[0])
    return db.session.get(Organisation, root_id).sandbox


def create(name: str = "Sandbox") -> tuple[Organisation, Credentials]:
    """A new sandbox tree with its admin, an API client (returned) and its demo data."""
    root = create_organisation(name, sandbox=True)
    admin = User(organisation=root, name="Sandbox administrator", email="admin@sandbox.invalid",
                 admin=True)
    db.session.add(admin)
    credentials = create_client(admin, "Sandbox client")
    _seed(root)
    db.session.commit()
    return root, credentials


def reset(root: Organisation) -> None:
    """Delete what the tree holds (but its root, the root's users and their credentials)
    and seed its demo data again, in one transaction."""
    tree = select(Organisation.id).where(Organisation.path.startswith(root.path))
    descendants = select(Organisation.id).where(
        Organisation.path.startswith(root.path), Organisation.id != root.id)
    invoices = select(Invoice.id).where(Invoice.organisation_id.in_(tree))
    db.session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(invoices)))
    for model in OWNED_DATA:
        db.session.execute(delete(model).where(model.organisation_id.in_(tree)))
    _delete_users_of(descendants)
    for organisation in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(descendants)).order_by(Organisation.depth.desc())):
        db.session.delete(organisation)
        db.session.flush()  # deepest first: a parent goes after its children
    _seed(root)
    db.session.commit()


def _delete_users_of(organisations) -> None:
    users = select(User.id).where(User.organisation_id.in_(organisations))
    clients = select(ApiClient.id).where(ApiClient.user_id.in_(users))
    keys = select(ApiKey.id).where(ApiKey.user_id.in_(users))
    tokens = or_(AccessToken.client_pk.in_(clients), AccessToken.user_id.in_(users))
    db.session.execute(delete(AccessToken).where(tokens, AccessToken.parent_id.is_not(None)))
    db.session.execute(delete(AccessToken).where(tokens))
    db.session.execute(delete(IdempotencyKey).where(or_(
        IdempotencyKey.client_pk.in_(clients), IdempotencyKey.api_key_id.in_(keys))))
    db.session.execute(delete(SigningKey).where(SigningKey.client_pk.in_(clients)))
    db.session.execute(delete(ApiKey).where(ApiKey.id.in_(keys)))
    db.session.execute(delete(ApiClient).where(ApiClient.id.in_(clients)))
    db.session.execute(delete(User).where(User.id.in_(users)))


def _seed(root: Organisation) -> None:
    """The demo data: two child organisations with a manager each, customers, a vendor
    and its products."""
    for name in DEMO_CHILDREN:
        child = create_organisation(name, root, finance_type="AGENT")
        slug = name.lower().replace(" ", "-")
        db.session.add(User(organisation=child, name=f"{name} manager",
                            email=f"manager@{slug}.invalid",
                            permissions=[{"permission": "customers:view", "parent": True}]))
        db.session.add(Customer(organisation_id=child.id, account=f"{name} customer"))
    vendor = Vendor(organisation_id=root.id, name="Sandbox Supplies")
    db.session.add(vendor)
    db.session.flush()
    db.session.add_all([
        Product(organisation_id=root.id, vendor_id=vendor.id, name="Widget", price=Decimal("9.99"),
                stock=Decimal("100"), min_stock=Decimal("10")),
        Product(organisation_id=root.id, vendor_id=vendor.id, name="Support hour",
                price=Decimal("60.00"), stock=Decimal("0"), min_stock=Decimal("0")),
        Customer(organisation_id=root.id, account="Jane Smith"),
    ])
    db.session.flush()
