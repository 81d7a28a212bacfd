"""Conformance with Amazon's models.

1. Every operation's answers (success and each error status) validate against
   the schema the model declares (``SpClient`` checks each answer; here every
   status is provoked once).
2. The models' static ``x-amzn-api-sandbox`` examples replay. The sandbox is
   stateful, so each example is mapped onto it: the example's response orders
   are seeded as the scenario's orders (for a seller holding the PII role and
   the marketplaces involved), then the example's request is sent unchanged and
   must get the example's status; for 200s the orders returned must equal the
   example's, dataset by dataset. One mapping is needed: the second searchOrders
   example sends Amazon's own ``paginationToken``, which no other server can
   decode, so that example is replayed without it (the sandbox answers 400 to
   the foreign token, checked separately). confirmShipment examples get an FBM
   order ``902-1106328-1059050`` with the example's item seeded.

   Feeds examples (clock at 2024-03-12, the day after the examples' feeds were
   created, seller on the examples' marketplaces): the feeds and documents an
   example names are seeded first through ``add_feed`` / ``add_feed_document``
   (``feedId1``, ``ID1`` as IN_QUEUE, ``3d4e42b5-...``, ``0356cf79-...``).
   Success bodies must equal the example's except for values the sandbox mints
   (new feed and document ids, pre-signed URLs: same keys), and getFeeds
   compares the feeds (the example's ``nextToken`` belongs to a longer list;
   its ``FeedId1`` is the getFeed example's ``feedId1``: ids compared
   case-insensitively).
   Amazon's static error examples use code ``"400"``; the sandbox answers the
   live code ``InvalidInput`` with the same status, so only statuses are
   compared. FBA Inventory's getInventorySummaries has no static examples
   (``x-amzn-api-sandbox: {"dynamic": {}}``).
"""

from __future__ import annotations

import copy

import pytest
from conftest import SpClient, require_models

from spapi_sandbox import SandboxApp, models
from spapi_sandbox.clock import parse_datetime
from spapi_sandbox.samples import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    SELLER_PII,
    SELLER_PLAIN,
    sample_order,
)

EXAMPLE_SELLER = "AEXAMPLESELLER1"
START = "2026-11-01T12:00:00Z"


def _examples(model: str, path: str, method: str):
    operation = models.load_model(model)["paths"][path][method]
    for status, response in operation["responses"].items():
        for example in response.get("x-amzn-api-sandbox", {}).get("static", []):
            params = {
                name: spec["value"]
                for name, spec in example["request"]["parameters"].items()
            }
            yield int(status), params, example.get("response")


