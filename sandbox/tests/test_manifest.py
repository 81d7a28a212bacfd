"""Tests of the expected-outcome manifest: a hand-written scenario and compare()."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from spapi_sandbox import generator, manifest

REPO_ROOT = Path(__file__).resolve().parents[2]
START = "2026-11-01T12:00:00Z"
DE = "A1PA6795UKMFR9"
US = "ATVPDKIKX0DER"
EU_SELLER = "A1EUHANDWRITN1"
NA_SELLER = "A1NAHANDWRITN2"


# ---------------------------------------------------------------------------
# A small hand-written scenario: one rule per order
# ---------------------------------------------------------------------------


def m(value: str, currency: str = "EUR") -> dict:
    return {"amount": value, "currencyCode": currency}


def bd(kind: str, value: str, currency: str = "EUR", **extra) -> dict:
    return {"type": kind, "subtotal": m(value, currency), **extra}


def item(item_id, sku, qty, unit, total, breakdowns, currency="EUR", shipped=0, **kw):
    result = {
        "orderItemId": item_id,
        "quantityOrdered": qty,
        "product": {
            "asin": "B0TESTASIN",
            "title": f"Test product {sku}",
            "sellerSku": sku,
            "price": {"unitPrice": m(unit, currency)},
        },
        "proceeds": {"proceedsTotal": m(total, currency), "breakdowns": breakdowns},
        "fulfillment": {
            "quantityFulfilled": shipped,
            "quantityUnfulfilled": 0 if kw.get("cancellation") else qty - shipped,
        },
    }
    result.update(kw)
    return result


def order(order_id, status, channel, items, proceeds=None, market=DE, **kw):
    result = {
        "orderId": order_id,
        "createdTime": kw.pop("created", "2026-10-25T10:00:00Z"),
        "lastUpdatedTime": kw.pop("updated", "2026-10-26T08:00:00Z"),
        "programs": kw.pop("programs", []),
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": market},
        "fulfillment": {"fulfillmentStatus": status, "fulfilledBy": channel},
        "orderItems": items,
    }
    if proceeds is not None:
        result["proceeds"] = proceeds
    result.update(kw)
    return result


MF = {"taxCollections": [{"model": "MARKETPLACE_FACILITATOR",
                          "responsibleParty": "Amazon Services LLC"}]}  # fmt: skip
CANCELLED = {"cancellationExecution": {"cancelledBy": "MERCHANT",
                                       "cancelReason": "NoInventory"}}  # fmt: skip


def hand_scenario() -> dict:
    orders = [
        # 1. FBA shipped, additive VAT: 42.00 + 7.98 = 49.98
        (EU_SELLER, order(
            "302-0000001-0000001", "SHIPPED", "AMAZON", programs=["PRIME"],
            items=[item("10000000000001", "EU-WB750-BLK", 2, "21.00", "49.98",
                        [bd("ITEM", "42.00"), bd("TAX", "7.98")], shipped=2)],
            proceeds={"grandTotal": m("49.98"),
                      "breakdowns": [bd("ITEM", "42.00"), bd("TAX", "7.98")]},
        )),
        # 2. FBA not shipped yet: skipped
        (EU_SELLER, order(
            "302-0000002-0000002", "UNSHIPPED", "AMAZON",
            items=[item("10000000000002", "EU-YOGA-6MM", 1, "25.17", "29.95",
                        [bd("ITEM", "25.17"), bd("TAX", "4.78")])],
            proceeds={"grandTotal": m("29.95"),
                      "breakdowns": [bd("ITEM", "25.17"), bd("TAX", "4.78")]},
        )),
        # 3. FBM unshipped, US marketplace facilitator tax, business, gift, promo,
        #    buyer cancellation request
        (NA_SELLER, order(
            "111-0000003-0000003", "UNSHIPPED", "MERCHANT", market=US,
            programs=["AMAZON_BUSINESS"],
            items=[
                item("20000000000003", "WB-32-BLK", 3, "24.99", "97.49", [
                    bd("ITEM", "74.97", "USD"), bd("SHIPPING", "5.99", "USD"),
                    bd("GIFT_WRAP", "14.97", "USD"),
                    bd("DISCOUNT", "-7.50", "USD", detailedBreakdowns=[
                        {"subtype": "ITEM", "value": m("-7.50", "USD")}]),
                    bd("TAX", "9.06", "USD"),
                ], currency="USD", tax=MF,
                    cancellation={"cancellationRequest": {
                        "requester": "BUYER", "cancelReason": "No longer needed"}}),
                item("20000000000004", "MF-HH-BLK", 1, "11.99", "13.22", [
                    bd("ITEM", "11.99", "USD"), bd("TAX", "1.23", "USD"),
                ], currency="USD", tax=MF),
            ],
            proceeds={"grandTotal": m("110.71", "USD"), "breakdowns": [
                bd("ITEM", "86.96", "USD"), bd("SHIPPING", "5.99", "USD"),
                bd("GIFT_WRAP", "14.97", "USD"), bd("DISCOUNT", "-7.50", "USD"),
                bd("TAX", "10.29", "USD")]},
        )),
        # 4. FBM shipped in Seller Central, VAT inside ITEM: 29.99 + 4.99 = 34.98
        (EU_SELLER, order(
            "303-0000004-0000004", "SHIPPED", "MERCHANT",
            items=[item("10000000000004", "EU-LAMP-QI", 1, "29.99", "34.98", [
                bd("ITEM", "29.99"), bd("SHIPPING", "4.99"), bd("TAX", "5.59")],
                shipped=1)],
            proceeds={"grandTotal": m("34.98"), "breakdowns": [
                bd("ITEM", "29.99"), bd("SHIPPING", "4.99"), bd("TAX", "5.59")]},
            packages=[{"packageReferenceId": "4000000004", "carrier": "DHL",
                       "trackingNumber": "00340434000000000004",
                       "packageItems": [{"orderItemId": "10000000000004",
                                         "quantity": 1}]}],
        )),
        # 5. cancelled: skipped
        (EU_SELLER, order(
            "304-0000005-0000005", "CANCELLED", "MERCHANT",
            items=[item("10000000000005", "EU-FROTHER", 1, "9.24", "0.00",
                        [bd("ITEM", "0.00")], cancellation=CANCELLED)],
            proceeds={"grandTotal": m("0.00"), "breakdowns": [bd("ITEM", "0.00")]},
        )),
        # 6. pending: no prices, skipped
        (EU_SELLER, order(
            "305-0000006-0000006", "PENDING", "MERCHANT",
            items=[{"orderItemId": "10000000000006", "quantityOrdered": 1,
                    "product": {"asin": "B0TESTASIN", "sellerSku": "EU-BANDS-5"}}],
        )),
        # 7. FBM unshipped, one item cancelled (quantity kept, zero proceeds)
        (EU_SELLER, order(
            "306-0000007-0000007", "UNSHIPPED", "MERCHANT",
            items=[
                item("10000000000007", "EU-BAKEMAT-2", 1, "10.92", "12.99",
                     [bd("ITEM", "10.92"), bd("TAX", "2.07")]),
                item("10000000000008", "EU-PILLOW-MEM", 2, "9.24", "0.00",
                     [bd("ITEM", "0.00")], cancellation=CANCELLED),
            ],
            proceeds={"grandTotal": m("12.99"),
                      "breakdowns": [bd("ITEM", "10.92"), bd("TAX", "2.07")]},
        )),
        # 8. zero-priced FBA replacement of order 1
        (EU_SELLER, order(
            "302-0000008-0000008", "SHIPPED", "AMAZON", created="2026-10-28T09:00:00Z",
            updated="2026-10-28T15:00:00Z",
            associatedOrders=[{"orderId": "302-0000001-0000001",
                               "associationType": "REPLACEMENT_ORIGINAL_ID"}],
            items=[item("10000000000009", "EU-WB750-BLK", 1, "0.00", "0.00",
                        [bd("ITEM", "0.00")], shipped=1)],
            proceeds={"grandTotal": m("0.00"), "breakdowns": [bd("ITEM", "0.00")]},
        )),
        # 9. updated less than 2 minutes before the clock start: not in the window
        (EU_SELLER, order(
            "302-0000009-0000009", "SHIPPED", "AMAZON", updated="2026-11-01T11:59:00Z",
            items=[item("10000000000010", "EU-FROTHER", 1, "9.24", "10.99",
                        [bd("ITEM", "9.24"), bd("TAX", "1.75")], shipped=1)],
            proceeds={"grandTotal": m("10.99"),
                      "breakdowns": [bd("ITEM", "9.24"), bd("TAX", "1.75")]},
        )),
    ]  # fmt: skip
    return {
        "format": "spapi-sandbox/scenario@1",
        "name": "hand",
        "seed": 0,
        "clock": {"start": START},
        "applications": [{"clientId": "amzn1.application-oa2-client.t",
                          "clientSecret": "s"}],
        "sellers": [
            {"sellerId": EU_SELLER, "name": "EU", "region": "EU",
             "clientId": "amzn1.application-oa2-client.t", "refreshToken": "Atzr|a",
             "marketplaceIds": [DE], "roles": []},
            {"sellerId": NA_SELLER, "name": "NA", "region": "NA",
             "clientId": "amzn1.application-oa2-client.t", "refreshToken": "Atzr|b",
             "marketplaceIds": [US], "roles": ["PII"]},
        ],
        "orders": [{"sellerId": s, "order": o} for s, o in orders],
        "events": [{"at": "2026-11-01T12:30:00Z", "orderId": "302-0000002-0000002",
                    "type": "status_change", "fulfillmentStatus": "SHIPPED"}],
        "faults": [], "inventory": [], "listings": [],
    }  # fmt: skip


def entry(channel, status, grand, items, **kw) -> dict:
    base = {
        "marketplaceId": DE, "currency": "EUR", "channel": channel, "status": status,
        "shippedOutside": False, "replacementOf": None, "business": False,
        "prime": False, "grandTotal": grand, "taxArithmetic": "ADDITIVE",
        "marketplaceFacilitatorTax": "0.00", "shipping": "0.00", "giftWrap": "0.00",
        "discount": "0.00", "tax": "0.00", "giftMessages": 0,
        "buyerCancellationRequested": False, "items": items, "packages": [],
    }  # fmt: skip
    base.update(kw)
    return base


def line(item_id, sku, qty, amount, cancelled=0, shipped=0) -> dict:
    return {"orderItemId": item_id, "sellerSku": sku, "quantityOrdered": qty,
            "quantityCancelled": cancelled, "quantityShipped": shipped,
            "itemAmount": amount}  # fmt: skip


EXPECTED_SELLERS = {
    EU_SELLER: {
        "pii": False,
        "orders": {
            "302-0000001-0000001": entry(
                "FBA", "SHIPPED", "49.98", prime=True, tax="7.98",
                items=[line("10000000000001", "EU-WB750-BLK", 2, "42.00", shipped=2)]),
            "303-0000004-0000004": entry(
                "FBM", "SHIPPED", "34.98", shippedOutside=True,
                taxArithmetic="INCLUDED", shipping="4.99", tax="5.59",
                items=[line("10000000000004", "EU-LAMP-QI", 1, "29.99", shipped=1)],
                packages=[{"packageReferenceId": "4000000004", "carrier": "DHL",
                           "trackingNumber": "00340434000000000004",
                           "items": [{"orderItemId": "10000000000004",
                                      "quantity": 1}]}]),
            "306-0000007-0000007": entry(
                "FBM", "UNSHIPPED", "12.99", tax="2.07",
                items=[line("10000000000007", "EU-BAKEMAT-2", 1, "10.92"),
                       line("10000000000008", "EU-PILLOW-MEM", 2, "0.00",
                            cancelled=2)]),
            "302-0000008-0000008": entry(
                "FBA", "SHIPPED", "0.00", replacementOf="302-0000001-0000001",
                items=[line("10000000000009", "EU-WB750-BLK", 1, "0.00", shipped=1)]),
        },
        "skipped": {
            "302-0000002-0000002": "FBA_NOT_SHIPPED",
            "304-0000005-0000005": "CANCELLED",
            "305-0000006-0000006": "PENDING",
            "302-0000009-0000009": "OUTSIDE_WINDOW",
        },
        "totals": {
            "orders": 4, "byMarketplace": {DE: {"FBA": 2, "FBM": 2}},
            "grandTotalByCurrency": {"EUR": "97.95"}, "fbmPickings": 2,
            "fbaMoves": 2,
        },
    },
    NA_SELLER: {
        "pii": True,
        "orders": {
            "111-0000003-0000003": entry(
                "FBM", "UNSHIPPED", "110.71", marketplaceId=US, currency="USD",
                business=True, marketplaceFacilitatorTax="10.29", shipping="5.99",
                giftWrap="14.97", discount="-7.50", tax="10.29",
                buyerCancellationRequested=True,
                items=[line("20000000000003", "WB-32-BLK", 3, "74.97"),
                       line("20000000000004", "MF-HH-BLK", 1, "11.99")]),
        },
        "skipped": {},
        "totals": {
            "orders": 1, "byMarketplace": {US: {"FBA": 0, "FBM": 1}},
            "grandTotalByCurrency": {"USD": "110.71"}, "fbmPickings": 1,
            "fbaMoves": 0,
        },
    },
}  # fmt: skip


def test_hand_written_scenario_gives_the_hand_written_manifest():
    scenario = hand_scenario()
    built = manifest.build(scenario)
    assert built == {
        "format": "spapi-sandbox/manifest@1",
        "scenario": "hand.json",
        "scenarioSha256": hashlib.sha256(manifest.dump_bytes(scenario)).hexdigest(),
        "asOf": START,
        "sellers": EXPECTED_SELLERS,
    }
    # the gift message (3rd order) is counted once it is there
    scenario["orders"][2]["order"]["orderItems"][0]["fulfillment"]["packing"] = {
        "giftOption": {"giftWrapLevel": "STANDARD", "giftMessage": "Enjoy!"}
    }
    again = manifest.build(scenario, "x.json", b"abc")
    assert again["scenario"] == "x.json"
    assert again["scenarioSha256"] == hashlib.sha256(b"abc").hexdigest()
    assert (
        again["sellers"][NA_SELLER]["orders"]["111-0000003-0000003"]["giftMessages"]
        == 1
    )


def test_hand_written_orders_are_schema_valid():
    import jsonschema

    models = Path(
        os.environ.get("SPAPI_MODELS_DIR") or REPO_ROOT.parent / "shared/sp-api/models"
    )
    path = models / "orders-api-model" / "orders_2026-01-01.json"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Amazon models not found at {path}")
        pytest.skip(f"Amazon models not found at {path}")
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$ref"] = "#/definitions/Order"
    validator = jsonschema.Draft4Validator(schema)
    for wrapped in hand_scenario()["orders"]:
        assert not list(validator.iter_errors(wrapped["order"]))


def test_generated_manifest_is_consistent(tmp_path):
    scenario = generator.generate(orders=400, seed=11)
    path, manifest_path = generator.write(tmp_path / "gen.json", scenario)
    built = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert built["scenarioSha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert built["scenario"] == "gen.json"
    # the manifest reads the JSON alone: same result from the file's content
    assert built == manifest.build(
        json.loads(path.read_text(encoding="utf-8")), "gen.json", path.read_bytes()
    )
    ids = [w["order"]["orderId"] for w in scenario["orders"]]
    seen = []
    reasons = set()
    for section in built["sellers"].values():
        seen += list(section["orders"]) + list(section["skipped"])
        reasons |= set(section["skipped"].values())
        totals = section["totals"]
        assert totals["orders"] == len(section["orders"])
        for currency, value in totals["grandTotalByCurrency"].items():
            assert Decimal(value) == sum(
                Decimal(e["grandTotal"]) for e in section["orders"].values()
                if e["currency"] == currency
            )  # fmt: skip
        for entry_ in section["orders"].values():
            assert entry_["taxArithmetic"] in ("ADDITIVE", "INCLUDED")
            if entry_["channel"] == "FBA":
                assert entry_["status"] == "SHIPPED" and not entry_["packages"]
            else:
                assert entry_["shippedOutside"] == (entry_["status"] != "UNSHIPPED")
        # every scenario seller has its own section and nothing is compared wrongly
        assert manifest.compare(section, copy.deepcopy(section)) == []
    assert sorted(seen) == sorted(ids)
    assert {"FBA_NOT_SHIPPED", "CANCELLED", "PENDING"} <= reasons
    assert manifest.compare(built, {"sellers": copy.deepcopy(built["sellers"])}) == []


# ---------------------------------------------------------------------------
# compare()
# ---------------------------------------------------------------------------


def _actual(seller: str = EU_SELLER) -> dict:
    section = copy.deepcopy(EXPECTED_SELLERS[seller])
    return {"orders": section["orders"], "totals": section["totals"]}


def test_compare_match():
    built = manifest.build(hand_scenario())
    assert manifest.compare(built, _actual(), seller_id=EU_SELLER) == []
    assert manifest.compare(built["sellers"][NA_SELLER], _actual(NA_SELLER)) == []
    minimal = _actual()
    for value in minimal["orders"].values():  # only the required fields
        for key in list(value):
            if key not in ("channel", "grandTotal", "items"):
                del value[key]
    minimal["totals"] = {"grandTotalByCurrency": {"EUR": "97.950"}}
    assert manifest.compare(built, minimal, seller_id=EU_SELLER) == []
    with pytest.raises(ValueError):
        manifest.compare(built, _actual())


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda a: a["orders"].pop("306-0000007-0000007"),
         "missing order 306-0000007-0000007"),
        (lambda a: a["orders"].__setitem__(
            "304-0000005-0000005", copy.deepcopy(a["orders"]["306-0000007-0000007"])),
         "unexpected order 304-0000005-0000005 (expected skipped: CANCELLED)"),
        (lambda a: a["orders"]["302-0000001-0000001"].__setitem__("channel", "FBM"),
         "order 302-0000001-0000001: channel expected FBA, got FBM"),
        (lambda a: a["orders"]["302-0000001-0000001"]["items"][0].__setitem__(
            "quantityOrdered", 3),
         "item 10000000000001 quantityOrdered expected 2, got 3"),
        (lambda a: a["orders"]["306-0000007-0000007"]["items"][1].__setitem__(
            "quantityCancelled", 0),
         "item 10000000000008 quantityCancelled expected 2, got 0"),
        (lambda a: a["orders"]["303-0000004-0000004"].__setitem__(
            "grandTotal", "34.97"),
         "order 303-0000004-0000004: grandTotal expected 34.98, got 34.97"),
        (lambda a: a["orders"]["303-0000004-0000004"].__setitem__(
            "shippedOutside", False),
         "shippedOutside expected True, got False"),
        (lambda a: a["orders"]["306-0000007-0000007"]["items"].pop(),
         "missing item 10000000000008"),
        (lambda a: a["orders"]["303-0000004-0000004"]["packages"][0].__setitem__(
            "trackingNumber", "X"),
         "order 303-0000004-0000004: packages expected"),
        (lambda a: a["totals"]["grandTotalByCurrency"].__setitem__("EUR", "97.94"),
         "totals: grandTotal EUR expected 97.95, got 97.94"),
        (lambda a: a["totals"]["grandTotalByCurrency"].__setitem__("USD", "1.00"),
         "totals: grandTotal USD expected 0, got 1.00"),
        (lambda a: a["totals"]["byMarketplace"][DE].__setitem__("FBM", 3),
         f"totals: {DE} FBM orders expected 2, got 3"),
        (lambda a: a["totals"].__setitem__("fbaMoves", 1),
         "totals: fbaMoves expected 2, got 1"),
    ],
)  # fmt: skip
def test_compare_finds_each_difference(mutate, needle):
    built = manifest.build(hand_scenario())
    actual = _actual()
    mutate(actual)
    diffs = manifest.compare(built, actual, seller_id=EU_SELLER)
    assert len(diffs) == 1, diffs
    assert needle in diffs[0]


def test_compare_all_sellers_form():
    built = manifest.build(hand_scenario())
    actual = {"sellers": {EU_SELLER: _actual(), "A9UNKNOWN": {"orders": {}}}}
    diffs = manifest.compare(built, actual)
    assert "unexpected seller A9UNKNOWN" in diffs
    assert f"seller {NA_SELLER}: missing order 111-0000003-0000003" in "\n".join(diffs)
