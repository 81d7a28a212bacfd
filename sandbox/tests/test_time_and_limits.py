"""The sandbox clock, usage plans (token buckets) and access-token expiry.

Nothing sleeps: time is driven through the sandbox clock (or a fake monotonic
source for the speed factor).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from conftest import SpClient, lwa_token

from spapi_sandbox import SandboxApp
from spapi_sandbox.clock import SandboxClock
from spapi_sandbox.ratelimit import DEFAULT_USAGE_PLANS, RateLimiter, UsagePlan
from spapi_sandbox.samples import SELLER_PII, sample_scenario

START = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
AFTER = "2020-01-01T00:00:00Z"


class FakeMonotonic:
    def __init__(self):
        self.value = 1000.0

    def __call__(self):
        return self.value


def test_clock_speed_freeze_advance_set():
    real = FakeMonotonic()
    clock = SandboxClock(START, speed=60, monotonic=real)
    real.value += 60  # one real minute is one sandbox hour at speed 60
    assert (clock.now() - START).total_seconds() == 3600
    clock.freeze()
    real.value += 100
    assert (clock.now() - START).total_seconds() == 3600
    clock.advance(30)
    assert (clock.now() - START).total_seconds() == 3630
    clock.freeze(False)
    clock.set_speed(2)
    real.value += 10
    assert (clock.now() - START).total_seconds() == 3650
    clock.set(START)
    assert clock.now() == START
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.to_json()["now"] == "2026-11-01T12:00:00Z"


def test_default_usage_plans_come_from_the_models():
    assert DEFAULT_USAGE_PLANS["searchOrders"] == UsagePlan(0.0056, 20)
    assert DEFAULT_USAGE_PLANS["getOrder"] == UsagePlan(0.5, 30)
    assert DEFAULT_USAGE_PLANS["confirmShipment"] == UsagePlan(2, 10)
    assert DEFAULT_USAGE_PLANS["getMarketplaceParticipations"] == UsagePlan(0.016, 15)


def test_twenty_first_search_is_throttled_until_the_bucket_refills(app, client):
    for _ in range(20):
        ok = client.search(createdAfter=AFTER)
        assert ok.status_code == 200
        assert ok.headers["x-amzn-RateLimit-Limit"] == "0.0056"
    throttled = client.search(createdAfter=AFTER)
    assert throttled.status_code == 429
    assert throttled.body == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    # other operations and other sellers have their own buckets
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200
    app.advance(180)  # 180 s x 0.0056/s = 1.008 tokens
    assert client.search(createdAfter=AFTER).status_code == 200
    assert client.search(createdAfter=AFTER).status_code == 429
    log = app.call_log()
    assert log["counts"]["searchOrders"] == 23
    assert log["throttled"] == 2
    assert [c["status"] for c in log["calls"][-2:]] == [200, 429]
    assert log["calls"][-1]["time"] == "2026-11-01T12:03:00Z"


def test_rate_limits_can_be_switched_off_and_overridden(app, client):
    app.set_rate_limits(False)
    for _ in range(25):
        assert client.search(createdAfter=AFTER).status_code == 200
    app.set_rate_limits(True)
    scenario = sample_scenario(3)
    scenario["sellers"][0]["usagePlans"] = {"searchOrders": {"rate": 1, "burst": 2}}
    app.seed(scenario)
    client.token = app.issue_access_token(SELLER_PII)
    assert [client.search(createdAfter=AFTER).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    app.advance(1)
    assert client.search(createdAfter=AFTER).status_code == 200


def test_rate_limiter_refills_up_to_burst():
    clock = SandboxClock(START, frozen=True)
    limiter = RateLimiter(clock)
    assert all(limiter.acquire("S", "confirmShipment")[0] for _ in range(10))
    assert not limiter.acquire("S", "confirmShipment")[0]
    clock.advance(3600)
    assert sum(limiter.acquire("S", "confirmShipment")[0] for _ in range(20)) == 10
    assert limiter.acquire("S", "anUnlistedOperation") == (True, None)


def test_access_token_expires_after_an_hour_of_sandbox_time():
    app = SandboxApp(sample_scenario(2), speed=60)
    token = lwa_token(app)
    client = SpClient(app, token)
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200
    app.advance(3600)  # one real minute at speed 60, without waiting for it
    expired = client.get("/sellers/v1/marketplaceParticipations")
    assert expired.status_code == 403
    assert expired.body["errors"][0] == {
        "code": "Unauthorized",
        "message": "The access token you provided has expired.",
        "details": "",
    }
    client.token = lwa_token(app)
    assert client.get("/sellers/v1/marketplaceParticipations").status_code == 200
