"""FBM shipment confirmations against the SP-API sandbox, through the real client.

Orders come from the sandbox (``getOrder`` / ``searchOrders``), pickings are
validated in Odoo, and the sandbox's stored orders and call log are the ground
truth of what Amazon was told. The sandbox clock is frozen and moved by the tests;
nothing sleeps.
"""

import threading
from contextlib import closing
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from spapi_sandbox import samples, serve

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import Form, tagged
from odoo.tests.common import BaseCase, TransactionCase, get_db_name

from odoo.addons.sale_amazon_connector.exceptions import AmazonUserError
from odoo.addons.sale_amazon_connector.models import amazon_account
from odoo.addons.sale_amazon_connector.models.stock_picking import FEED_POLL_INTERVAL
from odoo.addons.sale_amazon_connector.services import sp_api

from .common import FakeClock, formatted_logs, later_clock, quoting_error

ORDERS = 12
# A buyer's name, as a database error or a constraint may quote it.
BUYER = "Alice Liddell"


class ShipmentMixin:
    """Helpers shared by the shipment tests (``cls.env``, ``cls.sandbox``)."""

    @classmethod
    def _setup_products_and_carriers(cls, env):
        skus = {
            item["product"]["sellerSku"]
            for entry in cls.scenario["orders"]
            for item in entry["order"]["orderItems"]
        }
        products = env["product.product"].create(
            [
                {"name": sku, "default_code": sku, "type": "consu"}
                for sku in sorted(skus)
            ]
        )
        service = env["product.product"].create({"name": "Shipping", "type": "service"})
        carriers = {
            name: env["delivery.carrier"].create(
                {"name": name, "product_id": service.id, "delivery_type": "fixed"}
            )
            for name in ("DHL", "Kurier Schmidt", "Deutsche Post Brief", "DHL Express")
        }
        return products | service, carriers

    @classmethod
    def _create_account(cls, env, seller_id=samples.SELLER_PII, refresh=None):
        seller = next(s for s in cls.scenario["sellers"] if s["sellerId"] == seller_id)
        marketplaces = env["amazon.marketplace"].search(
            [("marketplace_ref", "in", seller["marketplaceIds"])]
        )
        account = env["amazon.account"].create(
            {
                "name": f"Shipments {seller_id}",
                "region": "EU",
                "seller_ref": seller_id,
                "home_marketplace_id": marketplaces[0].id,
                "lwa_client_ref": samples.CLIENT_ID,
                "lwa_client_secret_input": samples.CLIENT_SECRET,
                "refresh_token_input": refresh or seller["refreshToken"],
                "endpoint_override": cls.sandbox.url,
                "import_orders_since": datetime(2026, 10, 1),
            }
        )
        for marketplace in marketplaces:
            account._ensure_marketplace_line(marketplace)
        return account

    def _order_data(self, index):
        return self.scenario["orders"][index]["order"]

    def _items(self, index):
        return [item["orderItemId"] for item in self._order_data(index)["orderItems"]]

    def _sandbox_order(self, index):
        order_id = self._order_data(index)["orderId"]
        return self.sandbox.app.order_state(order_id)["order"]

    def _calls(self, operation=None):
        calls = [
            call["operation"]
            for call in self.sandbox.app.call_log()["calls"]
            if call["operation"] != "lwaToken"
        ]
        if operation:
            return calls.count(operation)
        return calls

    @staticmethod
    def _open_picking(order):
        return order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))

    @staticmethod
    def _set_quantities(picking, quantities):
        """``quantities``: ``{amazon item id: quantity}`` (others get 0)."""
        for move in picking.move_ids:
            move.quantity = quantities.get(move.sale_line_id.amazon_item_ref, 0)
            move.picked = bool(move.quantity)

    @staticmethod
    def _validate(picking):
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == (
            "stock.backorder.confirmation"
        ):
            wizard = Form(
                picking.env["stock.backorder.confirmation"].with_context(
                    **result["context"]
                )
            ).save()
            wizard.process()
        return picking


