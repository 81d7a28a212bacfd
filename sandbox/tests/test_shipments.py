"""confirmShipment: the happy path, partial shipments, edits and every rejection.

Sample order items: item 0 has quantity 2, item 1 quantity 1 (FBM, UNSHIPPED,
marketplace DE). The clock is frozen at 2026-11-01T12:00:00Z.
"""

from __future__ import annotations

import pytest

from spapi_sandbox.samples import DE, FR

AFTER = "2020-01-01T00:00:00Z"


@pytest.fixture
def order(client):
    return client.search(createdAfter=AFTER, includedData="FULFILLMENT").body[
        "orders"
    ][0]  # fmt: skip


def _confirm(client, order_id, lines, reference="PKG-1", **package):
    marketplace = package.pop("marketplaceId", DE)
    detail = {
        "packageReferenceId": reference,
        "carrierCode": "DHL",
        "trackingNumber": "00340434161094042557",
        "shipDate": "2026-11-01T09:30:00+01:00",
        "orderItems": [{"orderItemId": i, "quantity": q} for i, q in lines],
        **package,
    }
    return client.post(
        f"/orders/v0/orders/{order_id}/shipmentConfirmation",
        json={"marketplaceId": marketplace, "packageDetail": detail},
    )


def _items(order):
    return [item["orderItemId"] for item in order["orderItems"]]


def _stored(app, order_id):
    return app.order_state(order_id)["order"]


def test_full_shipment_in_one_package(app, client, order):
    first, second = _items(order)
    response = _confirm(client, order["orderId"], [(first, 2), (second, 1)])
    assert response.status_code == 204 and response.data == b""
    assert response.headers["x-amzn-RateLimit-Limit"] == "2"
    stored = _stored(app, order["orderId"])
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert stored["lastUpdatedTime"] == "2026-11-01T12:00:00Z"
    [package] = stored["packages"]
    assert package["carrier"] == "DHL"
    assert package["shipTime"] == "2026-11-01T08:30:00Z"
    assert package["packageStatus"] == {"status": "SHIPPED"}
    assert [i["fulfillment"]["quantityUnfulfilled"] for i in stored["orderItems"]] == [
        0,
        0,
    ]
    # the change is visible to an incremental sync
    app.advance(180)
    client.token = app.issue_access_token(client.seller_id)
    changed = client.search(
        lastUpdatedAfter="2026-11-01T11:59:00Z", includedData="PACKAGES,FULFILLMENT"
    ).body["orders"]
    assert [o["orderId"] for o in changed] == [order["orderId"]]
    assert changed[0]["packages"][0]["trackingNumber"] == "00340434161094042557"


def test_partial_shipments_then_complete(app, client, order):
    first, second = _items(order)
    assert _confirm(client, order["orderId"], [(first, 1)]).status_code == 204
    stored = _stored(app, order["orderId"])
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    item = stored["orderItems"][0]["fulfillment"]
    assert (item["quantityFulfilled"], item["quantityUnfulfilled"]) == (1, 1)
    response = _confirm(client, order["orderId"], [(first, 1), (second, 1)], "PKG-2")
    assert response.status_code == 204
    stored = _stored(app, order["orderId"])
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert len(stored["packages"]) == 2


def test_same_reference_edits_the_package(app, client, order):
    first, second = _items(order)
    assert _confirm(client, order["orderId"], [(first, 2), (second, 1)]).status_code
    edited = _confirm(
        client, order["orderId"], [(first, 1)], trackingNumber="NEW-TRACKING"
    )
    assert edited.status_code == 204
    stored = _stored(app, order["orderId"])
    [package] = stored["packages"]
    assert package["trackingNumber"] == "NEW-TRACKING"
    assert package["packageItems"] == [{"orderItemId": first, "quantity": 1}]
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    # once fully shipped, a new reference is refused but an edit is accepted
    full = [(first, 2), (second, 1)]
    assert _confirm(client, order["orderId"], full).status_code == 204
    refused = _confirm(client, order["orderId"], [(first, 1)], "PKG-2")
    assert "is SHIPPED" in refused.body["errors"][0]["details"]
    assert _confirm(client, order["orderId"], full, carrierCode="UPS").status_code
    assert _stored(app, order["orderId"])["packages"][0]["carrier"] == "UPS"


