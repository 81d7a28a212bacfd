"""The SP-API adapter against the real local sandbox, over HTTP (no transport mock).

The sandbox (``spapi_sandbox.serve``) runs on a free loopback port with its clock
frozen at the scenario start; each test reloads the scenario. The adapter gets a
fake clock whose ``sleep`` records the wait and moves both clocks (its own and
the sandbox's) forward, so no test sleeps for real and usage plans refill as they
would on Amazon.
"""

import logging
import sys
import time
from datetime import datetime

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

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from odoo.addons.sale_amazon_connector import const
from odoo.addons.sale_amazon_connector.exceptions import (
    AmazonApiError,
    AmazonAuthError,
    AmazonInvalidInputError,
    AmazonNotFoundError,
    AmazonServerError,
    AmazonThrottledError,
)
from odoo.addons.sale_amazon_connector.services import sp_api

from .common import FakeClock

ORDERS = 250
WINDOW_START = datetime(2026, 10, 1)


@tagged("post_install", "-at_install")
class TestSpApiClient(BaseCase):
    """``services/sp_api.py`` against ``spapi_sandbox`` with 250 FBM orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls.enterClassContext(serve(sample_scenario(ORDERS), frozen=True))
        cls.app = cls.sandbox.app

    def setUp(self):
        super().setUp()
        self.app.reset()
        self.clock = FakeClock(self.app)
        self.real_start = time.monotonic()

    def _credentials(self, **values):
        vals = {
            "account_key": "amazon.account,1",
            "lwa_app_id": CLIENT_ID,
            "lwa_client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_PII,
            "region": "EU",
            "seller_id": SELLER_PII,
            "endpoint": self.sandbox.url,
        }
        vals.update(values)
        return sp_api.AmazonCredentials(**vals)

    def _client(self, credentials=None, **kwargs):
        kwargs = {
            "clock": self.clock,
            "sleep": self.clock.sleep,
            "token_cache": sp_api.TokenCache(),
            "limiter": sp_api.RateLimiter(),
            **kwargs,
        }
        client = sp_api.SpApiClient(credentials or self._credentials(), **kwargs)
        self.addCleanup(client.close)
        return client

    def _sandbox_counts(self):
        return self.app.call_log()["counts"]

    def _sandbox_statuses(self, operation):
        return [
            call["status"]
            for call in self.app.call_log()["calls"]
            if call["operation"] == operation
        ]

    def _first_order_id(self, client):
        page = client.search_orders(
            created_after=WINDOW_START, marketplace_ids=[DE], max_results_per_page=1
        )
        return page.orders[0]["orderId"]

    def assertNoRealSleep(self):
        self.assertLess(
            time.monotonic() - self.real_start, 5, msg="the injected sleep was used"
        )

    # === ENDPOINTS AND CREDENTIALS === #

    def test_endpoints(self):
        production = sp_api.SpApiClient(self._credentials(endpoint=None))
        self.assertEqual(production.endpoint, const.REGION_ENDPOINTS["EU"])
        self.assertEqual(production.token_url, const.LWA_TOKEN_URL)
        self.assertIs(production.token_cache, sp_api.TOKEN_CACHE)
        self.assertIs(production.limiter, sp_api.RATE_LIMITER)
        token_client = production._token_client_cls
        self.assertEqual(
            (token_client.scheme, token_client.host, token_client.path),
            ("https://", "api.amazon.com", "/auth/o2/token"),
        )
        client = self._client()
        self.assertEqual(client.endpoint, self.sandbox.url)
        self.assertEqual(client.token_url, f"{self.sandbox.url}/auth/o2/token")
        self.assertEqual(client._token_client_cls.scheme, "http://")
        self.assertIsNot(
            sp_api.SpApiClient(self._credentials(), clock=self.clock).token_cache,
            sp_api.TOKEN_CACHE,
            msg="instants of another clock never enter the process-level cache",
        )

    def test_credentials_repr_hides_secrets(self):
        text = repr(self._credentials())
        self.assertNotIn(CLIENT_SECRET, text)
        self.assertNotIn(REFRESH_PII, text)
        self.assertIn(SELLER_PII, text)

    # === OPERATIONS === #

    def test_get_marketplace_participations(self):
        participations = self._client().get_marketplace_participations()
        self.assertEqual([p["marketplace"]["id"] for p in participations], [DE, FR])
        self.assertTrue(participations[0]["participation"]["isParticipating"])

    def test_iter_order_pages(self):
        client = self._client()
        pages = list(
            client.iter_order_pages(
                last_updated_after=WINDOW_START,
                marketplace_ids=[DE, FR],
                included_data=("BUYER", "PROCEEDS"),
            )
        )
        self.assertEqual([len(page.orders) for page in pages], [100, 100, 50])
        ids = [order["orderId"] for page in pages for order in page.orders]
        self.assertEqual(len(set(ids)), ORDERS, msg="each order exactly once")
        self.assertEqual(len(ids), ORDERS)
        self.assertEqual([bool(page.next_token) for page in pages], [True, True, False])
        # Amazon's echo of the window end (now - 2 min), naive UTC
        self.assertEqual(pages[0].last_updated_before, datetime(2026, 11, 1, 11, 58))
        self.assertIsNone(pages[0].created_before)
        self.assertTrue(all(page.request_id for page in pages))
        self.assertIn("proceeds", pages[0].orders[0])
        self.assertEqual(client.call_log.calls["searchOrders"], 3)
        self.assertEqual(self._sandbox_counts()["searchOrders"], 3)

    def test_iter_order_pages_resumes_from_token(self):
        client = self._client()
        query = {
            "created_after": WINDOW_START,
            "created_before": datetime(2026, 11, 1, 11, 0),
            "marketplace_ids": [DE],
        }
        first = client.search_orders(**query)
        self.assertEqual(first.created_before, datetime(2026, 11, 1, 11, 0))
        rest = list(client.iter_order_pages(**query, pagination_token=first.next_token))
        ids = {o["orderId"] for page in [first, *rest] for o in page.orders}
        self.assertEqual(len(rest), 2)
        self.assertEqual(len(ids), ORDERS)

    def test_iter_order_pages_repeated_page(self):
        """Amazon serving a page again: the duplicates are left out, no loss."""
        self.app.add_faults({"operation": "searchOrders", "kind": "repeat_page"})
        client = self._client()
        pages = list(
            client.iter_order_pages(created_after=WINDOW_START, marketplace_ids=[DE])
        )
        self.assertEqual([len(page.orders) for page in pages], [100, 0, 100, 50])
        ids = [order["orderId"] for page in pages for order in page.orders]
        self.assertEqual(len(set(ids)), len(ids))
        self.assertEqual(len(ids), ORDERS)

    def test_iter_order_pages_bounded(self):
        self.app.add_faults(
            {"operation": "searchOrders", "kind": "repeat_page", "count": 10}
        )
        client = self._client()
        with self.assertRaises(AmazonApiError) as caught:
            list(
                client.iter_order_pages(
                    created_after=WINDOW_START, marketplace_ids=[DE]
                )
            )
        self.assertEqual(caught.exception.code, "PaginationLoop")
        self.app.clear_faults()
        with self.assertRaises(AmazonApiError) as caught:
            list(
                client.iter_order_pages(
                    created_after=WINDOW_START, marketplace_ids=[DE], max_pages=2
                )
            )
        self.assertEqual(caught.exception.code, "TooManyPages")

    def test_search_orders_needs_one_after_bound(self):
        client = self._client()
        with self.assertRaises(ValueError):
            client.search_orders(marketplace_ids=[DE])
        with self.assertRaises(ValueError):
            client.search_orders(
                created_after=WINDOW_START,
                last_updated_after=WINDOW_START,
                marketplace_ids=[DE],
            )
        self.assertEqual(client.call_log.total(), 0, msg="nothing was sent")

    def test_get_order(self):
        client = self._client()
        order_id = self._first_order_id(client)
        order = client.get_order(order_id, included_data=("BUYER", "PROCEEDS"))
        self.assertEqual(order["orderId"], order_id)
        self.assertEqual(order["buyer"]["buyerName"], "Buyer 0")
        self.assertEqual(order["proceeds"]["grandTotal"]["currencyCode"], "EUR")
        self.assertIsInstance(order["proceeds"]["grandTotal"]["amount"], str)
        self.assertNotIn("buyer", client.get_order(order_id))

    def test_get_order_not_found(self):
        with self.assertRaises(AmazonNotFoundError) as caught:
            self._client().get_order("302-9999999-9999999")
        error = caught.exception
        self.assertEqual((error.status, error.code), (404, "NotFound"))
        self.assertEqual(error.operation, "getOrder")
        self.assertTrue(error.request_id)

    def test_confirm_shipment(self):
        client = self._client()
        order = client.get_order(self._first_order_id(client))
        item = order["orderItems"][0]
        result = client.confirm_shipment(
            order["orderId"],
            marketplace_id=DE,
            package_detail={
                "packageReferenceId": "1",
                "carrierCode": "DHL",
                "trackingNumber": "00340434161094042557",
                "shipDate": datetime(2026, 11, 1, 9, 0),
                "orderItems": [
                    {
                        "orderItemId": item["orderItemId"],
                        "quantity": item["quantityOrdered"],
                    }
                ],
            },
        )
        self.assertIsNone(result)
        self.assertEqual(self._sandbox_statuses("confirmShipment"), [204])
        stored = self.app.order_state(order["orderId"])["order"]
        self.assertEqual(
            stored["fulfillment"]["fulfillmentStatus"], "PARTIALLY_SHIPPED"
        )
        self.assertEqual(
            stored["packages"][0]["trackingNumber"], "00340434161094042557"
        )

    # === LWA TOKENS === #

    def test_token_obtained_once_and_reused(self):
        client = self._client()
        client.get_marketplace_participations()
        client.get_marketplace_participations()
        other = self._client(token_cache=client.token_cache)
        other.get_order(self._first_order_id(other))
        self.assertEqual(self._sandbox_counts()["lwaToken"], 1)
        self.assertEqual(client.call_log.calls["lwaToken"], 1)
        self.assertEqual(other.call_log.calls["lwaToken"], 0)
        # another account never gets this account's token
        self._client(
            self._credentials(account_key="amazon.account,2"),
            token_cache=client.token_cache,
        ).get_marketplace_participations()
        self.assertEqual(self._sandbox_counts()["lwaToken"], 2)
        # the library's module-global cache is bypassed, never filled
        library_cache = sys.modules["sp_api.auth.access_token_client"].cache
        self.assertFalse(
            [key for key, value in library_cache.items() if "Atza|" in str(value)]
        )

    def test_token_renewed_after_expiry(self):
        client = self._client()
        client.get_marketplace_participations()
        self.clock.advance(3600)  # both clocks: the token is 1 h old
        client.get_marketplace_participations()
        self.assertEqual(self._sandbox_counts()["lwaToken"], 2)
        self.assertEqual(
            self._sandbox_statuses("getMarketplaceParticipations"),
            [200, 200],
            msg="renewed before Amazon refused it",
        )
        self.assertEqual(client.call_log.token_refreshes, 0)

    def test_token_refused_is_dropped_and_renewed_once(self):
        client = self._client()
        client.get_marketplace_participations()
        self.app.add_faults(
            {"operation": "getMarketplaceParticipations", "status": 403}
        )
        client.get_marketplace_participations()
        self.assertEqual(
            self._sandbox_statuses("getMarketplaceParticipations"), [200, 403, 200]
        )
        self.assertEqual(self._sandbox_counts()["lwaToken"], 2)
        self.assertEqual(client.call_log.token_refreshes, 1)
        self.assertEqual(self.clock.sleeps, [], msg="no backoff for a token")

        # refused again with the new token: one renewal only, then the error
        self.app.add_faults(
            {"operation": "getMarketplaceParticipations", "status": 403, "count": 2}
        )
        with self.assertRaises(AmazonAuthError) as caught:
            client.get_marketplace_participations()
        self.assertEqual(caught.exception.status, 403)
        self.assertEqual(caught.exception.code, "Unauthorized")
        self.assertIn("expired", caught.exception.message)
        self.assertEqual(self._sandbox_counts()["lwaToken"], 3)

    def test_token_expired_on_amazon_side(self):
        """Amazon's clock says expired while ours does not: 403, renewed once."""
        client = self._client()
        client.get_marketplace_participations()
        self.app.advance(3600)  # the sandbox only
        client.get_marketplace_participations()
        self.assertEqual(
            self._sandbox_statuses("getMarketplaceParticipations"), [200, 403, 200]
        )
        self.assertEqual(client.call_log.token_refreshes, 1)

    def test_invalid_refresh_token(self):
        client = self._client(self._credentials(refresh_token="Atzr|not-a-token"))
        with self.assertRaises(AmazonAuthError) as caught:
            client.get_marketplace_participations()
        error = caught.exception
        self.assertEqual(error.code, "invalid_grant")
        self.assertEqual(error.operation, "lwaToken")
        self.assertEqual(error.status, 400)
        self.assertEqual(self._sandbox_counts(), {"lwaToken": 1}, msg="no retry")

    def test_lwa_outage_is_retried(self):
        self.app.add_faults({"operation": "lwaToken", "status": 503})
        client = self._client()
        client.get_marketplace_participations()
        self.assertEqual(self._sandbox_statuses("lwaToken"), [503, 200])
        self.assertEqual(len(self.clock.sleeps), 1)

    # === RETRIES AND ERRORS === #

    def test_throttled_calls_are_retried_with_backoff(self):
        client = self._client()
        order_id = self._first_order_id(client)
        self.app.add_faults({"operation": "getOrder", "status": 429, "count": 3})
        order = client.get_order(order_id)
        self.assertEqual(order["orderId"], order_id)
        self.assertEqual(self._sandbox_statuses("getOrder"), [429, 429, 429, 200])
        sleeps = self.clock.sleeps
        self.assertEqual(len(sleeps), 3)
        self.assertEqual(sleeps, sorted(sleeps), msg="exponential backoff")
        self.assertLess(sleeps[0], sleeps[1])
        self.assertLess(sleeps[1], sleeps[2])
        for attempt, slept in enumerate(sleeps):
            base = sp_api.BACKOFF_MULTIPLIER * 2**attempt
            self.assertGreaterEqual(slept, base)
            self.assertLessEqual(slept, base + sp_api.BACKOFF_JITTER)
        log = client.call_log.as_dict()
        self.assertEqual(log["calls"]["getOrder"], 4)
        self.assertEqual((log["retries"], log["throttled"]), (3, 3))
        self.assertAlmostEqual(log["waited"], sum(sleeps), places=2)
        self.assertNoRealSleep()

    def test_throttled_beyond_max_wait(self):
        client = self._client(max_attempts=10, max_wait=5)
        self.app.add_faults(
            {"operation": "getMarketplaceParticipations", "status": 429, "count": 10}
        )
        with self.assertRaises(AmazonThrottledError) as caught:
            client.get_marketplace_participations()
        self.assertEqual(caught.exception.code, "QuotaExceeded")
        self.assertLessEqual(sum(self.clock.sleeps), 5)
        self.assertEqual(caught.exception.attempts, len(self.clock.sleeps) + 1)
        self.assertNoRealSleep()

    def test_server_error_beyond_max_attempts(self):
        client = self._client(max_attempts=3)
        order_id = self._first_order_id(client)
        self.app.add_faults({"operation": "getOrder", "status": 500, "count": 5})
        with self.assertRaises(AmazonServerError) as caught:
            client.get_order(order_id)
        error = caught.exception
        self.assertEqual((error.status, error.code), (500, "InternalFailure"))
        self.assertEqual(error.attempts, 3)
        self.assertRegex(error.request_id, r"^[0-9a-f-]{36}$")
        self.assertIn(error.request_id, str(error))
        self.assertEqual(self._sandbox_statuses("getOrder"), [500, 500, 500])
        self.assertEqual(len(self.clock.sleeps), 2)

    def test_unavailable_is_retried(self):
        client = self._client()
        self.app.add_faults(
            {"operation": "getMarketplaceParticipations", "status": 503}
        )
        self.assertEqual(len(client.get_marketplace_participations()), 2)
        self.assertEqual(
            self._sandbox_statuses("getMarketplaceParticipations"), [503, 200]
        )
        self.assertEqual(client.call_log.retries, 1)

    def test_invalid_input(self):
        client = self._client()
        with self.assertRaises(AmazonInvalidInputError) as caught:
            client.search_orders(
                created_after=datetime(2026, 11, 1, 11, 59),  # not 2 minutes old
                marketplace_ids=[DE],
            )
        error = caught.exception
        self.assertEqual((error.status, error.code), (400, "InvalidInput"))
        self.assertIn("The input you have submitted is not valid", error.message)
        self.assertTrue(error.request_id)
        self.assertEqual(self._sandbox_statuses("searchOrders"), [400], msg="no retry")

    def test_malformed_answer_is_retried(self):
        client = self._client()
        self.app.add_faults(
            {"operation": "getMarketplaceParticipations", "kind": "malformed"}
        )
        participations = client.get_marketplace_participations()
        self.assertEqual(len(participations), 2)
        self.assertEqual(client.call_log.retries, 1)

    def test_timeout_is_retried(self):
        client = self._client(timeout=0.2)
        self.app.add_faults(
            {
                "operation": "getMarketplaceParticipations",
                "kind": "timeout",
                "seconds": 0,
            }
        )
        self.assertEqual(len(client.get_marketplace_participations()), 2)
        self.assertEqual(client.call_log.retries, 1)
        client = self._client(timeout=0.2, max_attempts=1)
        self.app.add_faults(
            {
                "operation": "getMarketplaceParticipations",
                "kind": "timeout",
                "seconds": 0,
            }
        )
        with self.assertRaises(AmazonServerError) as caught:
            client.get_marketplace_participations()
        self.assertEqual(caught.exception.code, "Timeout")
        # the sandbox still handles the calls it held (as Amazon would): wait for
        # them, so they do not land in the next test's call log
        deadline = time.monotonic() + 10
        while len(self._sandbox_statuses("getMarketplaceParticipations")) < 3:
            self.assertLess(time.monotonic(), deadline, msg="held calls answered")
            time.sleep(0.05)

    # === RATE LIMITER === #

    def test_rate_limiter_waits_instead_of_failing(self):
        client = self._client()
        for _i in range(15):  # the burst of getMarketplaceParticipations
            client.get_marketplace_participations()
        self.assertEqual(self.clock.sleeps, [])
        client.get_marketplace_participations()
        self.assertEqual(len(self.clock.sleeps), 1)
        self.assertAlmostEqual(self.clock.sleeps[0], 1 / 0.016, places=3)
        self.assertEqual(self.app.call_log()["throttled"], 0, msg="never a 429")
        self.assertNoRealSleep()

    def test_rate_limiter_follows_rate_header(self):
        key = "amazon.account,1"
        limiter = sp_api.RateLimiter({"getMarketplaceParticipations": (1.0, 2)})
        client = self._client(limiter=limiter)
        client.get_marketplace_participations()
        self.assertEqual(
            limiter.rate(key, "getMarketplaceParticipations"),
            0.016,
            msg="x-amzn-RateLimit-Limit replaces the seeded rate",
        )
        client.get_marketplace_participations()
        client.get_marketplace_participations()
        self.assertEqual(len(self.clock.sleeps), 1)
        self.assertGreater(self.clock.sleeps[0], 60, msg="1/0.016 s, not 1 s")

    def test_rate_limiter_wait_beyond_max_wait(self):
        limiter = sp_api.RateLimiter({"getMarketplaceParticipations": (0.001, 1)})
        # the header's rate (0.016/s) would need 62.5 s for the next call
        client = self._client(limiter=limiter, max_wait=30)
        client.get_marketplace_participations()
        with self.assertRaises(AmazonThrottledError) as caught:
            client.get_marketplace_participations()
        self.assertEqual(caught.exception.code, "RateLimited")
        self.assertEqual(self.clock.sleeps, [])
        self.assertEqual(self._sandbox_counts()["getMarketplaceParticipations"], 1)

    def test_rate_limiter_buckets(self):
        limiter = sp_api.RateLimiter({"op": (0.5, 2)})
        self.assertEqual(limiter.reserve("a", "op", 0), 0)
        self.assertEqual(limiter.reserve("a", "op", 0), 0)
        self.assertEqual(limiter.reserve("a", "op", 0), 2.0)
        self.assertEqual(limiter.reserve("a", "op", 0), 4.0, msg="queued behind")
        self.assertEqual(limiter.reserve("b", "op", 0), 0, msg="per account")
        self.assertIsNone(limiter.reserve("a", "op", 0, max_wait=5))
        self.assertAlmostEqual(limiter.available("a", "op", 10), 2.0)

    def test_token_cache(self):
        cache = sp_api.TokenCache()
        cache.set("k", "fp", "Atza|x", expires_at=100)
        self.assertEqual(cache.get("k", "fp", 99), "Atza|x")
        self.assertIsNone(cache.get("k", "other", 99), msg="new credentials")
        cache.set("k", "fp", "Atza|x", expires_at=100)
        self.assertIsNone(cache.get("k", "fp", 100))
        cache.set("k", "fp", "Atza|y", expires_at=100)
        cache.drop("k", "Atza|x")
        self.assertEqual(cache.get("k", "fp", 0), "Atza|y", msg="renewed: kept")
        cache.drop("k")
        self.assertIsNone(cache.get("k", "fp", 0))

    # === LOGS === #

    def test_no_secret_in_logs(self):
        records = []

        class Collect(logging.Handler):
            def emit(self, record):
                records.append(self.format(record))

        handler = Collect(level=logging.DEBUG)
        root = logging.getLogger()
        library = logging.getLogger("sp_api.base.client")
        old_levels = root.level, library.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        # even asked for DEBUG, the library must not print its headers
        library.setLevel(logging.DEBUG)
        try:
            client = self._client()
            client.get_marketplace_participations()
            order_id = self._first_order_id(client)
            self.app.add_faults({"operation": "getOrder", "status": 403})
            client.get_order(order_id, included_data=("BUYER", "RECIPIENT"))
            with self.assertRaises(AmazonAuthError):
                self._client(
                    self._credentials(lwa_client_secret="wrong-secret")
                ).get_marketplace_participations()
        finally:
            root.removeHandler(handler)
            root.setLevel(old_levels[0])
            library.setLevel(old_levels[1])
        self.assertTrue(records, msg="the handler saw the calls")
        text = "\n".join(records)
        for secret in (CLIENT_SECRET, "wrong-secret", REFRESH_PII, "Atza|", "Atzr|"):
            self.assertNotIn(secret, text)
        for buyer_data in ("Buyer 0", "buyer0@", "Hauptstrasse"):
            self.assertNotIn(buyer_data, text)
        self.assertFalse(
            any(token in text for token in self.app.state.tokens),
            msg="no access token",
        )
