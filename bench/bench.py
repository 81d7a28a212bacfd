"""make bench: how fast, how cheap in Amazon quota, how it scales (issue "Benchmark").

One run, one machine, one installed module: bench/bench.sh installs the module in
``<db>_template``; this script configures ``<db>_base`` from it (the products of every
seller SKU with stock in the FBM warehouses, one Amazon account per generated seller,
one carrier) and copies that database for each measurement (``<db>_run``), so that
every measurement starts from the same state and none is helped or slowed by the
records of another. Each measurement runs in an Odoo process of its own
(``python bench/bench.py worker ...``), whose peak RSS is read from
``/proc/self/status`` after its peak was reset once the registry was loaded.

The same generated orders (``spapi_sandbox.generator``, seed ``BENCH_SEED``) feed:

1. **Floors** (``floors``): the orders the connector creates (the expected-outcome
   manifest's), built with the plain ORM from the same Amazon data: customer and
   delivery contact, the same product lines and charge lines (shipping, gift wrap,
   promotion, the tax on top of prices) in the order's currency (a pricelist per
   currency), gift-message notes, FBM orders confirmed
   into pickings (validated for what Amazon already shipped), FBA orders confirmed
   without procurement with one done stock move per line out of the Amazon location.
   (a) naive: order by order; (b) batched: ``create([...])`` of 100 customers, 100
   contacts and 100 orders, one confirmation per channel and one ``_action_done`` of
   the FBA moves per batch. Both commit every 100 orders and use the connector's
   mail contexts (no follower, no creation message, no tracking), so the ratio
   measures the connector's own work, not Odoo's chatter.
2. **Connector** (``connector``): the order-sync cron (``ir.cron``
   ``method_direct_trigger``) on a sandbox served on loopback with its rate limits
   off (and the adapter's limiter off: buckets never empty); orders/s and the ratios
   to the floors. Every run is checked against the manifest (each expected order
   once, totals per currency equal): a wrong run is not a benchmark.
3. **API cost**: the sandbox's call log per operation divided by the orders listed.
4. **Quota** (``quota``): one seller's ``BENCH_QUOTA_ORDERS`` (5,000) backlog with
   Amazon's default usage plans on, on the sandbox's accelerated clock; the adapter
   runs on the same accelerated clock (``clock``/``sleep`` parameters). The speed is
   chosen from the connector's measured seconds per page so that processing a page
   takes at most ``QUOTA_PAGE_SHARE`` of one searchOrders refill interval. Reported
   separately: Amazon seconds spent waiting for quota (the adapter's sleeps) and the
   real seconds spent processing; the span of the searchOrders calls next to the
   token-bucket minimum ``(pages - burst) / rate``.
5. **Scaling**: the connector at each of ``BENCH_SIZES`` (100, 1,000; 10,000 with
   ``BENCH_FULL=1``): orders/s, peak RSS growth, and the exponent of time against
   orders (least squares on the logarithms).
6. **Exports** (``exports``): ``BENCH_EXPORT_PICKINGS`` (1,000) FBM pickings of the
   quota run validated with a carrier and a tracking number, then confirmed to Amazon
   by the pickings cron (sandbox limits off); confirmations/s and calls per picking.
   ``page``: the sandbox's own time per searchOrders page. ``stock``: the FBM stock
   push of bench/stock.py (1,000 offers) on a copy of the template.

With ``BENCH_PROFILE=1`` (default) one more connector run of ``BENCH_PROFILE_ORDERS``
(300) orders goes under pyinstrument; its text profile is written beside the results.
The floors run at the sizes up to ``BENCH_FLOOR_MAX`` (1,000).

Usage (from bench/bench.sh): python bench/bench.py CONF DB OUTDIR
Output: a table on stdout, OUTDIR/result.json, OUTDIR/bench.png, OUTDIR/profile.txt.
The exit code is 1 when a run differs from its manifest or a target is missed.
"""

import gc
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))

import demo
from spapi_sandbox import generator, manifest

demo.LABEL = "bench"
log = demo.log

