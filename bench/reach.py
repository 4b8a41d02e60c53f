"""The reach check's cost per request against the size of the organisation tree.

Builds trees of 1,000 and 100,000 organisations, 10 levels deep (chains of ten under one
root), each in its own PostgreSQL database, and times in-process requests that must check
reach: a deep record read by the root's admin (whose reach is the whole tree) and by an
admin halfway down. Prints median latencies and the ratio between the two tree sizes.
"""
import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import insert, select, text

SIZES = (1_000, 100_000)
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


def measure(size: int, base_url: str) -> dict:
    from bench.run import ensure_database

    url = f"{base_url.rsplit('/', 1)[0]}/tiergate_reach_{size}"
    ensure_database(url)
    from app.factory import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATE_LIMIT": "1000000000 per hour"})
    with app.app_context():
        ids = build(size)
    # Each request gets its own application context and session, as under gunicorn.
    client = app.test_client()
    results = {}
    for name, (client_id, secret) in CLIENTS.items():
        token = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                            auth=(client_id, secret)).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        results[f"GET /organisations/{{deep}} as {name} admin"] = median_ms(
            client, f"/api/v1/organisations/{ids['deep']}", headers)
    results["GET /me (no reach check)"] = median_ms(client, "/api/v1/me", headers)
    return results


def main() -> None:
    base = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/tiergate_bench")
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="tiergate-reach-"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    by_size = {size: measure(size, base) for size in SIZES}
    print(f"\nmedian latency in ms, in-process, {DEPTH} levels deep, {os.cpu_count()} cores\n")
    print(f"| request | {SIZES[0]:,} organisations | {SIZES[1]:,} organisations | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name in by_size[SIZES[0]]:
        small, large = by_size[SIZES[0]][name], by_size[SIZES[1]][name]
        print(f"| {name} | {small:.2f} | {large:.2f} | {large / small:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
