"""make profile: where one request's time goes, per benchmark scenario (cProfile, in process).

Seeds the benchmark database as `make bench` does, then sends each scenario's request
through the Flask test client many times under cProfile and prints the functions with
the most cumulative and own time. No network, no gunicorn: what is left is our code,
the libraries' and the database and Redis round trips.
"""
import argparse
import base64
import cProfile
import io
import os
import pstats
import time

from bench.run import bench_environment


def scenarios(client, customer_id: int):
    from bench.seed import BENCH_CLIENT

    basic = "Basic " + base64.b64encode(":".join(BENCH_CLIENT).encode()).decode()
    form = {"grant_type": "client_credentials"}
    token = client.post("/oauth/token", data=form, headers={"Authorization": basic}).json
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    return {
        "token": lambda: client.post("/oauth/token", data=form, headers={"Authorization": basic}),
        "me": lambda: client.get("/api/v1/me", headers=bearer),
        "customer": lambda: client.get(f"/api/v1/customers/{customer_id}", headers=bearer),
        "invoices": lambda: client.get("/api/v1/invoices?per_page=100", headers=bearer),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", nargs="*", default=["token", "me", "customer", "invoices"])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()

    os.environ.update(bench_environment())
    from app.factory import create_app
    from bench.run import first_customer_id
    from bench.seed import seed

    app = create_app()
    with app.app_context():
        seed(args.organisations, args.invoices)
    client = app.test_client()
    calls = scenarios(client, first_customer_id())
    for name in args.scenario:
        call = calls[name]
        for _ in range(20):  # warm caches and pools
            assert call().status_code < 300
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.requests):
            call()
        profile.disable()
        per_request = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n=== {name}: {per_request:.2f} ms per request (profiled) ===")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    main()
