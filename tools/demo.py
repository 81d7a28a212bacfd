"""make demo / make sync-check: a fresh Odoo database synced from a generated scenario.

Steps: generate (or reuse) a deterministic scenario and its expected-outcome manifest;
start the SP-API sandbox on 127.0.0.1; create the catalogue's products and one Amazon
account per seller of the scenario (in the database tools/demo.sh created), pointed at
the sandbox; run the order-sync cron (its own ir.cron record through
``method_direct_trigger``, not a shortcut) while a thread prints "orders processed
N / M" from the run rows the sync commits page by page; print a summary and compare
Odoo with the manifest: every expected order exactly once, totals per currency equal,
0 unexpected orders (exit 1 on any difference). Then, unless NO_SERVE=1,
tools/demo.sh serves Odoo.

Usage (from tools/demo.sh): python tools/demo.py CONF DBNAME OUTDIR
Settings: DEMO_ORDERS (300), DEMO_SEED (42), SANDBOX_PORT (free), DEMO_LABEL (demo).
"""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from spapi_sandbox import generator, manifest

ORDERS = int(os.environ.get("DEMO_ORDERS", "300"))
SEED = int(os.environ.get("DEMO_SEED", "42"))
LABEL = os.environ.get("DEMO_LABEL", "demo")
# The accounts' "import orders since": the start of the order-sync window.
IMPORT_SINCE = datetime(2026, 10, 1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn_sandbox(port, scenario_path, log_path, speed=1.0, options=()):
    """Start the SP-API sandbox (``python -m spapi_sandbox serve``) on 127.0.0.1,
    ``port``, with ``scenario_path``, its clock at ``speed`` × real time and its log in
    ``log_path``; ``options`` are more ``serve`` flags (``--no-rate-limits``...).
    Returns the ``subprocess.Popen`` at once: :func:`wait_for_sandbox` waits for it.
    """
    command = [
        sys.executable,
        "-m",
        "spapi_sandbox",
        "serve",
        "--port",
        str(port),
        "--scenario",
        str(scenario_path),
        "--speed",
        f"{speed:g}",
        *options,
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=open(log_path, "w"),
    )


def log(message):
    print(f"{LABEL}: {message}", flush=True)


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
    sandbox = spawn_sandbox(port, scenario_path, outdir / "sandbox.log")
    try:
        return run(conf, dbname, outdir, scenario, expected, port, started, sandbox)
    finally:
        if os.environ.get("NO_SERVE", "0") != "0":
            sandbox.terminate()
            sandbox.wait(timeout=10)


def sandbox_get(port, path):
    url = f"http://127.0.0.1:{port}{path}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def wait_for_sandbox(port, sandbox):
    for _attempt in range(100):
        if sandbox.poll() is not None:
            raise SystemExit(f"{LABEL}: the sandbox did not start (see sandbox.log)")
        try:
            sandbox_get(port, "/_sandbox/clock")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{LABEL}: the sandbox does not answer")


def run(conf, dbname, outdir, scenario, expected, port, started, sandbox):
    import odoo
    from odoo.modules.registry import Registry

    wait_for_sandbox(port, sandbox)
    log(f"SP-API sandbox on http://127.0.0.1:{port}")
    odoo.tools.config.parse_config(["-c", conf, "-d", dbname, "--log-level=warn"])
    logging.getLogger().setLevel(logging.WARNING)  # the summary, not every request
    registry = Registry(dbname)
    listed = expected_listed(scenario)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        configure(env, scenario, port)
        cr.commit()
        log(
            "running the order-sync cron (Amazon: synchronize orders); the sandbox "
            f"lists {sum(listed.values())} orders in the window"
        )
        progress = Progress(registry, sum(listed.values()))
        progress.start()
        sync_started = time.monotonic()
        try:
            env.ref(
                "sale_amazon_connector.ir_cron_amazon_sync_orders"
            ).method_direct_trigger()
        finally:
            sync_seconds = time.monotonic() - sync_started
            progress.stop()
        cr.commit()
        calls = sandbox_get(port, "/_sandbox/calls")
        differences, figures = report(env, scenario, expected, listed, calls)
    figures["syncSeconds"] = round(sync_seconds, 1)
    check_seconds = time.monotonic() - started
    total = time.time() - float(os.environ.get("DEMO_START") or time.time())
    figures["wallSeconds"] = round(total)
    figures["match"] = not differences
    (outdir / "result.json").write_text(json.dumps(figures, indent=1) + "\n")
    search_calls = calls["counts"].get("searchOrders", 0)
    throttled = calls.get("throttledByOperation", {}).get("searchOrders", 0)
    log(
        f"orders {figures['orders']} (expected {figures['expectedOrders']}), "
        f"searchOrders calls {search_calls} (throttled {throttled}), "
        f"wall time {sync_seconds:.1f} s for the sync "
        f"({figures['orders'] / max(sync_seconds, 0.001):.1f} orders/s), "
        f"{check_seconds:.0f} s with the scenario, sandbox and check, "
        f"{total:.0f} s with the database creation"
    )
    if differences:
        log(f"{len(differences)} difference(s) with the manifest:")
        for line in differences:
            print(f"  - {line}")
        log("MISMATCH")
        return 1
    log(
        "match: every expected order exactly once, totals per currency equal, "
        "0 unexpected orders (expected-outcome manifest)"
    )
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
            "import_orders_since": IMPORT_SINCE,
        }
        account = Account.search([("seller_ref", "=", seller["sellerId"])], limit=1)
        if account:
            account.write(values)
        else:
            account = Account.create(values)
        for marketplace in marketplaces:
            account._ensure_marketplace_line(marketplace)
    log(f"{len(skus)} products, {len(scenario['sellers'])} Amazon accounts configured")


