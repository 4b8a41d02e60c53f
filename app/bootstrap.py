"""First start: the root organisation, its admin user and an API client; and demo data."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Address, ApiClient, Organisation, User


@dataclass
class Credentials:
    client_id: str
    client_secret: str


def create_organisation(name: str, parent: Organisation | None = None, **fields) -> Organisation:
    organisation = Organisation(name=name, **fields)
    db.session.add(organisation)
    db.session.flush()
    organisation.place_under(parent)
    return organisation


def create_client(user: User, name: str, scope: str | None = None, *, client_id: str | None = None,
                  secret: str | None = None, bootstrap: bool = False) -> Credentials:
    client = ApiClient(user=user, name=name, scope=scope, bootstrap=bootstrap)
    if client_id:
        client.client_id = client_id
    secret = client.set_secret(secret)
    db.session.add(client)
    db.session.flush()
    return Credentials(client.client_id, secret)


def bootstrap(client_id: str | None = None, client_secret: str | None = None) -> Credentials | None:
    """Create the root organisation, admin and client on an empty database; else None."""
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        return None
    root = create_organisation("Tiergate", finance_type="CREDIT")
    admin = User(organisation=root, name="Administrator", email="admin@tiergate.invalid",
                 admin=True, root=True, modules=["WEBSTORE", "BILLING", "INVENTORY"])
    db.session.add(admin)
    credentials = create_client(admin, "Bootstrap client", client_id=client_id,
                                secret=client_secret, bootstrap=True)
    db.session.commit()
    return credentials


def bootstrap_client_id() -> str | None:
    return db.session.scalar(select(ApiClient.client_id).where(ApiClient.bootstrap.is_(True)))


DEMO_TREE = (
    # name, parent name, finance type
    ("Acme Distribution", "Tiergate", "CREDIT"),
    ("Northwind Resellers", "Acme Distribution", "AGENT"),
    ("Southwind Resellers", "Acme Distribution", "AGENT"),
    ("Bob's Widgets", "Northwind Resellers", "CREDIT"),
    ("Widget Works North", "Bob's Widgets", "PREPAY"),
    ("Tiny Widgets", "Widget Works North", "PREPAY"),
)


def seed_demo() -> None:
    """A small organisation tree with a user each, for trying the API."""
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    by_name = {root.name: root}
    for name, parent, finance_type in DEMO_TREE:
        organisation = create_organisation(name, by_name[parent], finance_type=finance_type)
        by_name[name] = organisation
        slug = name.lower().replace("'", "").replace(" ", "-")
        db.session.add(User(
            organisation=organisation, name=f"{name} manager", email=f"manager@{slug}.example",
            permissions=[{"permission": "organisations:view", "parent": True},
                         {"permission": "users:view", "parent": True}],
        ))
        db.session.add(Address(
            organisation_id=organisation.id, name="Main office", company_name=f"{name} Ltd.",
            addr_line_1="1 Example Street", city="London", postal_code="AB12 3AA",
            country_code=826,
        ))
    db.session.commit()
