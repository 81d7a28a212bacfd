"""Sync-run mechanics against the SP-API sandbox, through the real client: failures
recorded and retried, resume after a run dies, one run at a time (two real database
sessions), replays, cursor rewind, the recover wizard and progress.

Ground truth comes from the sandbox: the scenario's orders, its call log, its clock and
its page tokens, never from what Odoo computed.
"""

import copy
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

from lxml import etree
from spapi_sandbox import samples

from odoo import http, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..models.amazon_account import (
    ORDER_PAGE_SIZE_PARAM,
    ORDER_SYNC_LOCK,
    ORDER_SYNC_MAX_WAIT,
)
from ..services.sp_api import RateLimiter, SpApiClient, TokenCache
from .common import naive, sample_seller_setup

ORDERS = 10
PAGE_SIZE = 4  # 10 orders: pages of 4, 4 and 2


class Killed(BaseException):
    """Stands for the process being stopped in the middle of a run (not an
    ``Exception``: nothing in the run may catch it and carry on)."""


class SpyClient(SpApiClient):
    """The real client, which also remembers the page tokens it sends and the orders of
    each page, can call a hook before each searchOrders and can "die" at a given
    searchOrders call (before sending it)."""

    def __init__(self, *args, kill_at_search=None, on_search=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_tokens = []
        self.pages = []
        self.kill_at_search = kill_at_search
        self.on_search = on_search

    def search_orders(self, **kwargs):
        self.sent_tokens.append(kwargs.get("pagination_token"))
        if self.on_search:
            self.on_search(self)
        if self.kill_at_search == len(self.sent_tokens):
            raise Killed
        page = super().search_orders(**kwargs)
        self.pages.append([order["orderId"] for order in page.orders])
        return page


@contextmanager
def developer_mode(enabled=True):
    """A request whose session is (or is not) in developer mode (``?debug=1``).

    Every internal user has ``base.group_no_one`` (implied by ``base.group_user``), but
    Odoo 18 makes it effective only in a developer-mode session
    (``ir.ui.view._postprocess_access_rights``, ``res.users.has_group``).
    """
    http._request_stack.push(
        SimpleNamespace(session=SimpleNamespace(debug="1" if enabled else ""))
    )
    try:
        yield
    finally:
        http._request_stack.pop()


@tagged("post_install", "-at_install")
class TestSyncRuns(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = samples.sample_scenario(orders=ORDERS)
        # Amazon's order of the pages: (lastUpdatedTime, orderId)
        entries = sorted(
            (entry["order"] for entry in cls.scenario["orders"]),
            key=lambda order: (naive(order["lastUpdatedTime"]), order["orderId"]),
        )
        cls.order_ids = [order["orderId"] for order in entries]
        cls.orders_data = {order["orderId"]: order for order in entries}
        sample_seller_setup(cls, copy.deepcopy(cls.scenario), "Sync runs shop")
        cls.amazon_user = new_test_user(
            cls.env,
            login="sync_runs_amazon_user",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "sale_amazon_connector.group_amazon_user",
        )
        cls.plain_user = new_test_user(
            cls.env, login="sync_runs_plain_user", groups="base.group_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="sync_runs_manager",
            groups="base.group_user,sale_amazon_connector.group_amazon_manager",
        )

    def setUp(self):
        super().setUp()
        # a fresh sandbox per test: orders, clock (frozen at the start), buckets,
        # faults, call log
        self.app.seed(copy.deepcopy(self.scenario))
        self.env["ir.config_parameter"].set_param(ORDER_PAGE_SIZE_PARAM, PAGE_SIZE)
        # Every client the code creates is a SpyClient with its own limiter and token
        # cache (no state shared with other tests, never a real sleep).
        self.clients = []
        self.spy_options = {}
        original = type(self.env["amazon.account"])._get_sp_api_client
        test = self

        def get_client(account, **kwargs):
            credentials = original(account).credentials
            options = {
                "limiter": RateLimiter(),
                "token_cache": TokenCache(),
                "sleep": lambda seconds: None,
                **kwargs,  # what the code asks for (max_wait...)
                **test.spy_options,
            }
            client = SpyClient(credentials, **options)
            test.clients.append(client)
            test.addCleanup(client.close)
            return client

        patcher = patch.object(
            type(self.env["amazon.account"]), "_get_sp_api_client", get_client
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    # --- helpers --------------------------------------------------------------

    def _calls(self, operation):
        """The sandbox's log of ``operation`` calls of our seller."""
        return [
            call
            for call in self.app.call_log()["calls"]
            if call["operation"] == operation
        ]

    def _sandbox_order(self, order_id):
        """The sandbox's stored order (its state: changing it changes what Amazon
        answers)."""
        return self.app.state.order(order_id).order

    def _sale_orders(self, order_ids=None):
        domain = [("amazon_account_id", "=", self.account.id)]
        if order_ids is not None:
            domain.append(("amazon_order_ref", "in", list(order_ids)))
        return self.env["sale.order"].search(domain)

    def _imported_refs(self):
        refs = self._sale_orders().mapped("amazon_order_ref")
        self.assertEqual(len(refs), len(set(refs)), "an order was imported twice")
        return set(refs)

    def _window_end(self):
        """Amazon's lastUpdatedBefore for a search sent now: sandbox now − 2 min."""
        return self.app.now().replace(tzinfo=None) - timedelta(minutes=2)

    def _runs(self):
        return self.env["amazon.sync.run"].search(
            [("account_id", "=", self.account.id), ("flow", "=", "orders")]
        )

    def _lock_holders(self):
        """Backend pids holding the account's order-sync advisory lock."""
        self.env.cr.execute(
            """SELECT pid FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 2
                  AND classid::bigint = %s AND objid::bigint = %s""",
            (ORDER_SYNC_LOCK, self.account.id),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _sync_until_killed(self, at_search):
        """Sync with a client that "dies" at searchOrders call ``at_search``.

        Not ``assertRaises``: Odoo's rolls back a savepoint of its own when the
        exception comes, which would also drop what the run committed before dying.
        """
        self.spy_options = {"kill_at_search": at_search}
        killed = False
        try:
            self.account._sync_orders()
        except Killed:
            killed = True
        finally:
            self.spy_options = {}
        self.assertTrue(killed, "the run was not interrupted")

    def _assert_order_matches_amazon(self, sale_order, order_id):
        """Lines and total of ``sale_order`` are those of Amazon's order."""
        data = self.orders_data[order_id]
        lines = sale_order.order_line.filtered("amazon_item_ref")
        self.assertEqual(
            {line.amazon_item_ref: line.product_uom_qty for line in lines},
            {
                item["orderItemId"]: item["quantityOrdered"]
                for item in data["orderItems"]
            },
        )
        self.assertEqual(
            sorted(lines.product_id.mapped("default_code")),
            sorted(item["product"]["sellerSku"] for item in data["orderItems"]),
        )
        self.assertEqual(
            f"{sale_order.amount_total:.2f}", data["proceeds"]["grandTotal"]["amount"]
        )
        self.assertEqual(sale_order.state, "sale")

    # --- 1. one malformed order among ten -------------------------------------

    def test_malformed_order_recorded_retried_until_fixed(self):
        """One order Odoo cannot import (a currency it does not know) among ten: nine
        imported, the tenth recorded as a failure row of the run and the cursor passes;
        each later run retries it with one getOrder, until Amazon's order is fixed."""
        bad = self.order_ids[3]
        self._sandbox_order(bad)["proceeds"]["grandTotal"]["currencyCode"] = "ZZZ"
        window_end = self._window_end()

        run1 = self.account._sync_orders()
        self.assertEqual(run1.state, "done", run1.error)
        self.assertEqual(self._imported_refs(), set(self.order_ids) - {bad})
        self.assertEqual(
            (run1.orders_total, run1.orders_created, run1.orders_failed),
            (ORDERS, ORDERS - 1, 1),
        )
        failure = run1.failure_ids
        self.assertEqual(failure.amazon_order_ref, bad)
        self.assertIn("ZZZ", failure.error)
        self.assertEqual((failure.attempts, failure.state), (1, "pending"))
        self.assertEqual(self.account.last_orders_sync, window_end)
        self.assertEqual(len(self._calls("getOrder")), 0)

        # next run, 15 minutes later: nothing new listed, the failure retried
        self.app.advance(900)
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        get_calls = self._calls("getOrder")
        self.assertEqual(len(get_calls), 1)
        self.assertTrue(get_calls[0]["path"].endswith(f"/orders/{bad}"))
        self.assertEqual((failure.attempts, failure.state), (2, "pending"))
        self.assertEqual((failure.run_id, failure.last_run_id), (run1, run2))
        self.assertEqual((run2.orders_retried, run2.orders_failed), (1, 1))
        self.assertFalse(self._sale_orders([bad]))

        # Amazon's order is fixed: the next run imports it, the failure is resolved
        self._sandbox_order(bad)["proceeds"]["grandTotal"]["currencyCode"] = "EUR"
        self.app.advance(900)
        run3 = self.account._sync_orders()
        self.assertEqual(run3.state, "done", run3.error)
        self.assertEqual(len(self._calls("getOrder")), 2)
        self._assert_order_matches_amazon(self._sale_orders([bad]), bad)
        self.assertEqual((failure.state, failure.attempts), ("resolved", 3))
        self.assertEqual((run3.orders_retried, run3.orders_created), (1, 1))
        self.assertEqual(self._imported_refs(), set(self.order_ids))

        # resolved: never asked again
        self.app.advance(900)
        self.account._sync_orders()
        self.assertEqual(len(self._calls("getOrder")), 2)

    def test_dismissed_failure_is_not_retried(self):
        """An Amazon User dismisses a failed order: later runs no longer call getOrder
        for it, and it stays dismissed."""
        bad = self.order_ids[7]
        self._sandbox_order(bad)["proceeds"]["grandTotal"]["currencyCode"] = "ZZZ"
        run1 = self.account._sync_orders()
        self.assertEqual(run1.orders_failed, 1)
        failure = run1.failure_ids
        self.assertEqual(failure.amazon_order_ref, bad)
        self.assertEqual(self.account.failure_ids, failure)

        failure.with_user(self.amazon_user).action_dismiss()
        self.assertEqual(failure.state, "dismissed")
        self.assertFalse(self.account.failure_ids)

        self.app.advance(900)
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(len(self._calls("getOrder")), 0)
        self.assertEqual(run2.orders_retried, 0)
        self.assertEqual((failure.state, failure.attempts), ("dismissed", 1))
        with self.assertRaises(AccessError):
            failure.with_user(self.plain_user).action_dismiss()

    # --- 2. a run killed after page 2 of 3 --------------------------------------

    def test_run_killed_after_page_two_resumes_at_page_three(self):
        """The process dies when the run asks for page 3: pages 1 and 2 stay committed
        with the run row (window end, page token of page 3); the next run sends exactly
        one searchOrders, with that token; every order is imported exactly once; the
        cursor moves only when the window is done."""
        window_end = self._window_end()
        self._sync_until_killed(at_search=3)
        self.assertEqual(self._lock_holders(), [], "the lock outlived the run")
        run1 = self._runs()
        self.assertEqual(len(run1), 1)
        self.assertEqual(run1.state, "running")
        self.assertEqual(len(self._calls("searchOrders")), 2)
        self.assertEqual(
            self.clients[0].pages, [self.order_ids[:4], self.order_ids[4:8]]
        )
        self.assertEqual(
            (run1.pages, run1.orders_total, run1.orders_created), (2, 8, 8)
        )
        self.assertEqual(self._imported_refs(), set(self.order_ids[:8]))
        self.assertEqual(run1.window_end, window_end)
        self.assertFalse(self.account.last_orders_sync)
        token = run1.sudo().next_page_token
        # the sandbox reads its own token: it leads to page 3
        self.assertEqual(self.app.page_tokens.read(token)["p"], 3)

        self.spy_options = {}
        self.app.advance(300)
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(run2.resumed_from_id, run1)
        self.assertEqual(run1.state, "failed")
        self.assertEqual(len(self._calls("searchOrders")), 3)
        self.assertEqual(self.clients[1].sent_tokens, [token])
        self.assertEqual(self.clients[1].pages, [self.order_ids[8:]])
        self.assertEqual(
            (run2.pages, run2.orders_total, run2.orders_created), (1, 2, 2)
        )
        self.assertEqual(self._imported_refs(), set(self.order_ids))
        self.assertEqual(run2.window_end, window_end)
        self.assertEqual(self.account.last_orders_sync, window_end)

    def test_a_recovered_order_does_not_hide_the_window_to_resume(self):
        """An order recovered by the wizard between a killed run and the next one
        (its run has no window) does not make the next run read the window again."""
        self._sync_until_killed(at_search=3)
        run1 = self._runs()
        token = run1.sudo().next_page_token
        self.assertTrue(token)
        self.app.advance(300)
        self.assertEqual(
            self.account._import_order_by_ref(self.order_ids[9]), "created"
        )
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(run2.resumed_from_id, run1)
        self.assertEqual(len(self._calls("searchOrders")), 3)
        self.assertEqual(self.clients[-1].sent_tokens, [token])
        self.assertEqual(self._imported_refs(), set(self.order_ids))

    def test_failed_run_resumes_at_its_next_page(self):
        """Amazon answers 500 to page 3 until the client gives up: the run fails with
        the error, keeps the cursor, and the next run reads page 3 only."""
        self.app.add_faults(
            {"operation": "searchOrders", "kind": "page_error", "page": 3, "count": 5}
        )
        run1 = self.account._sync_orders()
        self.assertEqual(run1.state, "failed")
        self.assertIn("AmazonServerError", run1.error)
        self.assertEqual((run1.pages, run1.orders_created), (2, 8))
        self.assertFalse(self.account.last_orders_sync)
        self.assertEqual(self._lock_holders(), [])
        token = run1.sudo().next_page_token
        searches = len(self._calls("searchOrders"))

        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(len(self._calls("searchOrders")), searches + 1)
        self.assertEqual(self.clients[1].sent_tokens, [token])
        self.assertEqual(self._imported_refs(), set(self.order_ids))
        self.assertEqual(self.account.last_orders_sync, run1.window_end)

    def test_window_longer_than_the_search_burst_waits_for_the_usage_plan(self):
        """searchOrders allows one call every 180 s once its burst is spent: the run
        waits for the next token instead of failing with RateLimited (found by make
        chaos: a seller with more than 20 pages of orders failed its run at page 21,
        the adapter's default wait limit of 120 s being shorter than 180 s)."""
        self.env["ir.config_parameter"].set_param(ORDER_PAGE_SIZE_PARAM, 1)
        now = [0.0]
        waits = []

        def sleep(seconds):  # the sandbox's clock moves with ours
            waits.append(seconds)
            now[0] += seconds
            self.app.advance(seconds)

        # the searchOrders plan with a burst of 2 instead of 20: page 3 waits 180 s
        self.spy_options = {
            "limiter": RateLimiter({"searchOrders": (0.0056, 2)}),
            "clock": lambda: now[0],
            "sleep": sleep,
        }
        run = self.account._sync_orders()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.pages, ORDERS)
        self.assertEqual(self._imported_refs(), set(self.order_ids))
        self.assertEqual(self.clients[0].max_wait, ORDER_SYNC_MAX_WAIT)
        self.assertEqual(len(waits), ORDERS - 2)
        self.assertTrue(all(170 < wait <= 180 for wait in waits), waits)
        self.assertEqual(self.app.call_log()["throttled"], 0, "never a 429")

    def test_expired_page_token_reads_the_window_again(self):
        """A run resumes more than 24 h later: Amazon refuses the token, the run reads
        the window again from its start, without duplicates."""
        self._sync_until_killed(at_search=3)
        self.spy_options = {}
        self.app.advance(25 * 3600)
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertIn("page token", run2.notes)
        self.assertEqual(
            [call["status"] for call in self._calls("searchOrders")][2:],
            [400, 200, 200, 200],
        )
        self.assertEqual((run2.orders_created, run2.orders_unchanged), (2, 8))
        self.assertEqual(self._imported_refs(), set(self.order_ids))

    # --- 3. two runs at once ------------------------------------------------------

    def test_second_run_leaves_while_another_session_holds_the_lock(self):
        """Another database session (a real second connection) holds the account's
        lock: the sync says "already running" and leaves, creating no run and calling
        nothing; once released, a run goes."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (ORDER_SYNC_LOCK, self.account.id),
            )
            self.assertTrue(other.fetchone()[0])
            other.commit()
            self.assertIs(self.account._sync_orders(), False)
            self.assertFalse(self._runs())
            self.assertEqual(self.app.call_log()["calls"], [])
            self.assertEqual(self.clients, [])
            action = self.account.action_sync_orders()
            self.assertEqual(action["tag"], "display_notification")
            self.assertFalse(self._runs())
        finally:
            other.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (ORDER_SYNC_LOCK, self.account.id)
            )
            other.close()
        run = self.account._sync_orders()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(self._imported_refs(), set(self.order_ids))

    def test_sync_orders_button_triggers_the_cron_when_it_can(self):
        """SYNC ORDERS does not run a sync in the HTTP request when the cron
        *Amazon: synchronize orders* is active: it triggers the cron and says so
        (no run, no call in the request). With the cron deactivated, it runs the
        sync in the request, as a manual run."""
        cron = self.env.ref("sale_amazon_connector.ir_cron_amazon_sync_orders")
        cron.active = True
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        action = self.account.with_user(self.amazon_user).action_sync_orders()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("starts in the background", action["params"]["message"])
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.assertFalse(self._runs())
        self.assertEqual(self.app.call_log()["calls"], [])
        self.assertFalse(self._imported_refs())

        cron.active = False
        action = self.account.with_user(self.amazon_user).action_sync_orders()
        self.assertEqual(action["tag"], "display_notification")
        run = self._runs()
        self.assertEqual((run.trigger, run.state), ("manual", "done"), run.error)
        self.assertEqual(self._imported_refs(), set(self.order_ids))
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1
        )

    def test_recover_waits_for_a_running_sync(self):
        """The recover wizard takes the account's lock too: while another session
        holds it, recovering an order is refused before any call."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (ORDER_SYNC_LOCK, self.account.id),
            )
            self.assertTrue(other.fetchone()[0])
            other.commit()
            with self.assertRaisesRegex(UserError, "synchronization .* is running"):
                self.account._import_order_by_ref(self.order_ids[0])
            self.assertEqual(self.app.call_log()["calls"], [])
        finally:
            other.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (ORDER_SYNC_LOCK, self.account.id)
            )
            other.close()
        self.assertEqual(
            self.account._import_order_by_ref(self.order_ids[0]), "created"
        )
        self.assertEqual(self._lock_holders(), [])

    def test_running_sync_holds_the_lock_in_its_own_session(self):
        """During a run the lock is held by a session that is neither the test's nor
        the run's cursor, so a second sync started meanwhile leaves; the lock is
        released at the end, and also when a run fails.

        The registry is in test mode, as under an ``HttpCase`` (a browser clicking SYNC
        ORDERS): ``registry.cursor()`` is then a test cursor on the test's own
        connection, where an advisory lock would be re-entrant and prove nothing.
        """
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.env.cr.execute("SELECT pg_backend_pid()")
        own_pid = self.env.cr.fetchone()[0]
        seen = []

        def on_search(client):
            holders = self._lock_holders()
            # (an AssertionError here fails the run, whose error the test then shows)
            assert len(holders) == 1, f"lock holders: {holders}"
            assert holders[0] != own_pid, "the lock is in the test's own session"
            seen.append((holders, self.account._sync_orders()))

        self.spy_options = {"on_search": on_search}
        run = self.account._sync_orders()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(len(seen), 3)
        for holders, second in seen:
            self.assertEqual(len(holders), 1)
            self.assertNotEqual(holders[0], own_pid)
            self.assertIs(second, False)
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(self._lock_holders(), [])

        # a run that fails releases the lock too
        self.spy_options = {}
        self.app.add_faults({"operation": "searchOrders", "status": 403, "count": 10})
        self.account.last_orders_sync -= timedelta(hours=2)
        failed = self.account._sync_orders()
        self.assertEqual(failed.state, "failed")
        self.assertEqual(self._lock_holders(), [])

    # --- 4. replayed page and window -----------------------------------------------

    def test_replayed_page_and_window_change_nothing(self):
        """Amazon serving page 1 again in place of page 2, a run resuming at a page
        already imported, and a whole window read again: 0 new records, 0 errors, only
        "unchanged"."""
        self.app.add_faults({"operation": "searchOrders", "kind": "repeat_page"})
        run1 = self.account._sync_orders()
        self.assertEqual(run1.state, "done", run1.error)
        self.assertEqual(len(self._calls("searchOrders")), 4)  # 3 pages + 1 repeated
        self.assertEqual((run1.orders_created, run1.orders_failed), (ORDERS, 0))
        self.assertEqual(self._imported_refs(), set(self.order_ids))
        lines = self._sale_orders().order_line
        stamps = {so.id: so.amazon_last_update for so in self._sale_orders()}

        # replayed page: a run resumes at page 2 of the window just imported
        page2 = self.clients[0].sent_tokens[2]  # the token of page 2 (after the repeat)
        self.assertEqual(self.app.page_tokens.read(page2)["p"], 2)
        self.app.advance(300)
        self.env["amazon.sync.run"].create(
            {
                "account_id": self.account.id,
                "state": "failed",
                "window_start": self.account.import_orders_since,
                "window_end": run1.window_end,
                "next_page_token": page2,
            }
        )
        self.account.last_orders_sync = self.account.import_orders_since
        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(self.clients[1].sent_tokens[0], page2)
        self.assertEqual(
            (run2.orders_total, run2.orders_unchanged, run2.orders_created), (6, 6, 0)
        )
        self.assertEqual((run2.orders_updated, run2.orders_failed), (0, 0))

        # replayed window
        self.app.advance(300)
        self.account.last_orders_sync = self.account.import_orders_since
        run3 = self.account._sync_orders()
        self.assertEqual(run3.state, "done", run3.error)
        self.assertEqual((run3.orders_total, run3.orders_unchanged), (ORDERS, ORDERS))
        self.assertEqual((run3.orders_created, run3.orders_updated), (0, 0))
        self.assertEqual(run3.orders_failed, 0)
        self.assertEqual(self._sale_orders().order_line, lines)
        self.assertEqual(
            {so.id: so.amazon_last_update for so in self._sale_orders()}, stamps
        )
        self.assertFalse(
            self.env["amazon.sync.failure"].search(
                [("account_id", "=", self.account.id)]
            )
        )

    # --- 5. developer-mode cursor rewind ----------------------------------------

    def test_developer_rewinds_the_cursor(self):
        """In developer mode the account form lets an Amazon Manager move "last orders
        sync" back, with a warning; the next run reads the period again without creating
        anything. Without developer mode the field is read-only."""
        run1 = self.account._sync_orders()
        self.assertEqual(run1.orders_created, ORDERS)
        orders = self._sale_orders()
        self.app.advance(900)

        # read-only outside developer mode
        manager_account = self.account.with_user(self.manager)
        with (
            developer_mode(False),
            Form(manager_account) as form,
            self.assertRaisesRegex(AssertionError, "readonly"),
        ):
            form.last_orders_sync = self.account.import_orders_since

        with developer_mode(), Form(self.account.with_user(self.manager)) as form:
            form.last_orders_sync = self.account.import_orders_since
        self.assertEqual(
            self.account.last_orders_sync, self.account.import_orders_since
        )

        run2 = self.account._sync_orders()
        self.assertEqual(run2.state, "done", run2.error)
        self.assertEqual(run2.window_start, self.account.import_orders_since)
        self.assertEqual((run2.orders_total, run2.orders_unchanged), (ORDERS, ORDERS))
        self.assertEqual((run2.orders_created, run2.orders_failed), (0, 0))
        self.assertEqual(self._sale_orders(), orders)
        self.assertEqual(self.account.last_orders_sync, self._window_end())

    def test_cursor_field_and_warning_in_the_form(self):
        """The form shows the editable field and its warning in developer mode only."""

        def arch(user, debug=True):
            with developer_mode(debug):
                views = self.account.with_user(user).get_views([(False, "form")])
            return etree.fromstring(views["views"]["form"]["arch"])

        dev = arch(self.manager)
        fields = dev.xpath("//field[@name='last_orders_sync']")
        self.assertEqual(len(fields), 1)
        self.assertNotIn(fields[0].get("readonly"), ("1", "True"))
        warning = dev.xpath("//div[@name='last_orders_sync_warning']")
        self.assertEqual(len(warning), 1)
        text = " ".join(warning[0].itertext())
        for words in ("reads again", "never", "duplicated", "API quota"):
            self.assertIn(words, text)

        for plain in (arch(self.manager, debug=False), arch(self.amazon_user, False)):
            fields = plain.xpath("//field[@name='last_orders_sync']")
            self.assertEqual(len(fields), 1)
            self.assertEqual(fields[0].get("readonly"), "1")
            self.assertFalse(plain.xpath("//div[@name='last_orders_sync_warning']"))

    # --- 6. recover wizard --------------------------------------------------------

    def test_recover_wizard(self):
        """An Amazon User recovers one order by its reference: one getOrder, no
        searchOrders, the order imported as a listed one is; again: unchanged; a
        malformed reference is refused before any call; others may not use it."""
        ref = self.order_ids[2]
        Wizard = self.env["amazon.order.recover"].with_user(self.amazon_user)
        wizard = Wizard.create(
            {"account_id": self.account.id, "amazon_order_ref": f"  {ref} "}
        )
        action = wizard.action_recover()
        recovered = self._sale_orders([ref])
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], recovered.id)
        self.assertEqual(len(self._calls("getOrder")), 1)
        self.assertEqual(len(self._calls("searchOrders")), 0)
        self._assert_order_matches_amazon(recovered, ref)
        self.assertEqual(recovered.client_order_ref, ref)
        self.assertEqual(recovered.amazon_marketplace_id.marketplace_ref, samples.DE)

        # a listed order of the same shape gets the same lines
        run = self.account._sync_orders()
        self.assertEqual((run.orders_created, run.orders_unchanged), (ORDERS - 1, 1))
        listed = self._sale_orders([self.order_ids[1]])

        def shape(order):
            return sorted(
                (
                    line.product_id.id,
                    line.product_uom_qty,
                    line.price_unit,
                    tuple(line.tax_id.ids),
                    line.is_delivery,
                )
                for line in order.order_line
            )

        self.assertEqual(shape(recovered), shape(listed))
        self.assertEqual(recovered.amazon_channel, listed.amazon_channel)
        self.assertEqual(recovered.partner_id.country_id, listed.partner_id.country_id)

        # already imported: unchanged, nothing created
        count = self.env["sale.order"].search_count([])
        action = Wizard.create(
            {"account_id": self.account.id, "amazon_order_ref": ref}
        ).action_recover()
        self.assertEqual(action["res_id"], recovered.id)
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        manual = self._runs().filtered(lambda r: r.trigger == "manual")[:1]
        self.assertEqual((manual.orders_total, manual.orders_unchanged), (1, 1))

        # malformed: refused before any call
        for bad in ("12-1234567-1234567", "302-123456-1234567", "abc", "3021234567"):
            with self.assertRaisesRegex(UserError, "3, 7 and 7 digits"):
                Wizard.create(
                    {"account_id": self.account.id, "amazon_order_ref": bad}
                ).action_recover()
        self.assertEqual(len(self._calls("getOrder")), 2)

        # unknown to Amazon: its answer is said
        with self.assertRaisesRegex(UserError, "Amazon answered"):
            Wizard.create(
                {
                    "account_id": self.account.id,
                    "amazon_order_ref": "999-9999999-9999999",
                }
            ).action_recover()

        # only Amazon users
        with self.assertRaises(AccessError):
            self.env["amazon.order.recover"].with_user(self.plain_user).create(
                {"account_id": self.account.id, "amazon_order_ref": ref}
            )

    # --- 7. progress ------------------------------------------------------------

    def test_progress_per_page_and_cron_progress(self):
        """Started by the cron, a run of three pages holds after each page the orders
        read so far, and reports them through the cron progress API; at the end the
        counts are those of the sandbox's pages and nothing remains."""
        cron = self.env.ref("sale_amazon_connector.ir_cron_amazon_sync_orders")
        cron, progress = cron._add_progress()
        seen = []

        def on_search(client):
            run = self._runs().filtered(lambda r: r.state == "running")
            seen.append(
                (
                    run.pages,
                    run.orders_total,
                    run.orders_created,
                    progress.done,
                    progress.remaining,
                )
            )

        self.spy_options = {"on_search": on_search}
        self.env["amazon.account"].with_context(
            ir_cron_progress_id=progress.id
        )._cron_sync_orders()
        run = self._runs()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.trigger, "cron")
        pages = self.clients[0].pages
        # the sandbox's pages are the scenario's orders in Amazon's order, by 4
        self.assertEqual(
            pages,
            [self.order_ids[i : i + PAGE_SIZE] for i in range(0, ORDERS, PAGE_SIZE)],
        )
        sizes = [len(page) for page in pages]
        self.assertEqual(sizes, [4, 4, 2])
        expected = [(0, 0, 0, 0, 0)]
        for index in range(1, len(sizes)):
            done = sum(sizes[:index])
            expected.append((index, done, done, done, 1))
        self.assertEqual(seen, expected)
        self.assertEqual((run.pages, run.orders_total, run.orders_created), (3, 10, 10))
        self.assertEqual((progress.done, progress.remaining), (ORDERS, 0))