def test_over_quantity_is_refused(app, client, order):
    first, _second = _items(order)
    over = _confirm(client, order["orderId"], [(first, 3)])
    assert over.status_code == 400
    assert "exceeds the unshipped quantity 2" in over.body["errors"][0]["details"]
    assert _confirm(client, order["orderId"], [(first, 2)]).status_code == 204
    again = _confirm(client, order["orderId"], [(first, 1)], "PKG-2")
    assert "unshipped quantity 0" in again.body["errors"][0]["details"]
    assert _stored(app, order["orderId"])["packages"][0]["packageItems"][0][
        "quantity"
    ] == 2  # fmt: skip


@pytest.mark.parametrize(
    "package,fragment",
    [
        ({"carrierCode": "Fedex"}, "Invalid carrierCode 'Fedex'"),
        ({"carrierCode": "Other"}, "carrierName is required"),
        ({"carrierCode": "Other", "carrierName": " "}, "carrierName is required"),
        ({"shipDate": "02/21/2022"}, "shipDate"),
        ({"trackingNumber": ""}, "trackingNumber is required"),
        ({"marketplaceId": FR}, "not the order's marketplace"),
    ],
)
def test_package_rules(client, order, package, fragment):
    first, _second = _items(order)
    response = _confirm(client, order["orderId"], [(first, 1)], **package)
    assert response.status_code == 400
    [error] = response.body["errors"]
    assert error["code"] == "InvalidInput" and fragment in error["details"]


def test_other_carrier_with_name_is_recorded(app, client, order):
    first, _second = _items(order)
    response = _confirm(
        client,
        order["orderId"],
        [(first, 1)],
        carrierCode="Other",
        carrierName="Kuehne",
    )
    assert response.status_code == 204
    assert _stored(app, order["orderId"])["packages"][0]["carrier"] == "Kuehne"


def test_body_and_item_rules(app, client, order):
    first, _second = _items(order)
    path = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    for body, fragment in [
        ("not json", "not valid JSON"),
        ({"packageDetail": {}}, "marketplaceId is required"),
        ({"marketplaceId": DE}, "packageDetail is required"),
    ]:
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        response = client.post(path, **kwargs)
        assert response.status_code == 400
        assert fragment in response.body["errors"][0]["details"]
    for lines, fragment in [
        ([], "non-empty list"),
        ([("00000000000999", 1)], "is not in order"),
        ([(first, 0)], "integer >= 1"),
        ([(first, 1), (first, 1)], "listed twice"),
    ]:
        response = _confirm(client, order["orderId"], lines)
        assert fragment in response.body["errors"][0]["details"]


def test_order_state_rules(app, client, order):
    first, second = _items(order)
    stored = _stored(app, order["orderId"])
    stored["fulfillment"]["fulfilledBy"] = "AMAZON"
    assert "fulfilled by Amazon" in _confirm(
        client, order["orderId"], [(first, 1)]
    ).body["errors"][0]["details"]  # fmt: skip
    stored["fulfillment"]["fulfilledBy"] = "MERCHANT"
    stored["fulfillment"]["fulfillmentStatus"] = "PENDING"
    assert "is PENDING" in _confirm(client, order["orderId"], [(first, 1)]).body[
        "errors"][0]["details"]  # fmt: skip
    stored["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
    stored["orderItems"][1]["cancellation"] = {
        "cancellationExecution": {"cancelledBy": "BUYER"}
    }
    assert "is cancelled" in _confirm(client, order["orderId"], [(second, 1)]).body[
        "errors"][0]["details"]  # fmt: skip
    stored["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
    assert "is CANCELLED" in _confirm(client, order["orderId"], [(first, 1)]).body[
        "errors"][0]["details"]  # fmt: skip
    unknown = _confirm(client, "999-9999999-9999999", [(first, 1)])
    assert unknown.status_code == 404
