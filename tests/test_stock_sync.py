"""Stock in step with Amazon (issue 9), against the SP-API sandbox through the real
client.

A generated scenario gives an EU seller whose listings say, per SKU and marketplace,
whether Amazon (``AMAZON_EU``) or the merchant (``DEFAULT``) fulfills it, and whose
FBA inventory Amazon pools across the EU network. The seller's offers are set up from
those listings (SKU, channel per marketplace, product type), as a seller maps them;
the account synchronizes two marketplaces of the network: one where a mixed SKU is
FBM and one where it is FBA. Offers are not marked for FBM stock sync by default: the
setup marks them with the account's *Mark FBM Offers* button. What Amazon was told is
read back from the sandbox (its listings, the feed documents it received, its call
log); nothing sleeps: the sandbox clock is frozen and moved by the tests, the
adapter's clock is a fake one.
"""

import json
import math

from spapi_sandbox import generator

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.sale_amazon_connector.services import sp_api

from .common import AmazonSandboxCase, FakeClock

ORDERS = 30
SEED = 7
# A feed is DONE 60 sandbox seconds after its creation.
FEED_SECONDS = 61


@tagged("post_install", "-at_install")
class TestStockSync(AmazonSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        scenario = generator.generate(orders=ORDERS, seed=SEED)
        cls._start_sandbox(scenario)
        seller = next(s for s in scenario["sellers"] if s["region"] == "EU")
        cls.seller_id = seller["sellerId"]
        cls.account = cls.accounts[cls.seller_id]
        cls.listings = {
            (entry["sku"], entry["marketplaceId"]): entry
            for entry in scenario["listings"]
            if entry["sellerId"] == cls.seller_id
        }
        cls.inventory = {
            entry["sellerSku"]: entry
            for entry in scenario["inventory"]
            if entry["sellerId"] == cls.seller_id
        }
        cls._pick_cases()
        cls._setup_offers()
        Marketplace = cls.env["amazon.marketplace"]
        cls.mp_fbm = Marketplace.search([("marketplace_ref", "=", cls.fbm_ref)])
        cls.mp_fba = Marketplace.search([("marketplace_ref", "=", cls.fba_ref)])
        # two marketplaces of the EU network are synchronized, the others not
        for line in cls.account.account_marketplace_ids:
            line.sync_enabled = line.marketplace_id in (cls.mp_fbm | cls.mp_fba)
        cls.account.write({"stock_sync_enabled": True, "fba_stock_sync_enabled": True})
        cls.account.action_amazon_mark_fbm_offers()
        cls.warehouse = cls.account.warehouse_id
        service = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {"name": "DHL", "product_id": service.id, "delivery_type": "fixed"}
        )

    @classmethod
    def _pick_cases(cls):
        """From the scenario: an unshipped single-item FBM order whose SKU is FBM on
        its marketplace (M1), and a mixed SKU, FBM on M1 and FBA on another
        marketplace (M2)."""
        for entry in cls.scenario["orders"]:
            order = entry["order"]
            marketplace = order["salesChannel"]["marketplaceId"]
            if (
                entry["sellerId"] != cls.seller_id
                or any(
                    (item.get("cancellation") or {}).get("cancellationRequest")
                    for item in order["orderItems"]
                )
                or order["fulfillment"]["fulfilledBy"] != "MERCHANT"
                or order["fulfillment"]["fulfillmentStatus"] != "UNSHIPPED"
                or len(order["orderItems"]) != 1
            ):
                continue
            sku = order["orderItems"][0]["product"]["sellerSku"]
            if cls.listings.get((sku, marketplace), {}).get("fulfillmentChannel") != (
                "DEFAULT"
            ):
                continue
            mixed = sorted(
                (other_sku, other_mp)
                for (other_sku, other_mp), listing in cls.listings.items()
                if listing["fulfillmentChannel"] != "DEFAULT"
                and cls.listings.get((other_sku, marketplace), {}).get(
                    "fulfillmentChannel"
                )
                == "DEFAULT"
            )
            if mixed:
                cls.fbm_order = order
                cls.fbm_ref = marketplace
                cls.mixed_sku, cls.fba_ref = mixed[0]
                return
        raise AssertionError(f"seed {SEED}: no FBM order and mixed SKU to test with")

    @classmethod
    def _setup_offers(cls):
        """One offer per SKU of the seller's listings (its product by internal
        reference, created when missing), its channel per marketplace and its
        product type, as in Seller Central."""
        Product = cls.env["product.product"]
        skus = sorted({sku for sku, _mp in cls.listings})
        existing = set(
            Product.search([("default_code", "in", skus)]).mapped("default_code")
        )
        Product.create(
            [
                {"name": sku, "default_code": sku, "is_storable": True}
                for sku in skus
                if sku not in existing
            ]
        )
        Marketplace = cls.env["amazon.marketplace"]
        cls.offers = {}
        for sku in skus:
            entries = [e for (s, _mp), e in cls.listings.items() if s == sku]
            cls.offers[sku] = cls.env["amazon.offer"].create(
                {
                    "account_id": cls.account.id,
                    "sku": sku,
                    "product_id": Product.search([("default_code", "=", sku)]).id,
                    "product_type": entries[0]["productType"],
                    "marketplace_line_ids": [
                        (
                            0,
                            0,
                            {
                                "marketplace_id": Marketplace.search(
                                    [("marketplace_ref", "=", e["marketplaceId"])]
                                ).id,
                                "channel": "fbm"
                                if e["fulfillmentChannel"] == "DEFAULT"
                                else "fba",
                            },
                        )
                        for e in entries
                    ],
                }
            )

    def setUp(self):
        super().setUp()
        self.sandbox.app.reset()
        sp_api.TOKEN_CACHE.clear()
        self.clock = FakeClock()
        self.client = self.account._get_sp_api_client(
            clock=self.clock, sleep=self.clock.sleep
        )
        self.addCleanup(self.client.close)

    # --- helpers ----------------------------------------------------------- #

    def _product(self, sku):
        return self.offers[sku].product_id

    def _line(self, sku, marketplace):
        return self.offers[sku].marketplace_line_ids.filtered(
            lambda line: line.marketplace_id == marketplace
        )

    def _set_stock(self, sku, quantity, location=None):
        """Make the on-hand quantity of the SKU's product in ``location`` (default:
        the FBM warehouse's stock) ``quantity``."""
        location = location or self.warehouse.lot_stock_id
        product = self._product(sku)
        product.invalidate_recordset(["qty_available"])
        current = product.with_context(location=location.id).qty_available
        if quantity != current:
            self.env["stock.quant"]._update_available_quantity(
                product, location, quantity - current
            )

    def _listing(self, sku, marketplace):
        """The sandbox's current listing of the SKU on ``marketplace``."""
        listings = self.sandbox.app.listings(self.seller_id, sku)
        return next(
            e for e in listings if e["marketplaceId"] == marketplace.marketplace_ref
        )

    def _calls(self, operation):
        return self.sandbox.app.call_log()["counts"].get(operation, 0)

    def _listings_feeds(self):
        """``{feedId: (marketplaceIds, messages)}`` of the listings feeds the
        sandbox received from the seller (messages from the input document).

        The control API gives no feed's input document (``Feed`` has no
        ``inputFeedDocumentId``): it is read from the sandbox's feed store."""
        feeds = {}
        store = self.sandbox.app.state.feeds.feeds
        for feed in self.sandbox.app.feeds(self.seller_id):
            if feed["feedType"] != "JSON_LISTINGS_FEED":
                continue
            document = json.loads(store[feed["feedId"]].input)
            feeds[feed["feedId"]] = (feed["marketplaceIds"], document["messages"])
        return feeds

    def _push(self):
        return self.account._sync_fbm_stock(client=self.client)

    def _push_and_settle(self):
        """Push, let Amazon process the feeds, push again (which reads the
        reports). Returns the counts of the first push."""
        counts = self._push()
        self.sandbox.app.advance(FEED_SECONDS)
        settled = self._push()
        self.assertEqual(settled["waiting"], 0, "every feed was read to its report")
        return counts

    @staticmethod
    def _fba_units(record):
        """The units Odoo holds at Amazon for an inventory record: fulfillable plus
        reserved for pending customer orders (not shipped, so not imported)."""
        reserved = record.get("reservedQuantity") or {}
        return record["fulfillableQuantity"] + reserved.get(
            "pendingCustomerOrderQuantity", 0
        )

    def _read_fba(self):
        """Read the FBA inventory, a second after the last read (the usage plan
        allows 2 calls a second, burst 2, on the frozen sandbox clock)."""
        self.sandbox.app.advance(1)
        result = self.account._sync_fba_stock(client=self.client)
        self.env["product.product"].invalidate_model(["qty_available"])
        return result

    # --- FBM out ----------------------------------------------------------- #

    def test_delivery_lowers_fbm_quantity(self):
        """A delivery of an Amazon FBM order lowers the quantity of its SKU on the
        sandbox listing after the next push (on hand minus what left)."""
        item = self.fbm_order["orderItems"][0]
        sku, ordered = item["product"]["sellerSku"], item["quantityOrdered"]
        on_hand = ordered + 7
        self._set_stock(sku, on_hand)
        counts = self._push_and_settle()
        self.assertGreaterEqual(counts["sent"], 1)
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], on_hand)
        self.assertEqual(self._line(sku, self.mp_fbm).stock_state, "done")

        self.account._import_order_by_ref(self.fbm_order["orderId"], client=self.client)
        order = self._sale_order(self.fbm_order["orderId"])
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        self.assertEqual(len(picking), 1)
        picking.carrier_id = self.carrier
        picking.carrier_tracking_ref = "JJD0001"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model"):
            Form(
                self.env[result["res_model"]].with_context(**result["context"])
            ).save().process()
        self.assertEqual(picking.state, "done")

        counts = self._push_and_settle()
        fbm_marketplaces = [
            ref
            for ref in (self.fbm_ref, self.fba_ref)
            if self.listings.get((sku, ref), {}).get("fulfillmentChannel") == "DEFAULT"
        ]
        self.assertEqual(
            counts["sent"], len(fbm_marketplaces), "only the delivered SKU changed"
        )
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], on_hand - ordered)

    def test_unchanged_quantities_not_resent(self):
        """Quantities Amazon already has are not sent again; a change sends only
        the changed SKU, on the marketplaces where it is FBM."""
        fbm_lines = self.account._amazon_fbm_lines()
        first = self._push_and_settle()
        self.assertEqual(first["sent"], len(fbm_lines))
        feeds = self._listings_feeds()
        self.assertEqual(len(feeds), 2, "one feed per synchronized marketplace")
        created = self._calls("createFeed")

        again = self._push()
        self.assertEqual((again["sent"], again["feeds"]), (0, 0))
        self.assertEqual(again["unchanged"], len(fbm_lines))
        self.assertEqual(self._calls("createFeed"), created, "nothing was resent")

        sku = self.mixed_sku
        self._set_stock(sku, 6)
        self._push_and_settle()
        new_feeds = {
            ref: value
            for ref, value in self._listings_feeds().items()
            if ref not in feeds
        }
        self.assertEqual(len(new_feeds), 1)
        ((marketplaces, messages),) = new_feeds.values()
        self.assertEqual(marketplaces, [self.fbm_ref])
        self.assertEqual([m["sku"] for m in messages], [sku])
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], 6)

    def test_rejected_sku_in_error_others_done(self):
        """A SKU the processing report rejects puts that offer's line in error, with
        Amazon's message and an activity; the other lines of the feed are done;
        Retry queues it again."""
        product = self.env["product.product"].create(
            {"name": "Not listed", "default_code": "EU-NOT-LISTED", "is_storable": True}
        )
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": "EU-NOT-LISTED",
                "product_id": product.id,
                "stock_sync": True,
                "marketplace_line_ids": [
                    (0, 0, {"marketplace_id": self.mp_fbm.id, "channel": "fbm"})
                ],
            }
        )
        self._push()
        line = offer.marketplace_line_ids
        feed_ref = line.stock_feed_ref
        self.assertTrue(feed_ref)
        same_feed = (
            self.env["amazon.offer.marketplace"].search(
                [("stock_feed_ref", "=", feed_ref)]
            )
            - line
        )
        self.assertTrue(same_feed)
        self.sandbox.app.advance(FEED_SECONDS)
        self._push()

        report = json.loads(
            self.sandbox.app.feed_document(
                next(
                    f["resultFeedDocumentId"]
                    for f in self.sandbox.app.feeds(self.seller_id)
                    if f["feedId"] == feed_ref
                )
            )
        )
        rejected = {i["sku"] for i in report["issues"] if i["severity"] == "ERROR"}
        self.assertEqual(rejected, {"EU-NOT-LISTED"})
        self.assertEqual(line.stock_state, "error")
        self.assertIn("UNKNOWN_SKU", line.stock_error)
        self.assertIn(feed_ref, line.stock_error)
        self.assertEqual(
            offer.activity_ids.mapped("summary"), ["Amazon stock update failed"]
        )
        self.assertEqual(set(same_feed.mapped("stock_state")), {"done"})
        for other in same_feed:
            self.assertEqual(
                self._listing(other.sku, self.mp_fbm)["quantity"],
                other.stock_quantity_amazon,
            )
        self.assertEqual(self.account.stock_error_count, 1)

        # unchanged: not sent again; Retry queues it
        self.assertEqual(self._push()["sent"], 0)
        line.action_amazon_stock_retry()
        self.assertEqual(line.stock_state, "pending")
        self.assertEqual(self._push()["sent"], 1)

    def test_fba_sku_never_pushed_as_fbm(self):
        """A SKU FBA on one marketplace and FBM on another gets its quantity on the
        FBM marketplace only: no feed ever names it (or any FBA listing) for an FBA
        marketplace, and its FBA listing keeps Amazon's channel."""
        sku = self.mixed_sku
        self._set_stock(sku, 5)
        self._push_and_settle()
        feeds = self._listings_feeds()
        self.assertTrue(feeds)
        for marketplaces, messages in feeds.values():
            for message in messages:
                for marketplace in marketplaces:
                    self.assertEqual(
                        self.listings[(message["sku"], marketplace)][
                            "fulfillmentChannel"
                        ],
                        "DEFAULT",
                        f"{message['sku']} is FBA on {marketplace}",
                    )
        fba_listing = self._listing(sku, self.mp_fba)
        self.assertEqual(fba_listing["fulfillmentChannel"], "AMAZON_EU")
        self.assertNotIn("quantity", fba_listing)
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], 5)
        self.assertFalse(self._line(sku, self.mp_fba).stock_state)

    def test_fba_stock_never_raises_fbm_quantity(self):
        """FBA units counted in the Amazon location never reach the FBM quantity,
        even when that location is (wrongly) placed inside the FBM warehouse; the
        safety buffer is subtracted, never below 0."""
        sku = self.mixed_sku
        fba_units = 40
        self.sandbox.app.set_inventory(
            self.seller_id,
            sku,
            fulfillableQuantity=fba_units - 3,
            reservedQuantity={"pendingCustomerOrderQuantity": 3},
        )
        inside = self.env["stock.location"].create(
            {
                "name": "Amazon FBA (inside WH)",
                "usage": "internal",
                "location_id": self.warehouse.lot_stock_id.id,
            }
        )
        self.account.write({"location_id": inside.id, "fba_stock_apply": True})
        self._set_stock(sku, 2)
        self._read_fba()
        product = self._product(sku)
        self.assertEqual(
            product.with_context(location=inside.id).qty_available, fba_units
        )
        self._push_and_settle()
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], 2)

        self.account.stock_safety_buffer = 5
        self._push_and_settle()
        self.assertEqual(self._listing(sku, self.mp_fbm)["quantity"], 0)

    def test_unmarked_offer_never_pushed(self):
        """An offer not marked Sync FBM Stock is never pushed, whatever its stock:
        neither one the order import creates (off by default) nor one unmarked by
        Stop FBM Stock Sync; Sync FBM Stock marks storable offers only, and a
        marked offer is then pushed."""
        product = self.env["product.product"].create(
            {"name": "New SKU", "default_code": "EU-NEW-SKU", "is_storable": True}
        )
        self.assertEqual(
            self.env["amazon.offer"]._amazon_get_product(
                self.account,
                self.mp_fbm,
                {"product": {"sellerSku": "EU-NEW-SKU"}},
                {"fulfillment": {"fulfilledBy": "MERCHANT"}},
            ),
            product,
        )
        new = self.env["amazon.offer"].search(
            [("account_id", "=", self.account.id), ("sku", "=", "EU-NEW-SKU")]
        )
        self.assertEqual(new.marketplace_line_ids.channel, "fbm")
        self.assertFalse(new.stock_sync, "a new offer is not marked")
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, 4
        )
        mixed = self.offers[self.mixed_sku]
        self.assertTrue(mixed.stock_sync, "marked by the account's button")
        mixed.action_amazon_stock_sync_unmark()
        self.assertFalse(mixed.stock_sync)
        self._set_stock(self.mixed_sku, 9)
        listed = self._listing(self.mixed_sku, self.mp_fbm).get("quantity")

        counts = self._push_and_settle()
        self.assertGreater(counts["sent"], 0, "the marked offers are pushed")
        lines = self.account._amazon_fbm_lines()
        self.assertNotIn(new, lines.offer_id)
        self.assertNotIn(mixed, lines.offer_id)
        pushed = {
            message["sku"]
            for _marketplaces, messages in self._listings_feeds().values()
            for message in messages
        }
        self.assertFalse(pushed & {"EU-NEW-SKU", self.mixed_sku}, pushed)
        self.assertFalse(new.marketplace_line_ids.stock_state)
        self.assertFalse(self._line(self.mixed_sku, self.mp_fbm).stock_state)
        self.assertEqual(
            self._listing(self.mixed_sku, self.mp_fbm).get("quantity"), listed
        )

        # Sync FBM Stock marks the storable offers only; the mixed SKU is pushed
        service = self.env["product.product"].create(
            {"name": "Gift wrap", "default_code": "EU-WRAP", "type": "service"}
        )
        wrap = self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "EU-WRAP", "product_id": service.id}
        )
        action = (mixed | wrap).action_amazon_stock_sync_mark()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(mixed.stock_sync)
        self.assertFalse(wrap.stock_sync)
        self.assertEqual(self._push_and_settle()["sent"], 1)
        self.assertEqual(self._listing(self.mixed_sku, self.mp_fbm)["quantity"], 9)

    # --- FBA in ------------------------------------------------------------ #

    def test_fba_pending_customer_orders_counted(self):
        """Units reserved for pending customer orders are still in Odoo's Amazon
        location (FBA orders are imported once shipped): the count is fulfillable
        plus pending; once the order ships, its import moves them out and the next
        read finds Odoo in step (nothing subtracted twice). Other reserved units
        are not counted."""
        entry = next(
            (
                e["order"]
                for e in self.scenario["orders"]
                if e["sellerId"] == self.seller_id
                and e["order"]["fulfillment"]["fulfilledBy"] == "AMAZON"
                and e["order"]["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
                and e["order"]["salesChannel"]["marketplaceId"]
                in (self.fbm_ref, self.fba_ref)
                and all(
                    item["product"]["sellerSku"] in self.offers
                    for item in e["order"]["orderItems"]
                )
            ),
            None,
        )
        self.assertTrue(entry, f"seed {SEED}: no shipped FBA order to test with")
        ordered = {}
        for item in entry["orderItems"]:
            sku = item["product"]["sellerSku"]
            ordered[sku] = ordered.get(sku, 0) + item["quantityOrdered"]
        fulfillable = 20
        # before shipping: Amazon reserves the ordered units for the order
        for sku, quantity in ordered.items():
            self.sandbox.app.set_inventory(
                self.seller_id,
                sku,
                fulfillableQuantity=fulfillable,
                reservedQuantity={
                    "pendingCustomerOrderQuantity": quantity,
                    "pendingTransshipmentQuantity": 1,
                    "fcProcessingQuantity": 2,
                },
            )
        self.account.fba_stock_apply = True
        self._read_fba()
        location = self.account.location_id
        for sku, quantity in ordered.items():
            self.assertEqual(
                self._product(sku).with_context(location=location.id).qty_available,
                fulfillable + quantity,
                f"{sku}: fulfillable + pending customer orders",
            )

        # shipped: Amazon's reservation ends, the import moves the units out
        for sku in ordered:
            self.sandbox.app.set_inventory(
                self.seller_id,
                sku,
                fulfillableQuantity=fulfillable,
                reservedQuantity={"pendingCustomerOrderQuantity": 0},
            )
        self.account._import_order_by_ref(entry["orderId"], client=self.client)
        self.assertTrue(self._sale_order(entry["orderId"]))
        self.env["product.product"].invalidate_model(["qty_available"])
        for sku in ordered:
            self.assertEqual(
                self._product(sku).with_context(location=location.id).qty_available,
                fulfillable,
                sku,
            )
        self.assertEqual(self._read_fba()["adjusted"], 0, "Odoo was in step")

    def test_fba_network_locations_differ_refused(self):
        """Marketplaces of one network whose FBA orders move stock out of different
        Amazon locations: the pooled count cannot be placed, so the read is refused
        before any call (button: a UserError naming the locations; cron: a message
        on the account), nothing counted; once they share a location, it is counted
        there."""
        Location = self.env["stock.location"]
        parent = self.env.ref("stock.stock_location_locations")
        other = Location.create(
            {"name": "Amazon ES", "usage": "internal", "location_id": parent.id}
        )
        account_location = (
            self.account._get_location(self.mp_fbm)
            or self.account._amazon_default_location()
        )
        self.account._get_marketplace_line(self.mp_fba).location_id = other
        self.account.fba_stock_apply = True
        self.sandbox.app.clear_calls()
        with self.assertRaisesRegex(
            UserError, "different Amazon stock locations"
        ) as cm:
            self.account.action_sync_fba_stock()
        self.assertIn(other.display_name, str(cm.exception))
        self.assertIn(account_location.display_name, str(cm.exception))
        self.env["amazon.account"]._cron_sync_fba_stock()
        self.assertEqual(self._calls("getInventorySummaries"), 0)
        self.assertFalse(self.account.fba_stock_last_sync)
        self.assertIn(
            "FBA inventory not read",
            self.account.message_ids[:1].body,
        )
        products = self.env["product.product"].union(
            *(self._product(sku) for sku in self.inventory)
        )
        self.assertFalse(
            self.env["stock.quant"].search(
                [
                    ("product_id", "in", products.ids),
                    ("location_id", "in", (other | account_location).ids),
                ]
            )
        )

        # one location for the network: counted there, once
        self.account._get_marketplace_line(self.mp_fbm).location_id = other
        self._read_fba()
        self.assertEqual(
            self._calls("getInventorySummaries"), math.ceil(len(self.inventory) / 50)
        )
        for sku, record in self.inventory.items():
            product = self._product(sku)
            self.assertEqual(
                product.with_context(location=other.id).qty_available,
                self._fba_units(record),
                sku,
            )
            self.assertEqual(
                product.with_context(location=account_location.id).qty_available, 0
            )

    # --- entry points ------------------------------------------------------ #

    def test_fba_summaries_adjust_amazon_location(self):
        """Amazon's fulfillable quantities become the Amazon location's quantities:
        one marketplace read for the pooled network (two are synchronized), no
        double counting; an unknown SKU is listed, not guessed. Without
        ``fba_stock_apply`` the adjustment is only proposed."""
        self.sandbox.app.set_inventory(
            self.seller_id, "EU-UNKNOWN-SKU", fulfillableQuantity=9
        )
        self.account.fba_stock_apply = True
        self.sandbox.app.clear_calls()
        result = self._read_fba()
        summaries = len(self.inventory) + 1
        self.assertEqual(
            self._calls("getInventorySummaries"),
            math.ceil(summaries / 50),
            "one marketplace of the pooled network is read",
        )
        self.assertEqual(result["skus"], summaries)
        location = self.account.location_id
        self.assertTrue(location)
        for sku, record in self.inventory.items():
            self.assertEqual(
                self._product(sku).with_context(location=location.id).qty_available,
                self._fba_units(record),
                sku,
            )
        self.assertIn("EU-UNKNOWN-SKU", self.account.fba_unknown_skus)
        self.assertEqual(result["unknown_skus"], ["EU-UNKNOWN-SKU (no offer)"])
        self.assertFalse(
            self.env["product.product"].search(
                [("default_code", "=", "EU-UNKNOWN-SKU")]
            )
        )

        # a second read with nothing changed adjusts nothing
        self.assertEqual(self._read_fba()["adjusted"], 0)

        # proposal mode: the count waits for a person to apply it
        sku = min(self.inventory)
        before = self._fba_units(self.inventory[sku])
        self.sandbox.app.set_inventory(
            self.seller_id,
            sku,
            fulfillableQuantity=self.inventory[sku]["fulfillableQuantity"] + 11,
        )
        self.account.fba_stock_apply = False
        self.assertEqual(self._read_fba()["adjusted"], 1)
        product = self._product(sku)
        self.assertEqual(
            product.with_context(location=location.id).qty_available, before
        )
        quant = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)]
        )
        self.assertTrue(quant.inventory_quantity_set)
        self.assertEqual(quant.inventory_quantity, before + 11)

    def test_buttons_and_crons(self):
        """The buttons need their switch; the crons run every account that has it
        on, with their own client."""
        self.account.stock_sync_enabled = False
        with self.assertRaises(UserError):
            self.account.action_sync_fbm_stock()
        self.account.stock_sync_enabled = True
        action = self.account.action_sync_fbm_stock()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._calls("createFeed"), 2)
        self.sandbox.app.advance(FEED_SECONDS)
        self.env["amazon.account"]._cron_sync_fbm_stock()
        lines = self.account._amazon_fbm_lines()
        self.assertEqual(set(lines.mapped("stock_state")), {"done"})
        for cron in ("ir_cron_amazon_sync_fbm_stock", "ir_cron_amazon_sync_fba_stock"):
            self.assertTrue(self.env.ref(f"sale_amazon_connector.{cron}").active)

        self.account.fba_stock_sync_enabled = False
        with self.assertRaises(UserError):
            self.account.action_sync_fba_stock()
        self.account.fba_stock_sync_enabled = True
        self.env["amazon.account"]._cron_sync_fba_stock()
        self.assertEqual(self._calls("getInventorySummaries"), 1)
        self.assertTrue(self.account.fba_stock_last_sync)
