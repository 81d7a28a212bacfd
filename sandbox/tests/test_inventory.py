"""FBA Inventory getInventorySummaries: parameters, paging by 50, 30-second
nextToken expiry, pooled network quantities, details, the control API and the
scenario checks. Every answer is checked against the FBA Inventory model."""

from __future__ import annotations

import pytest
from conftest import SpClient
from werkzeug.test import Client

from spapi_sandbox import SandboxApp, ScenarioError
from spapi_sandbox.samples import DE, FR, SELLER_PII, SELLER_PLAIN, sample_scenario

PATH = "/fba/inventory/v1/summaries"
UK = "A1F83G8C2ARO7P"


def _record(index: int, **extra) -> dict:
    return {
        "sellerId": SELLER_PII,
        "sellerSku": f"FBA-{index:04d}",
        "fnSku": f"X00{index:07d}",
        "asin": f"B0{index:08d}",
        "condition": "NewItem",
        "productName": f"Product {index}",
        "network": "EU",
        "fulfillableQuantity": index,
        "inboundWorkingQuantity": 1,
        "inboundShippedQuantity": 2,
        "inboundReceivingQuantity": 3,
        "lastUpdatedTime": f"2026-10-{1 + index % 28:02d}T08:00:00Z",
        **extra,
    }


@pytest.fixture
def inv_app() -> SandboxApp:
    scenario = sample_scenario(1)
    scenario["sellers"][0]["marketplaceIds"] = [DE, FR, UK]
    scenario["inventory"] = [_record(i) for i in range(120)] + [
        _record(900, network="NA"),
        _record(
            901,
            reservedQuantity={"pendingCustomerOrderQuantity": 4,
                              "fcProcessingQuantity": 1},
            unfulfillableQuantity={"customerDamagedQuantity": 2},
            researchingQuantity={"researchingQuantityBreakdown": [
                {"name": "researchingQuantityInShortTerm", "quantity": 3}]},
        ),
    ]  # fmt: skip
    return SandboxApp(scenario, frozen=True, rate_limits=False)


@pytest.fixture
def inv(inv_app) -> SpClient:
    return SpClient(inv_app, inv_app.issue_access_token(SELLER_PII))


def _query(marketplace: str = DE, **extra) -> dict:
    return {
        "granularityType": "Marketplace",
        "granularityId": marketplace,
        "marketplaceIds": marketplace,
        **extra,
    }


def _all(client: SpClient, marketplace: str = DE, **extra) -> list[list[dict]]:
    pages, response = [], None
    while True:
        query = _query(marketplace, **extra)
        if response is not None:
            query["nextToken"] = response.body["pagination"]["nextToken"]
        response = client.get(PATH, query_string=query)
        assert response.status_code == 200, response.body
        pages.append(response.body["payload"]["inventorySummaries"])
        if "pagination" not in response.body:
            return pages


def test_pages_of_50_each_sku_once(inv):
    pages = _all(inv)
    assert [len(page) for page in pages] == [50, 50, 21]
    skus = [s["sellerSku"] for page in pages for s in page]
    assert skus == sorted(skus) and len(set(skus)) == 121
    assert "FBA-0900" not in skus  # NA stock is not in the EU network
    first = pages[0][1]
    assert first == {
        "asin": "B000000001",
        "fnSku": "X000000001",
        "sellerSku": "FBA-0001",
        "condition": "NewItem",
        "lastUpdatedTime": "2026-10-02T08:00:00Z",
        "productName": "Product 1",
        "totalQuantity": 7,
    }


def test_pooled_quantities_are_equal_across_the_network(inv, inv_app):
    by_market = {
        market: {
            s["sellerSku"]: s
            for page in _all(inv, market, details="true")
            for s in page
        }
        for market in (DE, FR, UK)
    }
    assert by_market[DE] == by_market[FR] == by_market[UK]
    inv_app.set_inventory(SELLER_PII, "FBA-0005", fulfillableQuantity=40)
    de = inv.get(PATH, query_string=_query(DE, sellerSkus="FBA-0005")).body
    fr = inv.get(PATH, query_string=_query(FR, sellerSkus="FBA-0005")).body
    assert de["payload"]["inventorySummaries"] == fr["payload"]["inventorySummaries"]
    assert de["payload"]["inventorySummaries"][0]["totalQuantity"] == 46
    assert fr["payload"]["granularity"] == {
        "granularityType": "Marketplace",
        "granularityId": FR,
    }


def test_details(inv):
    body = inv.get(PATH, query_string=_query(sellerSku="FBA-0901", details="true")).body
    [summary] = body["payload"]["inventorySummaries"]
    details = summary["inventoryDetails"]
    assert details["fulfillableQuantity"] == 901
    assert details["reservedQuantity"]["totalReservedQuantity"] == 5
    assert details["unfulfillableQuantity"]["totalUnfulfillableQuantity"] == 2
    assert details["researchingQuantity"]["totalResearchingQuantity"] == 3
    assert summary["totalQuantity"] == 901 + 6 + 5 + 2 + 3
    plain = inv.get(PATH, query_string=_query(sellerSku="FBA-0901")).body
    assert "inventoryDetails" not in plain["payload"]["inventorySummaries"][0]


def test_next_token_expires_after_30_sandbox_seconds(inv, inv_app):
    first = inv.get(PATH, query_string=_query()).body
    token = first["pagination"]["nextToken"]
    inv_app.advance(30)
    assert inv.get(PATH, query_string=_query(nextToken=token)).status_code == 200
    inv_app.advance(1)
    expired = inv.get(PATH, query_string=_query(nextToken=token))
    assert expired.status_code == 400
    assert "expired" in expired.body["errors"][0]["details"]
    fresh = inv.get(PATH, query_string=_query()).body["pagination"]["nextToken"]
    changed = inv.get(PATH, query_string=_query(nextToken=fresh, sellerSkus="FBA-0001"))
    assert changed.status_code == 400
    assert inv.get(PATH, query_string=_query(FR, nextToken=fresh)).status_code == 400
    assert inv.get(PATH, query_string=_query(nextToken="x.y")).status_code == 400
    other = SpClient(inv_app, inv_app.issue_access_token(SELLER_PLAIN))
    assert other.get(PATH, query_string=_query(nextToken=fresh)).status_code == 400


