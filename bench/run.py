"""make bench: throughput and latency of the API against a bare Flask endpoint.

Both run under the repository's gunicorn.conf.py with the same settings, loaded by wrk
from another process on loopback, in the same run: figures are quoted as ratios to the
bare endpoint because absolute numbers drift between machines and runs.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/tiergate_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def bench_environment() -> dict:
    """The app's settings for a benchmark: the bench database (created if missing), Redis
    limits too high to trip, a fresh instance folder."""
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    ensure_database(database)
    return {"DATABASE_URL": database,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="tiergate-bench-"),
            "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
            "RATE_LIMIT": "1000000000 per hour", "SECRET_KEY": "bench-secret-key"}


def seed(env: dict, organisations: int, invoices: int, transactions: int) -> dict:
    os.environ.update(env)
    from app.factory import create_app
    from bench.seed import seed as run_seed

    app = create_app()
    with app.app_context():
        return run_seed(organisations, invoices, transactions)


def first_customer_id() -> int:
    from app.extensions import db
    from app.factory import create_app
    from app.models import Customer

    with create_app().app_context():
        return db.session.scalar(select(Customer.id).order_by(Customer.id).limit(1))


@contextmanager
def serve(app: str, env: dict, port: int):
    log = open(Path(env["INSTANCE_PATH"]) / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", app],
                               env={**env, "PORT": str(port)}, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(base + "/", timeout=5)
            break
        except requests.RequestException:
            if process.poll() is not None:
                raise RuntimeError(Path(log.name).read_text()) from None
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wrk(url: str, *, seconds: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        command += ["-s", lua.name]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": latency(50), "p99": latency(99), "non2xx": int(errors.group(1)) if errors else 0}


def header_script(headers: dict, method="GET", body=None) -> str:
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if body:
        lines.append(f'wrk.body = "{body}"')
    return "\n".join(lines)


def token(base: str, client_id: str, secret: str) -> str:
    response = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(client_id, secret), timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=100_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    from bench.seed import BENCH_CLIENT, LEAF_CLIENT

    env = {**os.environ, **bench_environment(),
           "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2")}
    started = time.time()
    sizes = seed(env, args.organisations, args.invoices, args.transactions)
    print(f"seeded {sizes} in {time.time() - started:.0f}s", file=sys.stderr)
    customer_id = first_customer_id()

    with ExitStack() as stack:
        api = stack.enter_context(serve("wsgi:app", env, 8811))
        bare = stack.enter_context(serve("bench.bare:app", env, 8812))
        root = {"Authorization": f"Bearer {token(api, *BENCH_CLIENT)}"}
        leaf = {"Authorization": f"Bearer {token(api, *LEAF_CLIENT)}"}
        form = "grant_type=client_credentials"
        scenarios = [
            ("bare Flask endpoint (ceiling)", f"{bare}/bare", None),
            ("floor: bare + one Redis call", f"{bare}/floor/redis", None),
            ("floor: bare + one Redis call + one PostgreSQL look-up",
             f"{bare}/floor/redis-postgres", None),
            ("POST /oauth/token", f"{api}/oauth/token", header_script(
                {"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Basic " + _basic(*BENCH_CLIENT)}, "POST", form)),
            ("GET /api/v1/me", f"{api}/api/v1/me", header_script(root)),
            (f"GET /api/v1/customers/{customer_id}", f"{api}/api/v1/customers/{customer_id}",
             header_script(root)),
            (f"GET /api/v1/invoices?per_page=100 (root: all {sizes['invoices']} in reach)",
             f"{api}/api/v1/invoices?per_page=100", header_script(root)),
            ("GET /api/v1/invoices?per_page=100 (leaf organisation)",
             f"{api}/api/v1/invoices?per_page=100", header_script(leaf)),
            (f"GET /api/v1/reports/financial?year=2026&include_descendants=true (root: "
             f"{sizes['invoices']} invoices, {sizes['transactions']} transactions)",
             f"{api}/api/v1/reports/financial?year=2026&include_descendants=true",
             header_script(root)),
            ("GET /api/v1/reports/financial?year=2026&basis=cash (leaf organisation)",
             f"{api}/api/v1/reports/financial?year=2026&basis=cash", header_script(leaf)),
        ]
        for _name, url, script in scenarios:
            wrk(url, seconds=2, connections=4, script=script)  # warm up
        # Rounds of every scenario, each round with its own ceiling: a ratio compares
        # figures taken seconds apart, so drift on a shared machine cancels out.
        rounds = [[wrk(url, seconds=args.seconds, connections=args.connections, script=script)
                   for _name, url, script in scenarios] for _ in range(args.rounds)]
    print(f"\n{sizes['organisations']} organisations, {sizes['invoices']} invoices, "
          f"{sizes['transactions']} transactions; "
          f"{env['WEB_CONCURRENCY']} gunicorn workers x 4 threads; wrk {args.connections} "
          f"connections; median of {args.rounds} rounds of {args.seconds}s each; "
          f"{os.cpu_count()} cores\n")
    print("| scenario | req/s | ratio to ceiling | p50 ms | p99 ms | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for index, (name, _url, _script) in enumerate(scenarios):
        print(f"{name}: " + ", ".join(f"{one_round[index]['rps']:.0f}" for one_round in rounds),
              file=sys.stderr)
    for index, (name, _url, _script) in enumerate(scenarios):
        results = [one_round[index] for one_round in rounds]
        ratio = _median(one_round[index]["rps"] / one_round[0]["rps"] for one_round in rounds)
        print(f"| {name} | {_median(r['rps'] for r in results):.0f} | {ratio:.1%} | "
              f"{_median(r['p50'] for r in results):.1f} | "
              f"{_median(r['p99'] for r in results):.1f} | {sum(r['non2xx'] for r in results)} |")


def _median(values) -> float:
    return statistics.median(list(values))


def _basic(client_id: str, secret: str) -> str:
    import base64

    return base64.b64encode(f"{client_id}:{secret}".encode()).decode()


if __name__ == "__main__":
    main()
