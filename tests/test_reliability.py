"""Account health (token, last run per flow, what waits, one activity per failing
flow) and the neutralization of a database copy.

The runs go through the real ``_sync_orders`` with a stand-in client that lists no
order or fails as Amazon would (an ``AmazonAuthError``), so the run rows, their states
and errors are the sync's own.
"""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from ..exceptions import (
    AmazonAuthError,
    AmazonInvalidInputError,
    AmazonServerError,
    AmazonThrottledError,
)
from .common import AmazonCommon


class _CallLog:
    def __init__(self):
        self.calls = 0

    def total(self):
        return self.calls


class StubClient:
    """Stands for ``SpApiClient`` in a run: ``searchOrders`` lists nothing, or
    raises ``error``."""

    def __init__(self, error=None):
        self.error = error
        self.call_log = _CallLog()

    def iter_order_pages(self, **query):
        self.call_log.calls += 1
        if self.error:
            raise self.error
        return iter(())

    def get_order(self, order_ref, **kwargs):  # pragma: no cover - no failure rows
        raise AssertionError("no order to retry")


class WindowStubClient(StubClient):
    """Amazon refuses the window's first page (400, without saying why), then
    answers the sync's extra ``searchOrders`` call (its own bound) with ``bound``,
    or fails it with ``probe_error``."""

    def __init__(self, bound=None, probe_error=None):
        super().__init__(
            AmazonInvalidInputError("Invalid Input", code="InvalidInput", status=400)
        )
        self.bound = bound
        self.probe_error = probe_error
        self.probes = []

    def search_orders_bound(self, *, marketplace_ids, last_updated_after):
        self.call_log.calls += 1
        self.probes.append(last_updated_after)
        if self.probe_error:
            raise self.probe_error
        return self.bound


@tagged("post_install", "-at_install")
class TestEmptyWindow(AmazonCommon):
    """A cursor at Amazon's now or after it: Amazon refuses the first page; the
    sync asks Amazon for its own bound (one extra searchOrders call)."""

    CURSOR = datetime(2026, 11, 2, 8, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account(import_orders_since=cls.CURSOR)

    def test_a_cursor_equal_to_amazons_bound_is_an_empty_window(self):
        """Amazon refuses lastUpdatedAfter == lastUpdatedBefore: a cursor equal to
        Amazon's bound is an empty window, the run is done and the cursor stays."""
        client = WindowStubClient(bound=self.CURSOR)
        run = self.account._sync_orders(client=client)
        self.assertEqual(len(client.probes), 1)
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual((run.window_start, run.window_end), (self.CURSOR, self.CURSOR))
        self.assertIn("Nothing to read", run.notes)
        self.assertEqual(self.account.last_orders_sync, self.CURSOR)
        self.assertEqual(run.api_calls, 2, "the page and the extra call")

    def test_a_failing_extra_call_keeps_amazons_first_refusal(self):
        """The extra call is throttled: the run fails with Amazon's refusal of the
        page (what the user must see), not with the extra call's error."""
        client = WindowStubClient(
            probe_error=AmazonThrottledError(
                "You exceeded your quota for the requested resource.",
                code="QuotaExceeded",
                status=429,
            )
        )
        run = self.account._sync_orders(client=client)
        self.assertEqual(len(client.probes), 1)
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("AmazonInvalidInputError"), run.error)
        self.assertFalse(self.account.last_orders_sync)

    def test_a_cursor_before_amazons_bound_is_not_an_empty_window(self):
        client = WindowStubClient(bound=self.CURSOR + timedelta(seconds=1))
        run = self.account._sync_orders(client=client)
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("AmazonInvalidInputError"), run.error)