@tagged("post_install", "-at_install")
class TestShipments(ShipmentMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.scenario = samples.sample_scenario(orders=ORDERS)
        sandbox_cm = serve(scenario=cls.scenario, frozen=True)
        cls.sandbox = sandbox_cm.__enter__()
        cls.addClassCleanup(sandbox_cm.__exit__, None, None, None)
        _products, cls.carriers = cls._setup_products_and_carriers(cls.env)
        cls.account = cls._create_account(cls.env)
        cls.stock_user = cls.env["res.users"].create(
            {
                "name": "Stock clerk",
                "login": "amazon_stock_clerk",
                "groups_id": [
                    (6, 0, [cls.env.ref("stock.group_stock_user").id]),
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.sandbox.app.reset()
        # the reset sandbox forgot its access tokens
        sp_api.TOKEN_CACHE.clear()

    # --- helpers ----------------------------------------------------------- #

    def _import(self, index):
        order_id = self._order_data(index)["orderId"]
        self.account._import_order_by_ref(order_id)
        order = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", self.account.id),
                ("amazon_order_ref", "=", order_id),
            ]
        )
        self.assertEqual(len(order), 1)
        return order

    def _ship(self, picking, carrier="DHL", tracking="JJD000123", quantities=None):
        picking.carrier_id = self.carriers[carrier] if carrier else False
        picking.carrier_tracking_ref = tracking
        if quantities is not None:
            self._set_quantities(picking, quantities)
        return self._validate(picking)

    def _sync(self, client=None):
        return self.env["stock.picking"]._amazon_sync_pickings(
            accounts=self.account, client=client
        )

    @staticmethod
    def _age_claim(picking):
        """Time passes: the picking's last claim is older than the feed poll
        interval (Odoo's clock; the sandbox's moves apart)."""
        picking.amazon_sync_date -= FEED_POLL_INTERVAL + timedelta(seconds=1)

    def _runs(self, flow="shipments"):
        return self.env["amazon.sync.run"].search(
            [("account_id", "=", self.account.id), ("flow", "=", flow)]
        )

    def _sandbox_calls(self):
        """Every request the sandbox received, LWA token requests included."""
        return len(self.sandbox.app.call_log()["calls"])

    # --- tests ------------------------------------------------------------- #

    def test_full_shipment(self):
        """One picking, no package: validation only queues; the sync sends one
        confirmShipment with the package reference, items, carrier and tracking."""
        order = self._import(0)
        picking = self._open_picking(order)
        self.assertTrue(picking.amazon_is_fbm)
        self._ship(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_sync_state, "pending")
        self.assertEqual(self._calls("confirmShipment"), 0, "validation only queues")
        counts = self._sync()
        self.assertEqual((counts["claimed"], counts["done"]), (1, 1))
        self.assertEqual(picking.amazon_sync_state, "done")
        stored = self._sandbox_order(0)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        [package] = stored["packages"]
        ref = picking._amazon_package_ref(self.env["stock.quant.package"])
        self.assertEqual(package["packageReferenceId"], ref)
        self.assertTrue(ref.isdigit(), "Amazon takes numeric package references")
        self.assertEqual(package["carrier"], "DHL")
        self.assertEqual(package["trackingNumber"], "JJD000123")
        item_a, item_b = self._items(0)
        self.assertEqual(
            sorted((i["orderItemId"], i["quantity"]) for i in package["packageItems"]),
            sorted([(item_a, 2), (item_b, 1)]),
        )
        self.assertEqual(picking.amazon_package_refs, ref)
        self.assertEqual(self._calls("confirmShipment"), 1)
        # nothing left to send: a second run claims nothing
        self.assertEqual(self._sync()["claimed"], 0)
        self.assertEqual(self._calls("confirmShipment"), 1)

    def test_partial_shipment_then_backorder(self):
        """What left is confirmed (PARTIALLY_SHIPPED); the backorder confirms the
        rest later in a second package (SHIPPED)."""
        order = self._import(1)
        item_a, item_b = self._items(1)
        first = self._open_picking(order)
        self._ship(first, tracking="T-1", quantities={item_a: 1})
        self._sync()
        self.assertEqual(first.amazon_sync_state, "done")
        stored = self._sandbox_order(1)
        self.assertEqual(
            stored["fulfillment"]["fulfillmentStatus"], "PARTIALLY_SHIPPED"
        )
        self.assertEqual(
            [
                (i["orderItemId"], i["quantity"])
                for i in stored["packages"][0]["packageItems"]
            ],
            [(item_a, 1)],
        )
        backorder = self._open_picking(order)
        self.assertEqual(backorder.backorder_id, first)
        self.assertFalse(backorder.amazon_sync_state)
        self._ship(backorder, tracking="T-2", quantities={item_a: 1, item_b: 1})
        self._sync()
        self.assertEqual(backorder.amazon_sync_state, "done")
        stored = self._sandbox_order(1)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        self.assertEqual(len(stored["packages"]), 2)
        self.assertEqual(
            {p["trackingNumber"] for p in stored["packages"]}, {"T-1", "T-2"}
        )
        self.assertNotEqual(
            stored["packages"][0]["packageReferenceId"],
            stored["packages"][1]["packageReferenceId"],
        )
        self.assertEqual(self._calls("confirmShipment"), 2)

    def test_two_packages_in_one_picking(self):
        """Two Odoo packages → two confirmations, one tracking number each."""
        order = self._import(2)
        item_a, item_b = self._items(2)
        picking = self._open_picking(order)
        self._set_quantities(picking, {item_a: 2})
        pack_a = picking._put_in_pack(picking.move_line_ids.filtered("picked"))
        move_b = picking.move_ids.filtered(
            lambda m: m.sale_line_id.amazon_item_ref == item_b
        )
        move_b.quantity = 1
        move_b.picked = True
        pack_b = picking._put_in_pack(
            picking.move_line_ids.filtered(
                lambda ml: ml.picked and not ml.result_package_id
            )
        )
        self.assertTrue(pack_a and pack_b and pack_a != pack_b)
        self._ship(picking, tracking="PKG-A, PKG-B")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done")
        self.assertEqual(self._calls("confirmShipment"), 2)
        packages = {
            p["packageReferenceId"]: p for p in self._sandbox_order(2)["packages"]
        }
        ref_a = picking._amazon_package_ref(pack_a)
        ref_b = picking._amazon_package_ref(pack_b)
        self.assertEqual(set(packages), {ref_a, ref_b})
        self.assertEqual(packages[ref_a]["trackingNumber"], "PKG-A")
        self.assertEqual(packages[ref_b]["trackingNumber"], "PKG-B")
        self.assertEqual(
            [
                (i["orderItemId"], i["quantity"])
                for i in packages[ref_a]["packageItems"]
            ],
            [(item_a, 2)],
        )
        self.assertEqual(
            [
                (i["orderItemId"], i["quantity"])
                for i in packages[ref_b]["packageItems"]
            ],
            [(item_b, 1)],
        )
        self.assertEqual(picking.amazon_package_refs, f"{ref_a},{ref_b}")

    def test_unmapped_carrier_is_sent_as_other_with_its_name(self):
        order = self._import(3)
        picking = self._open_picking(order)
        info = self.env["amazon.carrier"]._amazon_carrier_info(
            self.carriers["Kurier Schmidt"], "EU"
        )
        self.assertEqual((info["code"], info["name"]), ("Other", "Kurier Schmidt"))
        self._ship(picking, carrier="Kurier Schmidt", tracking="KS-77")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done")
        [package] = self._sandbox_order(3)["packages"]
        # the sandbox records carrierName as the carrier of an Other package
        self.assertEqual(package["carrier"], "Kurier Schmidt")
        self.assertEqual(package["trackingNumber"], "KS-77")

    def test_untracked_carrier_goes_through_the_fulfillment_feed(self):
        """Deutsche Post Brief is untracked (default mapping): validation without a
        tracking number is accepted and the flat-file fulfillment feed carries the
        shipment; the picking is done once Amazon's feed is DONE."""
        order = self._import(4)
        picking = self._open_picking(order)
        self._ship(picking, carrier="Deutsche Post Brief", tracking=False)
        self.assertEqual(picking.amazon_sync_state, "pending")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "processing")
        self.assertTrue(picking.amazon_feed_ref)
        self.assertEqual(
            self._calls(),
            ["getOrder", "createFeedDocument", "uploadFeedDocument", "createFeed"],
        )
        # a run right after leaves it alone (its last claim is fresh)
        self.assertEqual(self._sync()["claimed"], 0)
        self.assertEqual(self._calls("getFeed"), 0)
        # later, Amazon has not processed it yet: still processing, nothing sent
        # again
        self._age_claim(picking)
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "processing")
        self.assertEqual(self._calls("createFeed"), 1)
        self.assertEqual(self._calls("getFeed"), 1)
        self.sandbox.app.advance(61)
        self._age_claim(picking)
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done", picking.amazon_sync_error)
        self.assertEqual(self._calls("confirmShipment"), 0)
        self.assertEqual(self._calls("createFeed"), 1)
        self.assertEqual(self._calls("getFeedDocument"), 1)
        stored = self._sandbox_order(4)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        [package] = stored["packages"]
        self.assertEqual(package["carrier"], "Deutsche Post")
        self.assertNotIn("trackingNumber", package)
        [feed] = self.sandbox.app.feeds(samples.SELLER_PII)
        self.assertEqual(feed["feedType"], "POST_FLAT_FILE_FULFILLMENT_DATA")
        self.assertEqual(feed["feedId"], picking.amazon_feed_ref)

    def _feed_kept_after(self, failing, patcher):
        """Ship an untracked picking and sync it while ``patcher`` makes a step
        after submit_feed fail: Amazon has the feed, so the picking keeps
        waiting for it (no error, not sent again) and is done once Amazon
        processed it."""
        picking = self._open_picking(self._import(4))
        self._ship(picking, carrier="Deutsche Post Brief", tracking=False)
        with self.assertLogs("odoo.addons.sale_amazon_connector", "ERROR"), patcher:
            counts = self._sync()
        self.assertTrue(failing, "the patched step failed")
        self.assertEqual(counts["sent"], 1)
        self.assertEqual(picking.amazon_sync_state, "processing")
        self.assertFalse(picking.amazon_sync_error)
        [feed] = self.sandbox.app.feeds(samples.SELLER_PII)
        self.assertEqual(picking.amazon_feed_ref, feed["feedId"])
        # one row per item of the order (one package)
        rows = range(1, len(self._order_data(4)["orderItems"]) + 1)
        self.assertEqual(picking.amazon_feed_messages, ",".join(map(str, rows)))
        self.sandbox.app.advance(61)
        self._age_claim(picking)
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done", picking.amazon_sync_error)
        self.assertEqual(self._calls("createFeed"), 1, "sent once")

    def test_a_failing_note_after_amazon_took_the_feed_keeps_the_feed(self):
        """Reviewer (issue 8): the chatter note posted after submit_feed failing
        rolled the feed id back with the step: the picking went to error, then
        was sent again. Now the note has its own savepoint (its failure logged)
        and the picking waits for Amazon's result."""
        Picking = self.env["stock.picking"].__class__
        original = Picking.message_post
        failing = []

        def failing_post(record, **kwargs):
            if "fulfillment feed" in str(kwargs.get("body")):
                failing.append(record)
                raise psycopg2.IntegrityError("note refused")
            return original(record, **kwargs)

        self._feed_kept_after(
            failing, patch.object(Picking, "message_post", failing_post)
        )

    def test_an_error_recording_the_feed_amazon_took_keeps_the_feed(self):
        """Reviewer (issue 8): an error while recording the feed id Amazon
        returned (a write, a flush) rolled it back: the picking went to error,
        then was sent again. Now the error carries the accepted feed, which is
        recorded again after the rollback: the picking waits for its result."""
        Picking = self.env["stock.picking"].__class__
        original = Picking.write
        failing = []

        def failing_write(records, vals):
            if "amazon_feed_messages" in vals and not failing:
                failing.append(records)
                raise psycopg2.IntegrityError("write refused")
            return original(records, vals)

        self._feed_kept_after(failing, patch.object(Picking, "write", failing_write))

    def test_validation_refused_without_tracking_or_carrier(self):
        order = self._import(5)
        picking = self._open_picking(order).with_user(self.stock_user)
        with self.assertRaisesRegex(UserError, "set its carrier"):
            self._ship(picking, carrier=False, tracking=False)
        with self.assertRaisesRegex(UserError, "enter the tracking number"):
            self._ship(picking, carrier="DHL", tracking=False)
        # two tracking numbers for one package: which one would Amazon get?
        with self.assertRaisesRegex(UserError, "2 tracking numbers for 1 package"):
            self._ship(picking, carrier="DHL", tracking="JJD1, JJD2")
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(picking.amazon_sync_state)
        # with a tracking number the stock user validates it; spaces belong to it
        self._ship(picking, carrier="DHL", tracking="JJD 0001 0002")
        self.assertEqual(picking.amazon_sync_state, "pending")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done")
        [package] = self._sandbox_order(5)["packages"]
        self.assertEqual(package["trackingNumber"], "JJD 0001 0002")

    def test_carrier_rejected_then_fixed_and_retried(self):
        """A carrier code Amazon does not know: error state with Amazon's message
        and an activity; after the mapping is fixed, Retry confirms it."""
        mapping = self.env["amazon.carrier"].create(
            {
                "carrier_id": self.carriers["DHL Express"].id,
                "amazon_carrier_code": "DHL Express",  # not an Amazon carrier code
            }
        )
        order = self._import(6)
        picking = self._open_picking(order)
        self._ship(picking, carrier="DHL Express", tracking="DHLX-1")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("carrierCode", picking.amazon_sync_error)
        activity = picking.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Amazon shipment confirmation failed")
        # a second sync does not send it again
        self._sync()
        self.assertEqual(self._calls("confirmShipment"), 1)
        mapping.amazon_carrier_code = "DHL"
        picking.action_amazon_retry()
        self.assertEqual(picking.amazon_sync_state, "pending")
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done")
        self.assertFalse(picking.amazon_sync_error)
        self.assertFalse(picking.activity_ids, "the activity is marked done")
        [package] = self._sandbox_order(6)["packages"]
        self.assertEqual(package["carrier"], "DHL")

    def test_amazon_failing_puts_the_picking_back_in_the_queue(self):
        """503 until the adapter gives up: the picking stays pending (retried by
        the next run), with the error noted; the next run confirms it."""
        clock = FakeClock()
        order = self._import(7)
        picking = self._open_picking(order)
        self._ship(picking)
        self.sandbox.app.add_faults(
            {"operation": "confirmShipment", "status": 503, "count": 3}
        )
        with self.account._get_sp_api_client(
            clock=clock, sleep=clock.sleep, max_attempts=3
        ) as client:
            self._sync(client)
            self.assertEqual(picking.amazon_sync_state, "pending")
            self.assertEqual(picking.amazon_sync_attempts, 1)
            self.assertTrue(picking.amazon_sync_error)
            self._sync(client)
        self.assertEqual(picking.amazon_sync_state, "done")
        self.assertEqual(self._calls("confirmShipment"), 4)

    def test_processing_left_by_a_crash_is_taken_again_after_the_timeout(self):
        order = self._import(8)
        picking = self._open_picking(order)
        self._ship(picking)
        picking.write(
            {"amazon_sync_state": "processing", "amazon_sync_date": datetime.now()}
        )
        self.assertEqual(self._sync()["claimed"], 0, "another run is sending it")
        picking.amazon_sync_date = datetime(2020, 1, 1)
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "done")
        self.assertEqual(self._calls("confirmShipment"), 1)

    def test_picking_waiting_for_its_feed_is_not_claimed_again_at_once(self):
        """Reviewer finding 11: a picking waiting for its feed's result was claimed
        by every run (each cron tick, each validation's trigger, the button), so two
        runs close together both called getFeed and both confirmed it. Now a run
        takes it again only once its last claim is FEED_POLL_INTERVAL old, and
        it is confirmed once."""
        order = self._import(4)
        picking = self._open_picking(order)
        self._ship(picking, carrier="Deutsche Post Brief", tracking=False)
        self._sync()
        self.assertEqual(picking.amazon_sync_state, "processing")
        self.assertTrue(picking.amazon_feed_ref)
        self.sandbox.app.advance(61)  # Amazon has processed the feed
        self._age_claim(picking)
        Picking = self.env["stock.picking"]
        # a run claims it (and commits the claim before asking Amazon)...
        first = Picking._amazon_claim(self.account)
        self.assertEqual(first, picking)
        # ... a second run at the same moment (cron triggered, button) leaves it
        self.assertFalse(Picking._amazon_claim(self.account))
        first._amazon_process()
        self.assertEqual(picking.amazon_sync_state, "done", picking.amazon_sync_error)
        self.assertEqual(self._calls("getFeed"), 1)
        # runs after it is done never touch it again
        self._age_claim(picking)
        self.assertEqual(self._sync()["claimed"], 0)
        self.assertEqual(self._calls("getFeed"), 1)
        self.assertEqual(self._calls("createFeed"), 1)
        confirmed = picking.message_ids.filtered(
            lambda m: "confirmed to Amazon" in str(m.body)
        )
        self.assertEqual(len(confirmed), 1, "confirmed once")

    def test_runs_recorded_per_account_only_when_something_happened(self):
        """The cron writes one shipments run row per account and run that sent or
        settled something, with its counts and the calls the sandbox received; a
        tick with nothing to send, or with a feed still in progress, writes none."""
        Account = self.env["amazon.account"]
        self.env["amazon.account"].search([("id", "!=", self.account.id)]).write(
            {"active": False}
        )
        Account._cron_sync_pickings()
        self.assertFalse(self._runs(), "nothing to send: no row")

        tracked = self._open_picking(self._import(0))
        untracked = self._open_picking(self._import(4))
        self._ship(tracked)
        self._ship(untracked, carrier="Deutsche Post Brief", tracking=False)
        calls = self._sandbox_calls()
        Account._cron_sync_pickings()
        run = self._runs()
        self.assertEqual(len(run), 1)
        self.assertEqual(
            (run.flow, run.trigger, run.state), ("shipments", "cron", "done")
        )
        # what the sandbox received: confirmShipment, createFeedDocument, the
        # upload and createFeed (the access token is cached since the imports)
        self.assertEqual(run.api_calls, self._sandbox_calls() - calls)
        self.assertEqual(run.api_calls, 4)
        self.assertEqual(
            (
                run.records_sent,
                run.records_done,
                run.records_waiting,
                run.records_error,
            ),
            (2, 1, 1, 0),
        )
        self.assertTrue(run.ended_at and run.duration >= 0)
        self.assertFalse(run.error)

        # the feed is still in progress on Amazon: the next tick writes no row
        self._age_claim(untracked)
        Account._cron_sync_pickings()
        self.assertEqual(self._runs(), run)
        self.assertEqual(self._calls("getFeed"), 1)
        # Amazon is done: the tick that reads the result records it
        self.sandbox.app.advance(61)
        self._age_claim(untracked)
        Account._cron_sync_pickings()
        last = self._runs()[0]
        self.assertNotEqual(last, run)
        self.assertEqual(
            (last.records_sent, last.records_done, last.records_waiting),
            (0, 1, 0),
        )
        self.assertEqual(untracked.amazon_sync_state, "done")
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_last_shipments, last.ended_at)

        # the button records a manual run
        picking = self._open_picking(self._import(5))
        self._ship(picking)
        self.account.action_sync_pickings()
        manual = self._runs()[0]
        self.assertEqual((manual.trigger, manual.records_done), ("manual", 1))

    def test_credentials_refused_fail_the_run_not_the_pickings(self):
        """Amazon refuses the account's refresh token: the run row fails with the
        error (no secret in it), the picking goes back to the queue untouched (no
        error, no attempt counted), one activity for the failing flow however many
        runs fail; fixed credentials: the next run confirms it and closes it."""
        self.env["amazon.account"].search([("id", "!=", self.account.id)]).write(
            {"active": False}
        )
        picking = self._open_picking(self._import(0))
        self._ship(picking)
        good_token = self.account._get_credentials()["refresh_token"]
        self.account.refresh_token_input = "Atzr|revoked-by-the-seller"
        Account = self.env["amazon.account"]
        for _tick in range(2):
            Account._cron_sync_pickings()
            run = self._runs()[0]
            self.assertEqual(run.state, "failed")
            self.assertTrue(run.error.startswith("AmazonAuthError"), run.error)
            self.assertEqual(picking.amazon_sync_state, "pending")
            self.assertEqual(picking.amazon_sync_attempts, 0)
            self.assertFalse(picking.amazon_sync_error)
        self.assertEqual(len(self._runs()), 2)
        self.assertEqual(self._calls("confirmShipment"), 0)
        activities = self.account.activity_ids.filtered(
            lambda a: a.summary == "Amazon sync failed: Shipments"
        )
        self.assertEqual(len(activities), 1, "one activity, not one per run")
        for text in (self._runs().mapped("error"), activities.mapped("note")):
            self.assertNotIn("revoked-by-the-seller", str(text))
            self.assertNotIn(samples.CLIENT_SECRET, str(text))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.health_token_state, "invalid")
        self.assertEqual(self.account.health_failed_flows, "Shipments")

        self.account.refresh_token_input = good_token
        Account._cron_sync_pickings()
        self.assertEqual(self._runs()[0].state, "done")
        self.assertEqual(picking.amazon_sync_state, "done")
        self.assertFalse(
            self.account.activity_ids.filtered(
                lambda a: a.summary == "Amazon sync failed: Shipments"
            )
        )
        self.assertEqual(self._calls("confirmShipment"), 1)

    def test_button_sends_a_bounded_batch_and_leaves_the_rest_to_the_cron(self):
        """SYNC PICKINGS runs in the request: it takes a bounded batch per account,
        triggers the cron for the rest and says so."""
        pickings = [self._open_picking(self._import(index)) for index in (0, 1)]
        for picking in pickings:
            self._ship(picking)
        cron = self.env.ref("sale_amazon_connector.ir_cron_amazon_sync_pickings")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch.object(amazon_account, "EXPORT_BUTTON_BATCH_SIZE", 1):
            action = self.account.action_sync_pickings()
        message = action["params"]["message"]
        self.assertIn("1 confirmed", message)
        self.assertIn("1 more queued", message)
        self.assertEqual([p.amazon_sync_state for p in pickings], ["done", "pending"])
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
        )
        self.assertEqual(self._calls("confirmShipment"), 1)

    def test_order_shipped_elsewhere_is_flagged_not_validated(self):
        """Amazon reports the order SHIPPED while its picking is open: the picking
        is flagged (activity, message) and, validated anyway, never confirmed."""
        order = self._import(9)
        picking = self._open_picking(order)
        order_data = dict(
            self._order_data(9),
            packages=[
                {"packageReferenceId": "1", "carrier": "UPS", "trackingNumber": "1Z9"}
            ],
        )
        flagged = order.picking_ids._amazon_flag_shipped_elsewhere(order_data)
        self.assertEqual(flagged, picking)
        self.assertEqual(picking.state, "assigned", "not validated silently")
        self.assertTrue(picking.amazon_shipped_elsewhere)
        self.assertIn("1Z9", picking.message_ids[0].body)
        self.assertEqual(
            picking.activity_ids.summary, "Amazon reports this order shipped"
        )
        self.assertFalse(order.picking_ids._amazon_flag_shipped_elsewhere(order_data))
        self._ship(picking, carrier=False, tracking=False)
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.amazon_sync_state)
        self.assertEqual(self._sync()["claimed"], 0)
        self.assertEqual(self._calls("confirmShipment"), 0)

    def test_shipped_outside_orders_are_never_confirmed(self):
        order = self._import(10)
        order.amazon_shipped_outside = True
        picking = self._open_picking(order)
        self._ship(picking, carrier=False, tracking=False)
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.amazon_sync_state)

    def test_full_circle(self):
        """Import by searchOrders → partial shipment → backorder → SHIPPED on the
        sandbox, and exactly these calls."""
        index = 11
        order_id = self._order_data(index)["orderId"]
        run = self.account._sync_orders()
        self.assertEqual(run.state, "done", run.error)
        order = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", self.account.id),
                ("amazon_order_ref", "=", order_id),
            ]
        )
        self.assertEqual(order.amazon_channel, "fbm")
        item_a, item_b = self._items(index)
        first = self._open_picking(order)
        self._ship(first, tracking="FC-1", quantities={item_a: 2})
        self.env["amazon.account"]._cron_sync_pickings()
        self.assertEqual(first.amazon_sync_state, "done")
        self.assertEqual(
            self._sandbox_order(index)["fulfillment"]["fulfillmentStatus"],
            "PARTIALLY_SHIPPED",
        )
        backorder = self._open_picking(order)
        self._ship(backorder, tracking="FC-2", quantities={item_b: 1})
        self.account.action_sync_pickings()
        self.assertEqual(backorder.amazon_sync_state, "done")
        stored = self._sandbox_order(index)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        self.assertEqual(
            sorted(
                (
                    p["trackingNumber"],
                    [(i["orderItemId"], i["quantity"]) for i in p["packageItems"]],
                )
                for p in stored["packages"]
            ),
            [("FC-1", [(item_a, 2)]), ("FC-2", [(item_b, 1)])],
        )
        self.assertEqual(
            self._calls(), ["searchOrders", "confirmShipment", "confirmShipment"]
        )
        confirmations = [
            c
            for c in self.sandbox.app.call_log()["calls"]
            if c["operation"] == "confirmShipment"
        ]
        self.assertTrue(
            all(
                c["path"] == f"/orders/v0/orders/{order_id}/shipmentConfirmation"
                and c["status"] == 204
                for c in confirmations
            )
        )

    # --- what a run may catch, throttling ------------------------------------ #

    def _export_run(self, client=None):
        """One recorded shipments run of the account (as the cron's), with
        ``client`` when given."""
        return self.account._amazon_export_run(
            "shipments",
            "cron",
            lambda: self.env["stock.picking"]._amazon_sync_pickings(
                accounts=self.account, client=client
            ),
        )

    def test_an_unexpected_error_is_that_pickings_error_and_the_others_go_on(self):
        """Reviewer (issue 8): a repeatable error that is neither Amazon's nor the
        connector's while reading one picking (a bug, another module's
        constraint, a database error) rolled the whole run back, every run, and
        the queue behind it starved. Now that picking's savepoint is rolled back
        (nothing half-written), it is in error with the error's type only, its id
        is logged (not the buyer), and the next picking is confirmed in the same
        run; Retry sends it once the cause is fixed."""
        first = self._open_picking(self._import(2))
        second = self._open_picking(self._import(3))
        self._ship(first)
        self._ship(second)
        Picking = type(first)
        original = Picking._amazon_carrier_info
        error = quoting_error(BUYER)

        def broken(record):
            if record == first:
                record.amazon_package_refs = "half-written"
                raise error
            return original(record)

        with (
            patch.object(Picking, "_amazon_carrier_info", broken),
            self.assertLogs("odoo.addons.sale_amazon_connector", "INFO") as logs,
        ):
            counts, run = self._export_run()
        self.assertEqual((counts["done"], counts["error"]), (1, 1))
        self.assertEqual(
            (run.state, run.records_done, run.records_error), ("done", 1, 1)
        )
        self.assertEqual(second.amazon_sync_state, "done")
        self.assertEqual(self._calls("confirmShipment"), 1)
        self.assertEqual(first.amazon_sync_state, "error")
        self.assertTrue(
            first.amazon_sync_error.startswith("IntegrityError"),
            first.amazon_sync_error,
        )
        self.assertNotIn(BUYER, first.amazon_sync_error)
        self.assertFalse(first.amazon_package_refs, "rolled back")
        self.assertTrue(first.activity_ids)
        logged = formatted_logs(logs)
        self.assertIn(f"[{first.id}]", logged)
        self.assertNotIn(BUYER, logged)
        # fixed: Retry confirms it
        first.action_amazon_retry()
        self._sync()
        self.assertEqual(first.amazon_sync_state, "done")

    def test_a_picking_that_cannot_be_confirmed_keeps_nothing_half_written(self):
        """The connector's own refusal (AmazonUserError: no carrier Amazon can be
        told) is the picking's error, with its message; what was written before
        it is rolled back with its savepoint."""
        picking = self._open_picking(self._import(3))
        self._ship(picking)

        def refused(record):
            record.amazon_package_refs = "half-written"
            raise AmazonUserError(
                record.env._("%s has no carrier.", record.display_name)
            )

        with patch.object(type(picking), "_amazon_carrier_info", refused):
            counts, run = self._export_run()
        self.assertEqual((counts["error"], run.state), (1, "done"))
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("has no carrier", picking.amazon_sync_error)
        self.assertFalse(picking.amazon_package_refs)

    def test_an_error_while_confirming_never_logs_or_keeps_the_buyer(self):
        """An error of Odoo's core (a plain UserError, e.g. ``_check_company``
        naming records) or of the database while confirming one picking: the
        picking keeps the error's type only (its error is never erased) and the
        log has the type and the traceback's frames, not the message."""
        plain = self._open_picking(self._import(2))
        database = self._open_picking(self._import(3))
        self._ship(plain)
        self._ship(database)
        error = quoting_error(BUYER)

        def failing(record, client):
            if record == plain:
                raise UserError(
                    record.env._(
                        "Incompatible companies on records:\n- '%s' belongs to "
                        "company 'Other' and 'Customer' belongs to another company.",
                        BUYER,
                    )
                )
            raise error

        with (
            patch.object(type(plain), "_amazon_confirm_packages", failing),
            self.assertLogs("odoo.addons.sale_amazon_connector", "INFO") as logs,
        ):
            counts, run = self._export_run()
        self.assertEqual((counts["error"], run.records_error), (2, 2))
        for picking, name in ((plain, "UserError"), (database, "IntegrityError")):
            self.assertEqual(picking.amazon_sync_state, "error")
            self.assertTrue(
                picking.amazon_sync_error.startswith(name), picking.amazon_sync_error
            )
            self.assertNotIn(BUYER, picking.amazon_sync_error)
            self.assertNotIn(BUYER, str(picking.message_ids.mapped("body")))
        logged = formatted_logs(logs)
        self.assertIn("Traceback", logged)
        self.assertIn("failing", logged, "the traceback's frames")
        self.assertNotIn(BUYER, logged)

    def test_a_long_run_renews_the_claim_of_the_pickings_it_has_not_reached(self):
        """Reviewer (issue 8): the claim date is a 30-minute lease; a run that
        outlasted it let another worker take pickings it had not reached yet.
        Now each picking's commit renews the claim of the pickings still ahead:
        31 minutes after the claim, another run's claim skips them, and each
        picking is confirmed once."""
        first = self._open_picking(self._import(2))
        second = self._open_picking(self._import(3))
        self._ship(first)
        self._ship(second)
        Picking = type(first)
        original = Picking._amazon_confirm_packages
        confirmed, taken = [], []
        later, clock = later_clock(31)

        def slow(record, client):
            if not confirmed:
                # 31 minutes pass while Amazon answers for the first picking
                later[0] = True
            else:
                # another worker claims at that moment
                taken.append(record.env["stock.picking"]._amazon_claim(self.account))
            confirmed.append(record)
            return original(record, client)

        with patch.object(Picking, "_amazon_confirm_packages", slow), clock:
            counts = self._sync()
        self.assertEqual(confirmed, [first, second])
        self.assertFalse(taken[0], "still this run's")
        self.assertEqual(counts["done"], 2)
        self.assertEqual(self._calls("confirmShipment"), 2)

    def test_a_picking_another_run_took_again_is_not_renewed_nor_confirmed(self):
        """Reviewer (issue 8): renewing a claim checked only that the picking was
        still processing, so a picking another run had taken again (its lease
        expired) was renewed and confirmed by both runs. Now only a claim still
        stamped by this run is renewed: the other run keeps the picking."""
        first = self._open_picking(self._import(2))
        second = self._open_picking(self._import(3))
        self._ship(first)
        self._ship(second)
        Picking = type(first)
        original = Picking._amazon_confirm_packages
        confirmed, taken = [], []
        later, clock = later_clock(31)

        def slow(record, client):
            if not confirmed:
                # 31 minutes pass, then another worker claims the stale pickings
                later[0] = True
                taken.append(record.env["stock.picking"]._amazon_claim(self.account))
            confirmed.append(record)
            return original(record, client)

        with patch.object(Picking, "_amazon_confirm_packages", slow), clock:
            counts = self._sync()
        self.assertEqual(confirmed, [first], "the second picking is the other run's")
        self.assertIn(second, taken[0])
        self.assertEqual(counts["done"], 1)
        self.assertEqual(self._calls("confirmShipment"), 1)
        self.assertEqual(
            (first.amazon_sync_state, second.amazon_sync_state), ("done", "processing")
        )

    def test_a_long_run_renews_the_claims_of_its_other_accounts_too(self):
        """Reviewer (issue 8): a run renewed at each commit only the claims of
        the account it was processing, so the pickings of its next accounts
        could be taken by another run meanwhile. Now each commit renews every
        picking the run still holds: 31 minutes after the claim, another run's
        claim skips the other account's picking too."""
        first = self._open_picking(self._import(2))
        second = self._open_picking(self._import(3))
        other = self._open_picking(self._import(5))
        for picking in (first, second, other):
            self._ship(picking)
        other_account = self._create_account(self.env, seller_id=samples.SELLER_PLAIN)
        other.sale_id.amazon_account_id = other_account
        Picking = type(first)
        original = Picking._amazon_confirm_packages
        confirmed, taken = [], []
        later, clock = later_clock(31)

        def slow(record, client):
            if not confirmed:
                # 31 minutes pass while Amazon answers for the first picking
                later[0] = True
            elif record == second:
                # another worker claims every account at that moment
                taken.append(record.env["stock.picking"]._amazon_claim())
            confirmed.append(record)
            return original(record, client)

        with patch.object(Picking, "_amazon_confirm_packages", slow), clock:
            self.env["stock.picking"]._amazon_sync_pickings(
                accounts=self.account | other_account
            )
        self.assertNotIn(other, taken[0], "still this run's")
        self.assertEqual(confirmed, [first, second, other])

    def test_a_failing_account_releases_only_the_pickings_the_run_holds(self):
        """Reviewer (issue 8): an account whose credentials Amazon refuses put
        back in the queue all its pickings of the run, also one another run had
        taken meanwhile (its lease expired). Now that picking is left to the
        other run: still processing, with that run's claim."""
        first = self._open_picking(self._import(2))
        other = self._open_picking(self._import(5))
        for picking in (first, other):
            self._ship(picking)
        refused = self._create_account(
            self.env, seller_id=samples.SELLER_PLAIN, refresh="Atzr|refused"
        )
        other.sale_id.amazon_account_id = refused
        Picking = type(first)
        original = Picking._amazon_confirm_packages
        taken = []
        later, clock = later_clock(31)

        def slow(record, client):
            # 31 minutes pass, then another worker claims the stale pickings
            later[0] = True
            taken.append(record.env["stock.picking"]._amazon_claim(refused))
            return original(record, client)

        with patch.object(Picking, "_amazon_confirm_packages", slow), clock:
            self.env["stock.picking"]._amazon_sync_pickings(
                accounts=self.account | refused
            )
        self.assertIn(other, taken[0])
        self.assertEqual(first.amazon_sync_state, "done")
        self.assertEqual(other.amazon_sync_state, "processing", "the other run's")
        self.assertTrue(other.amazon_sync_date, "its claim kept")

    def test_pickings_settled_without_a_call_count_as_done(self):
        """Reviewer (issue 8): a picking whose order Amazon reports shipped is
        set aside without a call; it was neither attempted nor done, so a run
        that settled it and met one throttled picking was marked failed ("every
        call throttled"). It counts as done: the run is done."""
        shipped = self._open_picking(self._import(2))
        throttled = self._open_picking(self._import(3))
        self._ship(shipped)
        self._ship(throttled)
        # shipped from Seller Central meanwhile: the next order sync says so
        shipped.sale_id.amazon_status = "SHIPPED"
        clock = FakeClock()
        # one confirmShipment token an hour, taken already by another run
        limiter = sp_api.RateLimiter({"confirmShipment": (1 / 3600, 1)})
        with self.account._get_sp_api_client(
            clock=clock, sleep=clock.sleep, limiter=limiter, max_wait=20
        ) as client:
            limiter.reserve(client.credentials.account_key, "confirmShipment", clock())
            counts, run = self._export_run(client)
        self.assertEqual(self._calls("confirmShipment"), 0)
        self.assertFalse(shipped.amazon_sync_state)
        self.assertEqual(throttled.amazon_sync_state, "pending")
        self.assertEqual(
            (counts["skipped"], counts["attempted"], counts["throttled"]), (1, 1, 1)
        )
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual((run.records_done, run.records_waiting), (1, 1))

    def test_rate_limiter_refusal_is_neither_an_attempt_nor_sent(self):
        """The rate limiter refuses to wait (the next confirmShipment token is
        further than the call's max_wait): no request leaves, so the picking goes
        back to the queue without an attempt counted, the run counts it neither
        sent nor as a 429, and a run where every call was throttled fails."""
        picking = self._open_picking(self._import(4))
        self._ship(picking)
        clock = FakeClock()
        # one token an hour, the only one taken already by another run
        limiter = sp_api.RateLimiter({"confirmShipment": (1 / 3600, 1)})
        with self.account._get_sp_api_client(
            clock=clock, sleep=clock.sleep, limiter=limiter, max_wait=20
        ) as client:
            limiter.reserve(client.credentials.account_key, "confirmShipment", clock())
            counts, run = self._export_run(client)
            log = client.call_log.as_dict()
        self.assertEqual(self._calls("confirmShipment"), 0)
        self.assertEqual((log["total"], log["throttled"], log["refused"]), (0, 0, 1))
        self.assertEqual(clock.sleeps, [])
        self.assertEqual(picking.amazon_sync_state, "pending")
        self.assertEqual(picking.amazon_sync_attempts, 0)
        self.assertEqual(
            (counts["sent"], counts["attempted"], counts["throttled"]), (0, 1, 1)
        )
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("Throttled"), run.error)
        self.assertEqual(
            (run.records_sent, run.records_done, run.records_waiting), (0, 0, 1)
        )

    def test_a_run_amazon_throttled_throughout_is_not_done(self):
        """Amazon answers 429 until the adapter gives up: the request reached
        Amazon (an attempt, the picking sent), the picking waits in the queue,
        and the run, which did nothing else, fails."""
        picking = self._open_picking(self._import(6))
        self._ship(picking)
        self.sandbox.app.add_faults(
            {"operation": "confirmShipment", "status": 429, "count": 2}
        )
        clock = FakeClock()
        with self.account._get_sp_api_client(
            clock=clock, sleep=clock.sleep, max_attempts=2
        ) as client:
            counts, run = self._export_run(client)
        self.assertEqual(self._calls("confirmShipment"), 2)
        self.assertEqual(picking.amazon_sync_state, "pending")
        self.assertEqual(picking.amazon_sync_attempts, 1)
        self.assertEqual((counts["sent"], counts["throttled"]), (1, 1))
        self.assertEqual(run.state, "failed")
        self.assertEqual((run.records_sent, run.records_waiting), (1, 1))
        # Amazon answers again: the next run confirms it and is done
        counts, run = self._export_run()
        self.assertEqual((run.state, picking.amazon_sync_state), ("done", "done"))


