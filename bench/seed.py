"""Seed a large organisation tree with customers, invoices and transactions, fast (bulk
inserts)."""
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.bootstrap import bootstrap, create_client, create_organisation
from app.extensions import db
from app.models import Account, Customer, Invoice, InvoiceLine, Organisation, Transaction, User

BENCH_CLIENT = ("00000000-0000-4000-8000-00000000b001", "bench-secret-not-for-production-0001")
LEAF_CLIENT = ("00000000-0000-4000-8000-00000000b002", "bench-secret-not-for-production-0002")


def seed(organisations: int, invoices: int, transactions: int = 0, depth: int = 10) -> dict:
    """Idempotent for the same sizes: returns what is there."""
    db.create_all()
    if db.session.scalar(select(func.count()).select_from(Organisation)) == 0:
        bootstrap(*BENCH_CLIENT)
        _tree(organisations, depth)
    _invoices(invoices)
    _transactions(transactions)
    _analyze()
    return counts()


def _analyze() -> None:
    """Fresh statistics, so the planner sees the seeded sizes (as autovacuum would later)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def counts() -> dict:
    return {name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("organisations", Organisation), ("invoices", Invoice),
                                ("transactions", Transaction))}


def _tree(total: int, depth: int) -> None:
    """``total`` organisations under the root, in chains of ``depth`` levels."""
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    parents, made = [root], 0
    while made < total:
        parent = parents[-1] if parents[-1].depth < depth else root
        organisation = create_organisation(f"Org {made}", parent)
        parents.append(organisation)
        made += 1
        if made % 500 == 0:
            db.session.flush()
    leaf = parents[-1]
    leaf_user = User(organisation=leaf, name="Leaf admin", email="leaf@bench.example", admin=True)
    db.session.add(leaf_user)
    create_client(leaf_user, "Leaf bench client", client_id=LEAF_CLIENT[0], secret=LEAF_CLIENT[1])
    db.session.commit()


def _invoices(target: int) -> None:
    have = db.session.scalar(select(func.count()).select_from(Invoice))
    if have >= target:
        return
    org_ids = db.session.scalars(select(Organisation.id).where(Organisation.parent_id.isnot(None))).all()
    customers = {}
    for org_id in org_ids:
        customer = db.session.scalar(select(Customer.id).where(Customer.organisation_id == org_id))
        if customer is None:
            customer = db.session.scalar(insert(Customer).values(
                organisation_id=org_id, account=f"Customer of {org_id}").returning(Customer.id))
        customers[org_id] = customer
    rng = random.Random(have)
    batch, start = 5000, date(2026, 1, 1)
    for offset in range(have, target, batch):
        rows = []
        for n in range(offset, min(offset + batch, target)):
            org_id = org_ids[n % len(org_ids)]
            amount = Decimal(rng.randint(100, 100000)) / 100
            rows.append({"organisation_id": org_id, "customer_id": customers[org_id],
                         "invoice_number": f"INV-B-{n:07d}", "date": start + timedelta(days=n % 300),
                         "due_date": start + timedelta(days=n % 300 + 30), "status": "Unpaid",
                         "subtotal": amount, "tax": Decimal("0"), "total": amount,
                         "amount_paid": Decimal("0")})
        ids = db.session.scalars(insert(Invoice).returning(Invoice.id), rows).all()
        db.session.execute(insert(InvoiceLine), [
            {"invoice_id": invoice_id, "position": 1, "description": "Service", "qty": Decimal("1"),
             "amount": row["total"], "tax_rate": Decimal("0"), "line_total": row["total"],
             "line_tax": Decimal("0")} for invoice_id, row in zip(ids, rows, strict=True)])
        db.session.commit()


def _transactions(target: int) -> None:
    """Income and expenses spread over the organisations' accounts (one each) and 2026."""
    have = db.session.scalar(select(func.count()).select_from(Transaction))
    if have >= target:
        return
    org_ids = db.session.scalars(select(Organisation.id).where(Organisation.parent_id.isnot(None))).all()
    accounts = dict(db.session.execute(select(Account.organisation_id, Account.id)).all())
    for org_id in set(org_ids) - set(accounts):
        accounts[org_id] = db.session.scalar(insert(Account).values(
            organisation_id=org_id, name="Bank", type="bank", currency="GBP",
            opening_balance=Decimal("0"), default=True).returning(Account.id))
    rng = random.Random(have)
    batch, start = 5000, date(2026, 1, 1)
    for offset in range(have, target, batch):
        rows = []
        for n in range(offset, min(offset + batch, target)):
            org_id = org_ids[n % len(org_ids)]
            rows.append({"organisation_id": org_id, "account_id": accounts[org_id],
                         "type": "Income" if n % 3 else "Expense",
                         "amount": Decimal(rng.randint(100, 100000)) / 100,
                         "date": start + timedelta(days=n % 365)})
        db.session.execute(insert(Transaction), rows)
        db.session.commit()
