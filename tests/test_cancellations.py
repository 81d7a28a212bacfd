"""Cancellations from Odoo to Amazon (order acknowledgement feed) and buyer
cancellation requests, against the SP-API sandbox through the real client.

The sandbox is shared by the tests of the class and never rolled back: each test works
on its own orders, and its clock only moves forward.
"""

from datetime import timedelta
from unittest.mock import patch

from spapi_sandbox import generator

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..exceptions import AmazonApiError
from ..services.sp_api import RateLimiter, SpApiClient
from .common import (
    AmazonSandboxCase,
    FakeClock,
    formatted_logs,
    later_clock,
    quoting_error,
)

FEED_PROCESSING_SECONDS = 61  # the sandbox's feeds are DONE 60 s after creation
# A buyer's name, as a database error or a constraint may quote it.
BUYER = "Alice Liddell"


@tagged("post_install", "-at_install")
class TestCancellations(AmazonSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_sandbox(generator.generate(orders=120, seed=7))
        cls.events = {event["type"]: event for event in cls.scenario["events"]}
        cls._sync_all()
        targets = {event["orderId"] for event in cls.scenario["events"]}
        cls.unshipped_fbm = [
            order
            for order in cls.env["sale.order"].search(
                [
                    ("amazon_channel", "=", "fbm"),
                    ("amazon_status", "=", "UNSHIPPED"),
                    ("amazon_order_ref", "not in", list(targets)),
                    ("amazon_buyer_cancel_requested", "=", False),
                ],
                order="amazon_order_ref",
            )
        ]

    def _sandbox_order(self, order_id):
        return self.sandbox.app.order_state(order_id)["order"]

    def _cancel_in_odoo(self, order, reason="NoInventory"):
        action = order.action_cancel()
        self.assertEqual(action["res_model"], "amazon.order.cancel")
        wizard = Form.from_action(self.env, action)
        wizard.reason = reason
        wizard.save().action_cancel_on_amazon()

    def _sync_cancellations(self, order):
        return self.env["sale.order"]._amazon_sync_cancellations(
            order.amazon_account_id
        )

    def test_cancel_in_odoo_cancels_on_amazon_without_email(self):
        order = self.unshipped_fbm[0]
        items = order.order_line.filtered("amazon_item_ref")
        mails = self.env["mail.mail"].search_count([])
        self._cancel_in_odoo(order, "ShippingAddressUndeliverable")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"cancel"})
        self.assertEqual(order.amazon_cancel_state, "pending")
        self.assertEqual(order.amazon_canceled_origin, "odoo")
        self.assertEqual(order.amazon_canceled_by_id, self.env.user)
        self.assertTrue(order.amazon_canceled_date)
        self.assertEqual(order.amazon_cancel_reason, "ShippingAddressUndeliverable")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertFalse(
            order.message_ids.filtered(lambda m: m.message_type == "email")
        )
        # Nothing reached Amazon inside the user's transaction.
        self.assertEqual(
            self._sandbox_order(order.amazon_order_ref)["fulfillment"][
                "fulfillmentStatus"
            ],
            "UNSHIPPED",
        )

        # The SYNC CANCELLATIONS button (developer mode) sends it.
        action = order.amazon_account_id.action_sync_cancellations()
        self.assertIn("1 order(s) sent", action["params"]["message"])
        self.assertEqual(order.amazon_cancel_state, "processing")
        feed_ref = order.amazon_cancel_feed_ref
        feeds = self.sandbox.app.feeds()
        feed = next(f for f in feeds if f["feedId"] == feed_ref)
        self.assertEqual(feed["feedType"], "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA")

        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        # The cron follows the feed to its report.
        self.env["amazon.account"]._cron_sync_cancellations()
        self.assertEqual(order.amazon_cancel_state, "done")
        data = self._sandbox_order(order.amazon_order_ref)
        self.assertEqual(data["fulfillment"]["fulfillmentStatus"], "CANCELLED")
        for item in data["orderItems"]:
            self.assertIn(item["orderItemId"], items.mapped("amazon_item_ref"))
            execution = item["cancellation"]["cancellationExecution"]
            self.assertEqual(execution["cancelledBy"], "MERCHANT")
            self.assertEqual(execution["cancelReason"], "ShippingAddressUndeliverable")
        # The next order sync sees Amazon's CANCELLED and changes nothing more.
        self.assertEqual(order.state, "cancel")

    def test_cancel_of_an_item_amazon_already_shipped_is_an_error_on_the_order(self):
        event = self.events["package_shipped"]
        order = self._sale_order(event["orderId"])
        self.assertEqual(order.amazon_status, "UNSHIPPED")
        # Amazon ships it (the event), Odoo does not know yet.
        self.sandbox.app.set_time(event["at"])
        self.sandbox.app.advance(1)
        self.assertEqual(
            self._sandbox_order(order.amazon_order_ref)["fulfillment"][
                "fulfillmentStatus"
            ],
            "SHIPPED",
        )
        self._cancel_in_odoo(order)
        self._sync_cancellations(order)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        counts = self._sync_cancellations(order)
        self.assertEqual(counts["error"], 1)
        self.assertEqual(order.amazon_cancel_state, "error")
        self.assertIn("shipped", order.amazon_cancel_error)
        activity = order.activity_ids.filtered(
            lambda a: a.summary == "Amazon cancellation failed"
        )
        self.assertEqual(len(activity), 1)
        order.action_amazon_retry_cancellation()
        self.assertEqual(order.amazon_cancel_state, "pending")

    def test_fba_orders_cannot_be_canceled_by_the_seller(self):
        order = self.env["sale.order"].search([("amazon_channel", "=", "fba")], limit=1)
        with self.assertRaisesRegex(UserError, "only Amazon can cancel"):
            order.action_cancel()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.amazon_cancel_state)

    def test_buyer_cancellation_request_is_flagged_then_accepted(self):
        event = self.events["buyer_cancellation_request"]
        order = self._sale_order(event["orderId"])
        self.assertFalse(order.amazon_buyer_cancel_requested)
        self.sandbox.app.set_time(event["at"])
        self.sandbox.app.advance(180)
        self.accounts[self._seller_of(event["orderId"])]._sync_orders()
        self.assertTrue(order.amazon_buyer_cancel_requested)
        self.assertEqual(order.amazon_buyer_cancel_reason, event["cancelReason"])
        self.assertTrue(
            order.activity_ids.filtered(
                lambda a: a.summary == "Amazon buyer asked to cancel"
            )
        )
        flagged = self.env["sale.order"].search(
            [("amazon_buyer_cancel_requested", "=", True), ("state", "!=", "cancel")]
        )
        self.assertIn(order, flagged)

        # Its delivery is not shipped by mistake.
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        with self.assertRaisesRegex(UserError, "asked to cancel"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")

        order.action_amazon_accept_buyer_cancellation()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.amazon_cancel_reason, "BuyerCanceled")
        self._sync_cancellations(order)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        self._sync_cancellations(order)
        self.assertEqual(order.amazon_cancel_state, "done")
        data = self._sandbox_order(order.amazon_order_ref)
        self.assertEqual(data["fulfillment"]["fulfillmentStatus"], "CANCELLED")
        reasons = {
            item["cancellation"]["cancellationExecution"]["cancelReason"]
            for item in data["orderItems"]
        }
        self.assertEqual(reasons, {"BuyerCanceled"})

    def _seller_of(self, order_id):
        return next(
            entry["sellerId"]
            for entry in self.scenario["orders"]
            if entry["order"]["orderId"] == order_id
        )

    def _ship_first_item(self, order):
        """Validate the delivery of the order's first item only (backorder kept)."""
        picking = order.picking_ids
        first = order.order_line.filtered(
            lambda line: line.amazon_item_ref and line.product_uom_qty
        )[0]
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if move.sale_line_id == first else 0
            move.picked = move.sale_line_id == first
        picking.carrier_id = self.env["delivery.carrier"].create(
            {
                "name": "Test carrier",
                "product_id": self.env["product.product"]
                .create({"name": "Test shipping", "type": "service"})
                .id,
            }
        )
        picking.carrier_tracking_ref = "TEST-TRACKING-7"
        action = picking.button_validate()
        if isinstance(action, dict):  # the backorder wizard
            Form.from_action(self.env, action).save().process()
        self.assertEqual(picking.state, "done")
        self.assertEqual(first.qty_delivered, first.product_uom_qty)
        return first

    def test_cancel_after_a_partial_shipment_keeps_what_shipped(self):
        order = next(
            o
            for o in self.unshipped_fbm
            if len(
                o.order_line.filtered(
                    lambda line: line.amazon_item_ref and line.product_uom_qty
                )
            )
            > 1
        )
        shipped = self._ship_first_item(order)
        rest = (
            order.order_line.filtered(
                lambda line: line.amazon_item_ref and line.product_uom_qty
            )
            - shipped
        )
        ordered = shipped.product_uom_qty
        self._cancel_in_odoo(order)
        # The order stays confirmed for what left; the rest goes to zero.
        self.assertEqual(order.state, "sale")
        self.assertEqual(shipped.product_uom_qty, ordered)
        self.assertEqual(set(rest.mapped("product_uom_qty")), {0})
        open_pickings = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        self.assertFalse(open_pickings.move_ids.filtered(lambda m: m.product_uom_qty))
        self.assertEqual(
            sorted(order.amazon_cancel_items.split(",")),
            sorted(rest.mapped("amazon_item_ref")),
        )
        self._sync_cancellations(order)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        self._sync_cancellations(order)
        self.assertEqual(order.amazon_cancel_state, "done")
        data = self._sandbox_order(order.amazon_order_ref)
        canceled = {
            item["orderItemId"]
            for item in data["orderItems"]
            if (item.get("cancellation") or {}).get("cancellationExecution")
        }
        self.assertEqual(canceled, set(rest.mapped("amazon_item_ref")))

    def test_a_claim_left_by_a_crash_is_sent_after_the_timeout(self):
        order = self.unshipped_fbm[1]
        self._cancel_in_odoo(order)
        Order = self.env["sale.order"]
        # The worker claimed it, committed, and died before the feed.
        claimed = Order._amazon_claim_cancellations(order.amazon_account_id)
        self.assertEqual(claimed, order)
        self.assertEqual(order.amazon_cancel_state, "processing")
        self.assertEqual(self._sync_cancellations(order)["sent"], 0, "still fresh")
        order.amazon_cancel_claimed_at -= timedelta(minutes=31)
        self.assertEqual(self._sync_cancellations(order)["sent"], 1)
        self.assertTrue(order.amazon_cancel_feed_ref)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        self._sync_cancellations(order)
        self.assertEqual(order.amazon_cancel_state, "done")

    def test_amazon_and_other_orders_are_canceled_apart(self):
        partner = self.env["res.partner"].create({"name": "A shop customer"})
        other = self.env["sale.order"].create({"partner_id": partner.id})
        with self.assertRaisesRegex(UserError, "apart from other orders"):
            (self.unshipped_fbm[2] | other).action_cancel()

    # --- run rows ---------------------------------------------------------------

    def _runs(self, account):
        return self.env["amazon.sync.run"].search(
            [("account_id", "=", account.id), ("flow", "=", "cancel")]
        )

    def _sandbox_calls(self):
        return len(self.sandbox.app.call_log()["calls"])

    def test_cancellation_runs_are_recorded_when_something_happened(self):
        """One cancel run row per account and run that sent or settled something,
        with its counts and the calls the sandbox received; a tick that only finds
        the feed still in progress writes none."""
        order = self.unshipped_fbm[-1]
        account = order.amazon_account_id
        Account = self.env["amazon.account"]
        Account._cron_sync_cancellations()
        self.assertFalse(self._runs(account), "nothing to send: no row")
        self._cancel_in_odoo(order)
        calls = self._sandbox_calls()
        account.action_sync_cancellations()
        run = self._runs(account)
        self.assertEqual(len(run), 1)
        self.assertEqual(
            (run.flow, run.trigger, run.state), ("cancel", "manual", "done")
        )
        self.assertEqual(
            (run.records_sent, run.records_done, run.records_waiting),
            (1, 0, 1),
        )
        # createFeedDocument, the upload, createFeed
        self.assertEqual(run.api_calls, self._sandbox_calls() - calls)
        self.assertGreaterEqual(run.api_calls, 3)

        Account._cron_sync_cancellations()  # the feed is still in progress
        self.assertEqual(self._runs(account), run)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        Account._cron_sync_cancellations()
        last = self._runs(account)[0]
        self.assertNotEqual(last, run)
        self.assertEqual(
            (last.trigger, last.state, last.records_done, last.records_waiting),
            ("cron", "done", 1, 0),
        )
        self.assertEqual(order.amazon_cancel_state, "done")
        account.invalidate_recordset()
        self.assertEqual(account.health_last_cancellations, last.ended_at)

    def test_credentials_refused_fail_the_cancel_run_not_the_order(self):
        """Amazon refuses the refresh token: the run fails (one activity for the
        flow), the order waits in the queue, not in error; fixed credentials send
        it."""
        order = self.unshipped_fbm[-2]
        account = order.amazon_account_id
        self._cancel_in_odoo(order)
        good_token = account._get_credentials()["refresh_token"]
        account.refresh_token_input = "Atzr|revoked-by-the-seller"
        for _tick in range(2):
            self.env["amazon.account"]._cron_sync_cancellations()
            run = self._runs(account)[0]
            self.assertEqual(run.state, "failed")
            self.assertTrue(run.error.startswith("AmazonAuthError"), run.error)
            self.assertNotIn("revoked-by-the-seller", run.error)
            self.assertEqual(order.amazon_cancel_state, "pending")
            self.assertFalse(order.amazon_cancel_error)
        activities = account.activity_ids.filtered(
            lambda a: a.summary == "Amazon sync failed: Cancellations"
        )
        self.assertEqual(len(activities), 1)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: a.summary == "Amazon cancellation failed"
            )
        )
        account.refresh_token_input = good_token
        self.env["amazon.account"]._cron_sync_cancellations()
        run = self._runs(account)[0]
        self.assertEqual((run.state, run.records_sent), ("done", 1))
        self.assertEqual(order.amazon_cancel_state, "processing")
        self.assertTrue(order.amazon_cancel_feed_ref)
        self.assertFalse(
            account.activity_ids.filtered(
                lambda a: a.summary == "Amazon sync failed: Cancellations"
            )
        )

    # --- claims, errors while following, throttling ----------------------------

    def _spare_order(self, index):
        """An unshipped FBM order of one item that no other test of the class
        uses (the sandbox is shared: an order canceled there stays canceled)."""
        spare = [
            order
            for order in self.unshipped_fbm[3:-2]
            if len(
                order.order_line.filtered(
                    lambda line: line.amazon_item_ref and line.product_uom_qty
                )
            )
            == 1
        ]
        return spare[-1 - index]

    def _sent(self, order):
        """Cancel ``order`` in Odoo, send its feed and let Amazon process it."""
        self._cancel_in_odoo(order)
        self.assertEqual(self._sync_cancellations(order)["sent"], 1)
        self.assertEqual(order.amazon_cancel_state, "processing")
        self.assertTrue(order.amazon_cancel_feed_ref)
        self.assertFalse(order.amazon_cancel_claimed_at, "let go after sending")
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)

    def _get_feed_calls(self):
        return [
            call
            for call in self.sandbox.app.call_log()["calls"]
            if call["operation"] == "getFeed"
        ]

    def test_a_feed_another_run_follows_is_not_followed_twice(self):
        """The cron claimed the orders of a feed to follow it (committed, the
        calls under way): SYNC CANCELLATIONS at that moment skips them, calling
        nothing; once that run let them go, they are followed."""
        order = self._spare_order(0)
        self._sent(order)
        # the other run's claim (its transaction committed before its calls)
        claimed = self.env["sale.order"]._amazon_claim_cancellations(
            order.amazon_account_id
        )
        self.assertIn(order, claimed)
        calls = len(self._get_feed_calls())
        counts = self._sync_cancellations(order)
        self.assertEqual((counts["done"], counts["attempted"]), (0, 0))
        self.assertEqual(len(self._get_feed_calls()), calls, "no getFeed")
        self.assertEqual(order.amazon_cancel_state, "processing")
        # the other run ends without an answer (feed followed later)
        claimed._amazon_release_cancellations()
        self.assertEqual(self._sync_cancellations(order)["done"], 1)
        self.assertEqual(order.amazon_cancel_state, "done")
        self.assertEqual(len(self._get_feed_calls()), calls + 1)

    def _fresh_orders(self, slot, count, rank=0):
        """``count`` unshipped FBM orders of one account that no other test uses
        (the sandbox is shared), taken from slot ``slot`` on: each test of this
        section has its own slots. The account is the one with the most such
        orders, or the next ones (``rank``)."""
        used = {
            *self.unshipped_fbm[:3],
            *self.unshipped_fbm[-2:],
            *(self._spare_order(index) for index in range(3)),
            next(
                o
                for o in self.unshipped_fbm
                if len(
                    o.order_line.filtered(
                        lambda line: line.amazon_item_ref and line.product_uom_qty
                    )
                )
                > 1
            ),
        }
        candidates = [o for o in self.unshipped_fbm[3:-2] if o not in used]
        accounts = [o.amazon_account_id for o in candidates]
        account = sorted(set(accounts), key=lambda a: (-accounts.count(a), a.id))[rank]
        mine = [o for o in candidates if o.amazon_account_id == account]
        self.assertGreaterEqual(len(mine), slot + count, "not enough orders")
        return mine[slot : slot + count]

    def _sent_apart(self, first, second):
        """Cancel two orders, each sent in a feed of its own, and let Amazon
        process both feeds (none followed yet)."""
        self._cancel_in_odoo(first)
        self.assertEqual(self._sync_cancellations(first)["sent"], 1)
        self._cancel_in_odoo(second)
        # sends the second feed; the first one is still in Amazon's queue
        self.assertEqual(self._sync_cancellations(second)["sent"], 1)
        self.assertEqual(
            (first.amazon_cancel_state, second.amazon_cancel_state),
            ("processing", "processing"),
        )
        self.assertNotEqual(first.amazon_cancel_feed_ref, second.amazon_cancel_feed_ref)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)

    def test_an_error_while_following_one_feed_is_that_feeds_orders_error(self):
        """Reviewer (issue 8): a repeatable error that is neither Amazon's nor the
        connector's while following one feed (a bug, another module's constraint,
        a database error) rolled the whole run back, every run, while the queue
        behind it starved. Now that feed's savepoint is rolled back, its orders
        are in error with the error's type only (its message may quote the
        buyer), their ids are logged, and the other feeds are followed; Retry
        follows the feed again."""
        first, second = self._fresh_orders(0, 2)
        account = first.amazon_account_id
        self._sent_apart(first, second)
        feed_ref = first.amazon_cancel_feed_ref
        Order = type(first)
        original = Order._amazon_follow_cancellation_feed
        error = quoting_error(BUYER)

        def broken(orders, client):
            if first in orders:
                orders.write({"amazon_cancel_state": "done"})  # half-written
                raise error
            return original(orders, client)

        with (
            patch.object(Order, "_amazon_follow_cancellation_feed", broken),
            self.assertLogs("odoo.addons.sale_amazon_connector", "INFO") as logs,
        ):
            counts, run = account._sync_cancellations()
        self.assertEqual((counts["done"], counts["error"]), (1, 1))
        self.assertEqual(
            (run.state, run.records_done, run.records_error), ("done", 1, 1)
        )
        self.assertEqual(second.amazon_cancel_state, "done")
        self.assertEqual(first.amazon_cancel_state, "error", "not the half-write")
        self.assertIn("IntegrityError", first.amazon_cancel_error)
        self.assertNotIn(BUYER, first.amazon_cancel_error)
        self.assertEqual(first.amazon_cancel_feed_ref, feed_ref, "kept for Retry")
        activity = first.activity_ids.filtered(
            lambda a: a.summary == "Amazon cancellation failed"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("not known", str(activity.note))
        logged = formatted_logs(logs)
        self.assertIn(f"[{first.id}]", logged)
        self.assertNotIn(BUYER, logged)
        # Fixed: Retry follows the same feed again.
        first.action_amazon_retry_cancellation()
        self.assertEqual(self._sync_cancellations(first)["done"], 1)
        self.assertEqual(first.amazon_cancel_state, "done")

    def test_a_final_amazon_error_on_a_feed_is_not_followed_forever(self):
        """Reviewer (issue 8): Amazon answering a feed with a final error (its
        report unreadable, the feed not found...) only let the orders go, so every
        run followed the feed again, silently. Now they are in error with
        Amazon's message, counted as such, the feed is forgotten, and Retry sends
        the cancellation again (Amazon answers an item canceled already with a
        warning: done)."""
        [order] = self._fresh_orders(2, 1)
        account = order.amazon_account_id
        self._sent(order)
        feed_ref = order.amazon_cancel_feed_ref
        malformed = AmazonApiError(
            f"The processing report of feed {feed_ref} cannot be read: not "
            "well-formed (invalid token): line 1, column 0",
            code="MalformedReport",
            operation="getFeedDocument",
        )
        with patch.object(SpApiClient, "get_feed_report", side_effect=malformed):
            counts, run = account._sync_cancellations()
        self.assertEqual(
            (counts["error"], counts["done"], counts["waiting"]), (1, 0, 0)
        )
        self.assertEqual((run.state, run.records_error), ("done", 1))
        self.assertEqual(order.amazon_cancel_state, "error")
        self.assertIn("cannot be read", order.amazon_cancel_error)
        self.assertIn(feed_ref, order.amazon_cancel_error)
        self.assertFalse(order.amazon_cancel_feed_ref)
        # the next run leaves it alone: no getFeed
        calls = len(self._get_feed_calls())
        self.assertEqual(self._sync_cancellations(order)["attempted"], 0)
        self.assertEqual(len(self._get_feed_calls()), calls)
        order.action_amazon_retry_cancellation()
        self.assertEqual(self._sync_cancellations(order)["sent"], 1)
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        self.assertEqual(self._sync_cancellations(order)["done"], 1)
        self.assertEqual(order.amazon_cancel_state, "done")

    def test_an_error_after_amazon_took_the_feed_keeps_the_feed(self):
        """Reviewer (issue 8): once submit_feed returned, Amazon is canceling;
        an error after it (here the chatter note) put the order in error saying
        "Amazon did not cancel". Now the feed id is committed first, the note's
        failure is logged, and the order waits for its feed as usual."""
        [order] = self._fresh_orders(3, 1)
        self._cancel_in_odoo(order)
        Order = type(order)
        original = Order.message_post

        def failing_post(record, **kwargs):
            if "Cancellation sent to Amazon" in str(kwargs.get("body")):
                raise quoting_error(BUYER)
            return original(record, **kwargs)

        with (
            patch.object(Order, "message_post", failing_post),
            self.assertLogs("odoo.addons.sale_amazon_connector", "INFO"),
        ):
            counts = self._sync_cancellations(order)
        self.assertEqual((counts["sent"], counts["error"]), (1, 0))
        self.assertEqual(order.amazon_cancel_state, "processing")
        self.assertTrue(order.amazon_cancel_feed_ref)
        self.assertFalse(order.amazon_cancel_error)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: a.summary == "Amazon cancellation failed"
            )
        )
        self.sandbox.app.advance(FEED_PROCESSING_SECONDS)
        self.assertEqual(self._sync_cancellations(order)["done"], 1)

    def test_an_error_inside_submit_feed_says_the_outcome_is_not_known(self):
        """Reviewer (issue 8): an error that is not Amazon's, raised inside
        submit_feed after Amazon may have created the feed, said "Amazon did not
        cancel". Now the activity says whether Amazon canceled is not known."""
        [order] = self._fresh_orders(6, 1)
        self._cancel_in_odoo(order)
        original = SpApiClient.submit_feed

        def created_then_failed(client, *args, **kwargs):
            original(client, *args, **kwargs)
            raise quoting_error(BUYER)

        with (
            patch.object(SpApiClient, "submit_feed", created_then_failed),
            self.assertLogs("odoo.addons.sale_amazon_connector", "ERROR"),
        ):
            counts = self._sync_cancellations(order)
        self.assertEqual((counts["sent"], counts["error"]), (0, 1))
        self.assertEqual(order.amazon_cancel_state, "error")
        activity = order.activity_ids.filtered(
            lambda a: a.summary == "Amazon cancellation failed"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Whether Amazon canceled is not known", str(activity.note))
        self.assertNotIn("Amazon did not cancel", str(activity.note))
        self.assertNotIn(BUYER, str(activity.note))

    def test_a_long_run_renews_the_claim_of_the_orders_it_has_not_reached(self):
        """Reviewer (issue 8): the claim stamp is a 30-minute lease; a run that
        outlasted it let another worker take orders it had not reached yet. Now
        each step's commit renews the claim of the orders still ahead: 31 minutes
        after the claim, another run's claim skips them."""
        first, second = self._fresh_orders(4, 2)
        account = first.amazon_account_id
        self._sent_apart(first, second)
        Order = type(first)
        original = Order._amazon_follow_cancellation_feed
        followed, taken = [], []
        later, clock = later_clock(31)

        def slow(orders, client):
            if not followed:
                # 31 minutes pass while Amazon answers for the first feed
                later[0] = True
            else:
                # another worker claims at that moment
                taken.append(
                    orders.env["sale.order"]._amazon_claim_cancellations(account)
                )
            followed.append(orders)
            return original(orders, client)

        with patch.object(Order, "_amazon_follow_cancellation_feed", slow), clock:
            counts = self._sync_cancellations(first)
        self.assertEqual(len(followed), 2)
        self.assertFalse(taken[0] & followed[1], "still this run's")
        self.assertEqual(counts["done"], 2)
        self.assertEqual(
            (first.amazon_cancel_state, second.amazon_cancel_state), ("done", "done")
        )

    def test_an_order_another_run_took_again_is_not_renewed_nor_followed(self):
        """Reviewer (issue 8): renewing a claim checked only that the order was
        still processing, so an order another run had taken again (its lease
        expired) was renewed and followed by both runs. Now only a claim still
        stamped by this run is renewed: the other run keeps the order."""
        first, second = self._fresh_orders(0, 2, rank=1)
        account = first.amazon_account_id
        self._sent_apart(first, second)
        Order = type(first)
        original = Order._amazon_follow_cancellation_feed
        followed, taken = [], []
        later, clock = later_clock(31)

        def slow(orders, client):
            if not followed:
                # 31 minutes pass, then another worker claims the stale orders
                later[0] = True
                taken.append(
                    orders.env["sale.order"]._amazon_claim_cancellations(account)
                )
            followed.append(orders)
            return original(orders, client)

        with patch.object(Order, "_amazon_follow_cancellation_feed", slow), clock:
            counts = self._sync_cancellations(first)
            stamp = fields.Datetime.now()
        self.assertEqual(followed, [first], "the second order is the other run's")
        self.assertIn(second, taken[0])
        self.assertEqual(counts["done"], 1)
        self.assertEqual(first.amazon_cancel_state, "done")
        self.assertEqual(second.amazon_cancel_state, "processing")
        # the other run's claim stamp, not renewed by this run
        self.assertLessEqual(second.amazon_cancel_claimed_at, stamp)
        self.assertGreater(
            second.amazon_cancel_claimed_at, stamp - timedelta(minutes=1)
        )
        taken[0]._amazon_release_cancellations()
        self.assertEqual(self._sync_cancellations(second)["done"], 1)

    def test_a_run_where_every_call_is_throttled_is_not_done(self):
        """The rate limiter leaves no getFeed call within the call's max_wait:
        nothing is sent, the order waits for its feed (let go), and the run, which
        did nothing, is recorded as failed rather than done."""
        order = self._spare_order(2)
        account = order.amazon_account_id
        self._sent(order)
        clock = FakeClock()
        limiter = RateLimiter({"getFeed": (1 / 3600, 1)})
        calls = len(self._get_feed_calls())
        with account._get_sp_api_client(
            clock=clock, sleep=clock.sleep, limiter=limiter, max_wait=20
        ) as client:
            limiter.reserve(client.credentials.account_key, "getFeed", clock())
            counts, run = account._amazon_export_run(
                "cancel",
                "cron",
                lambda: self.env["sale.order"]._amazon_sync_cancellations(
                    account, client=client
                ),
            )
            self.assertEqual(client.call_log.refused, 1)
        self.assertEqual(len(self._get_feed_calls()), calls)
        self.assertEqual((counts["attempted"], counts["throttled"]), (1, 1))
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("Throttled"), run.error)
        self.assertEqual((run.records_sent, run.records_waiting), (0, 1))
        self.assertEqual(order.amazon_cancel_state, "processing")
        self.assertFalse(order.amazon_cancel_claimed_at)
        self.assertEqual(self._sync_cancellations(order)["done"], 1)
