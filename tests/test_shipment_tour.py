"""Browser tour of an FBM shipment confirmation against the SP-API sandbox.

The HTTP server of an HttpCase runs in threads that share the test's cursor: the
orders imported in ``setUpClass`` are what the browser sees, and the picking sync run
by the SYNC PICKINGS button (its commits are savepoints there) is what the test reads
afterwards. The sandbox's stored order and call log are the ground truth of what
Amazon was told.
"""

from datetime import datetime

from spapi_sandbox import samples

from odoo.tests import HttpCase, tagged

from odoo.addons.sale_amazon_connector.services import sp_api
from odoo.addons.sale_amazon_connector.tests.common import (
    sample_seller_account,
    serve_for_class,
)

CARRIER_NAME = "Tour DHL Paket"
TRACKING = "JJD0099TOUR42"


@tagged("post_install", "-at_install")
class TestAmazonPickingTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = samples.sample_scenario(orders=2)
        cls.sandbox = serve_for_class(cls, cls.scenario)
        # a token another test's sandbox issued means nothing to this one
        sp_api.TOKEN_CACHE.clear()
        skus = {
            item["product"]["sellerSku"]
            for entry in cls.scenario["orders"]
            for item in entry["order"]["orderItems"]
        }
        cls.env["product.product"].create(
            [
                {"name": sku, "default_code": sku, "type": "consu"}
                for sku in sorted(skus)
            ]
        )
        shipping = cls.env["product.product"].create(
            {"name": "Tour shipping", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": CARRIER_NAME,
                "product_id": shipping.id,
                "delivery_type": "fixed",
            }
        )
        # an explicit row wins over the shipped name-based defaults
        cls.env["amazon.carrier"].create(
            {"carrier_id": cls.carrier.id, "amazon_carrier_code": "DHL"}
        )
        cls.account = sample_seller_account(
            cls.env, cls.sandbox, "Tour picking shop", since=datetime(2026, 10, 1)
        )
        run = cls.account._sync_orders()
        assert run and run.state == "done", run and run.error
        cls.order_ref = cls.scenario["orders"][0]["order"]["orderId"]
        cls.order = cls.env["sale.order"].search(
            [
                ("amazon_account_id", "=", cls.account.id),
                ("amazon_order_ref", "=", cls.order_ref),
            ]
        )

    def test_validate_fbm_picking_then_sync_pickings(self):
        """The delivery of an FBM order, validated in the browser with a mapped
        carrier and a tracking number, is Pending, then Confirmed after SYNC PICKINGS
        on the account; Amazon has the order SHIPPED with that tracking number,
        confirmed by exactly one confirmShipment call."""
        self.assertEqual(len(self.order), 1)
        self.assertEqual(self.order.amazon_channel, "fbm")
        picking = self.order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertTrue(picking.amazon_is_fbm)
        self.assertFalse(picking.amazon_sync_state)
        self.assertEqual(self._calls("confirmShipment"), 0)

        self.start_tour(
            f"/odoo/action-sale.action_orders/{self.order.id}?debug=1",
            "sale_amazon_connector_picking_sync",
            login="admin",
        )

        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_id, self.carrier)
        self.assertEqual(picking.carrier_tracking_ref, TRACKING)
        self.assertEqual(picking.amazon_sync_state, "done", picking.amazon_sync_error)
        stored = self.sandbox.app.order_state(self.order_ref)["order"]
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        [package] = stored["packages"]
        self.assertEqual(package["carrier"], "DHL")
        self.assertEqual(package["trackingNumber"], TRACKING)
        self.assertEqual(package["packageReferenceId"], picking.amazon_package_refs)
        self.assertEqual(self._calls("confirmShipment"), 1)
        # the other order of the scenario was not touched
        other = self.scenario["orders"][1]["order"]["orderId"]
        self.assertEqual(
            self.sandbox.app.order_state(other)["order"]["fulfillment"][
                "fulfillmentStatus"
            ],
            "UNSHIPPED",
        )

    def _calls(self, operation):
        return sum(
            1
            for call in self.sandbox.app.call_log()["calls"]
            if call["operation"] == operation
        )
