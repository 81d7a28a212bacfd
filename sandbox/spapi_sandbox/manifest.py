"""Expected-outcome manifest of a scenario (format ``spapi-sandbox/manifest@1``).

The manifest says what an ERP must hold after ONE full order sync run at the
scenario's clock start (window: from before the oldest order to clock start
minus 2 minutes; events after the clock start are not applied). It is computed
from the Amazon data in the scenario JSON alone, never from the generator's
internals, so it also works for hand-written scenarios.

Rules (per order, in this order):

* not visible in the window (``createdTime`` after the clock start or
  ``lastUpdatedTime`` after clock start - 2 min): skipped ``OUTSIDE_WINDOW``;
* ``CANCELLED``: skipped ``CANCELLED`` (never imported before: one run);
* ``PENDING`` / ``PENDING_AVAILABILITY`` / ``UNFULFILLABLE``: skipped with the
  status as the reason;
* FBA (``fulfilledBy`` AMAZON): imported when ``SHIPPED``, else skipped
  ``FBA_NOT_SHIPPED``;
* FBM (MERCHANT): ``UNSHIPPED`` imported; ``PARTIALLY_SHIPPED`` / ``SHIPPED``
  imported with ``shippedOutside: true``; anything else skipped
  ``UNKNOWN_STATUS``.

Amounts are decimal strings with the currency's decimals; datetimes ISO-8601 UTC.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from .money import amount, breakdown_sums, fmt, tax_arithmetic

FORMAT = "spapi-sandbox/manifest@1"

#: Currency of each marketplace id (fallback when an order carries no money).
MARKETPLACE_CURRENCY = {
    "ATVPDKIKX0DER": "USD",
    "A2EUQ1WTGCTBG2": "CAD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A1PA6795UKMFR9": "EUR",
    "A13V1IB3VIYZZH": "EUR",
    "APJ6JRA9NG5V4": "EUR",
    "A1RKKUPIHCS9HS": "EUR",
    "A1F83G8C2ARO7P": "GBP",
    "A1C3SOZRARQ6R3": "PLN",
    "A1805IZSGTT6HS": "EUR",
    "AMEN7PMS3EDWL": "EUR",
    "A28R8C7NBKEWEA": "EUR",
    "A2NODRKZP88ZB9": "SEK",
    "A1VC38T7YXB528": "JPY",
    "A39IBJ37TRP1C6": "AUD",
    "A19VAU5U5O7RUS": "SGD",
}
SKIP_STATUSES = ("PENDING", "PENDING_AVAILABILITY", "UNFULFILLABLE")
SYNC_MARGIN = timedelta(minutes=2)


def dump_bytes(obj: dict) -> bytes:
    """Canonical bytes of a scenario or manifest: UTF-8 JSON, indent 1, final LF."""
    return (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _currency(order: dict) -> str:
    grand = (order.get("proceeds") or {}).get("grandTotal")
    if grand:
        return grand["currencyCode"]
    for item in order.get("orderItems", []):
        price = ((item.get("product") or {}).get("price") or {}).get("unitPrice")
        if price:
            return price["currencyCode"]
    return MARKETPLACE_CURRENCY.get(order["salesChannel"].get("marketplaceId"), "USD")


def classify(order: dict, as_of: str) -> tuple[bool, str | None]:
    """Decide one order: ``(True, None)`` when imported, else ``(False, reason)``.

    ``as_of`` is the sync run time (the scenario clock start), ISO-8601 UTC.
    """
    now = _time(as_of)
    if _time(order["createdTime"]) > now or _time(order["lastUpdatedTime"]) > (
        now - SYNC_MARGIN
    ):
        return False, "OUTSIDE_WINDOW"
    fulfillment = order.get("fulfillment") or {}
    status = fulfillment.get("fulfillmentStatus")
    if status == "CANCELLED":
        return False, "CANCELLED"
    if status in SKIP_STATUSES:
        return False, status
    if fulfillment.get("fulfilledBy") == "AMAZON":
        return (True, None) if status == "SHIPPED" else (False, "FBA_NOT_SHIPPED")
    if status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"):
        return True, None
    return False, "UNKNOWN_STATUS"


def order_entry(order: dict) -> dict:
    """Manifest entry of one imported order (see the module doc for the shape)."""
    fulfillment = order.get("fulfillment") or {}
    status = fulfillment.get("fulfillmentStatus")
    channel = "FBA" if fulfillment.get("fulfilledBy") == "AMAZON" else "FBM"
    currency = _currency(order)
    proceeds = order.get("proceeds") or {}
    sums = breakdown_sums(proceeds.get("breakdowns"))
    programs = order.get("programs") or []
    replacement = next(
        (
            a.get("orderId")
            for a in order.get("associatedOrders") or []
            if a.get("associationType") == "REPLACEMENT_ORIGINAL_ID"
        ),
        None,
    )
    shipped_by_package: dict[str, int] = {}
    for package in order.get("packages") or []:
        for entry in package.get("packageItems") or []:
            shipped_by_package[entry["orderItemId"]] = (
                shipped_by_package.get(entry["orderItemId"], 0) + entry["quantity"]
            )
    items = []
    facilitator = Decimal(0)
    gift_messages = 0
    cancel_requested = False
    for item in order.get("orderItems", []):
        item_sums = breakdown_sums((item.get("proceeds") or {}).get("breakdowns"))
        collections = (item.get("tax") or {}).get("taxCollections") or []
        if any(c.get("model") == "MARKETPLACE_FACILITATOR" for c in collections):
            facilitator += item_sums.get("TAX", Decimal(0))
        cancellation = item.get("cancellation") or {}
        if cancellation.get("cancellationRequest"):
            cancel_requested = True
        gift = ((item.get("fulfillment") or {}).get("packing") or {}).get("giftOption")
        if gift and gift.get("giftMessage"):
            gift_messages += 1
        quantity = item["quantityOrdered"]
        fulfilled = (item.get("fulfillment") or {}).get("quantityFulfilled")
        if fulfilled is None:
            fulfilled = shipped_by_package.get(item["orderItemId"], 0)
        items.append(
            {
                "orderItemId": item["orderItemId"],
                "sellerSku": (item.get("product") or {}).get("sellerSku"),
                "quantityOrdered": quantity,
                "quantityCancelled": quantity
                if cancellation.get("cancellationExecution")
                else 0,
                "quantityShipped": fulfilled,
                "itemAmount": fmt(item_sums.get("ITEM", Decimal(0)), currency),
            }
        )
    packages = [
        {
            "packageReferenceId": package["packageReferenceId"],
            "carrier": package.get("carrier"),
            "trackingNumber": package.get("trackingNumber"),
            "items": [
                {"orderItemId": entry["orderItemId"], "quantity": entry["quantity"]}
                for entry in package.get("packageItems") or []
            ],
        }
        for package in order.get("packages") or []
    ]
    return {
        "marketplaceId": order["salesChannel"].get("marketplaceId"),
        "currency": currency,
        "channel": channel,
        "status": status,
        "shippedOutside": channel == "FBM"
        and status in ("PARTIALLY_SHIPPED", "SHIPPED"),
        "replacementOf": replacement,
        "business": "AMAZON_BUSINESS" in programs,
        "prime": "PRIME" in programs,
        "grandTotal": fmt(amount(proceeds.get("grandTotal")), currency),
        "taxArithmetic": tax_arithmetic(order),
        "marketplaceFacilitatorTax": fmt(facilitator, currency),
        "shipping": fmt(sums.get("SHIPPING", Decimal(0)), currency),
        "giftWrap": fmt(sums.get("GIFT_WRAP", Decimal(0)), currency),
        "discount": fmt(sums.get("DISCOUNT", Decimal(0)), currency),
        "tax": fmt(sums.get("TAX", Decimal(0)), currency),
        "giftMessages": gift_messages,
        "buyerCancellationRequested": cancel_requested,
        "items": items,
        "packages": packages,
    }


def _totals(orders: dict[str, dict]) -> dict:
    by_market: dict[str, dict[str, int]] = {}
    by_currency: dict[str, Decimal] = {}
    fbm_pickings = 0
    fba_moves = 0
    for entry in orders.values():
        market = by_market.setdefault(entry["marketplaceId"], {"FBA": 0, "FBM": 0})
        market[entry["channel"]] += 1
        by_currency[entry["currency"]] = by_currency.get(
            entry["currency"], Decimal(0)
        ) + Decimal(entry["grandTotal"])
        open_items = [
            i
            for i in entry["items"]
            if i["quantityOrdered"] - i["quantityCancelled"] > 0
        ]
        if entry["channel"] == "FBM" and open_items:
            fbm_pickings += 1
        if entry["channel"] == "FBA":
            fba_moves += len(open_items)
    return {
        "orders": len(orders),
        "byMarketplace": {key: by_market[key] for key in sorted(by_market)},
        "grandTotalByCurrency": {
            key: fmt(by_currency[key], key) for key in sorted(by_currency)
        },
        "fbmPickings": fbm_pickings,
        "fbaMoves": fba_moves,
    }


def build(
    scenario: dict,
    scenario_name: str | None = None,
    scenario_bytes: bytes | None = None,
) -> dict:
    """Build the manifest of ``scenario`` (a ``spapi-sandbox/scenario@1`` dict).

    Args:
        scenario: the scenario as loaded from JSON.
        scenario_name: file name recorded in ``"scenario"`` (default
            ``<scenario name>.json``).
        scenario_bytes: the scenario file's bytes, hashed into
            ``scenarioSha256`` (default: :func:`dump_bytes` of ``scenario``,
            i.e. the bytes ``generator.write`` stores).

    Returns:
        ``{"format", "scenario", "scenarioSha256", "asOf", "sellers": {sellerId:
        {"pii", "orders": {orderId: entry}, "skipped": {orderId: reason},
        "totals"}}}``; see the module doc for the rules.
    """
    if scenario_bytes is None:
        scenario_bytes = dump_bytes(scenario)
    as_of = scenario["clock"]["start"]
    sellers: dict[str, dict] = {}
    for seller in scenario.get("sellers", []):
        sellers[seller["sellerId"]] = {
            "pii": "PII" in (seller.get("roles") or []),
            "orders": {},
            "skipped": {},
        }
    for wrapped in scenario.get("orders", []):
        section = sellers.setdefault(
            wrapped["sellerId"], {"pii": False, "orders": {}, "skipped": {}}
        )
        order = wrapped["order"]
        imported, reason = classify(order, as_of)
        if imported:
            section["orders"][order["orderId"]] = order_entry(order)
        else:
            section["skipped"][order["orderId"]] = reason
    for section in sellers.values():
        section["totals"] = _totals(section["orders"])
    return {
        "format": FORMAT,
        "scenario": scenario_name or f"{scenario.get('name', 'scenario')}.json",
        "scenarioSha256": hashlib.sha256(scenario_bytes).hexdigest(),
        "asOf": as_of,
        "sellers": sellers,
    }


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

_AMOUNT_FIELDS = (
    "grandTotal",
    "marketplaceFacilitatorTax",
    "shipping",
    "giftWrap",
    "discount",
    "tax",
)
_PLAIN_FIELDS = (
    "marketplaceId",
    "currency",
    "status",
    "shippedOutside",
    "replacementOf",
    "business",
    "prime",
    "taxArithmetic",
    "giftMessages",
    "buyerCancellationRequested",
)
_REQUIRED_FIELDS = ("channel", "grandTotal", "items")


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare_order(order_id: str, exp: dict, act: dict) -> list[str]:
    diffs = []
    where = f"order {order_id}"
    for key in _REQUIRED_FIELDS:
        if key not in act:
            diffs.append(f"{where}: {key} missing (expected {exp[key]!r})")
    if "channel" in act and act["channel"] != exp["channel"]:
        diffs.append(
            f"{where}: channel expected {exp['channel']}, got {act['channel']}"
        )
    for key in _AMOUNT_FIELDS:
        if key in act and _dec(act[key]) != Decimal(exp[key]):
            diffs.append(f"{where}: {key} expected {exp[key]}, got {act[key]}")
    for key in _PLAIN_FIELDS:
        if key in act and act[key] != exp[key]:
            diffs.append(f"{where}: {key} expected {exp[key]!r}, got {act[key]!r}")
    if "items" in act:
        exp_items = {i["orderItemId"]: i for i in exp["items"]}
        act_items = {i.get("orderItemId"): i for i in act["items"]}
        for item_id, item in exp_items.items():
            got = act_items.get(item_id)
            if got is None:
                diffs.append(f"{where}: missing item {item_id} ({item['sellerSku']})")
                continue
            for key in (
                "quantityOrdered",
                "quantityCancelled",
                "quantityShipped",
                "sellerSku",
            ):
                if key in got and got[key] != item[key]:
                    diffs.append(
                        f"{where}: item {item_id} {key} expected {item[key]!r}, "
                        f"got {got[key]!r}"
                    )
            if "itemAmount" in got and _dec(got["itemAmount"]) != Decimal(
                item["itemAmount"]
            ):
                diffs.append(
                    f"{where}: item {item_id} itemAmount expected "
                    f"{item['itemAmount']}, got {got['itemAmount']}"
                )
        for item_id in act_items:
            if item_id not in exp_items:
                diffs.append(f"{where}: unexpected item {item_id}")
    if "packages" in act:
        expected = sorted(
            (p["carrier"] or "", p["trackingNumber"] or "") for p in exp["packages"]
        )
        got = sorted(
            (p.get("carrier") or "", p.get("trackingNumber") or "")
            for p in act["packages"]
        )
        if expected != got:
            diffs.append(f"{where}: packages expected {expected}, got {got}")
    return diffs


def _compare_totals(exp: dict, act: dict) -> list[str]:
    diffs = []
    for key in ("orders", "fbmPickings", "fbaMoves"):
        if key in act and act[key] != exp[key]:
            diffs.append(f"totals: {key} expected {exp[key]}, got {act[key]}")
    if "byMarketplace" in act:
        got_markets = act["byMarketplace"]
        for market in sorted(set(exp["byMarketplace"]) | set(got_markets)):
            for channel in ("FBA", "FBM"):
                want = exp["byMarketplace"].get(market, {}).get(channel, 0)
                got = got_markets.get(market, {}).get(channel, 0)
                if want != got:
                    diffs.append(
                        f"totals: {market} {channel} orders expected {want}, got {got}"
                    )
    if "grandTotalByCurrency" in act:
        got_totals = act["grandTotalByCurrency"]
        for currency in sorted(set(exp["grandTotalByCurrency"]) | set(got_totals)):
            want = exp["grandTotalByCurrency"].get(currency, "0")
            got = got_totals.get(currency, "0")
            if Decimal(want) != _dec(got):
                diffs.append(
                    f"totals: grandTotal {currency} expected {want}, got {got}"
                )
    return diffs


def compare_section(expected: dict, actual: dict) -> list[str]:
    """Differences between one manifest seller section and ``actual``.

    ``actual`` is ``{"orders": {orderId: entry}, "totals": {...}}`` shaped like
    the manifest's section (the connector builds it from the ERP). Optional
    entry fields absent from ``actual`` are not compared; ``channel``,
    ``grandTotal`` and ``items`` are required. Amounts compare as Decimals.
    """
    diffs = []
    exp_orders = expected.get("orders", {})
    act_orders = actual.get("orders", {})
    skipped = expected.get("skipped", {})
    for order_id, entry in exp_orders.items():
        if order_id not in act_orders:
            diffs.append(
                f"missing order {order_id} ({entry['channel']} {entry['status']}, "
                f"{entry['marketplaceId']}, {entry['grandTotal']} {entry['currency']})"
            )
    for order_id in act_orders:
        if order_id not in exp_orders:
            why = (
                f" (expected skipped: {skipped[order_id]})"
                if order_id in skipped
                else ""
            )
            diffs.append(f"unexpected order {order_id}{why}")
    for order_id, entry in exp_orders.items():
        if order_id in act_orders:
            diffs.extend(_compare_order(order_id, entry, act_orders[order_id]))
    if "totals" in actual:
        diffs.extend(_compare_totals(expected["totals"], actual["totals"]))
    return diffs


def compare(manifest: dict, actual: dict, seller_id: str | None = None) -> list[str]:
    """Human-readable differences between a manifest and what an ERP holds.

    Args:
        manifest: a full manifest (``build()`` output) or one seller section.
        actual: either ``{"orders": {...}, "totals": {...}}`` (one seller,
            same shape as a manifest seller section) or ``{"sellers":
            {sellerId: {"orders", "totals"}}}`` for several sellers.
        seller_id: which seller section of a full manifest ``actual`` is
            about (needed only when the manifest has several sellers and
            ``actual`` is a single section).

    Returns:
        A list of messages (missing / unexpected order or item, field
        mismatches such as channel, quantities and grandTotal, totals per
        marketplace and currency); an empty list means a match.
    """
    if "sellers" in actual:
        diffs = []
        expected_sellers = manifest.get("sellers", {})
        for sid in sorted(set(expected_sellers) | set(actual["sellers"])):
            if sid not in expected_sellers:
                diffs.append(f"unexpected seller {sid}")
                continue
            section = actual["sellers"].get(sid, {"orders": {}})
            diffs.extend(
                f"seller {sid}: {d}"
                for d in compare_section(expected_sellers[sid], section)
            )
        return diffs
    if "orders" in manifest:
        return compare_section(manifest, actual)
    sellers = manifest.get("sellers", {})
    if seller_id is None:
        if len(sellers) != 1:
            raise ValueError(
                "seller_id is required for a manifest with several sellers"
            )
        seller_id = next(iter(sellers))
    if seller_id not in sellers:
        return [f"unknown seller {seller_id}"]
    return compare_section(sellers[seller_id], actual)
