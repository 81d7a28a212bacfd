"""Command line: ``python -m spapi_sandbox serve|bench-page``."""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import threading
import time

from werkzeug.test import Client

from .app import SandboxApp
from .samples import SELLER_PII, sample_scenario
from .server import serve


def _serve(args: argparse.Namespace) -> int:
    app = SandboxApp(
        args.scenario,
        speed=args.speed,
        rate_limits=not args.no_rate_limits,
        validate_orders=not args.no_validate,
    )
    with serve(app=app, port=args.port) as running:
        print(f"SP-API sandbox on {running.url} (Ctrl-C stops it)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


def bench_page(orders: int = 1000, page_size: int = 100, repeat: int = 50) -> float:
    """Median seconds to serve one searchOrders page of ``page_size`` orders,
    in-process (WSGI test client, every dataset included), over ``repeat`` calls."""
    app = SandboxApp(
        sample_scenario(orders), rate_limits=False, frozen=True, validate_orders=False
    )
    token = app.issue_access_token(SELLER_PII)
    client = Client(app)
    query = {
        "createdAfter": "2020-01-01T00:00:00Z",
        "maxResultsPerPage": str(page_size),
        "includedData": "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,"
        "FULFILLMENT,PACKAGES,TAX",
    }
    durations = []
    for _ in range(repeat):
        begin = time.perf_counter()
        response = client.get(
            "/orders/2026-01-01/orders",
            query_string=query,
            headers={"x-amz-access-token": token},
        )
        response.get_data()
        durations.append(time.perf_counter() - begin)
        if response.status_code != 200:
            raise RuntimeError(f"searchOrders answered {response.status_code}")
    return statistics.median(durations)


def _bench(args: argparse.Namespace) -> int:
    seconds = bench_page(args.orders, args.page_size, args.repeat)
    print(
        f"searchOrders page of {args.page_size} orders (of {args.orders}): "
        f"median {seconds * 1000:.2f} ms over {args.repeat} calls"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m spapi_sandbox`` and ``spapi-sandbox``."""
    parser = argparse.ArgumentParser(prog="spapi_sandbox")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the sandbox on 127.0.0.1")
    run.add_argument("--port", type=int, default=8765)
    run.add_argument("--scenario", help="scenario JSON file to seed")
    run.add_argument("--speed", type=float, default=1.0, help="sandbox seconds/s")
    run.add_argument("--no-rate-limits", action="store_true")
    run.add_argument(
        "--no-validate", action="store_true", help="skip the per-order schema check"
    )
    run.set_defaults(func=_serve)
    bench = sub.add_parser("bench-page", help="time one searchOrders page")
    bench.add_argument("--orders", type=int, default=1000)
    bench.add_argument("--page-size", type=int, default=100)
    bench.add_argument("--repeat", type=int, default=50)
    bench.set_defaults(func=_bench)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["generate"]:
        # python -m spapi_sandbox generate --orders 1000 --seed 42 [OUT.json]
        from .generator import main as generate_main

        return generate_main(argv[1:])
    sub.add_parser("generate", help="write a generated scenario and its manifest")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