def test_filters(inv, inv_app):
    skus = ",".join(f"FBA-{i:04d}" for i in (3, 4, 999))
    body = inv.get(PATH, query_string=_query(sellerSkus=skus, sellerSku="FBA-0009"))
    assert [s["sellerSku"] for s in body.body["payload"]["inventorySummaries"]] == [
        "FBA-0003",
        "FBA-0004",
    ]
    one = inv.get(PATH, query_string=_query(sellerSku="FBA-0009")).body
    assert [s["sellerSku"] for s in one["payload"]["inventorySummaries"]] == [
        "FBA-0009"
    ]
    inv_app.advance(10)
    inv_app.set_inventory(SELLER_PII, "FBA-0010", fulfillableQuantity=0)
    since = inv.get(
        PATH,
        query_string=_query(startDateTime="2026-11-01T00:00:00Z", sellerSku="FBA-0009"),
    ).body["payload"]["inventorySummaries"]
    assert [(s["sellerSku"], s["lastUpdatedTime"]) for s in since] == [
        ("FBA-0010", "2026-11-01T12:00:10Z")
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"granularityId": DE, "marketplaceIds": DE},
        _query(granularityType="Country"),
        {"granularityType": "Marketplace", "marketplaceIds": DE},
        _query(marketplaceIds=f"{DE},{FR}"),
        {"granularityType": "Marketplace", "granularityId": DE},
        _query(granularityId=FR),
        _query("ATVPDKIKX0DER"),  # not the seller's
        _query(details="yes"),
        _query(startDateTime="yesterday"),
        _query(sellerSkus=",".join(f"S{i}" for i in range(51))),
    ],
)
def test_parameter_rules(inv, query):
    response = inv.get(PATH, query_string=query)
    assert response.status_code == 400
    assert response.body["errors"][0]["code"] == "InvalidInput"


def test_extra_marketplace_keys_are_ignored(inv):
    query = _query(MarketplaceId=DE, MarketplaceIds=DE, marketplace_ids=DE)
    assert inv.get(PATH, query_string=query).status_code == 200


def test_usage_plan_faults_and_call_log():
    app = SandboxApp(sample_scenario(1), frozen=True)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    statuses = [client.get(PATH, query_string=_query()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # rate 2, burst 2
    app.advance(1)
    ok = client.get(PATH, query_string=_query())
    assert ok.status_code == 200 and ok.headers["x-amzn-RateLimit-Limit"] == "2"
    assert ok.body["payload"]["inventorySummaries"] == []
    app.advance(1)
    app.add_faults({"operation": "getInventorySummaries", "status": 500})
    assert client.get(PATH, query_string=_query()).status_code == 500
    assert app.call_log()["counts"]["getInventorySummaries"] == 5


def test_control_api_sets_and_reads_inventory(inv_app, inv):
    http = Client(inv_app)
    response = http.post(
        "/_sandbox/inventory",
        json={"sellerId": SELLER_PII, "sellerSku": "NEW-1", "fnSku": "X00NEW",
              "fulfillableQuantity": 9},
    )  # fmt: skip
    assert response.status_code == 200, response.get_json()
    [record] = response.get_json()["updated"]
    assert record["network"] == "EU" and record["lastUpdatedTime"] == (
        "2026-11-01T12:00:00Z"
    )
    listed = http.get("/_sandbox/inventory", query_string={"sellerId": SELLER_PII})
    assert len(listed.get_json()["inventory"]) == 123
    body = inv.get(PATH, query_string=_query(sellerSku="NEW-1")).body
    assert body["payload"]["inventorySummaries"][0]["totalQuantity"] == 9
    bad = http.post(
        "/_sandbox/inventory",
        json={"sellerId": SELLER_PII, "sellerSku": "X", "fulfillableQuantity": -1},
    )
    assert bad.status_code == 400
    assert http.post("/_sandbox/inventory", json={"sellerSku": "X"}).status_code == 400


def test_scenario_inventory_checks():
    scenario = sample_scenario(1)
    scenario["inventory"] = [
        _record(1),
        _record(1),
        _record(2, sellerId="NOPE", network="XX", fulfillableQuantity=-2,
                lastUpdatedTime="soon"),
    ]  # fmt: skip
    with pytest.raises(ScenarioError) as error:
        SandboxApp(scenario)
    text = "\n".join(error.value.problems)
    for expected in ("duplicate record", "unknown sellerId", "'network'",
                     "fulfillableQuantity", "lastUpdatedTime"):  # fmt: skip
        assert expected in text


def test_generated_scenario_pools_stock_per_network():
    from spapi_sandbox import generator

    app = SandboxApp(generator.generate(orders=20, seed=3), frozen=True,
                     rate_limits=False, validate_orders=False)  # fmt: skip
    for seller in app.state.sellers.values():
        client = SpClient(app, app.issue_access_token(seller.seller_id))
        answers = [
            client.get(PATH, query_string=_query(m, details="true")).body["payload"][
                "inventorySummaries"
            ]
            for m in seller.marketplace_ids
        ]
        assert answers[0] and all(answer == answers[0] for answer in answers)
        expected = {r["sellerSku"] for r in app.inventory(seller.seller_id)}
        assert {s["sellerSku"] for s in answers[0]} == expected