@tagged("post_install", "-at_install")
class TestAccountHealth(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account(user_id=cls.amazon_user.id)

    def _run(self, error=None):
        run = self.account._sync_orders(client=StubClient(error))
        self.assertTrue(run)
        return run

    def _open_failure_activities(self):
        return self.account.activity_ids.filtered(
            lambda activity: "Amazon sync failed" in (activity.summary or "")
        )

    def test_failed_runs_open_one_activity_that_a_successful_run_closes(self):
        first = self._run(AmazonServerError("Service unavailable", status=503))
        second = self._run(AmazonServerError("Service unavailable", status=503))
        self.assertEqual((first.state, second.state), ("failed", "failed"))
        activities = self._open_failure_activities()
        self.assertEqual(len(activities), 1, "one activity, not one per run")
        self.assertEqual(activities.user_id, self.amazon_user)
        self.assertIn(f"#{first.id}", str(activities.note))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_state, "error")
        self.assertEqual(self.account.health_failed_flows, "Orders")

        done = self._run()
        self.assertEqual(done.state, "done")
        self.assertFalse(self._open_failure_activities())
        done_messages = self.account.message_ids.filtered(
            lambda message: f"Run #{done.id} ended successfully" in str(message.body)
        )
        self.assertEqual(len(done_messages), 1, "the activity was marked done")
        self.account.invalidate_recordset()
        self.assertFalse(self.account.health_failed_flows)
        # a new failure after the success opens a new activity
        self._run(AmazonServerError("Service unavailable", status=503))
        self.assertEqual(len(self._open_failure_activities()), 1)

    def test_token_state_follows_the_latest_evidence(self):
        self.assertEqual(self.account.health_token_state, "unknown")
        with freeze_time("2026-11-02 08:00:00"):
            self._run()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_token_state, "valid")
        self.assertEqual(self.account.health_token_date, datetime(2026, 11, 2, 8))
        self.assertEqual(self.account.health_last_orders, datetime(2026, 11, 2, 8))
        with freeze_time("2026-11-02 09:00:00"):
            self._run(AmazonAuthError("Access to requested resource is denied."))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_token_state, "invalid")
        self.assertEqual(self.account.health_state, "error")
        # the last successful orders run is still the first one
        self.assertEqual(self.account.health_last_orders, datetime(2026, 11, 2, 8))
        with freeze_time("2026-11-02 10:00:00"):
            self._run()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_token_state, "valid")
        self.account.sudo().refresh_token = False
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_token_state, "missing")

    def test_errors_waiting_for_someone_are_counted(self):
        self._run()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_state, "ok")
        run = self.account.sync_run_ids[:1]
        self.env["amazon.sync.failure"].create(
            [
                {
                    "run_id": run.id,
                    "last_run_id": run.id,
                    "account_id": self.account.id,
                    "amazon_order_ref": ref,
                    "error": "KeyError: 'proceeds'",
                    "state": state,
                }
                for ref, state in (
                    ("028-0000001-0000001", "pending"),
                    ("028-0000001-0000002", "pending"),
                    ("028-0000001-0000003", "dismissed"),
                )
            ]
        )
        product = self.env["product.product"].create({"name": "Mug"})
        partner = self.env["res.partner"].create({"name": "Amazon Customer"})
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "amazon_account_id": self.account.id,
                    "amazon_order_ref": f"028-0000002-000000{index}",
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
                for index in range(3)
            ]
        )
        orders[0].amazon_cancel_state = "error"
        orders[1].amazon_cancel_state = "done"
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_failed_orders, 2)
        self.assertEqual(self.account.health_cancel_errors, 1)
        self.assertEqual(self.account.health_picking_errors, 0)
        self.assertEqual(self.account.health_last_cancellations, orders[1].write_date)
        self.assertEqual(self.account.health_state, "warning")
        # the Amazon User reads the summary (computed as superuser)
        health = self.account.with_user(self.amazon_user).read(
            ["health_state", "health_failed_orders"]
        )[0]
        self.assertEqual(
            (health["health_state"], health["health_failed_orders"]), ("warning", 2)
        )

    def test_run_rows_keep_no_secret(self):
        """A failed run's error and notes never carry the credentials."""
        run = self._run(AmazonAuthError("invalid_grant", code="invalid_grant"))
        secrets = self.account._get_credentials()
        for value in (secrets["lwa_client_secret"], secrets["refresh_token"]):
            self.assertNotIn(value, str(run.read()[0]))
            self.assertNotIn(value, str(self.account.activity_ids.mapped("note")))
        with self.assertRaises(AccessError):
            run.with_user(self.amazon_user).read(["next_page_token"])


@tagged("post_install", "-at_install")
class TestNeutralize(AmazonCommon):
    def test_neutralize_disables_accounts_and_crons_and_clears_secrets(self):
        account = self._create_account(endpoint_override="http://127.0.0.1:8765")
        run = self.env["amazon.sync.run"].create(
            {"account_id": account.id, "state": "failed"}
        )
        run.sudo().next_page_token = "page-token-2"
        crons = self.env["ir.cron"].search(
            [("cron_name", "like", "Amazon:")]
        ) | self.env.ref("sale_amazon_connector.ir_cron_amazon_erase_buyer_data")
        crons.active = True
        self.env.flush_all()
        # as odoo.modules.neutralize.neutralize_database, this module's file only
        queries = list(get_neutralization_queries(["sale_amazon_connector"]))
        self.assertEqual(len(queries), 1)
        self.env.cr.execute(queries[0])
        self.env.invalidate_all()
        account_sudo = account.sudo()
        self.assertFalse(account_sudo.active)
        self.assertFalse(account_sudo.lwa_client_secret)
        self.assertFalse(account_sudo.refresh_token)
        self.assertFalse(account_sudo.endpoint_override)
        self.assertFalse(run.sudo().next_page_token)
        self.assertGreaterEqual(len(crons), 6)
        self.assertFalse(any(crons.mapped("active")))
        # the sync crons now leave the archived account alone
        self.assertNotIn(account, self.env["amazon.account"].search([]))
        # other modules' crons are untouched
        self.assertTrue(self.env.ref("base.autovacuum_job").active)
