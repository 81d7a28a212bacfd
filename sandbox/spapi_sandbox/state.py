"""The sandbox's mutable state: applications, sellers, orders, events, tokens."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import feeds as feeds_module
from .clock import parse_datetime
from .events import apply_event
from .scenario import Application, Scenario, Seller

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3600)


class OrderRecord:
    """A stored order with its owner and parsed sort/visibility times."""

    __slots__ = ("seller_id", "order", "created", "updated")

    def __init__(self, seller_id: str, order: dict):
        """Wrap ``order`` (kept as is, mutated in place by operations)."""
        self.seller_id = seller_id
        self.order = order
        self.refresh()

    def refresh(self) -> None:
        """Re-read ``createdTime`` and ``lastUpdatedTime`` after a change."""
        self.created = parse_datetime(self.order["createdTime"])
        self.updated = parse_datetime(self.order["lastUpdatedTime"])


@dataclass
class AccessToken:
    """An LWA access token issued by the sandbox."""

    value: str
    client_id: str
    seller_id: str | None
    scope: str | None
    expires_at: datetime


class SandboxState:
    """Everything a scenario seeds plus what calls change. Not thread-safe by
    itself: ``SandboxApp`` serialises access."""

    def __init__(self):
        """Start empty (no application, seller or order)."""
        self.scenario: Scenario | None = None
        self.applications: dict[str, Application] = {}
        self.sellers: dict[str, Seller] = {}
        self.sellers_by_refresh_token: dict[str, Seller] = {}
        self._orders: dict[str, OrderRecord] = {}
        self._by_seller: dict[str, list[OrderRecord]] = {}
        self._events: list[tuple[datetime, dict]] = []
        self._next_event = 0
        self.tokens: dict[str, AccessToken] = {}
        self.inventory: list = []
        self.listings: list = []
        self.feeds = feeds_module.FeedStore()

    def load(self, scenario: Scenario) -> None:
        """Replace the state with a fresh copy of ``scenario``'s data.

        Feed settings (timing, gzip) are kept; feeds and documents are not.
        """
        store = self.feeds
        self.__init__()
        self.set_feeds_settings(
            store.queue_seconds, store.processing_seconds, store.gzip_results
        )
        self.scenario = scenario
        self.applications = {a.client_id: a for a in scenario.applications}
        self.sellers = {s.seller_id: s for s in scenario.sellers}
        self.sellers_by_refresh_token = {s.refresh_token: s for s in scenario.sellers}
        for seller_id, order in scenario.orders:
            self.add_order(seller_id, copy.deepcopy(order))
        timed = [(parse_datetime(e["at"]), i, e) for i, e in enumerate(scenario.events)]
        self._events = [
            (at, event) for at, _, event in sorted(timed, key=lambda t: t[:2])
        ]
        self.inventory = copy.deepcopy(scenario.inventory)
        self.listings = copy.deepcopy(scenario.listings)

    def add_order(self, seller_id: str, order: dict) -> OrderRecord:
        """Store ``order`` for ``seller_id``."""
        record = OrderRecord(seller_id, order)
        self._orders[order["orderId"]] = record
        self._by_seller.setdefault(seller_id, []).append(record)
        return record

    def order(self, order_id: str) -> OrderRecord | None:
        """The stored order with ``order_id``, or ``None``."""
        return self._orders.get(order_id)

    def orders_of(self, seller_id: str) -> list[OrderRecord]:
        """Every stored order of a seller (visible or not yet)."""
        return self._by_seller.get(seller_id, [])

    def feeds_settings(self) -> dict:
        """Feed processing settings: queueSeconds, processingSeconds, gzipResults."""
        return {
            "queueSeconds": self.feeds.queue_seconds,
            "processingSeconds": self.feeds.processing_seconds,
            "gzipResults": self.feeds.gzip_results,
        }

    def set_feeds_settings(
        self,
        queue_seconds: float | None = None,
        processing_seconds: float | None = None,
        gzip_results: bool | None = None,
    ) -> dict:
        """Change feed timing (sandbox seconds >= 0) and result compression."""
        for value in (queue_seconds, processing_seconds):
            if value is not None and (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or value < 0
            ):
                raise ValueError("feed timings must be numbers >= 0")
        if gzip_results is not None and not isinstance(gzip_results, bool):
            raise ValueError("gzipResults must be true or false")
        if queue_seconds is not None:
            self.feeds.queue_seconds = queue_seconds
        if processing_seconds is not None:
            self.feeds.processing_seconds = processing_seconds
        if gzip_results is not None:
            self.feeds.gzip_results = gzip_results
        return self.feeds_settings()

    def apply_due_events(self, now: datetime) -> int:
        """Apply the timed events and feed transitions due at ``now``, in time
        order (an event before a feed transition at the same instant); return
        how many were applied."""
        applied = 0
        while True:
            event_at = (
                self._events[self._next_event][0]
                if self._next_event < len(self._events)
                else None
            )
            due_feed = self.feeds.next_due(now)
            if due_feed is not None and (event_at is None or due_feed[0] < event_at):
                feeds_module.advance(self, due_feed[1])
                applied += 1
                continue
            if event_at is None or event_at > now:
                break
            at, event = self._events[self._next_event]
            self._next_event += 1
            record = self._orders[event["orderId"]]
            replacement = apply_event(event, record.order)
            if replacement is not None:
                self.add_order(record.seller_id, replacement)
            record.refresh()
            applied += 1
        return applied

    def issue_token(
        self, client_id: str, seller_id: str | None, scope: str | None, now: datetime
    ) -> AccessToken:
        """Create an access token valid for one hour of sandbox time."""
        token = AccessToken(
            value="Atza|" + secrets.token_urlsafe(48),
            client_id=client_id,
            seller_id=seller_id,
            scope=scope,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
        )
        self.tokens[token.value] = token
        return token
