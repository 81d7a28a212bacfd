"""Usage plans and the token-bucket rate limiter, on the sandbox clock.

Source of ``DEFAULT_USAGE_PLANS``: the ``**Usage Plan:**`` table in each
operation's description in Amazon's Swagger models
(``amzn/selling-partner-api-models`` at commit
``34dc93fe45f37c9a0b2e56823c808f68b4f81754``, copied under ``shared/sp-api/models``),
as summarised in ``shared/docs/sp-api-brief.md`` section 9. Keys are the models'
``operationId`` values; where two API versions share an operationId with the same
plan (``getOrder`` in Orders v0 and v2026-01-01) one entry serves both.

Amazon limits per selling partner and application; the sandbox keys buckets by
(sellerId, operation), one application per seller.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .clock import SandboxClock


@dataclass(frozen=True)
class UsagePlan:
    """A usage plan: ``rate`` tokens per second refill, at most ``burst`` tokens."""

    rate: float
    burst: int

    @property
    def header(self) -> str:
        """The ``x-amzn-RateLimit-Limit`` header value for this plan."""
        return f"{self.rate:g}"


DEFAULT_USAGE_PLANS: dict[str, UsagePlan] = {
    # Orders v0
    "getOrders": UsagePlan(0.0167, 20),
    "getOrder": UsagePlan(0.5, 30),  # v0 and v2026-01-01
    "getOrderItems": UsagePlan(0.5, 30),
    "getOrderAddress": UsagePlan(0.5, 30),
    "getOrderBuyerInfo": UsagePlan(0.5, 30),
    "getOrderItemsBuyerInfo": UsagePlan(0.5, 30),
    "getOrderRegulatedInfo": UsagePlan(0.5, 30),
    "updateVerificationStatus": UsagePlan(0.5, 30),
    "updateShipmentStatus": UsagePlan(5, 15),
    "confirmShipment": UsagePlan(2, 10),
    # Orders v2026-01-01
    "searchOrders": UsagePlan(0.0056, 20),
    # Tokens 2021-03-01
    "createRestrictedDataToken": UsagePlan(1, 10),
    # Feeds 2021-06-30
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeed": UsagePlan(2, 15),
    "cancelFeed": UsagePlan(2, 15),
    "getFeeds": UsagePlan(0.0222, 10),
    "getFeedDocument": UsagePlan(0.0222, 10),
    # Reports 2021-06-30
    "createReport": UsagePlan(0.0167, 15),
    "getReport": UsagePlan(2, 15),
    "getReports": UsagePlan(0.0222, 10),
    "cancelReport": UsagePlan(0.0222, 10),
    "getReportDocument": UsagePlan(0.0167, 15),
    # Sellers v1
    "getMarketplaceParticipations": UsagePlan(0.016, 15),
    "getAccount": UsagePlan(0.016, 15),
    # FBA Inventory v1
    "getInventorySummaries": UsagePlan(2, 2),
    # Listings Items 2021-08-01
    "getListingsItem": UsagePlan(5, 10),
    "putListingsItem": UsagePlan(5, 10),
    "patchListingsItem": UsagePlan(5, 5),
    "deleteListingsItem": UsagePlan(5, 5),
    "searchListingsItems": UsagePlan(5, 5),
}


class _Bucket:
    __slots__ = ("tokens", "stamp")

    def __init__(self, tokens: float, stamp: float):
        self.tokens = tokens
        self.stamp = stamp


class RateLimiter:
    """Token buckets per (sellerId, operation), refilled on the sandbox clock.

    A bucket starts full (``burst`` tokens), refills at ``rate`` tokens per
    sandbox second up to ``burst``, and each call takes one token. Per-seller
    overrides (a scenario's ``usagePlans``) replace the default plan.
    """

    def __init__(self, clock: SandboxClock, enabled: bool = True):
        """Create a limiter reading ``clock``; ``enabled=False`` lets every call in."""
        self.clock = clock
        self.enabled = enabled
        self._overrides: dict[tuple[str, str], UsagePlan] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every bucket and override."""
        with self._lock:
            self._overrides.clear()
            self._buckets.clear()

    def set_override(self, seller_id: str, operation: str, plan: UsagePlan) -> None:
        """Use ``plan`` instead of the default for this seller and operation."""
        with self._lock:
            self._overrides[(seller_id, operation)] = plan
            self._buckets.pop((seller_id, operation), None)

    def plan_for(self, seller_id: str, operation: str) -> UsagePlan | None:
        """The plan applying to the pair, or ``None`` for an unlimited operation."""
        return self._overrides.get(
            (seller_id, operation), DEFAULT_USAGE_PLANS.get(operation)
        )

    def acquire(self, seller_id: str, operation: str) -> tuple[bool, UsagePlan | None]:
        """Take one token; return (allowed, plan).

        Disabled limiters and operations without a plan always allow.
        """
        plan = self.plan_for(seller_id, operation)
        if not self.enabled or plan is None:
            return True, plan
        now = self.clock.now().timestamp()
        with self._lock:
            bucket = self._buckets.get((seller_id, operation))
            if bucket is None:
                bucket = self._buckets[(seller_id, operation)] = _Bucket(
                    float(plan.burst), now
                )
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(float(plan.burst), bucket.tokens + elapsed * plan.rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return True, plan
            return False, plan
