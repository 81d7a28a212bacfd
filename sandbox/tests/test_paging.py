"""searchOrders pagination: completeness, token rules, changes between pages,
and the paging faults (repeated page, error on page k)."""

from __future__ import annotations

import pytest
from conftest import SpClient

from spapi_sandbox import SandboxApp
from spapi_sandbox.samples import SELLER_PII, SELLER_PLAIN, sample_scenario

AFTER = "2020-01-01T00:00:00Z"
MAX_PAGES = 50


def _all_pages(client, **query):
    """Follow nextToken from a first query; return (orderIds, responses)."""
    seen, responses = [], []
    response = client.search(**query)
    for _ in range(MAX_PAGES):
        assert response.status_code == 200, response.body
        responses.append(response)
        seen += [order["orderId"] for order in response.body["orders"]]
        token = response.body.get("pagination", {}).get("nextToken")
        if not token:
            break
        response = client.search(paginationToken=token)
    return seen, responses


@pytest.fixture(scope="module")
def big_app():
    app = SandboxApp(sample_scenario(1000), frozen=True, validate_orders=False)
    app.set_rate_limits(False)
    return app


def test_thousand_orders_each_exactly_once(big_app):
    client = SpClient(big_app, big_app.issue_access_token(SELLER_PII))
    seen, responses = _all_pages(client, createdAfter=AFTER, maxResultsPerPage="100")
    assert len(responses) == 10
    assert all(len(r.body["orders"]) == 100 for r in responses)
    assert len(seen) == len(set(seen)) == 1000
    assert "pagination" not in responses[-1].body
    assert {r.body["createdBefore"] for r in responses} == {"2026-11-01T11:58:00Z"}


def test_generated_scenario_pages_completely():
    generator = pytest.importorskip("spapi_sandbox.generator")
    scenario = generator.generate(orders=1000, seed=42)
    app = SandboxApp(scenario, frozen=True, rate_limits=False, validate_orders=False)
    total = 0
    for seller in scenario["sellers"]:
        client = SpClient(app, app.issue_access_token(seller["sellerId"]))
        seen, _ = _all_pages(client, createdAfter=AFTER, maxResultsPerPage="100")
        assert len(seen) == len(set(seen))
        expected = {
            entry["order"]["orderId"]
            for entry in scenario["orders"]
            if entry["sellerId"] == seller["sellerId"]
        }
        assert set(seen) == expected
        total += len(seen)
    assert total == 1000


def test_token_rules(big_app):
    client = SpClient(big_app, big_app.issue_access_token(SELLER_PII))
    first = client.search(lastUpdatedAfter=AFTER, maxResultsPerPage="10")
    token = first.body["pagination"]["nextToken"]
    # the token may come alone or with the same filters
    same = client.search(
        paginationToken=token, lastUpdatedAfter=AFTER, maxResultsPerPage="10"
    )
    alone = client.search(paginationToken=token)
    assert same.body["orders"] == alone.body["orders"]
    assert same.body["orders"][0]["orderId"] != first.body["orders"][0]["orderId"]
    for other in (
        {"lastUpdatedAfter": "2021-01-01T00:00:00Z"},
        {"createdAfter": AFTER},
        {"fulfillmentStatuses": "SHIPPED"},
    ):
        refused = client.search(paginationToken=token, **other)
        assert refused.status_code == 400
        assert "other filters" in refused.body["errors"][0]["details"]
    tampered = client.search(paginationToken=token[:-2] + "00")
    assert tampered.status_code == 400
    stranger = SpClient(big_app, big_app.issue_access_token(SELLER_PLAIN))
    assert stranger.search(paginationToken=token).status_code == 400


def test_token_expires_after_24_hours():
    app = SandboxApp(sample_scenario(5), frozen=True, rate_limits=False)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    token = client.search(createdAfter=AFTER, maxResultsPerPage="2").body[
        "pagination"
    ]["nextToken"]  # fmt: skip
    app.advance(24 * 3600 - 60)
    client.token = app.issue_access_token(SELLER_PII)
    assert client.search(paginationToken=token).status_code == 200
    app.advance(61)
    expired = client.search(paginationToken=token)
    assert expired.status_code == 400
    assert "expired" in expired.body["errors"][0]["details"]


def test_changes_between_pages_lose_no_order():
    app = SandboxApp(sample_scenario(30), frozen=True, rate_limits=False)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    first = client.search(createdAfter=AFTER, maxResultsPerPage="10")
    served = [o["orderId"] for o in first.body["orders"]]
    # an order of page 1 and one of page 2 change before page 2 is asked for
    app.advance(60)
    client.token = app.issue_access_token(SELLER_PII)
    for order_id in (served[0], f"302-{12:07d}-{(12 * 7919) % 10_000_000:07d}"):
        record = app.state.order(order_id)
        record.order["lastUpdatedTime"] = "2026-11-01T12:01:00Z"
        record.refresh()
    token = first.body["pagination"]["nextToken"]
    rest, _ = _all_pages(client, paginationToken=token)
    assert set(served + rest) == {
        o["order"]["orderId"] for o in sample_scenario(30)["orders"]
    }


def test_repeated_page_fault_duplicates_without_loss():
    app = SandboxApp(sample_scenario(25), frozen=True, rate_limits=False)
    app.add_faults({"operation": "searchOrders", "kind": "repeat_page"})
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    seen, responses = _all_pages(client, createdAfter=AFTER, maxResultsPerPage="10")
    assert len(responses) == 4
    assert [o["orderId"] for o in responses[0].body["orders"]] == [
        o["orderId"] for o in responses[1].body["orders"]
    ]
    assert len(seen) == 35 and len(set(seen)) == 25


def test_error_on_page_k_then_retry():
    app = SandboxApp(sample_scenario(25), frozen=True, rate_limits=False)
    app.add_faults(
        {"operation": "searchOrders", "kind": "page_error", "page": 2, "status": 503}
    )
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    first = client.search(createdAfter=AFTER, maxResultsPerPage="10")
    token = first.body["pagination"]["nextToken"]
    failed = client.search(paginationToken=token)
    assert failed.status_code == 503
    assert failed.body["errors"][0]["code"] == "ServiceUnavailable"
    retried, _ = _all_pages(client, paginationToken=token)
    assert len(retried) == 15
