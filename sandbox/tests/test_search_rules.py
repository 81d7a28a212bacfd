"""searchOrders / getOrder request rules, filters, and LWA / access-token rules.

Every broken rule answers 400 with Amazon's body
``{"errors":[{"code":"InvalidInput","message":<Amazon's generic text>,"details":..}]}``.
The clock is frozen at 2026-11-01T12:00:00Z; sample orders were created
between 2026-10-31T18:50Z and 10:59Z on 2026-11-01, one per minute.
"""

from __future__ import annotations

import pytest
from conftest import SpClient, lwa_token
from werkzeug.test import Client

from spapi_sandbox.errors import INVALID_INPUT_MESSAGE
from spapi_sandbox.samples import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    FR,
    REFRESH_PLAIN,
    SELLER_PLAIN,
)

AFTER = "2020-01-01T00:00:00Z"


def _assert_invalid(response, fragment: str) -> None:
    assert response.status_code == 400, response.body
    [error] = response.body["errors"]
    assert error["code"] == "InvalidInput"
    assert error["message"] == INVALID_INPUT_MESSAGE
    assert fragment in error["details"]
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0056"


@pytest.mark.parametrize(
    "query,fragment",
    [
        ({}, "Exactly one of createdAfter and lastUpdatedAfter"),
        ({"createdAfter": AFTER, "lastUpdatedAfter": AFTER}, "Exactly one"),
        ({"createdBefore": "2026-11-01T00:00:00Z"}, "Exactly one"),
        ({"createdAfter": AFTER, "lastUpdatedBefore": "2026-11-01T00:00:00Z"},
         "cannot be combined"),
        ({"lastUpdatedAfter": AFTER, "createdBefore": "2026-11-01T00:00:00Z"},
         "cannot be combined"),
        ({"createdAfter": "2026-11-01T11:59:00Z"}, "at least 2 minutes before"),
        ({"createdAfter": AFTER, "createdBefore": "2026-11-01T11:58:01Z"},
         "createdBefore must be at least 2 minutes"),
        ({"lastUpdatedAfter": "2026-10-01T00:00:00Z",
          "lastUpdatedBefore": "2026-09-01T00:00:00Z"}, "equal to or after"),
        ({"createdAfter": "01/11/2026"}, "ISO 8601"),
        ({"createdAfter": AFTER, "maxResultsPerPage": "0"}, "1 to 100"),
        ({"createdAfter": AFTER, "maxResultsPerPage": "101"}, "1 to 100"),
        ({"createdAfter": AFTER, "maxResultsPerPage": "ten"}, "1 to 100"),
        ({"createdAfter": AFTER, "fulfillmentStatuses": "UNSHIPPED,Shipped"},
         "Invalid fulfillmentStatuses value(s) Shipped"),
        ({"createdAfter": AFTER, "fulfilledBy": "AFN"}, "Invalid fulfilledBy"),
        ({"createdAfter": AFTER, "includedData": "BUYER,ADDRESS"},
         "Invalid includedData value(s) ADDRESS"),
        ({"createdAfter": AFTER, "marketplaceIds": "ATVPDKIKX0DER"},
         "does not participate"),
        ({"paginationToken": "bm90LWEtdG9rZW4.0123"}, "Invalid paginationToken"),
    ],
)  # fmt: skip
def test_each_search_rule_answers_amazons_400(client, query, fragment):
    _assert_invalid(client.search(**query), fragment)


def test_before_bound_exactly_two_minutes_ago_and_echo(client):
    ok = client.search(createdAfter=AFTER, createdBefore="2026-11-01T11:58:00Z")
    assert ok.status_code == 200
    assert ok.body["createdBefore"] == "2026-11-01T11:58:00Z"
    default = client.search(lastUpdatedAfter=AFTER)
    assert default.body["lastUpdatedBefore"] == "2026-11-01T11:58:00Z"
    assert "createdBefore" not in default.body


def test_date_bounds_filter_inclusively(client):
    every = client.search(createdAfter=AFTER).body["orders"]
    assert len(every) == 10
    third = every[3]["createdTime"]
    window = client.search(createdAfter=third, createdBefore=third).body["orders"]
    assert [o["orderId"] for o in window] == [every[3]["orderId"]]
    later = client.search(lastUpdatedAfter=third).body["orders"]
    assert [o["orderId"] for o in later] == [o["orderId"] for o in every[3:]]


