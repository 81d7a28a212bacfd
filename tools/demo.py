"""make demo: a fresh Odoo database synced from a generated Amazon scenario.

Steps: generate (or reuse) a deterministic scenario and its expected-outcome manifest;
start the SP-API sandbox on 127.0.0.1; create the demo database with the module; create
the catalogue's products and one Amazon account per seller of the scenario, pointed at
the sandbox; run the order-sync cron (its own ir.cron record, not a shortcut); print a
summary and compare it with the manifest (exit 1 on any difference). Then, unless
NO_SERVE=1, serve Odoo on 127.0.0.1 until stopped.

Usage (from tools/demo.sh): python tools/demo.py CONF DBNAME OUTDIR
"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from spapi_sandbox import generator, manifest

ORDERS = int(os.environ.get("DEMO_ORDERS", "300"))
SEED = int(os.environ.get("DEMO_SEED", "42"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message):
    print(f"demo: {message}", flush=True)


def main(conf, dbname, outdir):
    started = time.monotonic()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    scenario_path = outdir / f"demo-{ORDERS}-{SEED}.json"
    if not scenario_path.exists():
        generator.write(scenario_path, generator.generate(orders=ORDERS, seed=SEED))
        log(f"scenario generated: {scenario_path}")
    else:
        log(f"scenario reused: {scenario_path}")
    scenario = json.loads(scenario_path.read_text())
    expected = manifest.build(scenario)

    port = int(os.environ.get("SANDBOX_PORT") or free_port())
    sandbox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spapi_sandbox",
            "serve",
            "--port",
            str(port),
            "--scenario",
            str(scenario_path),
            "--speed",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(outdir / "sandbox.log", "w"),  # noqa: SIM115
    )
    try:
        return run(conf, dbname, scenario, expected, port, started, sandbox)
    finally:
        if os.environ.get("NO_SERVE", "0") != "0":
            sandbox.terminate()
            sandbox.wait(timeout=10)


def wait_for_sandbox(port, sandbox):
    import urllib.request

    for _attempt in range(100):
        if sandbox.poll() is not None:
            raise SystemExit("demo: the sandbox did not start (see sandbox.log)")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/clock", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("demo: the sandbox does not answer")


def run(conf, dbname, scenario, expected, port, started, sandbox):
    import odoo
    from odoo.modules.registry import Registry

    wait_for_sandbox(port, sandbox)
    log(f"SP-API sandbox on http://127.0.0.1:{port}")
    odoo.tools.config.parse_config(["-c", conf, "-d", dbname, "--log-level=warn"])
    logging.getLogger().setLevel(logging.WARNING)  # the summary, not every request
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        configure(env, scenario, port)
        cr.commit()
        log("running the order-sync cron (Amazon: synchronize orders)")
        sync_started = time.monotonic()
        env.ref(
            "sale_amazon_connector.ir_cron_amazon_sync_orders"
        ).method_direct_trigger()
        sync_seconds = time.monotonic() - sync_started
        cr.commit()
        differences = report(env, scenario, expected, sync_seconds)
    total = time.time() - float(os.environ.get("DEMO_START") or time.time())
    log(
        f"wall time {time.monotonic() - started:.0f} s for the scenario, sandbox, sync "
        f"and check; {total:.0f} s with the database creation"
    )
    if differences:
        log(f"{len(differences)} difference(s) with the manifest:")
        for line in differences:
            print(f"  - {line}")
        return 1
    log("match: Odoo holds exactly what the expected-outcome manifest says")
    return 0


def configure(env, scenario, port):
    skus = {}
    for entry in scenario["orders"]:
        for item in entry["order"]["orderItems"]:
            product = item.get("product") or {}
            if product.get("sellerSku"):
                skus.setdefault(product["sellerSku"], product.get("title"))
    Product = env["product.product"]
    existing = set(
        Product.search([("default_code", "in", list(skus))]).mapped("default_code")
    )
    Product.create(
        [
            {"name": title or sku, "default_code": sku, "is_storable": True}
            for sku, title in sorted(skus.items())
            if sku not in existing
        ]
    )
    Account = env["amazon.account"].with_context(active_test=False)
    secret = {app["clientId"]: app["clientSecret"] for app in scenario["applications"]}
    for seller in scenario["sellers"]:
        marketplaces = env["amazon.marketplace"].search(
            [("marketplace_ref", "in", seller["marketplaceIds"])]
        )
        values = {
            "name": seller["name"],
            "region": seller["region"],
            "seller_ref": seller["sellerId"],
            "home_marketplace_id": marketplaces[0].id,
            "lwa_client_ref": seller["clientId"],
            "lwa_client_secret_input": secret[seller["clientId"]],
            "refresh_token_input": seller["refreshToken"],
            "endpoint_override": f"http://127.0.0.1:{port}",
            "import_orders_since": datetime(2026, 10, 1),
        }
        account = Account.search([("seller_ref", "=", seller["sellerId"])], limit=1)
        if account:
            account.write(values)
        else:
            account = Account.create(values)
        for marketplace in marketplaces:
            account._ensure_marketplace_line(marketplace)
    log(f"{len(skus)} products, {len(scenario['sellers'])} Amazon accounts configured")


def report(env, scenario, expected, sync_seconds):
    differences = []
    print()
    print(f"{'seller':<16}{'marketplace':<16}{'FBA':>6}{'FBM':>6}")
    calls = failures = 0
    for seller in scenario["sellers"]:
        account = env["amazon.account"].search(
            [("seller_ref", "=", seller["sellerId"])]
        )
        outcome = account._amazon_outcome()
        for market, counts in sorted(outcome["totals"]["byMarketplace"].items()):
            name = (
                env["amazon.marketplace"]
                .search([("marketplace_ref", "=", market)])
                .name
            )
            print(
                f"{seller['sellerId']:<16}{name:<16}{counts['FBA']:>6}{counts['FBM']:>6}"
            )
        runs = account.sync_run_ids
        calls += sum(runs.mapped("api_calls"))
        failures += sum(runs.mapped("orders_failed"))
        for line in manifest.compare(expected["sellers"][seller["sellerId"]], outcome):
            differences.append(f"{seller['sellerId']}: {line}")
    orders = env["sale.order"].search([("amazon_account_id", "!=", False)])
    expected_orders = sum(s["totals"]["orders"] for s in expected["sellers"].values())
    fba_moves = orders.filtered(lambda o: o.amazon_channel == "fba").order_line.move_ids
    print()
    print(
        f"orders {len(orders)} (expected {expected_orders}), "
        f"customers {len(orders.partner_id)}, FBM pickings {len(orders.picking_ids)}, "
        f"FBA moves {len(fba_moves)}, failures {failures}, API calls {calls}, "
        f"sync {sync_seconds:.1f} s"
    )
    print()
    return differences


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