SEED = int(os.environ.get("BENCH_SEED", "42"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1000").split(",") if n]
if os.environ.get("BENCH_FULL", "0") != "0" and 10000 not in SIZES:
    SIZES.append(10000)
QUOTA_ORDERS = int(os.environ.get("BENCH_QUOTA_ORDERS", "5000"))
EXPORT_PICKINGS = int(os.environ.get("BENCH_EXPORT_PICKINGS", "1000"))
PROFILE = os.environ.get("BENCH_PROFILE", "1") != "0"
PROFILE_ORDERS = int(os.environ.get("BENCH_PROFILE_ORDERS", "300"))
# The floors run at the sizes up to this one (10,000 naive orders take about 30 min).
FLOOR_MAX = int(os.environ.get("BENCH_FLOOR_MAX", "1000"))
PARTS = set(
    os.environ.get("BENCH_PARTS", "all")
    .replace("all", "floors,connector,quota,exports,page,stock")
    .split(",")
)
# Processing one page may take at most this share of one refill interval of
# searchOrders, in sandbox seconds (the speed is picked for it).
QUOTA_PAGE_SHARE = 0.5
COMMIT_EVERY = 100
ORDER_SYNC_CRON = "sale_amazon_connector.ir_cron_amazon_sync_orders"
PICKING_SYNC_CRON = "sale_amazon_connector.ir_cron_amazon_sync_pickings"
MAX_TICKS = 8
BENCH_CARRIER = "DHL"

# Targets of the issue.
TARGET_NAIVE = 1.5
TARGET_BATCHED = 0.85
TARGET_QUOTA = 1.05
TARGET_EXPONENT = 1.1
TARGET_RSS_MB = 150


# === PROCESS HELPERS === #


def rss_kib():
    """``(current RSS, peak RSS)`` of this process in KiB (``/proc/self/status``)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def reset_peak_rss():
    """Reset the process's peak RSS to its current RSS (Linux ``clear_refs`` 5);
    ``False`` when the kernel refuses (then the peak includes the registry load)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def drop_database(name):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def copy_database(source, target):
    """``target`` as a copy of ``source`` (database and filestore)."""
    import shutil

    import psycopg2

    import odoo

    odoo.sql_db.close_all()
    drop_database(target)
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    conn.close()
    store = Path(odoo.tools.config["data_dir"]) / "filestore"
    shutil.rmtree(store / target, ignore_errors=True)
    if (store / source).exists():
        shutil.copytree(store / source, store / target)


def start_sandbox(outdir, scenario_path, name, speed=1.0, rate_limits=False):
    port = demo.free_port()
    options = ["--no-validate"] + ([] if rate_limits else ["--no-rate-limits"])
    sandbox = demo.spawn_sandbox(
        port, scenario_path, outdir / f"sandbox-{name}.log", speed, options
    )
    demo.wait_for_sandbox(port, sandbox)
    return sandbox, port


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def run_worker(conf, db, mode, stats_path, *args):
    """Run one measurement in an Odoo process of its own; its figures (JSON)."""
    stats_path.unlink(missing_ok=True)
    command = [sys.executable, __file__, "worker", mode, conf, db, str(stats_path)]
    subprocess.run([*command, *map(str, args)], check=True)
    return json.loads(stats_path.read_text())


# === SCENARIOS === #


def scenario_file(outdir, orders):
    """A generated scenario of ``orders`` orders (seed ``SEED``, no timed event)."""
    path = outdir / f"bench-{orders}-{SEED}.json"
    if not path.exists():
        generator.write(path, generator.generate(orders, SEED, events=0))
    return path


def quota_scenario_file(outdir, orders):
    """One seller's backlog of ``orders`` orders: the generated EU seller's first
    ``orders`` orders of a scenario large enough (the other sellers removed)."""
    path = outdir / f"bench-quota-{orders}-{SEED}.json"
    if path.exists():
        return path
    total = orders * 3
    while True:
        scenario = generator.generate(total, SEED, events=0)
        seller = next(s for s in scenario["sellers"] if s["region"] == "EU")
        mine = [e for e in scenario["orders"] if e["sellerId"] == seller["sellerId"]]
        if len(mine) >= orders:
            break
        total *= 2
    kept = mine[:orders]
    refs = {entry["order"]["orderId"] for entry in kept}
    for entry in kept:
        # a replacement whose original was cut off is kept as a plain order
        for item in entry["order"]["orderItems"]:
            if (item.get("replacement") or {}).get("originalOrderId") not in (
                None,
                *refs,
            ):
                item.pop("replacement")
    scenario["sellers"] = [seller]
    scenario["orders"] = kept
    scenario["inventory"] = [
        r
        for r in scenario.get("inventory", [])
        if r.get("sellerId") == seller["sellerId"]
    ]
    scenario["listings"] = [
        r
        for r in scenario.get("listings", [])
        if r.get("sellerId") == seller["sellerId"]
    ]
    scenario["name"] = path.stem
    generator.write(path, scenario)
    return path


def load(path):
    scenario = json.loads(Path(path).read_text())
    return scenario, manifest.build(scenario)


# === THE ODOO PROCESS (worker) === #


def worker(mode, conf, db, stats_path, *args):
    import logging

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    logging.getLogger().setLevel(logging.WARNING)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # warm the caches every mode needs, then measure from here
        env["sale.order"].search_count([])
        rss_start, _peak = rss_kib()
        peak_reset = reset_peak_rss()
        started = time.perf_counter()
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        stats = MODES[mode](env, *args)
        seconds = stats.pop("seconds", None) or time.perf_counter() - started
        cpu_end = resource.getrusage(resource.RUSAGE_SELF)
        cr.commit()
    _rss, peak = rss_kib()
    peak = stats.pop("peak_kib", None) or peak
    rss_start = stats.pop("rss_start_kib", None) or rss_start
    stats.update(
        {
            "seconds": seconds,
            "cpu_seconds": (cpu_end.ru_utime - cpu.ru_utime)
            + (cpu_end.ru_stime - cpu.ru_stime),
            "rss_start_mb": rss_start / 1024,
            "rss_peak_mb": peak / 1024,
            "rss_growth_mb": (peak - rss_start) / 1024 if peak_reset else None,
        }
    )
    Path(stats_path).write_text(json.dumps(stats))
    return 0


def _floor_data(env, scenario_path):
    """The orders the connector creates (the manifest's), as plain ORM inputs."""
    scenario, expected = load(scenario_path)
    raw = {entry["order"]["orderId"]: entry["order"] for entry in scenario["orders"]}
    Account = env["amazon.account"]
    products = {
        p.default_code: p
        for p in env["product.product"].search([("default_code", "!=", False)])
    }
    Sale = env["sale.order"]
    # the connector's charge lines, on its default products
    charges = {
        key: Sale._amazon_default_product(key)
        for key in ("shipping", "gift_wrap", "promotion", "tax", "facilitator_tax")
    }
    countries = {c.code: c for c in env["res.country"].search([])}
    markets = {m.marketplace_ref: m for m in env["amazon.marketplace"].search([])}
    orders, pricelists = [], {}
    Pricelist = env["product.pricelist"]
    for seller_id, section in expected["sellers"].items():
        account = Account.search([("seller_ref", "=", seller_id)], limit=1)
        for order_id, entry in section["orders"].items():
            data = raw[order_id]
            marketplace = markets[entry["marketplaceId"]]
            code = entry["currency"]
            if code not in pricelists:
                currency = (
                    env["res.currency"]
                    .with_context(active_test=False)
                    .search([("name", "=", code)], limit=1)
                )
                currency.active = True
                pricelists[code] = Pricelist.search(
                    [("currency_id", "=", currency.id)], limit=1
                ) or Pricelist.create(
                    {"name": f"Floor {code}", "currency_id": currency.id}
                )
            orders.append(
                {
                    "data": data,
                    "entry": entry,
                    "account": account,
                    "marketplace": marketplace,
                    "warehouse": account._get_warehouse(marketplace),
                    "pricelist": pricelists[code],
                    "location": account._get_location(marketplace)
                    or account._amazon_default_location(),
                    "country": countries.get(
                        (
                            (data.get("recipient") or {}).get("deliveryAddress") or {}
                        ).get("countryCode")
                    )
                    or marketplace.country_id,
                }
            )
    env.cr.commit()
    return orders, products, charges


def _partner_values(order):
    data, country = order["data"], order["country"]
    buyer = data.get("buyer") or {}
    address = (data.get("recipient") or {}).get("deliveryAddress") or {}
    company = order["account"].company_id.id
    location = {
        "country_id": country.id,
        "city": address.get("city") or False,
        "zip": address.get("postalCode") or False,
        "company_id": company,
    }
    name = buyer.get("buyerName") or address.get("name")
    customer = {
        **location,
        "name": name or "Amazon Customer",
        "email": buyer.get("buyerEmail") or False,
    }
    delivery = {
        **location,
        "type": "delivery",
        "name": address.get("name") or customer["name"],
        "street": address.get("addressLine1") or False,
        "phone": address.get("phone") or False,
    }
    return customer, delivery if name else None


def _order_values(order, customer, delivery, products, charges):
    entry = order["entry"]
    lines = []
    for item in entry["items"]:
        quantity = item["quantityOrdered"] - item["quantityCancelled"]
        if quantity <= 0 or item["sellerSku"] not in products:
            continue
        unit = Decimal(item["itemAmount"]) / item["quantityOrdered"]
        lines.append(
            {
                "product_id": products[item["sellerSku"]].id,
                "product_uom_qty": quantity,
                "price_unit": float(unit),
            }
        )
    # the same charge lines as the connector's: shipping, gift wrap, promotion, and
    # the tax on top of the prices (Amazon's as facilitator, or the seller's)
    facilitator = Decimal(entry.get("marketplaceFacilitatorTax") or 0)
    seller_tax = (
        Decimal(entry.get("tax") or 0) - facilitator
        if entry.get("taxArithmetic") == "ADDITIVE"
        else Decimal(0)
    )
    for key, amount in (
        ("shipping", entry.get("shipping")),
        ("gift_wrap", entry.get("giftWrap")),
        ("promotion", entry.get("discount")),
        ("facilitator_tax", facilitator),
        ("tax", seller_tax),
    ):
        if Decimal(amount or 0):
            lines.append(
                {
                    "product_id": charges[key].id,
                    "product_uom_qty": 1,
                    "price_unit": float(amount),
                }
            )
    lines += [{"display_type": "line_note", "name": "Gift message"}] * entry.get(
        "giftMessages", 0
    )
    return {
        "partner_id": customer.id,
        "partner_invoice_id": customer.id,
        "partner_shipping_id": (delivery or customer).id,
        "company_id": order["account"].company_id.id,
        "warehouse_id": order["warehouse"].id,
        "pricelist_id": order["pricelist"].id,
        "client_order_ref": order["data"]["orderId"],
        "order_line": [(0, 0, line) for line in lines],
    }


def _fba_moves(env, sale_orders, by_ref):
    customers = env.ref("stock.stock_location_customers")
    values = []
    for sale in sale_orders:
        order = by_ref[sale.client_order_ref]
        for line in sale.order_line.filtered(
            lambda sol: sol.product_id.type == "consu" and sol.product_uom_qty > 0
        ):
            where = {
                "location_id": order["location"].id,
                "location_dest_id": customers.id,
                "company_id": sale.company_id.id,
            }
            # as the connector does: the done quantity as the move's line, created
            # with the move
            values.append(
                {
                    **where,
                    "name": f"Amazon {sale.client_order_ref}",
                    "product_id": line.product_id.id,
                    "product_uom": line.product_uom.id,
                    "product_uom_qty": line.product_uom_qty,
                    "sale_line_id": line.id,
                    "origin": sale.name,
                    "picked": True,
                    "move_line_ids": [
                        (
                            0,
                            0,
                            {
                                **where,
                                "product_id": line.product_id.id,
                                "product_uom_id": line.product_uom.id,
                                "quantity": line.product_uom_qty,
                                "picked": True,
                            },
                        )
                    ],
                }
            )
    if values:
        env["stock.move"].create(values)._action_done()


def _ship_outside(sale_orders, by_ref):
    """FBM orders Amazon reports shipped: validate what shipped (backorder left), all
    the pickings of ``sale_orders`` at once (one order in the naive floor, 100 in the
    batched one, as the connector does with a page)."""
    env = sale_orders.env
    to_validate = env["stock.picking"]
    picked = unpicked = env["stock.move"]
    for sale in sale_orders:
        entry = by_ref[sale.client_order_ref]["entry"]
        if not entry.get("shippedOutside"):
            continue
        shipped = Counter()
        for item in entry["items"]:
            shipped[item["sellerSku"]] += item["quantityShipped"]
        for picking in sale.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ):
            quantities = {
                move: min(shipped[move.product_id.default_code], move.product_uom_qty)
                for move in picking.move_ids
            }
            if not any(quantities.values()):
                continue
            # as the connector does: quantities written where they differ, picked
            # set once for all
            for move, quantity in quantities.items():
                if not quantity:
                    unpicked |= move
                    continue
                if move.quantity != quantity:
                    move.quantity = quantity
                picked |= move
            to_validate |= picking
    unpicked.filtered("picked").picked = False
    picked.picked = True
    if to_validate:
        to_validate.with_context(
            skip_backorder=False, cancel_backorder=False, skip_sms=True
        )._action_done()


def _floor(env, scenario_path, batched):
    orders, products, charges = _floor_data(env, scenario_path)
    by_ref = {order["data"]["orderId"]: order for order in orders}
    Partner = env["res.partner"].with_context(mail_create_nolog=True)
    Sale = env["sale.order"].with_context(mail_create_nosubscribe=True)
    started = time.perf_counter()
    size = COMMIT_EVERY if batched else 1
    done = 0
    for start in range(0, len(orders), size):
        chunk = orders[start : start + size]
        values = [_partner_values(order) for order in chunk]
        customers = Partner.create([customer for customer, _d in values])
        deliveries = {}
        to_create = [
            (index, {**delivery, "parent_id": customers[index].id})
            for index, (_c, delivery) in enumerate(values)
            if delivery
        ]
        if to_create:
            created = Partner.create([vals for _i, vals in to_create])
            deliveries = {
                i: partner for (i, _v), partner in zip(to_create, created, strict=True)
            }
        sales = Sale.create(
            [
                _order_values(
                    order, customers[index], deliveries.get(index), products, charges
                )
                for index, order in enumerate(chunk)
            ]
        )
        fba = sales.filtered(
            lambda s: by_ref[s.client_order_ref]["entry"]["channel"] == "FBA"
        )
        for batch, skip in ((fba, True), (sales - fba, False)):
            if batch:
                batch.with_context(
                    skip_procurement=skip, mail_notrack=True
                ).action_confirm()
        _fba_moves(env, fba, by_ref)
        _ship_outside(sales - fba, by_ref)
        done += len(chunk)
        if done % COMMIT_EVERY == 0 or done == len(orders):
            env.cr.commit()
    return {
        "orders": len(orders),
        "seconds": time.perf_counter() - started,
        "fba_moves": env["stock.move"].search_count(
            [("state", "=", "done"), ("location_dest_id.usage", "=", "customer")]
        ),
    }


def _mode_naive(env, scenario_path):
    return _floor(env, scenario_path, batched=False)


def _mode_batched(env, scenario_path):
    return _floor(env, scenario_path, batched=True)


def _point_accounts(env, scenario_path, port):
    """The run's accounts on this sandbox: the scenario's sellers active, the others
    archived, every cursor back to the first import date."""
    scenario = json.loads(Path(scenario_path).read_text())
    sellers = {seller["sellerId"] for seller in scenario["sellers"]}
    accounts = env["amazon.account"].with_context(active_test=False).search([])
    for account in accounts:
        account.write(
            {
                "active": account.seller_ref in sellers,
                "endpoint_override": f"http://127.0.0.1:{port}",
                "import_orders_since": demo.IMPORT_SINCE,
                "last_orders_sync": False,
            }
        )
    env.cr.commit()


class _NoLimiter:
    """The adapter's limiter switched off (the benchmark's "rate limits off"): every
    call has its token at once; rate headers are ignored."""

    def reserve(self, key, operation, now, max_wait=None):
        return 0.0

    def set_rate(self, key, operation, rate, now):
        return None

    def available(self, key, operation, now):
        return math.inf

    def clear(self):
        return None


def _patch_clients(env, speed, rate_limits, profile=None):
    """Every SP-API client of this process on the sandbox's clock (``speed``
    sandbox seconds per second), sharing one token cache, limiter and call log; the
    adapter's sleeps are summed (in sandbox seconds)."""
    from odoo.addons.sale_amazon_connector.services import sp_api

    waited = {"seconds": 0.0, "sleeps": 0}

    def clock():
        return time.monotonic() * speed

    def sleep(seconds):
        seconds = max(seconds, 0)
        waited["seconds"] += seconds
        waited["sleeps"] += 1
        time.sleep(seconds / speed)

    extra = {
        "clock": clock,
        "sleep": sleep,
        "token_cache": sp_api.TokenCache(),
        "limiter": sp_api.RateLimiter() if rate_limits else _NoLimiter(),
        "call_log": sp_api.CallLog(),
    }
    Account = type(env["amazon.account"])
    original = Account._get_sp_api_client

    def _get_sp_api_client(self, **kwargs):
        return original(self, **{**extra, **kwargs})

    Account._get_sp_api_client = _get_sp_api_client
    # The real seconds each page takes to import (between two searchOrders calls).
    waited["pages"] = []
    original_page = Account._sync_order_page

    def _sync_order_page(self, run, page):
        started = time.perf_counter()
        try:
            return original_page(self, run, page)
        finally:
            waited["pages"].append(time.perf_counter() - started)

    Account._sync_order_page = _sync_order_page
    return waited


def _run_order_cron(env):
    """The order-sync cron, ticked again while a run stopped before its end (as the
    15-minute cron would); ``(ticks, seconds)``."""
    started = time.perf_counter()
    cron = env.ref(ORDER_SYNC_CRON)
    ticks = 0
    for ticks in range(1, MAX_TICKS + 1):  # noqa: B007 - returned
        cron.method_direct_trigger()
        env.cr.commit()
        env.invalidate_all()
        open_runs = env["amazon.sync.run"].search_count(
            [
                ("flow", "=", "orders"),
                ("state", "!=", "done"),
                ("id", "in", _last_runs(env)),
            ]
        )
        if not open_runs:
            break
    return ticks, time.perf_counter() - started


def _last_runs(env):
    env.cr.execute(
        """SELECT MAX(id) FROM amazon_sync_run WHERE flow = 'orders'
            GROUP BY account_id"""
    )
    return [row[0] for row in env.cr.fetchall()]


def _mode_connector(env, scenario_path, port, speed, rate_limits, profile_path=""):
    speed, rate_limits = float(speed), rate_limits == "1"
    _point_accounts(env, scenario_path, port)
    # Reading the scenario (one JSON of every order) is the benchmark's, not the
    # connector's: the peak RSS is measured from here.
    gc.collect()
    rss_start, _peak = rss_kib()
    reset_peak_rss()
    waited = _patch_clients(env, speed, rate_limits)
    profiler = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    ticks, seconds = _run_order_cron(env)
    # the peak of the sync itself, before the check below loads scenario and manifest
    _rss, peak_kib = rss_kib()
    if profiler:
        profiler.stop()
        Path(profile_path).write_text(
            profiler.output_text(unicode=False, color=False, show_all=False)
        )
        Path(profile_path).with_suffix(".html").write_text(profiler.output_html())
    scenario, expected = load(scenario_path)
    differences = demo.check_once_and_totals(env, scenario, expected)
    env.cr.execute(
        """SELECT COALESCE(SUM(pages), 0), COALESCE(SUM(orders_total), 0),
                  COALESCE(SUM(orders_created), 0), COALESCE(SUM(orders_failed), 0)
             FROM amazon_sync_run WHERE flow = 'orders'"""
    )
    pages, listed, created, failed = env.cr.fetchone()
    env.cr.execute(
        """SELECT COALESCE(SUM(orders_total), 0) FROM amazon_sync_run
            WHERE flow = 'orders' GROUP BY account_id"""
    )
    # the fewest searchOrders calls there can be: full pages of 100 per account
    minimum_pages = sum(math.ceil(row[0] / 100) or 1 for row in env.cr.fetchall())
    return {
        "orders": created,
        "listed": listed,
        "pages": pages,
        "minimum_pages": minimum_pages,
        "failed": failed,
        "ticks": ticks,
        "seconds": seconds,
        "peak_kib": peak_kib,
        "rss_start_kib": rss_start,
        "waited_amazon_seconds": waited["seconds"],
        "page_seconds_max": max(waited["pages"], default=0.0),
        "page_seconds_mean": sum(waited["pages"]) / max(len(waited["pages"]), 1),
        "waits": waited["sleeps"],
        "differences": differences[:20],
        "difference_count": len(differences),
    }


def _mode_exports(env, count, port, speed):
    """Validate ``count`` FBM pickings (carrier + tracking), then confirm them to
    Amazon through the pickings cron until none is left to send."""
    count = int(count)
    env["amazon.account"].search([]).write(
        {"endpoint_override": f"http://127.0.0.1:{port}"}
    )
    _patch_clients(env, float(speed), rate_limits=False)
    carrier = env["delivery.carrier"].search([("name", "=", BENCH_CARRIER)], limit=1)
    pickings = env["stock.picking"].search(
        [
            ("sale_id.amazon_channel", "=", "fbm"),
            ("sale_id.amazon_shipped_outside", "=", False),
            ("sale_id.amazon_status", "=", "UNSHIPPED"),
            ("picking_type_code", "=", "outgoing"),
            ("state", "=", "assigned"),
        ],
        limit=count,
        order="id",
    )
    started = time.perf_counter()
    for start in range(0, len(pickings), COMMIT_EVERY):
        batch = pickings[start : start + COMMIT_EVERY]
        for picking in batch:
            picking.carrier_id = carrier
            picking.carrier_tracking_ref = f"JJD{picking.id:010d}"
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
        batch.with_context(skip_sms=True, skip_backorder=True)._action_done()
        env.cr.commit()
    validate_seconds = time.perf_counter() - started
    queued = env["stock.picking"].search_count([("amazon_sync_state", "=", "pending")])
    started = time.perf_counter()
    cron = env.ref(PICKING_SYNC_CRON)
    ticks = 0
    while (
        env["stock.picking"].search_count(
            [("amazon_sync_state", "in", ("pending", "processing"))]
        )
        and ticks < 50
    ):
        cron.method_direct_trigger()
        env.cr.commit()
        env.invalidate_all()
        ticks += 1
    seconds = time.perf_counter() - started
    states = Counter(pickings.mapped("amazon_sync_state"))
    return {
        "pickings": len(pickings),
        "queued": queued,
        "validate_seconds": validate_seconds,
        "seconds": seconds,
        "ticks": ticks,
        "states": dict(states),
    }


MODES = {
    "naive": _mode_naive,
    "batched": _mode_batched,
    "connector": _mode_connector,
    "exports": _mode_exports,
}


# === THE CONTROLLER === #


def configure_base(conf, db, outdir, scenario_paths):
    """``<db>_base``: the template with the products of every SKU (on hand in the
    FBM warehouses), one account per seller and the benchmark's carrier."""
    import odoo
    from odoo.modules.registry import Registry

    copy_database(f"{db}_template", f"{db}_base")
    registry = Registry(f"{db}_base")
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        merged = {"orders": [], "sellers": {}, "applications": {}}
        for path in scenario_paths:
            scenario = json.loads(Path(path).read_text())
            merged["orders"] += scenario["orders"]
            for seller in scenario["sellers"]:
                merged["sellers"][seller["sellerId"]] = seller
            for app in scenario["applications"]:
                merged["applications"][app["clientId"]] = app
        demo.configure(
            env,
            {
                "orders": merged["orders"],
                "sellers": list(merged["sellers"].values()),
                "applications": list(merged["applications"].values()),
            },
            0,
        )
        products = env["product.product"].search(
            [("default_code", "!=", False), ("is_storable", "=", True)]
        )
        for warehouse in env["stock.warehouse"].search([]):
            stock = warehouse.lot_stock_id
            for product in products:
                env["stock.quant"]._update_available_quantity(product, stock, 100000)
        service = env["product.product"].create(
            {"name": "Bench shipping", "type": "service"}
        )
        env["delivery.carrier"].create(
            {"name": BENCH_CARRIER, "product_id": service.id, "delivery_type": "fixed"}
        )
        cr.commit()
    odoo.sql_db.close_all()
    Registry.delete(f"{db}_base")


def measure(conf, db, outdir, mode, scenario_path, *args):
    copy_database(f"{db}_base", f"{db}_run")
    return run_worker(
        conf, f"{db}_run", mode, outdir / f"stats-{mode}.json", scenario_path, *args
    )


def connector_run(
    conf, db, outdir, scenario_path, name, speed=1.0, rate_limits=False, profile=""
):
    sandbox, port = start_sandbox(outdir, scenario_path, name, speed, rate_limits)
    try:
        _delete_calls(port)
        stats = measure(
            conf, db, outdir, "connector", scenario_path, port, speed,
            "1" if rate_limits else "0", profile,
        )  # fmt: skip
        calls = demo.sandbox_get(port, "/_sandbox/calls")
        stats["calls"] = calls["counts"]
        stats["throttled"] = calls["throttled"]
        searches = [c for c in calls["calls"] if c["operation"] == "searchOrders"]
        if searches:
            first = datetime.fromisoformat(searches[0]["time"].replace("Z", "+00:00"))
            last = datetime.fromisoformat(searches[-1]["time"].replace("Z", "+00:00"))
            stats["search_span_amazon_seconds"] = (last - first).total_seconds()
        return stats, port, sandbox
    except BaseException:
        stop(sandbox)
        raise


def _delete_calls(port):
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_sandbox/calls", method="DELETE"
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


class Bench:
    """One benchmark run: its parts, in order, each adding to ``self.result``."""

    def __init__(self, conf, db, outdir):
        self.conf, self.db, self.outdir = conf, db, Path(outdir)
        self.failures = []
        self.result = {
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "machine": machine(),
            "odoo_commit": odoo_commit(),
            "seed": SEED,
            "sizes": [],
            "targets": {},
        }
        self.paths = {size: scenario_file(self.outdir, size) for size in SIZES}
        self.quota_path = (
            quota_scenario_file(self.outdir, QUOTA_ORDERS)
            if PARTS & {"quota", "exports"}
            else None
        )
        self.profile_path = (
            scenario_file(self.outdir, PROFILE_ORDERS) if PROFILE else None
        )

    def save(self):
        (self.outdir / "result.json").write_text(json.dumps(self.result, indent=1))

    def run(self):
        started = time.monotonic()
        scenarios = [*self.paths.values(), self.quota_path, self.profile_path]
        scenarios = list(dict.fromkeys(path for path in scenarios if path))
        log(f"scenarios: {', '.join(path.name for path in scenarios)}")
        configure_base(self.conf, self.db, self.outdir, scenarios)
        log("base database configured")
        for size, path in self.paths.items():
            self.scaling(size, path)
        if PROFILE and "connector" in PARTS:
            self.profile()
        if self.quota_path and "quota" in PARTS:
            port, sandbox = self.quota()
            try:
                if "exports" in PARTS:
                    self.exports(port)
            finally:
                stop(sandbox)
        if "page" in PARTS:
            self.page()
        if "stock" in PARTS:
            self.stock()
        evaluate(self.result, self.failures)
        self.result["seconds"] = time.monotonic() - started
        self.save()
        if any("connector" in row for row in self.result["sizes"]):
            chart(self.result, self.outdir / "bench.png")
        print_table(self.result)
        for failure in self.failures:
            log(f"FAILED: {failure}")
        log(
            f"results: {self.outdir / 'result.json'}, {self.outdir / 'bench.png'}; "
            f"{self.result['seconds']:.0f} s in all"
        )
        return 1 if self.failures else 0

    def check_run(self, name, stats):
        if stats["difference_count"] or stats["failed"]:
            self.failures.append(
                f"{name}: {stats['difference_count']} difference(s) with the "
                f"manifest, {stats['failed']} failed order(s)"
            )

    def scaling(self, size, path):
        """Floors and connector on the same ``size`` generated orders."""
        row = {"generated": size}
        self.result["sizes"].append(row)
        if "floors" in PARTS and size <= FLOOR_MAX:
            for mode in ("naive", "batched"):
                stats = measure(self.conf, self.db, self.outdir, mode, path)
                stats["orders_per_second"] = stats["orders"] / stats["seconds"]
                row[mode] = stats
                log(
                    f"{size} orders, {mode} floor: {stats['orders']} orders in "
                    f"{stats['seconds']:.1f} s ({stats['orders_per_second']:.1f}/s)"
                )
        if "connector" in PARTS:
            stats, _port, sandbox = connector_run(
                self.conf, self.db, self.outdir, path, f"connector-{size}"
            )
            stop(sandbox)
            stats["orders_per_second"] = stats["orders"] / stats["seconds"]
            row["connector"] = stats
            self.check_run(f"{size} orders", stats)
            for mode in ("naive", "batched"):
                if mode in row:
                    stats[f"ratio_{mode}"] = (
                        stats["orders_per_second"] / row[mode]["orders_per_second"]
                    )
            log(
                f"{size} orders, connector: {stats['orders']} created of "
                f"{stats['listed']} listed in {stats['seconds']:.1f} s "
                f"({stats['orders_per_second']:.1f}/s), {stats['pages']} pages, "
                f"peak RSS +{stats['rss_growth_mb'] or 0:.0f} MB"
            )
        self.save()

    def profile(self):
        """One more connector run, under pyinstrument (not counted)."""
        profile = self.outdir / "profile.txt"
        stats, _port, sandbox = connector_run(
            self.conf, self.db, self.outdir, self.profile_path, "profile",
            profile=str(profile),
        )  # fmt: skip
        stop(sandbox)
        self.result["profile"] = {
            "orders": stats["orders"],
            "seconds": stats["seconds"],
            "file": str(profile),
        }
        log(f"profile of a {PROFILE_ORDERS}-order sync (pyinstrument): {profile}")

    def quota(self):
        """The one-seller backlog with Amazon's usage plans on; its sandbox is
        left running for :meth:`exports`."""
        from odoo.addons.sale_amazon_connector.services.sp_api import USAGE_PLANS

        rate, burst = USAGE_PLANS["searchOrders"]
        runs = [row["connector"] for row in self.result["sizes"] if "connector" in row]
        if runs:
            big = max(runs, key=lambda stats: stats["pages"])
            page_seconds = big.get("page_seconds_max") or big["seconds"] / max(
                big["pages"], 1
            )
        else:
            page_seconds = 10.0
        speed = max(1.0, math.floor(QUOTA_PAGE_SHARE / rate / page_seconds))
        stats, port, sandbox = connector_run(
            self.conf, self.db, self.outdir, self.quota_path, "quota",
            speed=speed, rate_limits=True,
        )  # fmt: skip
        minimum = max(0, stats["pages"] - burst) / rate
        span = stats.get("search_span_amazon_seconds", 0)
        stats.update(
            {
                "speed": speed,
                "page_real_seconds_measured": page_seconds,
                "searchOrders_rate": rate,
                "searchOrders_burst": burst,
                "bucket_minimum_amazon_seconds": minimum,
                "processing_real_seconds": stats["seconds"]
                - stats["waited_amazon_seconds"] / speed,
                "span_ratio": span / minimum if minimum else None,
            }
        )
        # The clock speed holds only if every page is processed within one refill.
        stats["page_processing_real_seconds"] = stats["page_seconds_max"]
        stats["refill_real_seconds"] = 1 / rate / speed
        self.result["quota"] = stats
        self.check_run("quota run", stats)
        log(
            f"quota: {stats['orders']} orders, {stats['pages']} pages, sandbox "
            f"x{speed:g}: waited {stats['waited_amazon_seconds']:.0f} Amazon s, "
            f"processed {stats['processing_real_seconds']:.0f} real s; searchOrders "
            f"span {span:.0f} Amazon s, bucket minimum {minimum:.0f} s"
        )
        self.save()
        return port, sandbox

    def exports(self, port):
        """Shipment confirmations of the quota run's FBM pickings (its database,
        ``<db>_run``, and its sandbox, with the rate limits off)."""
        _post(port, "/_sandbox/ratelimits", {"enabled": False})
        _delete_calls(port)
        stats = run_worker(
            self.conf, f"{self.db}_run", "exports",
            self.outdir / "stats-exports.json", EXPORT_PICKINGS, port,
            self.result["quota"]["speed"],
        )  # fmt: skip
        calls = demo.sandbox_get(port, "/_sandbox/calls")["counts"]
        done = stats["states"].get("done", 0)
        stats.update(
            {
                "calls": calls,
                "confirmations_per_second": done / stats["seconds"],
                "calls_per_picking": {
                    op: n / max(stats["pickings"], 1) for op, n in sorted(calls.items())
                },
            }
        )
        self.result["exports"] = stats
        if done != stats["pickings"] or stats["pickings"] < EXPORT_PICKINGS:
            self.failures.append(
                f"exports: {done} of {stats['pickings']} pickings confirmed "
                f"({EXPORT_PICKINGS} asked)"
            )
        log(
            f"exports: {stats['pickings']} pickings validated in "
            f"{stats['validate_seconds']:.1f} s; {done} confirmed to Amazon in "
            f"{stats['seconds']:.1f} s ({stats['confirmations_per_second']:.1f}/s), "
            f"calls {calls}"
        )
        self.save()

    def page(self):
        from spapi_sandbox.__main__ import bench_page

        seconds = bench_page(1000, 100, 50)
        self.result["sandbox_page_ms"] = seconds * 1000
        log(f"sandbox: a searchOrders page of 100 orders in {seconds * 1000:.1f} ms")

    def stock(self):
        """bench/stock.py on a copy of the installed template."""
        copy_database(f"{self.db}_template", f"{self.db}_run")
        stock_json = self.outdir / "stock.json"
        stock_json.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "stock.py"), self.conf, f"{self.db}_run"],
            check=True,
            env={**os.environ, "BENCH_STOCK_JSON": str(stock_json)},
        )
        self.result["stock"] = json.loads(stock_json.read_text())
        self.save()