@tagged("post_install", "-at_install")
class TestFeedAdapter(BaseCase):
    """The adapter's Feeds methods on their own (no ORM)."""

    def test_submit_follow_and_read_the_report(self):
        scenario = samples.sample_scenario(orders=1)
        order = scenario["orders"][0]["order"]
        with serve(scenario=scenario, frozen=True) as sandbox:
            credentials = sp_api.AmazonCredentials(
                account_key="test/feeds",
                lwa_app_id=samples.CLIENT_ID,
                lwa_client_secret=samples.CLIENT_SECRET,
                refresh_token=samples.REFRESH_PII,
                region="EU",
                seller_id=samples.SELLER_PII,
                endpoint=sandbox.url,
            )
            clock = FakeClock()
            with sp_api.SpApiClient(
                credentials, clock=clock, sleep=clock.sleep
            ) as client:
                content = (
                    "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\t"
                    "carrier-name\ttracking-number\tship-method\n"
                    f"{order['orderId']}\t{order['orderItems'][0]['orderItemId']}\t9\t"
                    "2026-11-01T10:00:00Z\tDHL\t\t\t\n"
                )
                feed_id, document_id = client.submit_feed(
                    "POST_FLAT_FILE_FULFILLMENT_DATA",
                    content,
                    sp_api.TSV_CONTENT_TYPE,
                    [samples.DE],
                )
                self.assertEqual(
                    client.get_feed(feed_id)["processingStatus"], "IN_QUEUE"
                )
                self.assertEqual(
                    client.get_feed_document(document_id), content.encode()
                )
                sandbox.app.advance(61)
                feed = client.get_feed(feed_id)
                self.assertEqual(feed["processingStatus"], "DONE")
                report = client.get_feed_report(feed)
                self.assertEqual(report["summary"]["MessagesWithError"], 1)
                [result] = report["results"]
                self.assertEqual(result["message_id"], 1)
                self.assertEqual(result["result_code"], "Error")
                self.assertIn("exceeds the unshipped quantity", result["description"])
                self.assertEqual(result["order_ref"], order["orderId"])
                self.assertEqual(client.call_log.calls["uploadFeedDocument"], 1)


