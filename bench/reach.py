"""The reach check's cost per request against the size of the organisation tree, and a
list's against the number of records.

Builds trees of 1,000 and 100,000 organisations, 10 levels deep (chains of ten under one
root), each in its own PostgreSQL database, with 10,000 and 1,000,000 invoices spread over
them, and times in-process requests that must check reach: a deep record read by the
root's admin (whose reach is the whole tree) and by an admin halfway down; a page of 100
invoices, first, after a keyset cursor nine tenths into the list (`after`), and the same
page by number (`page`, an OFFSET). Prints median latencies and the ratio between sizes.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import insert, select, text

SIZES = (1_000, 100_000)
INVOICES = (10_000, 1_000_000)
DEPTH = 10
CLIENTS = {"root": ("00000000-0000-4000-8000-0000000ca001", "reach-secret-root-0123456789"),
           "middle": ("00000000-0000-4000-8000-0000000ca002", "reach-secret-middle-0123456789")}


def build(size: int) -> dict:
    """Insert the tree in bulk, ids and paths computed here; return ids worth reading."""
    from app.bootstrap import bootstrap, create_client
    from app.extensions import db
    from app.models import Organisation, User

    db.drop_all()
    db.create_all()
    bootstrap(*CLIENTS["root"])
    root = db.session.scalar(select(Organisation))
    rows, next_id = [], root.id + 1
    for chain in range(size // DEPTH):
        path = root.path
        for level in range(1, DEPTH + 1):
            path = f"{path}{next_id}/"
            rows.append({"id": next_id, "name": f"Org {chain}.{level}", "depth": level,
                         "parent_id": next_id - 1 if level > 1 else root.id, "path": path,
                         "linked_account": False, "finance_type": "CREDIT"})
            next_id += 1
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(Organisation), rows[start:start + 10_000])
    db.session.execute(text(f"SELECT setval('organisations_id_seq', {next_id})"))
    deep = rows[-1]
    middle = db.session.get(Organisation, deep["id"] - DEPTH // 2)
    admin = User(organisation=middle, name="Middle admin", email="middle@example.com", admin=True)
    db.session.add(admin)
    create_client(admin, "middle", client_id=CLIENTS["middle"][0], secret=CLIENTS["middle"][1])
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    return {"deep": deep["id"]}


SPREAD_INVOICES = (
    """INSERT INTO customers (organisation_id, account, created_at, updated_at)
       SELECT id, 'Customer of ' || id, now(), now() FROM organisations""",
    """INSERT INTO invoices (organisation_id, customer_id, invoice_number, date, due_date,
                             status, subtotal, tax, total, amount_paid, moves_stock,
                             currency, created_at, updated_at)
       SELECT owners.organisation_id, owners.customer_id, 'INV-R-' || n,
              DATE '2026-01-01' + n %% 300, DATE '2026-01-31' + n %% 300, 'Unpaid',
              10, 0, 10, 0, false, 'GBP', now(), now()
       FROM generate_series(0, %(invoices)s - 1) AS n
       JOIN (SELECT organisation_id, id AS customer_id,
                    row_number() OVER (ORDER BY organisation_id) - 1 AS position
             FROM customers) AS owners ON owners.position = n %% %(organisations)s""",
    """INSERT INTO invoice_lines (invoice_id, position, description, qty, amount, tax_rate,
                                  line_total, line_tax)
       SELECT id, 1, 'Service', 1, 10, 0, 10, 0 FROM invoices""",
)


def spread_invoices(count: int) -> None:
    """``count`` invoices (one line each) spread evenly over every organisation, in SQL."""
    from app.extensions import db

    organisations = db.session.execute(text("SELECT count(*) FROM organisations")).scalar()
    with db.engine.begin() as connection:
        for statement in SPREAD_INVOICES:
            connection.exec_driver_sql(statement, {"invoices": count,
                                                   "organisations": organisations})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def deep_invoice_id(fraction: float = 0.9) -> int:
    from app.extensions import db

    total = db.session.execute(text("SELECT count(*) FROM invoices")).scalar()
    return db.session.execute(text("SELECT id FROM invoices ORDER BY id OFFSET :skip LIMIT 1"),
                              {"skip": int(total * fraction)}).scalar()


def median_ms(client, path: str, headers: dict, rounds: int = 300) -> float:
    for _ in range(30):
        client.get(path, headers=headers)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    return statistics.median(samples)


def measure(size: int, invoices: int, base_url: str) -> dict:
    from bench.run import ensure_database

    url = f"{base_url}_reach_{size}"
    ensure_database(url)
    from app.factory import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATE_LIMIT": "1000000000 per hour"})
    with app.app_context():
        ids = build(size)
        spread_invoices(invoices)
        after = deep_invoice_id()
        deep_page = int(invoices * 0.9) // 100 + 1
    # Each request gets its own application context and session, as under gunicorn.
    client = app.test_client()
    results = {}
    for name, (client_id, secret) in CLIENTS.items():
        token = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                            auth=(client_id, secret)).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        results[f"GET /organisations/{{deep}} as {name} admin"] = median_ms(
            client, f"/api/v1/organisations/{ids['deep']}", headers)
        pages = {"first page": "", "after a deep cursor": f"&after={after}",
                 "deep page by number": f"&page={deep_page}"}
        for page, query in pages.items():
            results[f"GET /invoices?per_page=100, {page}, as {name} admin"] = median_ms(
                client, f"/api/v1/invoices?per_page=100{query}", headers, rounds=100)
    results["GET /me (no reach check)"] = median_ms(client, "/api/v1/me", headers)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, nargs=2, default=SIZES)
    parser.add_argument("--invoices", type=int, nargs=2, default=INVOICES)
    args = parser.parse_args()
    sizes = list(zip(args.organisations, args.invoices, strict=True))
    base = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/tiergate_bench")
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-reach-"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    small_size, large_size = sizes
    small, large = (measure(*size, base) for size in sizes)
    print(f"\nmedian latency in ms, in-process, {DEPTH} levels deep, {os.cpu_count()} cores\n")
    print(f"| request | {small_size[0]:,} organisations, {small_size[1]:,} invoices | "
          f"{large_size[0]:,} organisations, {large_size[1]:,} invoices | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name in small:
        print(f"| {name} | {small[name]:.2f} | {large[name]:.2f} | "
              f"{large[name] / small[name]:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