def _utc(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def expected_listed(scenario):
    """Orders the sandbox will list to each account in its first sync window.

    The window runs from the accounts' "import orders since" to the scenario's clock
    start minus 2 minutes (the manifest's rule); the connector asks for the statuses
    of ``ORDER_STATUSES`` on every marketplace of the seller. Used for the progress
    display ("N / M") and checked against what the runs listed.
    """
    from odoo.addons.sale_amazon_connector.models.amazon_account import ORDER_STATUSES

    start = _utc(scenario["clock"]["start"])
    since = IMPORT_SINCE.replace(tzinfo=timezone.utc)
    markets = {s["sellerId"]: set(s["marketplaceIds"]) for s in scenario["sellers"]}
    listed = dict.fromkeys(markets, 0)
    for entry in scenario["orders"]:
        order = entry["order"]
        status = (order.get("fulfillment") or {}).get("fulfillmentStatus")
        if (
            status in ORDER_STATUSES
            and _utc(order["createdTime"]) <= start
            and since <= _utc(order["lastUpdatedTime"]) <= start - timedelta(minutes=2)
            and order["salesChannel"].get("marketplaceId")
            in markets.get(entry["sellerId"], ())
        ):
            listed[entry["sellerId"]] += 1
    return listed


class Progress(threading.Thread):
    """Print "orders processed N / M" while the sync runs.

    N is read from the ``amazon.sync.run`` rows of the order flow, which the sync
    commits after every page, through a cursor of its own (polled twice a second; a
    new transaction each time, so every committed page shows). On a terminal the line
    is rewritten in place; otherwise one line is printed per page.
    """

    QUERY = """
        SELECT COALESCE(SUM(r.pages), 0), COALESCE(SUM(r.orders_total), 0),
               COALESCE(SUM(r.orders_created), 0), COALESCE(SUM(r.orders_updated), 0),
               COALESCE(SUM(r.orders_unchanged), 0),
               COALESCE(SUM(r.orders_skipped), 0), COALESCE(SUM(r.orders_failed), 0),
               STRING_AGG(a.name, ', ') FILTER (WHERE r.state = 'running')
          FROM amazon_sync_run r JOIN amazon_account a ON a.id = r.account_id
         WHERE r.flow = 'orders'
    """

    def __init__(self, registry, expected, interval=0.5):
        super().__init__(name="sync-progress", daemon=True)
        self.registry = registry
        self.expected = expected
        self.interval = interval
        self.tty = sys.stdout.isatty()
        self.started = time.monotonic()
        self.done = threading.Event()
        self.last = self.line = None

    def run(self):
        with self.registry.cursor() as cr:
            while not self.done.wait(self.interval):
                self.poll(cr)
            self.poll(cr)
        if self.tty and self.last is not None:
            print(flush=True)

    def stop(self):
        self.done.set()
        self.join(timeout=30)

    def poll(self, cr):
        cr.execute(self.QUERY)
        row = cr.fetchone()
        cr.rollback()  # end the snapshot: the next poll sees the next commit
        # A terminal's line also ticks the seconds; a log gets a line per page.
        if row == self.last and not self.tty:
            return
        self.last = row
        pages, listed, created, updated, unchanged, skipped, failed, running = row
        counts = [f"created {created}"]
        counts += [
            f"{name} {count}"
            for name, count in (
                ("updated", updated),
                ("unchanged", unchanged),
                ("skipped", skipped),
            )
            if count
        ]
        counts.append(f"failed {failed}")
        line = (
            f"{LABEL}: orders processed {listed} / {self.expected} "
            f"({pages} page{'s' if pages != 1 else ''}; {', '.join(counts)}) "
            f"{time.monotonic() - self.started:.0f} s"
        )
        if running:
            line += f" - syncing {running}"
        if self.tty:
            if line != self.line:
                print(f"\r\033[K{line}", end="", flush=True)
        else:
            print(line, flush=True)
        self.line = line


def report(env, scenario, expected, listed, calls):
    """Print the summary; return (differences with the manifest, key figures)."""
    differences = []
    print()
    print(f"{'seller':<16}{'marketplace':<16}{'FBA':>6}{'FBM':>6}")
    api_calls = failures = runs_listed = 0
    for seller in scenario["sellers"]:
        seller_id = seller["sellerId"]
        account = env["amazon.account"].search([("seller_ref", "=", seller_id)])
        outcome = account._amazon_outcome()
        for market, counts in sorted(outcome["totals"]["byMarketplace"].items()):
            name = (
                env["amazon.marketplace"]
                .search([("marketplace_ref", "=", market)])
                .name
            )
            print(f"{seller_id:<16}{name:<16}{counts['FBA']:>6}{counts['FBM']:>6}")
        runs = account.sync_run_ids.filtered(lambda r: r.flow == "orders")
        api_calls += sum(runs.mapped("api_calls"))
        failures += sum(runs.mapped("orders_failed"))
        runs_listed += sum(runs.mapped("orders_total"))
        if runs.filtered(lambda r: r.state != "done"):
            differences.append(
                f"{seller_id}: sync run not done: "
                + "; ".join(f"{r.state} {r.error or ''}".strip() for r in runs)
            )
        for line in manifest.compare(expected["sellers"][seller_id], outcome):
            differences.append(f"{seller_id}: {line}")
    differences += check_once_and_totals(env, scenario, expected)
    orders = env["sale.order"].search([("amazon_account_id", "!=", False)])
    expected_orders = sum(s["totals"]["orders"] for s in expected["sellers"].values())
    fba_moves = orders.filtered(lambda o: o.amazon_channel == "fba").order_line.move_ids
    print()
    print(
        f"orders {len(orders)} (expected {expected_orders}), "
        f"customers {len(orders.partner_id)}, FBM pickings {len(orders.picking_ids)}, "
        f"FBA moves {len(fba_moves)}, failures {failures}, API calls {api_calls} "
        f"(sandbox call log: {format_counts(calls['counts'])})"
    )
    print(
        f"orders listed by the sandbox {runs_listed} "
        f"(expected from the scenario {sum(listed.values())})"
    )
    print()
    return differences, {
        "orders": len(orders),
        "expectedOrders": expected_orders,
        "ordersListed": runs_listed,
        "failures": failures,
        "searchOrdersCalls": calls["counts"].get("searchOrders", 0),
        "callCounts": calls["counts"],
    }


def format_counts(counts):
    return ", ".join(f"{op} {n}" for op, n in sorted(counts.items())) or "none"


def check_once_and_totals(env, scenario, expected):
    """The acceptance checks, straight on the database, beside ``manifest.compare``.

    ``_amazon_outcome`` keys orders by Amazon id (a duplicate would only show in the
    order count) and sums totals as floats: here every expected order is counted in
    SQL (exactly once per account), every Amazon order outside the scenario's sellers
    is unexpected, and the totals per currency are summed as numerics, all sellers
    together, and printed.
    """
    cr = env.cr
    diffs = []
    cr.execute(
        """
        SELECT a.seller_ref, so.amazon_order_ref, COUNT(*)
          FROM sale_order so JOIN amazon_account a ON a.id = so.amazon_account_id
         GROUP BY a.seller_ref, so.amazon_order_ref
        """
    )
    found = {(seller, ref): count for seller, ref, count in cr.fetchall()}
    for seller_id, section in expected["sellers"].items():
        for ref in section["orders"]:
            count = found.pop((seller_id, ref), 0)
            if count != 1:
                diffs.append(f"{seller_id}: order {ref} found {count} times, not once")
    for (seller_id, ref), count in sorted(found.items()):
        diffs.append(f"{seller_id}: unexpected order {ref} ({count}x)")
    cr.execute(
        """
        SELECT COUNT(*) FROM sale_order
         WHERE amazon_order_ref IS NOT NULL AND amazon_account_id IS NULL
        """
    )
    orphans = cr.fetchone()[0]
    if orphans:
        diffs.append(f"{orphans} unexpected order(s) with an Amazon id and no account")

    want = defaultdict(Decimal)
    for section in expected["sellers"].values():
        for entry in section["orders"].values():
            want[entry["currency"]] += Decimal(entry["grandTotal"])
    cr.execute(
        """
        SELECT c.name, SUM(so.amount_total)::text, COUNT(*)
          FROM sale_order so JOIN res_currency c ON c.id = so.currency_id
         WHERE so.amazon_account_id IS NOT NULL
         GROUP BY c.name
        """
    )
    got = {name: (Decimal(total), count) for name, total, count in cr.fetchall()}
    print()
    print(f"{'currency':<10}{'orders':>8}{'expected total':>18}{'Odoo total':>18}")
    for currency in sorted(set(want) | set(got)):
        total, count = got.get(currency, (Decimal(0), 0))
        decimals = env["res.currency"].search([("name", "=", currency)]).decimal_places
        quant = Decimal(1).scaleb(-decimals)
        ok = total.quantize(quant) == want[currency].quantize(quant)
        print(
            f"{currency:<10}{count:>8}{want[currency].quantize(quant):>18}"
            f"{total.quantize(quant):>18}{'' if ok else '  DIFFERENT'}"
        )
        if not ok:
            diffs.append(
                f"grand total {currency}: expected {want[currency]}, Odoo {total}"
            )
    return diffs


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
