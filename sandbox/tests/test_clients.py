"""The sandbox's answers parse with real SP-API client libraries, over HTTP.

- python-amazon-sp-api 2.1.35 (``sp_api``), pointed at the sandbox as
  ``shared/docs/sp-api-brief.md`` section 12 explains: an ``AccessTokenClient``
  subclass with scheme ``http://`` and host ``127.0.0.1:PORT``, and
  ``client.endpoint`` set after construction. Its module-global token cache is
  cleared around each test.
- Amazon's SDK ``amzn-sp-api`` (``spapi``), with ``oauth_endpoint`` and
  ``endpoint`` pointing at the sandbox. It declares ``urllib3>=2.1`` and
  ``requests>=2.32.3``, which would replace Odoo's pins (and, installed with
  ``--no-deps``, leave ``pip check`` failing), so it lives outside
  site-packages: ``pip install --no-deps --target sandbox/.sdk
  amzn-sp-api==1.13.0`` (or ``$AMZN_SP_API_PATH``), put on ``sys.path`` by this
  test only. It works with urllib3 1.26 and requests 2.31.

python-amazon-sp-api is a requirement of the addon: its tests fail under ``CI``
when it is missing. The SDK test skips with the install command when the SDK is
missing (also under ``CI``: it is an optional, separately installed check).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest

from spapi_sandbox import serve
from spapi_sandbox.samples import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    FR,
    REFRESH_PII,
    SELLER_PII,
    sample_scenario,
)

SDK_PATH = Path(
    os.environ.get("AMZN_SP_API_PATH", Path(__file__).resolve().parents[1] / ".sdk")
)
ALL_DATA = ["BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PACKAGES", "TAX"]


def _import_or_skip(name: str, why: str):
    try:
        return pytest.importorskip(name, reason=why)
    except pytest.skip.Exception:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed ({why}); CI is set: not skipping")
        raise


@pytest.fixture
def sandbox():
    with serve(sample_scenario(12), frozen=True) as running:
        yield running


@pytest.fixture
def sp_api(sandbox):
    """python-amazon-sp-api objects wired to the sandbox."""
    _import_or_skip("sp_api", "pip install python-amazon-sp-api==2.1.35")
    from sp_api.auth import AccessTokenClient, access_token_client

    access_token_client.cache.clear()
    token_client = type(
        "SandboxTokenClient",
        (AccessTokenClient,),
        {"scheme": "http://", "host": sandbox.url.removeprefix("http://")},
    )
    yield token_client
    access_token_client.cache.clear()


def _sp_api_client(cls, token_client, sandbox, refresh=REFRESH_PII, **kwargs):
    from sp_api.base import Marketplaces

    client = cls(
        marketplace=Marketplaces.DE,
        credentials={
            "refresh_token": refresh,
            "lwa_app_id": CLIENT_ID,
            "lwa_client_secret": CLIENT_SECRET,
        },
        auth_token_client_class=token_client,
        **kwargs,
    )
    client.endpoint = sandbox.url
    return client


def test_python_amazon_sp_api_round_trip(sandbox, sp_api):
    from sp_api.api import Orders, Sellers
    from sp_api.base import SellingApiBadRequestException

    sellers = _sp_api_client(Sellers, sp_api, sandbox)
    participations = sellers.get_marketplace_participation()
    assert [p["marketplace"]["id"] for p in participations.payload][0] == DE
    assert participations.rate_limit == "0.016"

    orders = _sp_api_client(Orders, sp_api, sandbox, version="2026-01-01")
    seen, response, pages = [], None, 0
    while pages < 10:
        kwargs = {"paginationToken": response.next_token} if response else {}
        if not kwargs:
            kwargs = {
                "createdAfter": "2020-01-01T00:00:00Z",
                "maxResultsPerPage": 5,
                "includedData": ALL_DATA,
                "fulfillmentStatuses": ["UNSHIPPED", "PARTIALLY_SHIPPED"],
            }
        response = orders.search_orders(**kwargs)
        pages += 1
        seen += [order["orderId"] for order in response.payload["orders"]]
        if not response.next_token:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 12
    assert "createdBefore" in response.payload

    order = orders.get_order(seen[0], includedData=ALL_DATA).payload["order"]
    assert order["buyer"]["buyerName"]
    with pytest.raises(SellingApiBadRequestException) as error:
        orders.search_orders(createdAfter="2020-01-01", lastUpdatedAfter="2020-01-01")
    assert error.value.amzn_code == "InvalidInput"

    v0 = _sp_api_client(Orders, sp_api, sandbox)
    item = order["orderItems"][0]
    confirmed = v0.confirm_shipment(
        seen[0],
        marketplaceId=DE,
        packageDetail={
            "packageReferenceId": "1",
            "carrierCode": "DHL",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-11-01T09:00:00Z",
            "orderItems": [
                {
                    "orderItemId": item["orderItemId"],
                    "quantity": item["quantityOrdered"],
                }
            ],
        },
    )
    assert confirmed.payload == {"status_code": 204}
    stored = sandbox.app.order_state(seen[0])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"


def test_python_amazon_sp_api_throttle_and_auth_errors(sandbox, sp_api):
    from sp_api.api import Orders
    from sp_api.base import (
        SellingApiForbiddenException,
        SellingApiRequestThrottledException,
    )

    orders = _sp_api_client(Orders, sp_api, sandbox, version="2026-01-01")
    sandbox.app.add_faults({"operation": "searchOrders", "status": 429})
    with pytest.raises(SellingApiRequestThrottledException) as throttled:
        orders.search_orders(createdAfter="2020-01-01T00:00:00Z")
    assert throttled.value.amzn_code == "QuotaExceeded"
    sandbox.app.add_faults({"operation": "searchOrders", "status": 403})
    with pytest.raises(SellingApiForbiddenException) as forbidden:
        orders.search_orders(createdAfter="2020-01-01T00:00:00Z")
    assert "expired" in forbidden.value.message
    assert orders.search_orders(createdAfter="2020-01-01T00:00:00Z").payload["orders"]


def test_python_amazon_sp_api_lwa_error_is_json(sandbox, sp_api):
    from sp_api.api import Sellers
    from sp_api.auth.exceptions import AuthorizationError

    sellers = _sp_api_client(Sellers, sp_api, sandbox, refresh="Atzr|unknown")
    with pytest.raises(AuthorizationError) as error:
        sellers.get_marketplace_participation()
    assert error.value.error_code == "invalid_grant"


def _sdk_or_skip():
    if SDK_PATH.is_dir() and str(SDK_PATH) not in sys.path:
        sys.path.append(str(SDK_PATH))
    pytest.importorskip(
        "spapi",
        reason=f"Amazon's SDK is not installed: pip install --no-deps --target "
        f"{SDK_PATH} amzn-sp-api==1.13.0 (kept out of site-packages, see README)",
    )


def test_amzn_sp_api_sdk_round_trip(sandbox):
    _sdk_or_skip()
    from spapi import SPAPIClient, SPAPIConfig
    from spapi.api.orders_v0.orders_v0_api import OrdersV0Api
    from spapi.api.orders_v2026_01_01.get_order_api import GetOrderApi
    from spapi.api.orders_v2026_01_01.search_orders_api import SearchOrdersApi
    from spapi.api.sellers_v1.sellers_api import SellersApi
    from spapi.models.orders_v0 import (
        ConfirmShipmentOrderItem,
        ConfirmShipmentRequest,
        PackageDetail,
    )

    config = SPAPIConfig(CLIENT_ID, CLIENT_SECRET, REFRESH_PII, region="EU")
    client = SPAPIClient(
        config, oauth_endpoint=f"{sandbox.url}/auth/o2/token", endpoint=sandbox.url
    )
    participations = SellersApi(client.api_client).get_marketplace_participations()
    assert participations.payload[0].marketplace.id == DE

    search = SearchOrdersApi(client.api_client)
    first = search.search_orders(
        created_after=datetime(2020, 1, 1, tzinfo=timezone.utc),
        max_results_per_page=10,
        included_data=ALL_DATA,
        marketplace_ids=[DE],
    )
    assert len(first.orders) == 10 and first.pagination.next_token
    second = search.search_orders(pagination_token=first.pagination.next_token)
    assert len(second.orders) == 2 and first.created_before
    order_id = first.orders[0].order_id
    order = GetOrderApi(client.api_client).get_order(order_id, included_data=ALL_DATA)
    assert order.order.fulfillment.fulfillment_status == "UNSHIPPED"

    item = order.order.order_items[0]
    OrdersV0Api(client.api_client).confirm_shipment(
        order_id,
        ConfirmShipmentRequest(
            marketplace_id=DE,
            package_detail=PackageDetail(
                package_reference_id="1",
                carrier_code="DHL",
                tracking_number="00340434161094042557",
                ship_date=datetime(2026, 11, 1, 9, tzinfo=timezone.utc),
                order_items=[
                    ConfirmShipmentOrderItem(
                        order_item_id=item.order_item_id,
                        quantity=item.quantity_ordered,
                    )
                ],
            ),
        ),
    )
    packages = sandbox.app.order_state(order_id)["order"]["packages"]
    assert packages[0]["carrier"] == "DHL"


ACK = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
TSV = "text/tab-separated-values; charset=UTF-8"


def _ack_tsv(sandbox) -> tuple[str, str]:
    order_id = sandbox.app.state.orders_of(SELLER_PII)[0].order["orderId"]
    text = "order-id\tamazon-order-item-code\tcancellation-reason-code\n"
    return order_id, text + f"{order_id}\t\tNoInventory\n"


def _stock(sandbox, count: int) -> None:
    for index in range(count):
        sandbox.app.set_inventory(
            SELLER_PII,
            f"FBA-{index:03d}",
            fnSku=f"X00{index:07d}",
            asin=f"B0{index:08d}",
            productName=f"Product {index}",
            fulfillableQuantity=index,
        )


def test_python_amazon_sp_api_feeds_round_trip(sandbox, sp_api):
    from sp_api.api import Feeds

    feeds = _sp_api_client(Feeds, sp_api, sandbox)
    order_id, tsv = _ack_tsv(sandbox)
    document = feeds.create_feed_document(BytesIO(tsv.encode()), TSV)
    assert document.payload["url"].startswith(sandbox.url + "/_sandbox/uploads/")
    created = feeds.create_feed(ACK, document.payload["feedDocumentId"])
    feed_id = created.payload["feedId"]
    assert feeds.get_feed(feed_id).payload["processingStatus"] == "IN_QUEUE"
    sandbox.app.advance(60)
    feed = feeds.get_feed(feed_id).payload
    assert feed["processingStatus"] == "DONE" and feed["marketplaceIds"] == [DE]
    report = feeds.get_feed_document(feed["resultFeedDocumentId"])
    assert "<MessagesSuccessful>1</MessagesSuccessful>" in report
    stored = sandbox.app.order_state(order_id)["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"

    sandbox.app.feed_settings(gzip_results=True)  # the library gunzips
    listing = {
        "header": {"sellerId": SELLER_PII, "version": "2.0"},
        "messages": [{"messageId": 1, "sku": "SKU-1", "operationType": "PATCH",
                      "productType": "HOME", "patches": [
                          {"op": "replace",
                           "path": "/attributes/fulfillment_availability",
                           "value": [{"fulfillment_channel_code": "DEFAULT",
                                      "quantity": 4}]}]}],
    }  # fmt: skip
    _document, created = feeds.submit_feed(
        "JSON_LISTINGS_FEED",
        BytesIO(json.dumps(listing).encode()),
        "application/json; charset=UTF-8",
        marketplaceIds=[DE, FR],
    )
    sandbox.app.advance(60)
    result_id = feeds.get_feed(created.payload["feedId"]).payload[
        "resultFeedDocumentId"
    ]
    report = json.loads(feeds.get_feed_document(result_id))
    assert report["summary"]["messagesAccepted"] == 1
    assert {e["quantity"] for e in sandbox.app.listings(SELLER_PII, "SKU-1")} == {4}
    listed = feeds.get_feeds(feedTypes=[ACK, "JSON_LISTINGS_FEED"], pageSize=1)
    assert len(listed.payload["feeds"]) == 1 and listed.next_token
    rest = feeds.get_feeds(nextToken=listed.next_token)
    assert len(rest.payload["feeds"]) == 1


def test_python_amazon_sp_api_inventory_pages(sandbox, sp_api):
    from sp_api.api import Inventories

    _stock(sandbox, 60)
    inventories = _sp_api_client(Inventories, sp_api, sandbox)
    first = inventories.get_inventory_summary_marketplace(details=True)
    summaries = first.payload["inventorySummaries"]
    assert len(summaries) == 50 and "inventoryDetails" in summaries[0]
    assert first.next_token and first.rate_limit == "2"
    second = inventories.get_inventory_summary_marketplace(
        details=True, nextToken=first.next_token
    )
    assert len(second.payload["inventorySummaries"]) == 10
    assert second.next_token is None


def test_amzn_sp_api_sdk_feeds_and_inventory(sandbox):
    _sdk_or_skip()
    import urllib.request

    from spapi import SPAPIClient, SPAPIConfig
    from spapi.api.fba_inventory_v1.fba_inventory_api import FbaInventoryApi
    from spapi.api.feeds_v2021_06_30.feeds_api import FeedsApi
    from spapi.models.feeds_v2021_06_30 import (
        CreateFeedDocumentSpecification,
        CreateFeedSpecification,
    )

    config = SPAPIConfig(CLIENT_ID, CLIENT_SECRET, REFRESH_PII, region="EU")
    client = SPAPIClient(
        config, oauth_endpoint=f"{sandbox.url}/auth/o2/token", endpoint=sandbox.url
    )
    feeds = FeedsApi(client.api_client)
    order_id, tsv = _ack_tsv(sandbox)
    document = feeds.create_feed_document(
        CreateFeedDocumentSpecification(content_type=TSV)
    )
    upload = urllib.request.Request(
        document.url, data=tsv.encode(), method="PUT", headers={"Content-Type": TSV}
    )
    with urllib.request.urlopen(upload) as answer:
        assert answer.status == 200
    created = feeds.create_feed(
        CreateFeedSpecification(
            feed_type=ACK,
            marketplace_ids=[DE],
            input_feed_document_id=document.feed_document_id,
        )
    )
    sandbox.app.advance(60)
    feed = feeds.get_feed(created.feed_id)
    assert feed.processing_status == "DONE"
    result = feeds.get_feed_document(feed.result_feed_document_id)
    with urllib.request.urlopen(result.url) as answer:
        assert b"<MessagesWithError>0</MessagesWithError>" in answer.read()
    stored = sandbox.app.order_state(order_id)["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"

    _stock(sandbox, 3)
    inventory = FbaInventoryApi(client.api_client).get_inventory_summaries(
        "Marketplace", DE, [DE], details=True
    )
    assert [s.seller_sku for s in inventory.payload.inventory_summaries] == [
        "FBA-000",
        "FBA-001",
        "FBA-002",
    ]
    assert inventory.payload.inventory_summaries[2].total_quantity == 2
