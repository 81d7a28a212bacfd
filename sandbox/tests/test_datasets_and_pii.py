"""includedData datasets and PII stripping for sellers without the PII role."""

from __future__ import annotations

import pytest
from conftest import SpClient

from spapi_sandbox import SandboxApp
from spapi_sandbox.samples import SELLER_PII, SELLER_PLAIN, sample_scenario

AFTER = "2020-01-01T00:00:00Z"
BASE_ORDER_KEYS = {
    "orderId",
    "createdTime",
    "lastUpdatedTime",
    "programs",
    "associatedOrders",
    "salesChannel",
    "orderItems",
}
BASE_ITEM_KEYS = {"orderItemId", "quantityOrdered", "programs", "product"}


def _scenario_with_plain_orders():
    scenario = sample_scenario(4)
    for entry in scenario["orders"][2:]:
        entry["sellerId"] = SELLER_PLAIN
    return scenario


@pytest.fixture
def app():
    return SandboxApp(_scenario_with_plain_orders(), frozen=True, rate_limits=False)


def _first(client, included: str = "") -> dict:
    query = {"createdAfter": AFTER}
    if included:
        query["includedData"] = included
    return client.search(**query).body["orders"][0]


def test_without_included_data_only_the_base_fields(app):
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    order = _first(client)
    assert set(order) == BASE_ORDER_KEYS
    assert {key for item in order["orderItems"] for key in item} == BASE_ITEM_KEYS


@pytest.mark.parametrize(
    "dataset,order_keys,item_keys",
    [
        ("BUYER", {"buyer"}, set()),
        ("RECIPIENT", {"recipient"}, set()),
        ("PROCEEDS", {"proceeds"}, {"proceeds"}),
        ("EXPENSE", set(), {"expense"}),
        ("PROMOTION", set(), {"promotion"}),
        ("CANCELLATION", set(), {"cancellation"}),
        ("FULFILLMENT", {"fulfillment"}, {"fulfillment"}),
        ("PACKAGES", {"packages"}, set()),
        ("TAX", set(), {"tax"}),
    ],
)
def test_each_dataset_only_when_asked(app, dataset, order_keys, item_keys):
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    order = _first(client, dataset)
    assert set(order) == BASE_ORDER_KEYS | order_keys
    for item in order["orderItems"]:
        assert set(item) == BASE_ITEM_KEYS | item_keys
    by_id = client.get(
        f"/orders/2026-01-01/orders/{order['orderId']}",
        query_string={"includedData": dataset},
    ).body["order"]
    assert by_id == order


def test_pii_seller_sees_names_and_street(app):
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    order = _first(client, "BUYER,RECIPIENT")
    assert order["buyer"]["buyerName"] and order["buyer"]["buyerEmail"]
    address = order["recipient"]["deliveryAddress"]
    assert address["name"] and address["addressLine1"] and address["phone"]


def test_seller_without_pii_role_gets_stripped_buyer_and_address(app):
    client = SpClient(app, app.issue_access_token(SELLER_PLAIN))
    orders = client.search(createdAfter=AFTER, includedData="BUYER,RECIPIENT").body[
        "orders"
    ]  # fmt: skip
    assert len(orders) == 2
    for order in orders:
        assert order["buyer"] == {"buyerCompanyName": "Buyer GmbH"}
        assert order["recipient"]["deliveryAddress"] == {
            "city": "Berlin",
            "stateOrRegion": "BE",
            "postalCode": "10115",
            "countryCode": "DE",
            "addressType": "RESIDENTIAL",
        }
    single = client.get(
        f"/orders/2026-01-01/orders/{orders[0]['orderId']}",
        query_string={"includedData": "BUYER,RECIPIENT"},
    ).body["order"]
    assert single == orders[0]
    # the stored order keeps everything
    stored = app.order_state(orders[0]["orderId"])["order"]
    assert stored["buyer"]["buyerName"]