def _example_app(
    orders: list[dict],
    marketplaces: set[str],
    name: str = "Example",
    start: str = START,
):
    scenario = {
        "format": "spapi-sandbox/scenario@1",
        "name": "static-examples",
        "clock": {"start": start},
        "applications": [{"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}],
        "sellers": [
            {
                "sellerId": EXAMPLE_SELLER,
                "name": name,
                "region": "NA",
                "clientId": CLIENT_ID,
                "refreshToken": "Atzr|example",
                "marketplaceIds": sorted(marketplaces),
                "roles": ["PII"],
            }
        ],
        "orders": [{"sellerId": EXAMPLE_SELLER, "order": o} for o in orders],
    }
    app = SandboxApp(scenario, frozen=True)
    return SpClient(app, app.issue_access_token(EXAMPLE_SELLER))


def _query(params: dict) -> dict:
    return {k: ",".join(v) if isinstance(v, list) else v for k, v in params.items()}


# Without the models there is nothing to parametrize with: one placeholder case
# makes the test run and skip (or fail under CI) with the reason.
_NO_MODELS = [pytest.param(None, None, None, id="models-missing")]


def _search_cases():
    if not models.models_available():
        return _NO_MODELS
    return list(_examples(models.ORDERS_2026, "/orders/2026-01-01/orders", "get"))


def _get_cases():
    if not models.models_available():
        return _NO_MODELS
    return list(
        _examples(models.ORDERS_2026, "/orders/2026-01-01/orders/{orderId}", "get")
    )


@pytest.mark.parametrize("status,params,expected", _search_cases())
def test_search_orders_static_examples_replay(status, params, expected):
    require_models()
    orders = copy.deepcopy(expected.get("orders", []))
    marketplaces = {o["salesChannel"]["marketplaceId"] for o in orders}
    marketplaces |= set(params.get("marketplaceIds", [])) or {DE}
    client = _example_app(orders, marketplaces)
    params = dict(params)
    if "paginationToken" in params:
        foreign = client.search(**_query(params))
        assert foreign.status_code == 400  # Amazon's token means nothing here
        del params["paginationToken"]
    response = client.search(**_query(params))
    assert response.status_code == status
    if status == 200:
        assert response.body["orders"] == expected["orders"]
    else:
        assert response.body["errors"][0]["code"] == expected["errors"][0]["code"]


@pytest.mark.parametrize("status,params,expected", _get_cases())
def test_get_order_static_examples_replay(status, params, expected):
    require_models()
    orders = [copy.deepcopy(expected["order"])] if "order" in expected else []
    marketplaces = {o["salesChannel"]["marketplaceId"] for o in orders} or {DE}
    client = _example_app(orders, marketplaces)
    query = _query({k: v for k, v in params.items() if k != "orderId"})
    response = client.get(
        f"/orders/2026-01-01/orders/{params['orderId']}", query_string=query
    )
    assert response.status_code == status
    if status == 200:
        assert response.body == expected
    else:
        assert response.body["errors"][0]["code"] == expected["errors"][0]["code"]


def test_confirm_shipment_static_examples_replay():
    require_models()
    path = "/orders/v0/orders/{orderId}/shipmentConfirmation"
    cases = list(_examples(models.ORDERS_V0, path, "post"))
    assert {status for status, _, _ in cases} == {204, 400}
    for status, params, _expected in cases:
        body = params["body"]
        order = sample_order(1, parse_datetime("2022-02-10T00:00:00Z"), marketplace=DE)
        order["orderId"] = params["orderId"]
        order["salesChannel"] = {"channelName": "AMAZON", "marketplaceId": body[
            "marketplaceId"]}  # fmt: skip
        item = order["orderItems"][0]
        item["orderItemId"] = body["packageDetail"]["orderItems"][0]["orderItemId"]
        item["quantityOrdered"] = 1
        order["orderItems"] = [item]
        client = _example_app([order], {body["marketplaceId"]})
        response = client.post(
            f"/orders/v0/orders/{params['orderId']}/shipmentConfirmation", json=body
        )
        assert response.status_code == status, response.body


def test_sellers_static_example_replays():
    require_models()
    [(status, _params, expected)] = _examples(
        models.SELLERS, "/sellers/v1/marketplaceParticipations", "get"
    )
    marketplaces = {p["marketplace"]["id"] for p in expected["payload"]}
    store = expected["payload"][0]["storeName"]
    client = _example_app([], marketplaces, name=store)
    response = client.get("/sellers/v1/marketplaceParticipations")
    assert response.status_code == status
    assert response.body == expected


def test_every_status_validates_against_the_model(app, client):
    """Provoke each answer kind once; SpClient validates each against the model."""
    require_models()
    every = "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,"
    every += "PACKAGES,TAX,PAYMENT,FULFILLMENT_ORDERS"
    page = client.search(createdAfter="2020-01-01T00:00:00Z", includedData=every)
    assert page.status_code == 200 and len(page.body["orders"]) == 10
    order = page.body["orders"][0]
    assert (
        client.get(f"/orders/2026-01-01/orders/{order['orderId']}").status_code == 200
    )
    assert (
        client.get("/orders/2026-01-01/orders/123-1234567-1234567").status_code == 404
    )
    assert client.search(createdAfter="yesterday").status_code == 400
    confirm = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    package = {
        "packageReferenceId": "P1",
        "carrierCode": "DHL",
        "trackingNumber": "JJD000390007",
        "shipDate": "2026-11-01T10:00:00Z",
        "orderItems": [{"orderItemId": order["orderItems"][0]["orderItemId"],
                        "quantity": 1}],
    }  # fmt: skip
    ok = client.post(confirm, json={"marketplaceId": DE, "packageDetail": package})
    assert ok.status_code == 204 and ok.data == b""
    bad = client.post(confirm, json={"marketplaceId": DE})
    assert bad.status_code == 400
    missing = client.post(
        "/orders/v0/orders/123-1234567-1234567/shipmentConfirmation",
        json={"marketplaceId": DE, "packageDetail": package},
    )
    assert missing.status_code == 404
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200
    unknown = client.get("/orders/2026-01-01/orders", token="Atza|nope")
    assert unknown.status_code == 403
    app.add_faults(
        [
            {"operation": "*", "status": 429, "count": 4},
            {"operation": "*", "status": 500, "count": 4},
            {"operation": "*", "status": 503, "count": 4},
        ]
    )
    for _ in range(3):
        assert client.get("/sellers/v1/marketplaceParticipations").status_code >= 429
        assert client.search(createdAfter="2020-01-01T00:00:00Z").status_code >= 429
        assert client.get(f"/orders/2026-01-01/orders/{order['orderId']}").status_code
        assert client.post(confirm, json={}).status_code >= 429
    plain = SpClient(app, app.issue_access_token(SELLER_PLAIN))
    assert plain.get("/sellers/v1/marketplaceParticipations").status_code == 200
    assert SELLER_PII in {c["sellerId"] for c in app.call_log()["calls"]}


FEEDS_START = "2024-03-12T00:00:00Z"
US, UK = "ATVPDKIKX0DER", "A1F83G8C2ARO7P"


def _feeds_cases():
    if not models.models_available():
        return _NO_MODELS
    cases = []
    for path, methods in models.load_model(models.FEEDS)["paths"].items():
        for method in [m for m in methods if m in ("get", "post", "delete")]:
            for status, params, expected in _examples(models.FEEDS, path, method):
                operation = methods[method]["operationId"]
                cases.append(
                    pytest.param(
                        path,
                        method,
                        status,
                        params,
                        expected,
                        id=f"{operation}-{status}",
                    )
                )
    return cases


def _seed_feeds_examples(app: SandboxApp) -> None:
    add = app.add_feed
    add(
        EXAMPLE_SELLER,
        {
            "feedId": "feedId1",
            "feedType": "POST_PRODUCT_DATA",
            "createdTime": "2024-03-11T13:16:24.630Z",
            "processingStatus": "CANCELLED",
            "processingStartTime": "2024-03-11T13:16:24.630Z",
            "processingEndTime": "2024-03-11T13:16:24.630Z",
        },
    )
    add(EXAMPLE_SELLER, {"feedId": "ID1", "feedType": "POST_PRODUCT_DATA",
                         "createdTime": "2024-03-11T13:16:24.630Z",
                         "processingStatus": "IN_QUEUE"})  # fmt: skip
    for document_id in (
        "3d4e42b5-1d6e-44e8-a89c-2abfca0625bb",
        "0356cf79-b8b0-4226-b4b9-0ee058ea5760",
    ):
        app.add_feed_document(EXAMPLE_SELLER, b"<x/>", "text/xml", document_id)


@pytest.mark.parametrize("path,method,status,params,expected", _feeds_cases())
def test_feeds_static_examples_replay(path, method, status, params, expected):
    require_models()
    client = _example_app([], {US, UK}, start=FEEDS_START)
    _seed_feeds_examples(client.app)
    url = path
    for name in ("feedId", "feedDocumentId"):
        url = url.replace("{" + name + "}", str(params.get(name, "")))
    query = _query(
        {k: v for k, v in params.items() if k not in ("body", "feedId",
                                                        "feedDocumentId")}
    )  # fmt: skip
    kwargs = {"query_string": query}
    if "body" in params:
        kwargs["json"] = params["body"]
    response = client.call(method.upper(), url, **kwargs)
    assert response.status_code == status, response.body
    if status >= 400:
        assert response.body["errors"][0]["code"] == "InvalidInput"
        return
    if expected is None or path.endswith("/{feedId}") and method == "delete":
        assert response.data == b""
    elif "feeds" in expected:
        # the examples spell the same feed feedId1 (getFeed) and FeedId1 (getFeeds)
        def ids_lower(feeds):
            return [{**f, "feedId": f["feedId"].lower()} for f in feeds]

        assert ids_lower(response.body["feeds"]) == ids_lower(expected["feeds"])
    elif path.endswith("/{feedId}"):
        assert response.body == {**expected, "feedId": params["feedId"]}
    else:
        assert set(response.body) == set(expected)
        if "feedDocumentId" in params:
            assert response.body["feedDocumentId"] == expected["feedDocumentId"]
        if "url" in expected:
            assert response.body["url"].startswith("http://")


def test_fba_inventory_has_only_dynamic_examples():
    require_models()
    model = models.load_model(models.FBA_INVENTORY)
    path = model["paths"]["/fba/inventory/v1/summaries"]
    assert path["x-amzn-api-sandbox"] == {"dynamic": {}}
    assert not list(
        _examples(models.FBA_INVENTORY, "/fba/inventory/v1/summaries", "get")
    )


def test_every_feeds_and_inventory_status_validates(app, client):
    """Each answer kind of the new operations once; SpClient validates each."""
    require_models()
    from conftest import TSV, run_feed, upload_document

    inventory = {
        "granularityType": "Marketplace",
        "granularityId": DE,
        "marketplaceIds": DE,
    }
    assert client.get("/fba/inventory/v1/summaries", query_string=inventory)
    assert client.get("/fba/inventory/v1/summaries").status_code == 400
    document_id = upload_document(client, "order-id\n", TSV)
    feed, _data = run_feed(client, "POST_PRODUCT_DATA", "x", TSV)
    assert client.get(f"/feeds/2021-06-30/documents/{document_id}").status_code == 200
    assert client.get("/feeds/2021-06-30/documents/bad").status_code == 400
    assert client.get("/feeds/2021-06-30/feeds/99").status_code == 404
    assert (
        client.get(
            "/feeds/2021-06-30/feeds", query_string={"feedTypes": "POST_PRODUCT_DATA"}
        ).body["feeds"][0]["processingStatus"]
        == "FATAL"
    )
    assert client.delete(f"/feeds/2021-06-30/feeds/{feed['feedId']}").status_code == 400
    assert client.post("/feeds/2021-06-30/feeds", json={}).status_code == 400
    assert client.get("/feeds/2021-06-30/feeds", token="Atza|no").status_code == 403
    app.add_faults(
        [
            {"operation": "*", "status": 429, "count": 7},
            {"operation": "*", "status": 500, "count": 7},
            {"operation": "*", "status": 503, "count": 7},
        ]
    )
    for _ in range(3):
        assert client.post("/feeds/2021-06-30/documents", json={}).status_code >= 429
        assert client.post("/feeds/2021-06-30/feeds", json={}).status_code >= 429
        assert client.get("/feeds/2021-06-30/feeds").status_code >= 429
        assert client.get("/feeds/2021-06-30/feeds/1").status_code >= 429
        assert client.delete("/feeds/2021-06-30/feeds/1").status_code >= 429
        assert client.get("/feeds/2021-06-30/documents/x").status_code >= 429
        assert client.get("/fba/inventory/v1/summaries").status_code >= 429
