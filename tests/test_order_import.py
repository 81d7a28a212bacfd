"""What one Amazon order becomes in Odoo, channel by channel and case by case.

A generated scenario (120 orders, seed 7: three sellers, VAT and marketplace-facilitator
tax, EUR/GBP/PLN/USD/CAD/JPY, FBA and FBM, promotions, gift wrap, item cancellations,
replacement orders, timed events) is synced from the SP-API sandbox through the real
client, then the sandbox clock moves past every event and the accounts sync again. Every
expected figure comes from the scenario, its manifest or the sandbox's state, never from
what Odoo computed.
"""

from decimal import Decimal

from spapi_sandbox import generator, manifest

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..utils import parse_amazon_datetime
from .common import AmazonSandboxCase

EVENTS_DONE_AFTER = 4 * 3600  # the scenario's events happen 2-180 min after its start


def _total(order_data):
    return Decimal(order_data["proceeds"]["grandTotal"]["amount"])


@tagged("post_install", "-at_install")
class TestOrderImport(AmazonSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scenario = generator.generate(orders=120, seed=7)
        cls.manifest = manifest.build(scenario)
        cls.expected = {
            order_id: dict(entry, sellerId=seller_id)
            for seller_id, section in cls.manifest["sellers"].items()
            for order_id, entry in section["orders"].items()
        }
        cls.skipped = {
            order_id: reason
            for section in cls.manifest["sellers"].values()
            for order_id, reason in section["skipped"].items()
        }
        # One SKU has no product in Odoo: its items go to the default product.
        cls.missing_sku = min(
            item["sellerSku"]
            for entry in cls.expected.values()
            if entry["channel"] == "FBA"
            for item in entry["items"]
        )
        cls._start_sandbox(scenario, missing_skus=[cls.missing_sku])
        cls.events = {event["type"]: event for event in scenario["events"]}
        cls.inactive_currencies = set(
            cls.env["res.currency"]
            .with_context(active_test=False)
            .search([("active", "=", False)])
            .mapped("name")
        )
        cls.first_runs = cls._sync_all()
        # What the event targets looked like after the first sync.
        cls.before = {}
        for event in scenario["events"]:
            order = cls._sale_order(event["orderId"])
            cls.before[event["type"]] = {
                "state": order.state,
                "lines": {
                    line.amazon_item_ref: line.product_uom_qty
                    for line in order.order_line
                },
                "pickings": order.picking_ids.mapped("state"),
            }
        cls.mails_before = cls.env["mail.mail"].search_count([])
        cls.sandbox.app.advance(EVENTS_DONE_AFTER)
        cls.second_runs = cls._sync_all()

    def _orders(self, **criteria):
        """Ids of the manifest's imported orders matching ``criteria``, untouched by the
        scenario's events."""
        targets = {event["orderId"] for event in self.scenario["events"]}
        return [
            order_id
            for order_id, entry in self.expected.items()
            if order_id not in targets
            and all(entry[key] == value for key, value in criteria.items())
        ]

    # --- channels ---------------------------------------------------------------

    def test_runs_ended_without_failure(self):
        for runs in (self.first_runs, self.second_runs):
            for run in runs.values():
                self.assertEqual(run.state, "done", run.error)
                self.assertEqual(run.orders_failed, 0)

    def test_fba_shipped_orders_leave_from_the_amazon_location(self):
        order_ids = self._orders(channel="FBA", status="SHIPPED")
        self.assertGreater(len(order_ids), 20)
        customers = self.env.ref("stock.stock_location_customers")
        for order_id in order_ids:
            order = self._sale_order(order_id)
            self.assertFalse(order.picking_ids, order_id)
            for item in self.expected[order_id]["items"]:
                line = order.order_line.filtered(
                    lambda line, ref=item["orderItemId"]: line.amazon_item_ref == ref
                )
                quantity = item["quantityOrdered"] - item["quantityCancelled"]
                self.assertEqual(line.product_uom_qty, quantity)
                if item["sellerSku"] == self.missing_sku:
                    # Sold as the default product, a service: nothing to move.
                    self.assertEqual(line.product_id.type, "service")
                    continue
                moves = line.move_ids
                self.assertEqual(sum(moves.mapped("quantity")), quantity)
                self.assertEqual(line.qty_delivered, quantity)
                for move in moves:
                    self.assertEqual(move.state, "done")
                    self.assertEqual(move.location_id.name, "Amazon")
                    self.assertFalse(move.location_id.warehouse_id)
                    self.assertEqual(move.location_dest_id, customers)
        # No FBA sale took anything out of a warehouse.
        fba_lines = (
            self.env["sale.order"].search([("amazon_channel", "=", "fba")]).order_line
        )
        self.assertFalse(fba_lines.move_ids.location_id.warehouse_id)

    def test_fbm_unshipped_orders_get_a_picking_due_at_amazons_ship_by_date(self):
        order_ids = self._orders(channel="FBM", status="UNSHIPPED")
        self.assertGreater(len(order_ids), 10)
        for order_id in order_ids:
            order = self._sale_order(order_id)
            data = self.orders_data[order_id]
            ship_by = parse_amazon_datetime(
                data["fulfillment"]["shipByWindow"]["latestDateTime"]
            )
            picking = order.picking_ids
            self.assertEqual(len(picking), 1, order_id)
            self.assertIn(picking.state, ("confirmed", "assigned"))
            self.assertEqual(picking.scheduled_date, ship_by)
            self.assertEqual(picking.date_deadline, ship_by)
            self.assertEqual(picking.location_id, order.warehouse_id.lot_stock_id)
            for item in self.expected[order_id]["items"]:
                move = picking.move_ids.filtered(
                    lambda m, ref=item["orderItemId"]: (
                        m.sale_line_id.amazon_item_ref == ref
                    )
                )
                self.assertEqual(
                    move.product_uom_qty,
                    item["quantityOrdered"] - item["quantityCancelled"],
                )

    def test_fbm_orders_shipped_in_seller_central_are_validated_not_confirmed(self):
        shipped = self._orders(channel="FBM", status="SHIPPED")
        partly = self._orders(channel="FBM", status="PARTIALLY_SHIPPED")
        self.assertTrue(shipped and partly)
        for order_id in shipped + partly:
            order = self._sale_order(order_id)
            expected = self.expected[order_id]
            self.assertTrue(order.amazon_shipped_outside)
            done = order.picking_ids.filtered(lambda p: p.state == "done")
            self.assertEqual(len(done), 1, order_id)
            for package in expected["packages"]:
                self.assertIn(package["trackingNumber"], done.carrier_tracking_ref)
            for item in expected["items"]:
                moved = done.move_ids.filtered(
                    lambda m, ref=item["orderItemId"]: (
                        m.sale_line_id.amazon_item_ref == ref
                    )
                )
                self.assertEqual(sum(moved.mapped("quantity")), item["quantityShipped"])
            backorder = order.picking_ids - done
            left = sum(
                item["quantityOrdered"]
                - item["quantityCancelled"]
                - item["quantityShipped"]
                for item in expected["items"]
            )
            self.assertEqual(sum(backorder.move_ids.mapped("product_uom_qty")), left)
            self.assertEqual(bool(backorder), order_id in partly)
        calls = self.sandbox.app.call_log()["counts"]
        self.assertEqual(calls.get("confirmShipment", 0), 0)

    def test_partial_delivery_leaves_a_backorder(self):
        order_id = next(
            order_id
            for order_id in self._orders(channel="FBM", status="UNSHIPPED")
            if any(
                item["quantityOrdered"] >= 2
                for item in self.expected[order_id]["items"]
            )
        )
        order = self._sale_order(order_id)
        picking = order.picking_ids
        ordered = {move: move.product_uom_qty for move in picking.move_ids}
        for move, quantity in ordered.items():
            move.quantity = quantity // 2
            move.picked = True
        # Amazon is told the carrier and tracking number of every shipment.
        picking.carrier_id = self.env["delivery.carrier"].create(
            {
                "name": "Test carrier",
                "product_id": self.env["product.product"]
                .create({"name": "Test shipping", "type": "service"})
                .id,
            }
        )
        picking.carrier_tracking_ref = "TEST-TRACKING-1"
        action = picking.button_validate()
        Form.from_action(self.env, action).save().process()
        self.assertEqual(picking.state, "done")
        backorder = order.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        self.assertEqual(
            sum(backorder.move_ids.mapped("product_uom_qty")),
            sum(q - q // 2 for q in ordered.values()),
        )

    def test_fba_moves_leave_no_reservation_and_take_the_amazon_stock_down(self):
        """The FBA done moves (created with their move lines) take exactly the sold
        quantities out of the Amazon locations, with nothing left reserved."""
        sold = {}
        for entry in self.expected.values():
            if entry["channel"] != "FBA":
                continue
            for item in entry["items"]:
                if item["sellerSku"] == self.missing_sku:
                    continue
                sold[item["sellerSku"]] = (
                    sold.get(item["sellerSku"], 0)
                    + item["quantityOrdered"]
                    - item["quantityCancelled"]
                )
        # An FBA order Amazon ships after the first sync (status_change event) is
        # imported by the second.
        for event in self.scenario["events"]:
            data = self.orders_data[event["orderId"]]
            if (
                event["type"] == "status_change"
                and event.get("fulfillmentStatus") == "SHIPPED"
                and data["fulfillment"]["fulfilledBy"] == "AMAZON"
            ):
                for item in data["orderItems"]:
                    sku = item["product"]["sellerSku"]
                    if sku != self.missing_sku:
                        sold[sku] = sold.get(sku, 0) + item["quantityOrdered"]
        self.assertGreater(len(sold), 3)
        quants = self.env["stock.quant"].search([("location_id.name", "=", "Amazon")])
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 0)
        on_hand = {}
        for quant in quants:
            code = quant.product_id.default_code
            on_hand[code] = on_hand.get(code, 0) + quant.quantity
        self.assertEqual({code: -qty for code, qty in on_hand.items() if qty}, sold)

    def _fbm_picking_in_stock(self):
        """An imported FBM order not shipped yet, of two or more units, its picking
        reserved from stock put in its warehouse for the test."""
        order_id = next(
            order_id
            for order_id in self._orders(channel="FBM", status="UNSHIPPED")
            if sum(
                item["quantityOrdered"] - item["quantityCancelled"]
                for item in self.expected[order_id]["items"]
            )
            >= 2
        )
        order = self._sale_order(order_id)
        picking = order.picking_ids
        Quant = self.env["stock.quant"]
        for move in picking.move_ids:
            # other tests' orders shipped outside Odoo may have left it negative
            short = -sum(
                Quant.search(
                    [
                        ("product_id", "=", move.product_id.id),
                        ("location_id", "=", picking.location_id.id),
                    ]
                ).mapped("quantity")
            )
            Quant._update_available_quantity(
                move.product_id,
                picking.location_id,
                move.product_uom_qty + max(short, 0),
            )
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        return order_id, order, picking

    def test_shipped_outside_keeps_the_unshipped_reservation_in_the_backorder(self):
        order_id, order, picking = self._fbm_picking_in_stock()
        items = [
            item
            for item in self.expected[order_id]["items"]
            if item["quantityOrdered"] - item["quantityCancelled"]
        ]
        ordered = sum(i["quantityOrdered"] - i["quantityCancelled"] for i in items)
        # Amazon reports one unit of the first item shipped, nothing else.
        first = items[0]
        package = {
            "carrier": "DHL",
            "trackingNumber": "TRACK-OUTSIDE-1",
            "packageItems": [{"orderItemId": first["orderItemId"], "quantity": 1}],
        }
        order._amazon_validate_shipped_outside(
            {order_id: {**self.orders_data[order_id], "packages": [package]}}
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(sum(picking.move_ids.mapped("quantity")), 1)
        backorder = order.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.state, "assigned")
        # What did not ship is still reserved for it, unit for unit.
        self.assertEqual(sum(backorder.move_ids.mapped("quantity")), ordered - 1)
        reserved = self.env["stock.quant"].search(
            [
                ("location_id", "=", picking.location_id.id),
                ("product_id", "in", picking.move_ids.product_id.ids),
            ]
        )
        self.assertEqual(sum(reserved.mapped("reserved_quantity")), ordered - 1)

    def test_shipped_outside_leaves_a_picking_nothing_shipped_from_as_it_is(self):
        order_id, order, picking = self._fbm_picking_in_stock()
        reserved = {move: move.quantity for move in picking.move_ids}
        order._amazon_validate_shipped_outside(
            {order_id: {**self.orders_data[order_id], "packages": []}}
        )
        self.assertEqual(picking.state, "assigned")
        self.assertEqual({m: m.quantity for m in picking.move_ids}, reserved)
        self.assertEqual(order.picking_ids, picking)

    # --- cancellations ----------------------------------------------------------

    def test_order_canceled_before_the_sync_creates_nothing(self):
        canceled = [
            ref for ref, reason in self.skipped.items() if reason == "CANCELLED"
        ]
        self.assertTrue(canceled)
        self.assertFalse(
            self.env["sale.order"].search([("amazon_order_ref", "in", canceled)])
        )
        # PENDING orders are not even asked for (searchOrders' fulfillmentStatuses).
        listed = [reason for reason in self.skipped.values() if reason != "PENDING"]
        skipped = sum(run.orders_skipped for run in self.first_runs.values())
        self.assertEqual(skipped, len(listed))

    def test_order_canceled_after_the_sync_is_canceled_without_email(self):
        event = self.events["order_cancellation"]
        self.assertEqual(self.before["order_cancellation"]["state"], "sale")
        order = self._sale_order(event["orderId"])
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.amazon_status, "CANCELLED")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"cancel"})
        self.assertFalse(
            order.message_ids.filtered(lambda m: m.message_type == "email")
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
        )

    def test_item_canceled_on_amazon_reduces_its_line(self):
        # Items canceled before the first sync: imported with the remaining quantity.
        partly_canceled = [
            order_id
            for order_id, entry in self.expected.items()
            if any(item["quantityCancelled"] for item in entry["items"])
        ]
        self.assertTrue(partly_canceled)
        for order_id in partly_canceled:
            order = self._sale_order(order_id)
            for item in self.expected[order_id]["items"]:
                line = order.order_line.filtered(
                    lambda line, ref=item["orderItemId"]: line.amazon_item_ref == ref
                )
                self.assertEqual(
                    line.product_uom_qty,
                    item["quantityOrdered"] - item["quantityCancelled"],
                )
            self.assertEqual(
                Decimal(str(order.amount_total)),
                Decimal(self.expected[order_id]["grandTotal"]),
            )
        # An item canceled after the sync: its line and its delivery go down, and the
        # total follows Amazon's new grand total.
        event = self.events["item_cancellation"]
        before = self.before["item_cancellation"]["lines"][event["orderItemId"]]
        self.assertGreater(before, 0)
        order = self._sale_order(event["orderId"])
        now = self.sandbox.app.order_state(event["orderId"])["order"]
        line = order.order_line.filtered(
            lambda line: line.amazon_item_ref == event["orderItemId"]
        )
        self.assertEqual(line.product_uom_qty, 0)
        open_moves = line.move_ids.filtered(lambda m: m.state != "cancel")
        self.assertEqual(sum(open_moves.mapped("product_uom_qty")), 0)
        self.assertEqual(order.state, "sale")
        self.assertEqual(Decimal(str(order.amount_total)), _total(now))
        self.assertNotEqual(_total(now), _total(self.orders_data[event["orderId"]]))

    # --- replacement orders -----------------------------------------------------

    def test_replacement_orders_are_free_linked_and_never_invoiced(self):
        event = self.events["replacement_order"]
        replacements = {
            order_id: entry["replacementOf"]
            for order_id, entry in self.expected.items()
            if entry["replacementOf"]
        }
        replacements[event["order"]["orderId"]] = event["orderId"]
        self.assertGreaterEqual(len(replacements), 2)
        for order_id, original_id in replacements.items():
            order = self._sale_order(order_id)
            self.assertTrue(order, order_id)
            self.assertEqual(order.amazon_replacement_of_ref, original_id)
            self.assertEqual(order.amount_total, 0.0)
            original = self._sale_order(original_id)
            self.assertEqual(order.amazon_replacement_of_id, original)
            self.assertFalse(any(order.order_line.mapped("qty_to_invoice")))
            self.assertEqual(order.invoice_status, "no")
            with self.assertRaises(UserError):
                order._create_invoices()
        delivered = [
            order_id
            for order_id in replacements
            if self._sale_order(order_id).order_line.filtered("qty_delivered")
        ]
        self.assertTrue(
            delivered, "a delivered replacement order is still not invoiced"
        )

    # --- customers --------------------------------------------------------------

    def test_customers_with_and_without_buyer_data(self):
        for order_id, entry in self.expected.items():
            order = self._sale_order(order_id)
            data = self.orders_data.get(order_id)
            if not data:
                continue
            address = data["recipient"]["deliveryAddress"]
            shipping = order.partner_shipping_id
            self.assertEqual(shipping.country_id.code, address["countryCode"])
            self.assertEqual(shipping.zip, address["postalCode"])
            if entry["sellerId"] in self.manifest_pii_sellers():
                buyer = data["buyer"]
                self.assertEqual(
                    order.partner_id.name,
                    buyer.get("buyerCompanyName") or buyer["buyerName"],
                )
                self.assertEqual(shipping.street, address["addressLine1"])
            else:
                for partner in order.partner_id | shipping:
                    self.assertIn("Amazon Customer", partner.display_name)
                    self.assertFalse(partner.street or partner.phone or partner.email)
                self.assertNotIn(
                    data["buyer"]["buyerName"], order.partner_id.display_name
                )

    def manifest_pii_sellers(self):
        return {
            seller_id
            for seller_id, section in self.manifest["sellers"].items()
            if section["pii"]
        }

    # --- money ------------------------------------------------------------------

    def test_every_order_total_equals_amazons_grand_total(self):
        for order_id in self._orders():
            entry = self.expected[order_id]
            order = self._sale_order(order_id)
            digits = order.currency_id.decimal_places
            self.assertEqual(order.currency_id.name, entry["currency"], order_id)
            self.assertEqual(
                f"{order.amount_total:.{digits}f}", entry["grandTotal"], order_id
            )

    def test_vat_on_top_is_an_odoo_tax_included_in_the_gross_price(self):
        rates = {"DE": 19, "FR": 20, "IT": 22, "ES": 21, "GB": 20, "PL": 23, "JP": 10}
        order_ids = [
            order_id
            for order_id, entry in self.expected.items()
            if entry["taxArithmetic"] == "ADDITIVE"
            and Decimal(entry["tax"])
            and not Decimal(entry["marketplaceFacilitatorTax"])
        ]
        self.assertGreater(len(order_ids), 20)
        for order_id in order_ids:
            order = self._sale_order(order_id)
            entry = self.expected[order_id]
            self.assertEqual(order.amazon_tax_arithmetic, "additive")
            country = order.amazon_marketplace_id.country_id.code
            item_lines = order.order_line.filtered("amazon_item_ref").filtered(
                "product_uom_qty"
            )
            for line in item_lines:
                self.assertEqual(len(line.tax_id), 1, order_id)
                self.assertTrue(line.tax_id.price_include)
                self.assertEqual(line.tax_id.amount, rates[country])
                # VAT of the marketplace's country (FR and GB both have 20 %): the
                # test company (fiscal country US, no foreign VAT) gets a dedicated
                # tax per marketplace country that it can post.
                self.assertTrue(line.tax_id.name.endswith(f"({country})"))
                self.assertEqual(
                    line.tax_id.country_id, self.env.company.account_fiscal_country_id
                )
            # Odoo's tax (computed per line from the gross price) is Amazon's to a
            # cent per line.
            lines = len(order.order_line.filtered("tax_id"))
            self.assertLessEqual(
                abs(Decimal(str(order.amount_tax)) - Decimal(entry["tax"])),
                Decimal(lines)
                * Decimal("0.01")
                * (100 if entry["currency"] == "JPY" else 1),
                order_id,
            )
            self.assertFalse(
                order.order_line.filtered(
                    lambda line: line.product_id.default_code == "AMAZON-TAX"
                )
            )

    def test_vat_of_a_country_with_a_foreign_vat_number_is_that_countrys(self):
        """With a foreign VAT registration in France (OSS or local), amazon.fr sales
        carry a French tax; amazon.co.uk sales without one keep their dedicated tax."""
        fr = self.env.ref("base.fr")
        gb = self.env.ref("base.uk")
        self.env["account.fiscal.position"].create(
            {
                "name": "OSS France",
                "country_id": fr.id,
                "foreign_vat": "FR23334175221",
                "auto_apply": False,
            }
        )
        Order = self.env["sale.order"]
        company = self.env.company
        fr_tax = Order._amazon_vat_tax(company, 20.0, fr)
        gb_tax = Order._amazon_vat_tax(company, 20.0, gb)
        self.assertEqual(fr_tax.country_id, fr)
        self.assertNotEqual(gb_tax, fr_tax)
        self.assertEqual(gb_tax.country_id, company.account_fiscal_country_id)
        self.assertEqual(Order._amazon_vat_tax(company, 20.0, fr), fr_tax)

    def test_marketplace_facilitator_tax_is_identifiable(self):
        order_ids = [
            order_id
            for order_id in self._orders()
            if Decimal(self.expected[order_id]["marketplaceFacilitatorTax"])
        ]
        self.assertGreater(len(order_ids), 10)
        facilitator = self.env.ref(
            "sale_amazon_connector.product_amazon_facilitator_tax"
        )
        for order_id in order_ids:
            order = self._sale_order(order_id)
            withheld = Decimal(self.expected[order_id]["marketplaceFacilitatorTax"])
            line = order.order_line.filtered(
                lambda line: line.product_id == facilitator
            )
            self.assertEqual(len(line), 1, order_id)
            self.assertEqual(Decimal(str(line.price_subtotal)), withheld)
            self.assertEqual(Decimal(str(order.amazon_facilitator_tax)), withheld)
            # Not the seller's tax: no Odoo sales tax on the order.
            self.assertFalse(order.order_line.tax_id, order_id)
            self.assertEqual(order.amount_tax, 0.0)

    def test_orders_in_pln_and_jpy(self):
        for code in ("PLN", "JPY"):
            order_ids = [
                order_id
                for order_id, entry in self.expected.items()
                if entry["currency"] == code
            ]
            self.assertTrue(order_ids, code)
            orders = self.env["sale.order"].search(
                [("amazon_order_ref", "in", order_ids)]
            )
            self.assertEqual(len(orders), len(order_ids))
            self.assertEqual(set(orders.currency_id.mapped("name")), {code})
            self.assertEqual(
                set(orders.pricelist_id.currency_id.mapped("name")), {code}
            )
            self.assertTrue(orders.currency_id.active)
            if code in self.inactive_currencies:
                # Activated for the import, and the run says so.
                notes = " ".join(run.notes or "" for run in self.first_runs.values())
                self.assertIn(f"Currency {code} activated", notes)
            total = sum(Decimal(self.expected[ref]["grandTotal"]) for ref in order_ids)
            digits = orders.currency_id.decimal_places
            self.assertEqual(
                f"{sum(orders.mapped('amount_total')):.{digits}f}",
                f"{total:.{digits}f}",
            )

    def test_purchase_date_stays_the_order_date(self):
        for order_id in self._orders():
            order = self._sale_order(order_id)
            self.assertEqual(order.state, "sale")
            created = self.orders_data[order_id]["createdTime"]
            self.assertEqual(order.date_order, parse_amazon_datetime(created), order_id)

    # --- offers -----------------------------------------------------------------

    def test_unknown_sku_sells_as_default_product_then_is_relinked(self):
        default = self.env.ref("sale_amazon_connector.product_amazon_sale")
        lines = self.env["sale.order.line"].search(
            [("amazon_item_ref", "!=", False), ("product_id", "=", default.id)]
        )
        expected_items = {
            item["orderItemId"]
            for entry in self.expected.values()
            for item in entry["items"]
            if item["sellerSku"] == self.missing_sku
        }
        self.assertTrue(expected_items)
        self.assertEqual(set(lines.mapped("amazon_item_ref")), expected_items)
        offers = self.env["amazon.offer"].search([("sku", "=", self.missing_sku)])
        self.assertTrue(offers and all(offers.mapped("is_default_product")))
        product = self.env["product.product"].create({"name": "New product"})
        product.default_code = self.missing_sku
        self.assertEqual(offers.product_id, product)
        self.assertFalse(any(offers.mapped("is_default_product")))

    # --- later changes ----------------------------------------------------------

    def test_fba_order_imported_once_amazon_ships_it(self):
        event = self.events["status_change"]
        self.assertEqual(self.skipped[event["orderId"]], "FBA_NOT_SHIPPED")
        self.assertEqual(self.before["status_change"]["state"], False)
        order = self._sale_order(event["orderId"])
        self.assertEqual(order.amazon_channel, "fba")
        self.assertTrue(order.order_line.move_ids)

    def test_second_sync_only_applies_the_events(self):
        runs = self.second_runs
        created = sum(run.orders_created for run in runs.values())
        # The FBA order Amazon shipped and the replacement order.
        self.assertEqual(created, 2)
        self.assertEqual(sum(run.orders_failed for run in runs.values()), 0)