def main(conf, db, outdir):
    import odoo

    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    return Bench(conf, db, outdir).run()


def _post(port, path, body):
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def evaluate(result, failures):
    """The issue's targets, each ``{"value", "target", "met"}`` in
    ``result["targets"]``; a missed target is a failure."""
    targets = result["targets"]

    def check(name, value, target, ok):
        targets[name] = {"value": value, "target": target, "met": bool(ok)}
        if not ok:
            failures.append(f"target {name}: {value} (target {target})")

    per_order_operations = ("getOrder", "getOrderItems", "getOrderAddress",
                            "getOrderBuyerInfo")  # fmt: skip
    for row in result["sizes"]:
        conn = row.get("connector")
        if not conn:
            continue
        size, listed = row["generated"], max(conn["listed"], 1)
        conn["search_per_100"] = conn["calls"].get("searchOrders", 0) * 100 / listed
        conn["calls_per_order"] = {
            op: n / listed for op, n in sorted(conn["calls"].items())
        }
        if size < 1000:
            continue  # too small to say anything about ratios
        for mode, target in (("naive", TARGET_NAIVE), ("batched", TARGET_BATCHED)):
            if f"ratio_{mode}" in conn:
                value = conn[f"ratio_{mode}"]
                check(f"ratio_{mode}_{size}", round(value, 2), f">= {target}",
                      value >= target)  # fmt: skip
        # One call per 100 listed orders, each account's last page being partial:
        # at most one call per full or partial page of 100 of each account.
        searches = conn["calls"].get("searchOrders", 0)
        check(f"searchOrders_calls_{size}", searches,
              f"<= {conn['minimum_pages']} (pages of 100 per account)",
              searches <= conn["minimum_pages"])  # fmt: skip
        per_order = sum(conn["calls"].get(op, 0) for op in per_order_operations)
        check(f"per_order_calls_{size}", per_order, "0", not per_order)
        if size >= 10000 and conn.get("rss_growth_mb") is not None:
            growth = conn["rss_growth_mb"]
            check("rss_growth_10000_mb", round(growth), f"<= {TARGET_RSS_MB}",
                  growth <= TARGET_RSS_MB)  # fmt: skip
    points = [
        (row["connector"]["orders"], row["connector"]["seconds"])
        for row in result["sizes"]
        if row.get("connector", {}).get("orders")
    ]
    if len(points) >= 2:
        result["exponent_all"] = exponent(points)
        # The fixed costs of a run (token, first page, caches) weigh on 100 orders
        # and bias the slope low: with two sizes of 1,000 or more, those decide.
        large = [
            (row["connector"]["orders"], row["connector"]["seconds"])
            for row in result["sizes"]
            if row.get("connector", {}).get("orders") and row["generated"] >= 1000
        ]
        used = large if len(large) >= 2 else points
        result["exponent_from"] = min(orders for orders, _s in used)
        value = result["exponent"] = exponent(used)
        check("time_exponent", round(value, 3), f"<= {TARGET_EXPONENT}",
              value <= TARGET_EXPONENT)  # fmt: skip
    quota = result.get("quota")
    if quota and quota.get("span_ratio") is not None:
        check("quota_span_ratio", round(quota["span_ratio"], 3), f"<= {TARGET_QUOTA}",
              quota["span_ratio"] <= TARGET_QUOTA)  # fmt: skip
        check("quota_failed_orders", quota["failed"], "0", not quota["failed"])
        page = quota["page_processing_real_seconds"]
        refill = quota["refill_real_seconds"]
        check("quota_slowest_page_within_refill", round(page, 2),
              f"< {refill:.2f} real s (refill / speed)", page < refill)  # fmt: skip


