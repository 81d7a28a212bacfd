"""make bench-stock: push the FBM quantities of 1,000 offers to the SP-API sandbox.

A fresh database (bench/stock.sh) gets one Amazon account pointed at an in-process
sandbox (frozen clock) whose seller lists BENCH_STOCK_OFFERS (1,000) SKUs on its home
marketplace, 1,000 storable products with deterministic on-hand quantities in the FBM
warehouse, and one FBM offer per SKU, marked for stock sync with the account's
*Mark FBM Offers* button. Three pushes run through the cron record
"Amazon: push FBM stock" (each: the push, 61 sandbox seconds for Amazon to process
the feed, the push again, which reads the processing report):

1. every quantity (first push);
2. after 10 % of the products changed stock (only those are sent);
3. nothing changed (nothing is sent).

For each it prints the quantities sent, the feeds created, the SP-API calls (from the
sandbox's call log, LWA token and document transfers included) and the wall seconds
of the two cron runs; then it compares every sandbox listing with Odoo's free
quantity and exits 1 on any difference.

Usage (from bench/stock.sh): python bench/stock.py CONF DBNAME
Settings: BENCH_STOCK_OFFERS (1000), BENCH_STOCK_SEED (42).
"""

import json
import logging
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

from spapi_sandbox import generator, serve

OFFERS = int(os.environ.get("BENCH_STOCK_OFFERS", "1000"))
SEED = int(os.environ.get("BENCH_STOCK_SEED", "42"))
CRON = "sale_amazon_connector.ir_cron_amazon_sync_fbm_stock"
# A listings feed is DONE 60 sandbox seconds after its creation.
FEED_SECONDS = 61


def log(message):
    print(f"bench-stock: {message}", flush=True)


def scenario_with_listings():
    """A generated scenario's EU seller with ``OFFERS`` FBM listings (quantity 0)
    on its home marketplace, no orders."""
    scenario = generator.generate(orders=0, seed=SEED)
    seller = next(s for s in scenario["sellers"] if s["region"] == "EU")
    scenario["sellers"] = [seller]
    scenario["inventory"] = []
    scenario["events"] = []
    skus = [f"BENCH-{n:05d}" for n in range(1, OFFERS + 1)]
    scenario["listings"] = [
        {
            "sellerId": seller["sellerId"],
            "sku": sku,
            "marketplaceId": seller["marketplaceIds"][0],
            "productType": "HOME",
            "fulfillmentChannel": "DEFAULT",
            "quantity": 0,
        }
        for sku in skus
    ]
    return scenario, seller, skus


def configure(env, scenario, seller, skus, url):
    """The account, the products with their stock and the offers."""
    rng = random.Random(SEED)
    marketplace = env["amazon.marketplace"].search(
        [("marketplace_ref", "=", seller["marketplaceIds"][0])]
    )
    account = env["amazon.account"].create(
        {
            "name": "Bench stock",
            "region": seller["region"],
            "seller_ref": seller["sellerId"],
            "home_marketplace_id": marketplace.id,
            "lwa_client_ref": seller["clientId"],
            "lwa_client_secret_input": scenario["applications"][0]["clientSecret"],
            "refresh_token_input": seller["refreshToken"],
            "endpoint_override": url,
            "import_orders_since": datetime(2026, 10, 1),
            "stock_sync_enabled": True,
        }
    )
    products = env["product.product"].create(
        [{"name": sku, "default_code": sku, "is_storable": True} for sku in skus]
    )
    stock = account.warehouse_id.lot_stock_id
    for product in products:
        quantity = rng.choice((0, 1, 2, 5, 8, 13, 21, 34, 55))
        if quantity:
            env["stock.quant"]._update_available_quantity(product, stock, quantity)
    env["amazon.offer"].create(
        [
            {
                "account_id": account.id,
                "sku": product.default_code,
                "product_id": product.id,
                "product_type": "HOME",
                "marketplace_line_ids": [
                    (0, 0, {"marketplace_id": marketplace.id, "channel": "fbm"})
                ],
            }
            for product in products
        ]
    )
    # offers are not marked for FBM stock sync by default: the account's button
    account.action_amazon_mark_fbm_offers()
    return account, products