@tagged("post_install", "-at_install")
class TestTaxInsideItems(AmazonSandboxCase):
    """The same kind of orders when Amazon's item amounts include the VAT (TAX
    informational): the totals still equal ``grandTotal`` to the cent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scenario = generator.generate(orders=40, seed=7, vat_inside_item=True)
        cls.manifest = manifest.build(scenario)
        cls._start_sandbox(scenario)
        cls.runs = cls._sync_all()

    def test_totals_match_the_manifest(self):
        included = 0
        for seller_id, account in self.accounts.items():
            run = self.runs[seller_id]
            self.assertEqual((run.state, run.orders_failed), ("done", 0), run.error)
            differences = manifest.compare(
                self.manifest["sellers"][seller_id], account._amazon_outcome()
            )
            self.assertEqual(differences, [])
            for order_id, entry in self.manifest["sellers"][seller_id][
                "orders"
            ].items():
                if entry["taxArithmetic"] != "INCLUDED" or not Decimal(entry["tax"]):
                    continue
                included += 1
                order = self._sale_order(order_id)
                self.assertEqual(order.amazon_tax_arithmetic, "included")
                self.assertTrue(order.order_line.tax_id.price_include)
                self.assertFalse(order.amazon_amount_difference)
        self.assertGreater(included, 5)