def exponent(points):
    """Least-squares slope of log(seconds) against log(orders)."""
    xs = [math.log(orders) for orders, _s in points]
    ys = [math.log(seconds) for _o, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mean_x) ** 2 for x in xs)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return num / den if den else None


def chart(result, path):
    """orders/s against generated orders (log x) for the floors and the connector."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for key, label, style in (
        ("naive", "naive ORM floor", "s--"),
        ("batched", "batched ORM floor", "^--"),
        ("connector", "connector (order-sync cron, sandbox)", "o-"),
    ):
        points = [
            (row["generated"], row[key]["orders_per_second"])
            for row in result["sizes"]
            if key in row
        ]
        if points:
            ax.plot(*zip(*points, strict=True), style, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("orders generated (log scale)")
    ax.set_ylabel("orders created per second")
    ax.set_ylim(bottom=0)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title(
        f"sale_amazon_connector, {result['date']}, {result['machine']}", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def machine():
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {model}".strip(", ")


def odoo_commit():
    import odoo

    source = Path(odoo.__file__).resolve().parent.parent
    try:
        return subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_table(result):
    """The figures as Markdown (the README's tables are pasted from here)."""
    print()
    print(
        f"Benchmark of {result['date']} on {result['machine']}, Odoo "
        f"{result['odoo_commit'][:12]}, seed {result['seed']}"
    )
    print()
    print(
        "| orders generated | created | naive floor /s | batched floor /s "
        "| connector /s | × naive | × batched | peak RSS growth MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in result["sizes"]:
        conn = row.get("connector", {})
        naive = row.get("naive", {}).get("orders_per_second")
        batched = row.get("batched", {}).get("orders_per_second")
        print(
            f"| {row['generated']:,} | {_fmt(conn.get('orders'), ',')} "
            f"| {_fmt(naive, '.1f')} | {_fmt(batched, '.1f')} "
            f"| {_fmt(conn.get('orders_per_second'), '.1f')} "
            f"| {_fmt(conn.get('ratio_naive'), '.2f')} "
            f"| {_fmt(conn.get('ratio_batched'), '.2f')} "
            f"| {_fmt(conn.get('rss_growth_mb'), '.0f')} |"
        )
    print()
    if result.get("exponent") is not None:
        print(
            f"- time exponent (log time against log orders, from "
            f"{result['exponent_from']} orders created): {result['exponent']:.3f} "
            f"(all sizes: {result['exponent_all']:.3f})"
        )
    for row in result["sizes"]:
        conn = row.get("connector")
        if conn and "calls_per_order" in conn:
            calls = ", ".join(
                f"{op} {n:.4f}" for op, n in conn["calls_per_order"].items()
            )
            print(f"- SP-API calls per listed order at {row['generated']:,}: {calls}")
    quota = result.get("quota")
    if quota:
        print(
            f"- quota: {quota['orders']:,} orders of one seller, {quota['pages']} "
            f"pages, sandbox clock x{quota['speed']:g}: waiting for quota "
            f"{quota['waited_amazon_seconds']:.0f} Amazon s, processing "
            f"{quota['processing_real_seconds']:.0f} real s; searchOrders calls span "
            f"{quota.get('search_span_amazon_seconds', 0):.0f} Amazon s against the "
            f"token-bucket minimum {quota['bucket_minimum_amazon_seconds']:.0f} s "
            f"(x{_fmt(quota['span_ratio'], '.3f')}); {quota['throttled']} answered "
            f"429, {quota['failed']} failed"
        )
    exports = result.get("exports")
    if exports:
        per = ", ".join(
            f"{op} {n:.3f}" for op, n in exports["calls_per_picking"].items()
        )
        print(
            f"- exports: {exports['pickings']:,} FBM pickings, "
            f"{exports['confirmations_per_second']:.1f} shipment confirmations/s; "
            f"calls per picking: {per}"
        )
    if "sandbox_page_ms" in result:
        print(f"- sandbox: {result['sandbox_page_ms']:.1f} ms per searchOrders page")
    stock = result.get("stock")
    if stock:
        first, second, third = (
            stock[key] for key in ("push_all", "push_changed", "push_unchanged")
        )
        print(
            f"- FBM stock push: {stock['offers']:,} offers -> {first['feeds']} feed, "
            f"{first['calls']} calls, {first['seconds']:.1f} s; {stock['changed']} "
            f"changed -> {second['sent']} sent, {second['calls']} calls; unchanged -> "
            f"{third['sent']} sent, {third['calls']} calls"
        )
    print()
    for name, target in result["targets"].items():
        state = "met" if target["met"] else "MISSED"
        print(f"- target {name}: {target['value']} ({target['target']}): {state}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        sys.exit(worker(*sys.argv[2:]))
    sys.exit(main(*sys.argv[1:4]))