def push(env, sandbox, label):
    """Two runs of the cron around the feed's processing; prints the figures."""
    sandbox.app.clear_calls()
    lines = env["amazon.offer.marketplace"]
    started = time.monotonic()
    env.ref(CRON).method_direct_trigger()
    env.cr.commit()
    sent = lines.search_count([("stock_state", "=", "processing")])
    sandbox.app.advance(FEED_SECONDS)
    env.ref(CRON).method_direct_trigger()
    env.cr.commit()
    seconds = time.monotonic() - started
    counts = sandbox.app.call_log()["counts"]
    feeds = counts.get("createFeed", 0)
    calls = sum(counts.values())
    detail = ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))
    errors = lines.search_count([("stock_state", "=", "error")])
    log(
        f"{label}: {sent} quantities sent, {feeds} feed(s), {calls} calls "
        f"({detail}), {seconds:.1f} s, {errors} offer(s) in error"
    )
    return {"sent": sent, "feeds": feeds, "calls": calls, "seconds": seconds}


def compare(env, sandbox, seller, products, account):
    """Every sandbox listing against Odoo's free quantity in the warehouse."""
    listings = {
        entry["sku"]: entry.get("quantity")
        for entry in sandbox.app.listings(seller["sellerId"])
    }
    products.invalidate_recordset(["free_qty"])
    free = products.with_context(warehouse_id=account.warehouse_id.id)
    return [
        f"{p.default_code}: Amazon {listings.get(p.default_code)}, "
        f"Odoo {int(p.free_qty)}"
        for p in free
        if listings.get(p.default_code) != int(p.free_qty)
    ]


def main(conf, dbname):
    import odoo
    from odoo.modules.registry import Registry

    scenario, seller, skus = scenario_with_listings()
    odoo.tools.config.parse_config(["-c", conf, "-d", dbname, "--log-level=warn"])
    logging.getLogger().setLevel(logging.WARNING)
    registry = Registry(dbname)
    with serve(scenario=scenario, frozen=True) as sandbox, registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        account, products = configure(env, scenario, seller, skus, sandbox.url)
        cr.commit()
        log(f"{len(products)} offers (FBM, one marketplace) on {sandbox.url}")
        first = push(env, sandbox, "push 1 (every quantity)")
        rng = random.Random(SEED + 1)
        changed = rng.sample(list(products), len(products) // 10)
        stock = account.warehouse_id.lot_stock_id
        for product in changed:
            env["stock.quant"]._update_available_quantity(product, stock, 3)
        cr.commit()
        second = push(env, sandbox, f"push 2 ({len(changed)} changed)")
        third = push(env, sandbox, "push 3 (nothing changed)")
        differences = compare(env, sandbox, seller, products, account)
    log(
        f"figures: {OFFERS} offers -> {first['feeds']} feed(s), {first['calls']} "
        f"calls, {first['seconds']:.1f} s; {len(changed)} changed -> "
        f"{second['sent']} sent, {second['feeds']} feed(s), {second['calls']} calls, "
        f"{second['seconds']:.1f} s; unchanged -> {third['sent']} sent, "
        f"{third['feeds']} feed(s), {third['calls']} calls"
    )
    if os.environ.get("BENCH_STOCK_JSON"):
        # make bench reads the figures from here
        figures = {
            "offers": OFFERS,
            "changed": len(changed),
            "differences": len(differences),
        }
        for name, push_figures in (
            ("push_all", first),
            ("push_changed", second),
            ("push_unchanged", third),
        ):
            figures[name] = push_figures
        Path(os.environ["BENCH_STOCK_JSON"]).write_text(json.dumps(figures))
    if differences or second["sent"] != len(changed) or third["sent"]:
        for line in differences[:20]:
            log(f"DIFFERENCE {line}")
        log(f"FAILED: {len(differences)} listing(s) differ from Odoo")
        return 1
    log(f"OK: the {OFFERS} sandbox listings equal Odoo's free quantities")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
