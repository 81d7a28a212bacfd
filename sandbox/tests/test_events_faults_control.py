"""Timed scenario events, injected faults, the scenario loader, the HTTP control
API, the threaded server, the pytest fixture and the CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import SpClient
from werkzeug.test import Client

from spapi_sandbox import SandboxApp, ScenarioError, parse_scenario, serve
from spapi_sandbox.__main__ import bench_page
from spapi_sandbox.clock import parse_datetime
from spapi_sandbox.faults import FaultError, parse_fault
from spapi_sandbox.samples import SELLER_PII, sample_order, sample_scenario

AFTER = "2020-01-01T00:00:00Z"


def _order_ids(scenario):
    return [entry["order"]["orderId"] for entry in scenario["orders"]]


def _items(scenario, index):
    return [i["orderItemId"] for i in scenario["orders"][index]["order"]["orderItems"]]


def _event_scenario():
    scenario = sample_scenario(6)
    ids = _order_ids(scenario)
    replacement = sample_order(900, parse_datetime("2026-11-01T12:30:00Z"))
    scenario["events"] = [
        {"at": "2026-11-01T12:10:00Z", "orderId": ids[0], "type": "status_change",
         "fulfillmentStatus": "PENDING"},
        {"at": "2026-11-01T12:20:00Z", "orderId": ids[1],
         "type": "buyer_cancellation_request", "orderItemId": _items(scenario, 1)[0],
         "cancelReason": "Ordered by mistake"},
        {"at": "2026-11-01T12:30:00Z", "orderId": ids[2], "type": "item_cancellation",
         "orderItemId": _items(scenario, 2)[1]},
        {"at": "2026-11-01T12:40:00Z", "orderId": ids[3], "type": "order_cancellation"},
        {"at": "2026-11-01T12:50:00Z", "orderId": ids[4], "type": "package_shipped",
         "package": {"packageReferenceId": "SC-1", "carrier": "GLS",
                     "trackingNumber": "GLS123",
                     "packageItems": [{"orderItemId": _items(scenario, 4)[0],
                                       "quantity": 2}]}},
        {"at": "2026-11-01T13:00:00Z", "orderId": ids[5], "type": "replacement_order",
         "order": replacement},
    ]  # fmt: skip
    return scenario


def test_events_apply_as_the_clock_passes_them():
    scenario = _event_scenario()
    ids = _order_ids(scenario)
    app = SandboxApp(scenario, frozen=True, rate_limits=False)

    def stored(order_id):
        return app.order_state(order_id)["order"]

    assert stored(ids[0])["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    app.advance(600)
    assert stored(ids[0])["fulfillment"]["fulfillmentStatus"] == "PENDING"
    assert stored(ids[0])["lastUpdatedTime"] == "2026-11-01T12:10:00Z"
    assert stored(ids[1])["orderItems"][0]["cancellation"] == {}
    app.advance(3000)  # 13:00, every event is due

    request = stored(ids[1])["orderItems"][0]["cancellation"]["cancellationRequest"]
    assert request == {"requester": "BUYER", "cancelReason": "Ordered by mistake"}

    partly = stored(ids[2])
    cancelled_item = partly["orderItems"][1]
    assert cancelled_item["cancellation"]["cancellationExecution"]
    assert cancelled_item["proceeds"]["proceedsTotal"]["amount"] == "0.00"
    kept = partly["orderItems"][0]["proceeds"]["proceedsTotal"]["amount"]
    assert partly["proceeds"]["grandTotal"]["amount"] == kept
    totals = {
        b["type"]: b["subtotal"]["amount"] for b in partly["proceeds"]["breakdowns"]
    }
    assert totals == {"ITEM": "20.00", "SHIPPING": "4.90", "TAX": "4.73"}
    assert partly["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"

    whole = stored(ids[3])
    assert whole["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert all(i["cancellation"]["cancellationExecution"] for i in whole["orderItems"])
    assert whole["proceeds"]["grandTotal"]["amount"] == "0.00"

    shipped = stored(ids[4])
    assert shipped["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert shipped["packages"][0]["carrier"] == "GLS"
    assert shipped["orderItems"][0]["fulfillment"]["quantityUnfulfilled"] == 0

    replacement = stored(scenario["events"][-1]["order"]["orderId"])
    assert replacement["associatedOrders"] == [
        {"orderId": ids[5], "associationType": "REPLACEMENT_ORIGINAL_ID"}
    ]
    # an incremental sync sees exactly the changed orders (after the 2-minute lag)
    app.advance(180)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    changed = client.search(lastUpdatedAfter="2026-11-01T12:05:00Z").body["orders"]
    assert len(changed) == 6 and ids[5] not in {o["orderId"] for o in changed}


def test_scenario_loader_reports_every_problem():
    scenario = sample_scenario(2)
    broken = copy.deepcopy(scenario)
    broken["format"] = "other"
    broken["sellers"][0]["marketplaceIds"] = ["XX"]
    broken["sellers"][1]["clientId"] = "nobody"
    del broken["orders"][0]["order"]["salesChannel"]
    broken["orders"][1]["order"]["createdTime"] = "yesterday"
    broken["events"] = [{"at": "soon", "orderId": "none", "type": "explode"}]
    broken["faults"] = [{"operation": "searchOrders", "status": 418}]
    with pytest.raises(ScenarioError) as error:
        parse_scenario(broken)
    text = "\n".join(error.value.problems)
    for fragment in (
        "'format'",
        "unknown marketplace 'XX'",
        "unknown application 'nobody'",
        "'salesChannel' is a required property",
        "createdTime",
        "'at' must be",
        "'type' must be",
        "faults[0]",
    ):
        assert fragment in text
    assert parse_scenario(scenario).name == "sample-2"


def test_fault_descriptions_are_checked():
    assert parse_fault({"operation": "getOrder", "status": 500}).kind == "status"
    assert parse_fault({"operation": "searchOrders", "page": 2}).status == 500
    for spec in (
        {"status": 429},
        {"operation": "getOrder", "kind": "timeout", "seconds": 31},
        {"operation": "getOrder", "kind": "repeat_page"},
        {"operation": "getOrder", "status": 429, "count": 0},
        {"operation": "getOrder", "kind": "nonsense"},
    ):
        with pytest.raises(FaultError):
            parse_fault(spec)


def test_status_faults_count_skip_and_log(app, client):
    app.add_faults(
        [
            {"operation": "getMarketplaceParticipations", "status": 500, "skip": 1},
            {"operation": "*", "status": 403, "count": 2},
        ]
    )
    path = "/sellers/v1/marketplaceParticipations"
    statuses = [client.get(path).status_code for _ in range(5)]
    # the first call passes the 500 fault by (skip) and meets the 403 one
    assert statuses == [403, 500, 403, 200, 200]
    assert client.get(path).status_code == 200
    log = app.call_log()
    assert log["counts"]["getMarketplaceParticipations"] == 6
    assert app.faults.pending() == []


def test_lwa_faults_answer_oauth_errors(app):
    app.add_faults({"operation": "lwaToken", "status": 503})
    response = Client(app).post("/auth/o2/token", data={"grant_type": "x"})
    assert response.status_code == 503
    assert response.get_json()["error"] == "temporarily_unavailable"
    assert app.call_log()["counts"] == {"lwaToken": 1}


def test_timeout_fault_holds_the_answer_then_handles_it():
    waits = []
    app = SandboxApp(sample_scenario(3), frozen=True, sleep=waits.append)
    app.add_faults({"operation": "searchOrders", "kind": "timeout", "seconds": 5})
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    assert client.search(createdAfter=AFTER).status_code == 200
    assert waits == [5.5]


def test_malformed_fault_cuts_the_body(app, client):
    app.add_faults({"operation": "searchOrders", "kind": "malformed"})
    response = client.http.get(
        "/orders/2026-01-01/orders",
        query_string={"createdAfter": AFTER},
        headers={"x-amz-access-token": client.token},
    )
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.data)
    assert client.search(createdAfter=AFTER).status_code == 200


def _control(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_control_api_over_http():
    with serve(frozen=True) as sandbox:
        url = sandbox.url
        status, body = _control(url, "POST", "/_sandbox/seed", _event_scenario())
        assert status == 200 and body["orders"] == 6
        assert body["clock"]["now"] == "2026-11-01T12:00:00Z"
        assert _control(url, "POST", "/_sandbox/seed", {"format": "x"})[0] == 400
        status, clock = _control(url, "POST", "/_sandbox/clock", {"advance": 600})
        assert clock["now"] == "2026-11-01T12:10:00Z" and clock["frozen"]
        assert _control(url, "GET", "/_sandbox/clock")[1] == clock
        _control(url, "POST", "/_sandbox/clock", {"set": "2026-11-01T12:30:00Z"})
        _control(url, "POST", "/_sandbox/clock", {"speed": 5, "freeze": True})
        assert _control(url, "GET", "/_sandbox/clock")[1]["speed"] == 5
        assert _control(url, "POST", "/_sandbox/clock", {"jump": 1})[0] == 400
        first = _order_ids(_event_scenario())[0]
        status, order = _control(url, "GET", f"/_sandbox/orders/{first}")
        assert order["order"]["fulfillment"]["fulfillmentStatus"] == "PENDING"
        assert _control(url, "GET", "/_sandbox/orders/000-0000000-0000000")[0] == 404

        fault = {"operation": "getMarketplaceParticipations", "status": 503}
        status, faults = _control(url, "POST", "/_sandbox/faults", fault)
        assert faults["faults"] == [{**fault, "kind": "status", "count": 1, "skip": 0}]
        assert _control(url, "POST", "/_sandbox/faults", {"operation": "x"})[0] == 400
        token = sandbox.app.issue_access_token(SELLER_PII)
        sellers = urllib.request.Request(
            url + "/sellers/v1/marketplaceParticipations",
            headers={"x-amz-access-token": token, "host": "27.0.0.1:1"},
        )
        with pytest.raises(urllib.error.HTTPError) as unavailable:
            urllib.request.urlopen(sellers, timeout=10)
        assert unavailable.value.code == 503
        assert unavailable.value.headers["x-amzn-RequestId"]
        with urllib.request.urlopen(sellers, timeout=10) as response:
            assert response.status == 200  # a broken Host header is not checked
        _control(url, "POST", "/_sandbox/faults", fault)
        assert _control(url, "DELETE", "/_sandbox/faults")[1] == {"faults": []}
        calls = _control(url, "GET", "/_sandbox/calls")[1]
        assert calls["counts"] == {"getMarketplaceParticipations": 2}
        assert [c["status"] for c in calls["calls"]] == [503, 200]
        assert _control(url, "DELETE", "/_sandbox/calls")[1]["calls"] == []

        status, limits = _control(
            url, "POST", "/_sandbox/ratelimits", {"enabled": False}
        )
        assert limits == {"enabled": False} and not sandbox.app.limiter.enabled
        assert _control(url, "POST", "/_sandbox/ratelimits", {})[0] == 400
        status, reset = _control(url, "POST", "/_sandbox/reset", {})
        assert reset["clock"]["now"] == "2026-11-01T12:00:00Z"
        _, order = _control(url, "GET", f"/_sandbox/orders/{first}")
        assert order["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        _control(url, "POST", "/_sandbox/reset", {"empty": True})
        assert _control(url, "GET", f"/_sandbox/orders/{first}")[0] == 404


@pytest.mark.spapi_scenario(sample_scenario(3))
def test_pytest_fixture_serves_a_seeded_sandbox(spapi_sandbox):
    assert spapi_sandbox.url.startswith("http://127.0.0.1:")
    assert spapi_sandbox.app.clock.frozen
    assert len(spapi_sandbox.app.state.orders_of(SELLER_PII)) == 3


def test_cli_help_and_bench_page():
    result = subprocess.run(
        [sys.executable, "-m", "spapi_sandbox", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "--no-rate-limits" in result.stdout and "--speed" in result.stdout
    assert bench_page(orders=200, page_size=100, repeat=3) > 0