def test_status_channel_and_marketplace_filters(app, client):
    orders = client.search(createdAfter=AFTER).body["orders"]
    app.state.order(orders[0]["orderId"]).order["fulfillment"]["fulfilledBy"] = "AMAZON"
    app.state.order(orders[1]["orderId"]).order["fulfillment"]["fulfillmentStatus"] = (
        "SHIPPED"
    )
    app.state.order(orders[2]["orderId"]).order["salesChannel"]["marketplaceId"] = FR

    def ids(**query):
        return [o["orderId"] for o in client.search(createdAfter=AFTER, **query).body[
            "orders"]]  # fmt: skip

    assert ids(fulfilledBy="AMAZON") == [orders[0]["orderId"]]
    assert len(ids(fulfilledBy="MERCHANT,AMAZON")) == 10
    assert ids(fulfillmentStatuses="SHIPPED") == [orders[1]["orderId"]]
    assert ids(marketplaceIds=FR) == [orders[2]["orderId"]]
    assert len(ids(marketplaceIds=f"{DE},{FR}")) == 10
    # repeated parameters and python-amazon-sp-api's stray keys are accepted
    repeated = client.get(
        "/orders/2026-01-01/orders",
        query_string=[
            ("createdAfter", AFTER),
            ("fulfillmentStatuses", "SHIPPED"),
            ("fulfillmentStatuses", "UNSHIPPED"),
            ("MarketplaceId", DE),
            ("MarketplaceIds", DE),
            ("marketplace_ids", DE),
            ("marketplaceIds", DE),
        ],
    )
    assert repeated.status_code == 200 and len(repeated.body["orders"]) == 9


def test_orders_created_in_the_future_are_invisible(app, client):
    order = client.search(createdAfter=AFTER).body["orders"][-1]
    record = app.state.order(order["orderId"])
    record.order["createdTime"] = record.order["lastUpdatedTime"] = (
        "2026-11-01T13:00:00Z"
    )
    record.refresh()
    assert len(client.search(createdAfter=AFTER).body["orders"]) == 9
    path = f"/orders/2026-01-01/orders/{order['orderId']}"
    assert client.get(path).status_code == 404
    app.advance(3600 + 120)
    client.token = app.issue_access_token(client.seller_id)
    assert client.get(path).status_code == 200
    assert len(client.search(createdAfter=AFTER).body["orders"]) == 10


def test_get_order_rules(app, client):
    first = client.search(createdAfter=AFTER).body["orders"][0]["orderId"]
    missing = client.get("/orders/2026-01-01/orders/999-9999999-9999999")
    assert missing.status_code == 404
    assert missing.body["errors"][0]["code"] == "NotFound"
    _assert_get_invalid(client.get("/orders/2026-01-01/orders/TEST_CASE_400"))
    _assert_get_invalid(
        client.get(f"/orders/2026-01-01/orders/{first}", query_string="includedData=X")
    )
    other = SpClient(app, app.issue_access_token(SELLER_PLAIN))
    assert other.get(f"/orders/2026-01-01/orders/{first}").status_code == 404
    assert other.search(createdAfter=AFTER).body["orders"] == []


def _assert_get_invalid(response):
    assert response.status_code == 400
    assert response.body["errors"][0]["code"] == "InvalidInput"


def _token_call(app, **form):
    response = Client(app).post("/auth/o2/token", data=form)
    assert response.headers["x-amzn-RequestId"]
    assert response.content_type == "application/json"
    return response.status_code, response.get_json()


def test_lwa_grants_and_errors(app):
    good = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    status, body = _token_call(
        app, grant_type="refresh_token", refresh_token=REFRESH_PLAIN, **good
    )
    assert status == 200 and body["token_type"] == "bearer"
    assert body["expires_in"] == 3600 and body["access_token"].startswith("Atza|")
    assert body["refresh_token"] == REFRESH_PLAIN
    status, body = _token_call(
        app,
        grant_type="client_credentials",
        scope="sellingpartnerapi::notifications",
        **good,
    )
    assert status == 200 and "refresh_token" not in body
    grantless = SpClient(app, body["access_token"])
    denied = grantless.get("/sellers/v1/marketplaceParticipations")
    assert denied.status_code == 403
    for form, error in [
        ({**good, "grant_type": "refresh_token", "refresh_token": "Atzr|x"},
         "invalid_grant"),
        ({**good, "client_secret": "wrong", "grant_type": "refresh_token",
          "refresh_token": REFRESH_PLAIN}, "invalid_grant"),
        ({**good, "client_id": "amzn1.other", "grant_type": "refresh_token",
          "refresh_token": REFRESH_PLAIN}, "invalid_grant"),
        ({**good, "grant_type": "client_credentials", "scope": "nope"},
         "invalid_scope"),
        ({**good, "grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
    ]:  # fmt: skip
        status, body = _token_call(app, **form)
        assert status == 400 and body["error"] == error and body["error_description"]


def test_access_token_rules(app):
    client = SpClient(app)
    missing = client.get("/sellers/v1/marketplaceParticipations")
    assert missing.status_code == 403
    assert missing.body["errors"][0]["code"] == "Unauthorized"
    assert "revoked, malformed or invalid" in missing.body["errors"][0]["message"]
    assert "x-amzn-RateLimit-Limit" not in missing.headers
    token = lwa_token(app, REFRESH_PLAIN)
    assert client.get("/sellers/v1/marketplaceParticipations", token=token).body[
        "payload"
    ][0]["storeName"] == "Seller without PII role"  # fmt: skip


def test_unknown_paths_and_methods_answer_json(client):
    assert client.http.get("/orders/v0/nothing").get_json()["errors"]
    wrong = client.http.delete("/orders/2026-01-01/orders")
    assert wrong.status_code == 405 and wrong.get_json()["errors"]