@tagged("post_install", "-at_install")
class TestShipmentConcurrency(ShipmentMixin, BaseCase):
    """Cron and SYNC PICKINGS at the same moment in two real transactions (two
    database connections, committed data): each picking is confirmed once.

    The data is committed for real (other connections cannot see the test
    transaction), then deleted at the end.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = samples.sample_scenario(orders=2)
        sandbox_cm = serve(scenario=cls.scenario, frozen=True)
        cls.sandbox = sandbox_cm.__enter__()
        cls.addClassCleanup(sandbox_cm.__exit__, None, None, None)

    def setUp(self):
        super().setUp()
        self.dbname = get_db_name()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _make_orders(self, env):
        """Committed: products, carriers, an account and two FBM orders whose
        pickings are validated (pending)."""
        records, carriers = self._setup_products_and_carriers(env)
        self.created["product.product"] = records.ids
        self.created["delivery.carrier"] = [c.id for c in carriers.values()]
        account = self._create_account(env)
        self.created["amazon.account"] = account.ids
        partner = env["res.partner"].create({"name": "Amazon Customer (concurrency)"})
        self.created["res.partner"] = partner.ids
        marketplace = env["amazon.marketplace"].search(
            [("marketplace_ref", "=", samples.DE)]
        )
        products = {p.default_code: p for p in records if p.default_code}
        orders = env["sale.order"]
        for entry in self.scenario["orders"]:
            data = entry["order"]
            orders |= env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "amazon_account_id": account.id,
                    "amazon_order_ref": data["orderId"],
                    "amazon_marketplace_id": marketplace.id,
                    "amazon_channel": "fbm",
                    "amazon_status": "UNSHIPPED",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[item["product"]["sellerSku"]].id,
                                "product_uom_qty": item["quantityOrdered"],
                                "amazon_item_ref": item["orderItemId"],
                            },
                        )
                        for item in data["orderItems"]
                    ],
                }
            )
        orders.action_confirm()
        self.created["sale.order"] = orders.ids
        for picking in orders.picking_ids:
            picking.carrier_id = carriers["DHL"]
            picking.carrier_tracking_ref = f"CONC-{picking.id}"
            self._validate(picking)
        self.created["stock.picking"] = orders.picking_ids.ids
        return account, orders

    def _cleanup(self):
        ids = self.created
        with closing(db_connect(self.dbname).cursor()) as cr:
            pickings = ids.get("stock.picking", [0])
            orders = ids.get("sale.order", [0])
            products = ids.get("product.product", [0])
            accounts = ids.get("amazon.account", [0])
            for model, res_ids in (
                ("stock.picking", pickings),
                ("sale.order", orders),
                ("amazon.account", accounts),
            ):
                cr.execute(
                    "DELETE FROM mail_activity WHERE res_model = %s "
                    "AND res_id = ANY(%s)",
                    (model, res_ids),
                )
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    (model, res_ids),
                )
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s "
                    "AND res_id = ANY(%s)",
                    (model, res_ids),
                )
            cr.execute(
                "DELETE FROM stock_move_line WHERE move_id IN "
                "(SELECT id FROM stock_move WHERE product_id = ANY(%s))",
                (products,),
            )
            cr.execute(
                "DELETE FROM stock_valuation_layer WHERE product_id = ANY(%s)",
                (products,),
            )
            cr.execute(
                "DELETE FROM stock_quant WHERE product_id = ANY(%s)", (products,)
            )
            cr.execute("DELETE FROM stock_move WHERE product_id = ANY(%s)", (products,))
            cr.execute("DELETE FROM stock_picking WHERE id = ANY(%s)", (pickings,))
            cr.execute(
                "DELETE FROM sale_order_line WHERE order_id = ANY(%s)", (orders,)
            )
            cr.execute(
                "DELETE FROM procurement_group WHERE sale_id = ANY(%s)", (orders,)
            )
            cr.execute("DELETE FROM sale_order WHERE id = ANY(%s)", (orders,))
            cr.execute(
                "DELETE FROM amazon_account_marketplace WHERE account_id = ANY(%s)",
                (accounts,),
            )
            cr.execute(
                "DELETE FROM amazon_sync_run WHERE account_id = ANY(%s)", (accounts,)
            )
            cr.execute("DELETE FROM amazon_account WHERE id = ANY(%s)", (accounts,))
            carriers = ids.get("delivery.carrier", [0])
            cr.execute("DELETE FROM delivery_carrier WHERE id = ANY(%s)", (carriers,))
            cr.execute(
                "SELECT product_tmpl_id FROM product_product WHERE id = ANY(%s)",
                (products,),
            )
            templates = [row[0] for row in cr.fetchall()] or [0]
            cr.execute("DELETE FROM product_product WHERE id = ANY(%s)", (products,))
            cr.execute("DELETE FROM product_template WHERE id = ANY(%s)", (templates,))
            cr.execute(
                "DELETE FROM res_partner WHERE id = ANY(%s)",
                (ids.get("res.partner", [0]),),
            )
            cr.commit()  # pylint: disable=invalid-commit

    def test_cron_and_button_in_two_transactions(self):
        self.created = {}
        self.addCleanup(self._cleanup)
        with closing(db_connect(self.dbname).cursor()) as cr0:
            account, orders = self._make_orders(self._env(cr0))
            cr0.commit()  # pylint: disable=invalid-commit
            account_id = account.id
            first, second = orders.picking_ids.sorted("id")
            self.assertEqual(
                (first.amazon_sync_state, second.amazon_sync_state),
                ("pending", "pending"),
            )
            first_id, second_id = first.id, second.id
        self.sandbox.app.clear_calls()

        # 1. Deterministic interleaving: the cron claims; the button, in another
        # transaction at the same moment, skips the locked rows and sends nothing.
        with (
            closing(db_connect(self.dbname).cursor()) as cr1,
            closing(db_connect(self.dbname).cursor()) as cr2,
        ):
            env1, env2 = self._env(cr1), self._env(cr2)
            Picking1, Picking2 = env1["stock.picking"], env2["stock.picking"]
            accounts1 = env1["amazon.account"].browse(account_id)
            claimed = Picking1._amazon_claim(accounts1, limit=1)
            self.assertEqual(claimed.ids, [first_id])
            # the button: the row is locked → skipped; the other picking is free
            counts = env2["amazon.account"].browse(account_id).action_sync_pickings()
            cr2.commit()  # pylint: disable=invalid-commit
            self.assertEqual(self._calls("confirmShipment"), 1, counts)
            # the claim is committed before the call
            cr1.commit()  # pylint: disable=invalid-commit
            claimed._amazon_process()
            cr1.commit()  # pylint: disable=invalid-commit
            # a later run in the second transaction finds nothing left
            self.assertEqual(
                Picking2._amazon_claim(env2["amazon.account"].browse(account_id)),
                Picking2,
            )
            cr2.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._calls("confirmShipment"), 2)

        # 2. The same with both entry points racing in threads, on new pickings
        # put back in the queue: each picking is still confirmed once (a re-sent
        # package reference would only edit the package on Amazon, so the
        # sandbox's call count is the proof).
        with closing(db_connect(self.dbname).cursor()) as cr:
            cr.execute(
                "UPDATE stock_picking SET amazon_sync_state = 'pending', "
                "amazon_package_refs = NULL WHERE id IN %s",
                ((first_id, second_id),),
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.sandbox.app.clear_calls()
        barrier = threading.Barrier(2)
        errors = []

        def run(entry_point):
            try:
                with closing(db_connect(self.dbname).cursor()) as cr:
                    env = self._env(cr)
                    barrier.wait(timeout=10)
                    if entry_point == "cron":
                        env["amazon.account"]._cron_sync_pickings()
                    else:
                        env["amazon.account"].browse(account_id).action_sync_pickings()
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        threads = [
            threading.Thread(target=run, args=(entry_point,))
            for entry_point in ("cron", "button")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(errors)
        self.assertEqual(self._calls("confirmShipment"), 2)
        with closing(db_connect(self.dbname).cursor()) as cr:
            cr.execute(
                "SELECT amazon_sync_state FROM stock_picking WHERE id IN %s",
                ((first_id, second_id),),
            )
            self.assertEqual({row[0] for row in cr.fetchall()}, {"done"})
