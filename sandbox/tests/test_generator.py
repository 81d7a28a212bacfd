"""Tests of the scenario generator: determinism, schema validity, money rules."""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from spapi_sandbox import generator, manifest
from spapi_sandbox.money import (
    breakdown_sums,
    recompute_order_proceeds,
    tax_arithmetic,
    zero_item_proceeds,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
START = "2026-11-01T12:00:00Z"
VAT_MARKETS = {
    "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS",
    "A1F83G8C2ARO7P", "A1C3SOZRARQ6R3", "A1VC38T7YXB528",
}  # fmt: skip


def _models_dir() -> Path:
    return Path(
        os.environ.get("SPAPI_MODELS_DIR") or REPO_ROOT.parent / "shared/sp-api/models"
    )


@pytest.fixture(scope="session")
def order_model() -> dict:
    """The Orders v2026-01-01 model document (skip, or fail on CI, when absent)."""
    path = _models_dir() / "orders-api-model" / "orders_2026-01-01.json"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Amazon models not found at {path} (set SPAPI_MODELS_DIR)")
        pytest.skip(f"Amazon models not found at {path} (set SPAPI_MODELS_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def order_validator(order_model):
    """Validate against ``#/definitions/Order``, refs resolved in the whole model."""
    import jsonschema

    schema = dict(order_model)
    schema["$ref"] = "#/definitions/Order"
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def unknown_properties(instance, schema, definitions, path="order") -> list[str]:
    """Keys the model does not define (the model allows extras; we do not)."""
    while "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    found = []
    if isinstance(instance, dict) and "properties" in schema:
        for key, value in instance.items():
            if key not in schema["properties"]:
                found.append(f"{path}.{key}")
            else:
                found += unknown_properties(
                    value, schema["properties"][key], definitions, f"{path}.{key}"
                )
    elif isinstance(instance, list) and "items" in schema:
        for index, value in enumerate(instance):
            found += unknown_properties(
                value, schema["items"], definitions, f"{path}[{index}]"
            )
    return found


@pytest.fixture(scope="module")
def scenario() -> dict:
    return generator.generate(orders=1000, seed=42, start=START)


@pytest.fixture(scope="module")
def scenario_vat_inside() -> dict:
    return generator.generate(orders=1000, seed=42, vat_inside_item=True, start=START)


def all_orders(scen: dict) -> list[tuple[str, dict]]:
    """Every order of a scenario: listed ones and those created by events."""
    result = [(w["sellerId"], w["order"]) for w in scen["orders"]]
    by_id = {o["orderId"]: s for s, o in result}
    for event in scen["events"]:
        if event["type"] == "replacement_order":
            original = event["order"]["associatedOrders"][0]["orderId"]
            result.append((by_id[original], event["order"]))
    return result


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    first = manifest.dump_bytes(generator.generate(orders=150, seed=7))
    second = manifest.dump_bytes(generator.generate(orders=150, seed=7))
    other = manifest.dump_bytes(generator.generate(orders=150, seed=8))
    assert first == second
    assert first != other
    a = generator.write(
        tmp_path / "a" / "s.json", generator.generate(orders=50, seed=3)
    )
    b = generator.write(
        tmp_path / "b" / "s.json", generator.generate(orders=50, seed=3)
    )
    assert a[1].name == "s.manifest.json"
    assert a[0].read_bytes() == b[0].read_bytes()
    assert a[1].read_bytes() == b[1].read_bytes()


def test_readings_share_orders_and_grand_totals(scenario, scenario_vat_inside):
    pairs = zip(scenario["orders"], scenario_vat_inside["orders"], strict=True)
    differing_item = 0
    for plain, inside in pairs:
        a, b = plain["order"], inside["order"]
        assert a["orderId"] == b["orderId"]
        assert a.get("proceeds", {}).get("grandTotal") == b.get("proceeds", {}).get(
            "grandTotal"
        )
        if a["salesChannel"]["marketplaceId"] not in VAT_MARKETS:
            assert a == b  # US/CA: one reading only
        elif a.get("proceeds") != b.get("proceeds"):
            differing_item += 1
    assert differing_item > 100


# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("reading", ["additive", "vat_inside"])
def test_every_order_validates_against_the_model(
    reading, scenario, scenario_vat_inside, order_validator, order_model
):
    scen = scenario if reading == "additive" else scenario_vat_inside
    definitions = order_model["definitions"]
    orders = all_orders(scen)
    assert len(orders) > 1000
    if reading == "vat_inside":  # US/CA orders are the same in both readings
        orders = [
            x for x in orders if x[1]["salesChannel"]["marketplaceId"] in VAT_MARKETS
        ]
    for _, order in orders:
        errors = [e.message for e in order_validator.iter_errors(order)]
        assert not errors, (order["orderId"], errors[:3])
        assert not unknown_properties(order, definitions["Order"], definitions)
    import jsonschema

    package_schema = dict(order_model)
    package_schema["$ref"] = "#/definitions/OrderPackage"
    package_validator = jsonschema.Draft4Validator(package_schema)
    for event in scen["events"]:
        if event["type"] == "package_shipped":
            assert not list(package_validator.iter_errors(event["package"]))
            assert not unknown_properties(
                event["package"], definitions["OrderPackage"], definitions
            )


# ---------------------------------------------------------------------------
# Shape and realism
# ---------------------------------------------------------------------------


def test_sellers_and_application(scenario):
    sellers = {s["region"]: s for s in scenario["sellers"]}
    assert set(sellers) == {"NA", "EU", "FE"}
    assert sellers["NA"]["marketplaceIds"] == ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]
    assert sellers["EU"]["marketplaceIds"] == [
        "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4",
        "A1RKKUPIHCS9HS", "A1C3SOZRARQ6R3",
    ]  # fmt: skip
    assert sellers["FE"]["marketplaceIds"] == ["A1VC38T7YXB528"]
    assert sellers["NA"]["roles"] == ["PII"] and sellers["FE"]["roles"] == ["PII"]
    assert sellers["EU"]["roles"] == []
    (app,) = scenario["applications"]
    tokens = {s["refreshToken"] for s in scenario["sellers"]}
    assert len(tokens) == 3 and all(t.startswith("Atzr|") for t in tokens)
    for seller in scenario["sellers"]:
        assert re.fullmatch(r"A[A-Z0-9]{12,13}", seller["sellerId"])
        assert seller["clientId"] == app["clientId"]
    assert scenario["format"] == "spapi-sandbox/scenario@1"
    assert scenario["clock"] == {"start": START}


def test_ids_times_and_mix(scenario):
    start = ts(START)
    orders = all_orders(scenario)
    ids = [o["orderId"] for _, o in orders]
    item_ids = [i["orderItemId"] for _, o in orders for i in o["orderItems"]]
    assert len(ids) == len(set(ids))
    assert len(item_ids) == len(set(item_ids))
    assert all(re.fullmatch(r"\d{3}-\d{7}-\d{7}", x) for x in ids)
    assert all(re.fullmatch(r"\d{14}", x) for x in item_ids)
    for wrapped in scenario["orders"]:
        order = wrapped["order"]
        created, updated = ts(order["createdTime"]), ts(order["lastUpdatedTime"])
        assert start - timedelta(days=14) <= created <= updated
        assert updated <= start - timedelta(minutes=5)
        assert 1 <= len(order["orderItems"]) <= 5
        for item in order["orderItems"]:
            assert re.fullmatch(r"B0[A-Z0-9]{8}", item["product"]["asin"])
    channels = Counter(
        w["order"]["fulfillment"]["fulfilledBy"] for w in scenario["orders"]
    )
    assert 0.48 < channels["AMAZON"] / 1000 < 0.62
    statuses = Counter(
        (w["order"]["fulfillment"]["fulfilledBy"], w["order"]["fulfillment"][
            "fulfillmentStatus"])
        for w in scenario["orders"]
    )  # fmt: skip
    for key in [
        ("AMAZON", "SHIPPED"), ("AMAZON", "UNSHIPPED"), ("AMAZON", "PENDING"),
        ("AMAZON", "CANCELLED"), ("MERCHANT", "UNSHIPPED"), ("MERCHANT", "SHIPPED"),
        ("MERCHANT", "PARTIALLY_SHIPPED"), ("MERCHANT", "PENDING"),
        ("MERCHANT", "CANCELLED"),
    ]:  # fmt: skip
        assert statuses[key] > 0, key
    assert statuses[("AMAZON", "SHIPPED")] > channels["AMAZON"] / 2
    assert statuses[("MERCHANT", "UNSHIPPED")] > channels["MERCHANT"] / 3
    quantities = Counter(
        i["quantityOrdered"] for _, o in orders for i in o["orderItems"]
    )
    assert sum(v for k, v in quantities.items() if k > 1) > 300


def test_features_present(scenario):
    orders = [o for _, o in all_orders(scenario)]
    items = [i for o in orders for i in o["orderItems"]]
    programs = Counter(p for o in orders for p in o["programs"])
    assert programs["PRIME"] > 100 and programs["AMAZON_BUSINESS"] > 20
    assert any(o.get("tax", {}).get("taxRegistrations") for o in orders)
    gifts = [i["fulfillment"].get("packing", {}).get("giftOption") for i in items]
    assert sum(1 for g in gifts if g) > 10
    assert any(g and g.get("giftMessage") for g in gifts)
    assert sum(1 for i in items if i.get("promotion")) > 50
    partial = [
        o for o in orders
        if o["fulfillment"]["fulfillmentStatus"] != "CANCELLED"
        and any(i.get("cancellation", {}).get("cancellationExecution")
                for i in o["orderItems"])
    ]  # fmt: skip
    assert partial
    requests = [
        i["cancellation"]["cancellationRequest"] for i in items
        if i.get("cancellation", {}).get("cancellationRequest")
    ]  # fmt: skip
    assert requests and all(r["requester"] == "BUYER" for r in requests)
    emails = [o["buyer"]["buyerEmail"] for o in orders if "buyerEmail" in o["buyer"]]
    assert all(
        re.fullmatch(r"[a-z0-9]+@marketplace\.amazon\.[a-z.]+", e) for e in emails
    )
    for order in orders:
        address = order.get("recipient", {}).get("deliveryAddress")
        if address and address["countryCode"] in ("US", "CA", "JP"):
            assert address["stateOrRegion"]
        if order["fulfillment"]["fulfilledBy"] == "MERCHANT":
            assert order["fulfillment"]["shipByWindow"]
            assert order["fulfillment"]["deliverByWindow"]


def test_sku_channels_differ_across_marketplaces(scenario):
    channels: dict[str, set] = {}
    markets: dict[str, set] = {}
    for _, order in all_orders(scenario):
        market = order["salesChannel"]["marketplaceId"]
        for item in order["orderItems"]:
            sku = item["product"]["sellerSku"]
            channels.setdefault(sku, set()).add(
                (market, order["fulfillment"]["fulfilledBy"])
            )
            markets.setdefault(sku, set()).add(market)
    assert sum(1 for m in markets.values() if len(m) > 1) > 10
    mixed = [
        sku for sku, pairs in channels.items()
        if len({channel for _, channel in pairs}) > 1
    ]  # fmt: skip
    assert mixed
    for pairs in channels.values():  # one channel per (sku, marketplace)
        per_market = Counter(market for market, _ in pairs)
        assert max(per_market.values()) == 1


def test_statuses_are_consistent(scenario):
    by_id = {}
    for seller, order in all_orders(scenario):
        status = order["fulfillment"]["fulfillmentStatus"]
        channel = order["fulfillment"]["fulfilledBy"]
        items = order["orderItems"]
        if status == "PENDING":
            assert "proceeds" not in order
            assert all(
                "proceeds" not in i and "price" not in i["product"] for i in items
            )
        else:
            assert order["proceeds"]["grandTotal"]
        if status == "CANCELLED":
            assert all(i["cancellation"]["cancellationExecution"] for i in items)
        for item in items:
            if item.get("cancellation", {}).get("cancellationExecution"):
                assert Decimal(item["proceeds"]["proceedsTotal"]["amount"]) == 0
                assert item["quantityOrdered"] > 0
        shipped = {}
        for package in order.get("packages", []):
            assert channel == "MERCHANT"
            assert package["carrier"] and package["trackingNumber"]
            for entry in package["packageItems"]:
                shipped[entry["orderItemId"]] = (
                    shipped.get(entry["orderItemId"], 0) + entry["quantity"]
                )
        if channel == "MERCHANT":
            for item in items:
                assert (
                    shipped.get(item["orderItemId"], 0)
                    == (item["fulfillment"]["quantityFulfilled"])
                )
        fulfilled = sum(i["fulfillment"]["quantityFulfilled"] for i in items)
        remaining = sum(i["fulfillment"]["quantityUnfulfilled"] for i in items)
        if status == "SHIPPED":
            assert fulfilled > 0 and remaining == 0
        if status == "PARTIALLY_SHIPPED":
            assert fulfilled > 0 and remaining > 0
        if status in ("UNSHIPPED", "PENDING", "CANCELLED"):
            assert fulfilled == 0
        by_id[order["orderId"]] = (seller, order)
    replacements = 0
    for seller, order in by_id.values():
        for assoc in order.get("associatedOrders", []):
            replacements += 1
            assert assoc["associationType"] == "REPLACEMENT_ORIGINAL_ID"
            original_seller, original = by_id[assoc["orderId"]]
            assert original_seller == seller
            assert ts(original["createdTime"]) < ts(order["createdTime"])
            assert order["proceeds"]["grandTotal"]["amount"] in ("0", "0.00")
    assert replacements >= 5


def test_events(scenario):
    events = scenario["events"]
    start = ts(START)
    assert {e["type"] for e in events} == {
        "status_change", "buyer_cancellation_request", "item_cancellation",
        "order_cancellation", "package_shipped", "replacement_order",
    }  # fmt: skip
    times = [ts(e["at"]) for e in events]
    assert times == sorted(times) and times[0] > start
    known = {w["order"]["orderId"]: w["order"] for w in scenario["orders"]}
    for event in events:
        if event["type"] == "replacement_order":
            assert event["orderId"] in known
            assert event["order"]["orderId"] not in known
            assert event["order"]["createdTime"] == event["at"]
            assert event["order"]["associatedOrders"][0]["orderId"] == event["orderId"]
            continue
        order = known[event["orderId"]]
        item_ids = {i["orderItemId"] for i in order["orderItems"]}
        if "orderItemId" in event:
            assert event["orderItemId"] in item_ids
        if event["type"] == "package_shipped":
            assert {
                p["orderItemId"] for p in event["package"]["packageItems"]
            } <= item_ids


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------


def _check_money(order: dict, tax_included: bool) -> None:
    proceeds = order["proceeds"]
    currency = proceeds["grandTotal"]["currencyCode"]
    places = 0 if currency == "JPY" else 2
    per_type: dict[str, Decimal] = {}
    for item in order["orderItems"]:
        item_sums = breakdown_sums(item["proceeds"]["breakdowns"])
        expected_total = sum(
            (v for k, v in item_sums.items() if not (tax_included and k == "TAX")),
            Decimal(0),
        )
        assert Decimal(item["proceeds"]["proceedsTotal"]["amount"]) == expected_total
        for entry in item["proceeds"]["breakdowns"]:
            details = entry.get("detailedBreakdowns")
            if details:
                assert sum(Decimal(d["value"]["amount"]) for d in details) == Decimal(
                    entry["subtotal"]["amount"]
                )
            if entry["type"] == "DISCOUNT":
                assert Decimal(entry["subtotal"]["amount"]) < 0
        for key, value in item_sums.items():
            per_type[key] = per_type.get(key, Decimal(0)) + value
        price = item["product"]["price"]["unitPrice"]["amount"]
        assert Decimal(price) == (
            item_sums["ITEM"] / item["quantityOrdered"]
            if not item.get("cancellation", {}).get("cancellationExecution")
            else Decimal(price)
        ).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert breakdown_sums(proceeds["breakdowns"]) == per_type
    assert [b["type"] for b in proceeds["breakdowns"]] == [
        t for t in ("ITEM", "SHIPPING", "GIFT_WRAP", "DISCOUNT", "TAX") if t in per_type
    ]
    grand = sum(
        (v for k, v in per_type.items() if not (tax_included and k == "TAX")),
        Decimal(0),
    )
    assert Decimal(proceeds["grandTotal"]["amount"]) == grand
    for text in re.findall(r'"amount": "([^"]*)"', json.dumps(order)):
        assert re.fullmatch(r"-?\d+" + (r"\.\d\d" if places else ""), text), text
        assert not text.startswith("-0") or places and Decimal(text) != 0


@pytest.mark.parametrize("reading", ["additive", "vat_inside"])
def test_money_invariants(reading, scenario, scenario_vat_inside):
    scen = scenario if reading == "additive" else scenario_vat_inside
    checked = Counter()
    for _, order in all_orders(scen):
        if "proceeds" not in order:
            continue
        market = order["salesChannel"]["marketplaceId"]
        inside = reading == "vat_inside" and market in VAT_MARKETS
        _check_money(order, tax_included=inside)
        expected = "INCLUDED" if inside else "ADDITIVE"
        tax = breakdown_sums(order["proceeds"]["breakdowns"]).get("TAX", Decimal(0))
        assert tax_arithmetic(order) == (expected if tax else "ADDITIVE")
        checked[market] += 1
        for item in order["orderItems"]:
            collections = item.get("tax", {}).get("taxCollections", [])
            if (
                market in ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2")
                and item["proceeds"]["proceedsTotal"]["amount"] != "0.00"
            ):
                assert collections == [{
                    "model": "MARKETPLACE_FACILITATOR",
                    "responsibleParty": "Amazon Services LLC",
                }]  # fmt: skip
            if market in VAT_MARKETS:
                assert not collections
    assert len(checked) == 9


def test_vat_rates(scenario, scenario_vat_inside):
    rates = {
        "A1PA6795UKMFR9": 19, "A13V1IB3VIYZZH": 20, "APJ6JRA9NG5V4": 22,
        "A1RKKUPIHCS9HS": 21, "A1F83G8C2ARO7P": 20, "A1C3SOZRARQ6R3": 23,
        "A1VC38T7YXB528": 10,
    }  # fmt: skip
    for wrapped in scenario_vat_inside["orders"]:
        order = wrapped["order"]
        market = order["salesChannel"]["marketplaceId"]
        if market not in rates or "proceeds" not in order:
            continue
        for item in order["orderItems"]:
            sums = breakdown_sums(item["proceeds"]["breakdowns"])
            gross = sums.get("ITEM", Decimal(0)) + sums.get("SHIPPING", Decimal(0))
            gross += sums.get("GIFT_WRAP", Decimal(0)) + sums.get(
                "DISCOUNT", Decimal(0)
            )
            tax = sums.get("TAX", Decimal(0))
            expected = gross * rates[market] / (100 + rates[market])
            tolerance = 3 if market == "A1VC38T7YXB528" else Decimal("0.03")
            assert abs(tax - expected) <= tolerance


def test_recompute_after_item_cancellation(scenario):
    order = next(
        copy.deepcopy(w["order"]) for w in scenario["orders"]
        if len(w["order"]["orderItems"]) >= 3
        and w["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    )  # fmt: skip
    before = Decimal(order["proceeds"]["grandTotal"]["amount"])
    dropped = order["orderItems"][-1]["proceeds"]["proceedsTotal"]["amount"]
    currency = order["proceeds"]["grandTotal"]["currencyCode"]
    zero_item_proceeds(order["orderItems"][-1], currency)
    order["orderItems"][-1]["cancellation"] = {
        "cancellationExecution": {"cancelledBy": "MERCHANT", "cancelReason": "NoStock"}
    }
    recompute_order_proceeds(order)
    assert Decimal(order["proceeds"]["grandTotal"]["amount"]) == before - Decimal(
        dropped
    )
    _check_money(order, tax_included=False)


def test_cli_writes_both_files(tmp_path, capsys):
    out = tmp_path / "small.json"
    assert generator.main([str(out), "--orders", "30", "--seed", "5"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    built = json.loads((tmp_path / "small.manifest.json").read_text(encoding="utf-8"))
    assert len(data["orders"]) == 30
    assert built["scenario"] == "small.json"
    assert built == manifest.build(data, "small.json", out.read_bytes())


# ------------------------------------------------ FBA inventory and listings
def test_stock_leaves_orders_events_and_manifest_unchanged(monkeypatch):
    with_stock = generator.generate(orders=200, seed=11)
    monkeypatch.setattr(generator, "_stock", lambda *_args: ([], []))
    without = generator.generate(orders=200, seed=11)
    for key in ("orders", "events", "sellers", "applications", "clock"):
        assert manifest.dump_bytes(with_stock[key]) == manifest.dump_bytes(without[key])
    built = manifest.build(with_stock)
    plain = manifest.build(without)
    built.pop("scenarioSha256"), plain.pop("scenarioSha256")
    assert built == plain
    assert without["inventory"] == without["listings"] == []


def test_generated_inventory_and_listings():
    from spapi_sandbox import parse_scenario

    scenario = generator.generate(orders=100, seed=5)
    again = generator.generate(orders=100, seed=5)
    assert manifest.dump_bytes(scenario) == manifest.dump_bytes(again)
    parse_scenario(scenario, validate_orders=False)  # inventory/listings checks
    regions = {s["sellerId"]: s["region"] for s in scenario["sellers"]}
    inventory, listings = scenario["inventory"], scenario["listings"]
    assert {r["network"] for r in inventory} == {"NA", "EU", "FE"}
    for record in inventory:
        assert record["network"] == regions[record["sellerId"]]
        assert re.fullmatch(r"X00[A-Z0-9]{7}", record["fnSku"])
    fba_skus = {(r["sellerId"], r["sellerSku"]) for r in inventory}
    for listing in listings:
        key = (listing["sellerId"], listing["sku"])
        if listing["fulfillmentChannel"] == "DEFAULT":
            assert isinstance(listing["quantity"], int)
        else:
            assert listing["fulfillmentChannel"] == f"AMAZON_{regions[key[0]]}"
            assert key in fba_skus and "quantity" not in listing
    channels = {entry["fulfillmentChannel"] for entry in listings}
    assert channels >= {"DEFAULT", "AMAZON_EU"}
    # every SKU sold as FBA somewhere has a record, and only those
    fba_listed = {
        (entry["sellerId"], entry["sku"])
        for entry in listings
        if entry["fulfillmentChannel"] != "DEFAULT"
    }
    assert fba_listed == fba_skus


def test_package_cli_generate_subcommand(tmp_path, monkeypatch):
    """``python -m spapi_sandbox generate --orders N --seed S`` writes both files."""
    from spapi_sandbox.__main__ import main as cli_main

    monkeypatch.chdir(tmp_path)
    assert cli_main(["generate", "--orders", "12", "--seed", "3"]) == 0
    data = json.loads((tmp_path / "gen-12-3.json").read_text(encoding="utf-8"))
    built = json.loads(
        (tmp_path / "gen-12-3.manifest.json").read_text(encoding="utf-8")
    )
    assert len(data["orders"]) == 12
    assert built["scenario"] == "gen-12-3.json"
