"""Accounting of Amazon orders: invoices, the Amazon Payments journal and its
intermediary account, marketplace-facilitator tax, commission bills, payouts, sales
teams per marketplace and the Sales Analysis report.

A generated scenario (40 orders, seed 4: NA with US/CA marketplace-facilitator tax and
buyer data, EU anonymous with VAT in EUR/GBP/PLN and a replacement order, FE in JPY) is
synced once from the SP-API sandbox. Before the sync the EU account's DE line gets its
own sales team and the FE account invoices and pays automatically. Every expected figure
comes from the scenario's manifest (grand totals, facilitator tax) and the currency
rates set here, never from what Odoo computed.
"""

import copy
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from spapi_sandbox import generator, manifest

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import date_utils

from .common import AmazonSandboxCase

# Company currency USD (generic chart); units of each currency per USD.
RATES = {"EUR": 0.8, "GBP": 0.5, "PLN": 4.0, "CAD": 1.25, "JPY": 150.0}
COMMISSION = Decimal("5.72")


@tagged("post_install", "-at_install")
class TestAccounting(AmazonSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        scenario = generator.generate(orders=40, seed=4)
        cls.manifest = manifest.build(scenario)
        cls.expected = {
            order_id: dict(entry, sellerId=seller_id)
            for seller_id, section in cls.manifest["sellers"].items()
            for order_id, entry in section["orders"].items()
        }
        Currency = cls.env["res.currency"].with_context(active_test=False)
        for code, rate in RATES.items():
            cls.env["res.currency.rate"].create(
                {
                    "currency_id": Currency.search([("name", "=", code)]).id,
                    "name": date(2026, 1, 1),
                    "rate": rate,
                }
            )
        cls.company = cls.env.company
        cls._start_sandbox(scenario)
        by_region = {account.region: account for account in cls.accounts.values()}
        cls.na, cls.eu, cls.fe = by_region["NA"], by_region["EU"], by_region["FE"]
        cls.team_de = cls.env["crm.team"].create({"name": "Amazon DE"})
        cls.eu._get_marketplace_line(
            cls.env.ref("sale_amazon_connector.marketplace_de")
        ).team_id = cls.team_de
        cls.fe.write({"auto_invoice": True, "auto_payment": True})
        cls.runs = cls._sync_all()
        cls.journal = cls.company.amazon_payment_journal_id
        cls.intermediary = cls.journal._amazon_intermediary_account()
        cls.facilitator_account = cls.company.amazon_facilitator_account_id
        cls.bank = cls.env["account.journal"].search(
            [
                ("company_id", "=", cls.company.id),
                ("type", "=", "bank"),
                ("id", "!=", cls.journal.id),
            ],
            limit=1,
        )

    # --- helpers ----------------------------------------------------------------

    def _ids(self, account, **criteria):
        """Manifest order ids of ``account``'s seller matching ``criteria``."""
        return sorted(
            order_id
            for order_id, entry in self.expected.items()
            if entry["sellerId"] == account.seller_ref
            and all(entry.get(key) == value for key, value in criteria.items())
        )

    def _orders(self, order_ids):
        orders = self.env["sale.order"].search([("amazon_order_ref", "in", order_ids)])
        self.assertEqual(len(orders), len(order_ids))
        return orders

    def _total(self, order_id):
        return float(Decimal(self.expected[order_id]["grandTotal"]))

    def _invoice_and_pay(self, order):
        """Create Invoice on the order, post it, Register Payment on the Amazon
        Payments journal through the standard wizards."""
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": self.journal.id})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        return invoice

    def _open_residual(self, account, currency_code):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("currency_id.name", "=", currency_code),
            ]
        )
        return sum(lines.mapped("amount_residual_currency"))

    def _payout(self, currency_code, amount, **values):
        wizard = Form(
            self.env["amazon.payout"].with_context(
                default_company_id=self.company.id,
                default_amazon_account_id=values.pop("account", self.na).id,
            )
        )
        wizard.bank_journal_id = self.bank
        wizard.currency_id = self.env["res.currency"].search(
            [("name", "=", currency_code)]
        )
        wizard.amount = amount
        for key, value in values.items():
            setattr(wizard, key, value)
        return wizard.save()

    # --- setup ------------------------------------------------------------------

    def test_company_records_created_with_the_first_account(self):
        self.assertEqual(self.journal.type, "bank")
        self.assertEqual(self.intermediary.account_type, "asset_current")
        self.assertTrue(self.intermediary.reconcile)
        methods = (
            self.journal.inbound_payment_method_line_ids
            | self.journal.outbound_payment_method_line_ids
        )
        self.assertTrue(methods)
        self.assertEqual(methods.payment_account_id, self.intermediary)
        self.assertEqual(self.facilitator_account.account_type, "liability_current")
        self.assertTrue(self.facilitator_account.reconcile)
        self.assertFalse(self.facilitator_account.tax_ids)
        self.assertFalse(self.facilitator_account.tag_ids)
        product = self.env.ref("sale_amazon_connector.product_amazon_facilitator_tax")
        self.assertEqual(
            product.with_company(self.company).property_account_income_id,
            self.facilitator_account,
        )
        for account in (self.na, self.eu, self.fe):
            self.assertEqual(account.payment_journal_id, self.journal)
            self.assertEqual(account.team_id, self.company.amazon_team_id)
        self.assertEqual(
            self.na.vendor_id, self.env.ref("sale_amazon_connector.partner_amazon_na")
        )
        self.assertEqual(
            self.eu.vendor_id, self.env.ref("sale_amazon_connector.partner_amazon_eu")
        )
        # A second account of the company creates nothing new.
        journals = self.env["account.journal"].search_count([])
        self.na.copy({"seller_ref": "ANOTHERSELLER"})
        self.assertEqual(self.env["account.journal"].search_count([]), journals)

    # --- invoices ---------------------------------------------------------------

    def test_batch_invoicing_of_fba_orders(self):
        """The standard Create Invoice wizard on the EU seller's FBA orders (anonymous
        Amazon Customers, several sharing a customer): one invoice per order for its
        grand total; the replacement order is not invoiced; nothing is e-mailed."""
        order_ids = self._ids(self.eu, channel="FBA")
        replacements = [i for i in order_ids if self.expected[i]["replacementOf"]]
        self.assertEqual(len(replacements), 1)
        orders = self._orders(order_ids)
        # Two DE orders of the same anonymous customer (one Amazon Customer per
        # location): still one invoice each.
        first, second = self._orders(["302-8775773-0077152", "306-4976482-1696198"])
        customer = first.partner_id
        self.assertEqual(customer.name, "Amazon Customer")
        second.write(
            {
                "partner_id": customer.id,
                "partner_invoice_id": customer.id,
                "partner_shipping_id": customer.id,
            }
        )
        mails_before = self.env["mail.mail"].search_count([])
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({})
        )
        self.assertEqual(wizard.advance_payment_method, "delivered")
        wizard.create_invoices()
        invoices = orders.invoice_ids
        self.assertEqual(len(invoices), len(order_ids) - 1)
        for order in orders:
            entry = self.expected[order.amazon_order_ref]
            if entry["replacementOf"]:
                self.assertFalse(order.invoice_ids, order.amazon_order_ref)
                self.assertNotEqual(order.invoice_status, "to invoice")
                continue
            invoice = order.invoice_ids
            self.assertEqual(len(invoice), 1, order.amazon_order_ref)
            self.assertEqual(invoice.currency_id.name, entry["currency"])
            self.assertAlmostEqual(
                invoice.amount_total, self._total(order.amazon_order_ref), places=2
            )
            self.assertEqual(invoice.amazon_order_ref, order.amazon_order_ref)
            self.assertEqual(invoice.amazon_account_id, self.eu)
            self.assertEqual(order.invoice_status, "invoiced")
        invoices.action_post()
        Send = self.env["account.move.send"]
        for invoice in invoices:
            self.assertEqual(invoice.partner_id.name, "Amazon Customer")
            self.assertNotIn(invoice.partner_id, invoice.message_partner_ids)
            self.assertEqual(Send._get_default_sending_method(invoice), "manual")
            self.assertFalse(Send._is_applicable_to_move("email", invoice))
        send = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoices[:1].ids)
            .create({"move_id": invoices[0].id})
        )
        self.assertNotIn("email", send.sending_methods or [])
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_automatic_invoice_and_payment(self):
        """FE invoices and pays automatically: its FBA orders were invoiced, posted and
        paid on the Amazon Payments journal at import; an unshipped FBM order only when
        its delivery is validated; the intermediary account holds their grand totals."""
        fba_ids = self._ids(self.fe, channel="FBA")
        fbm_ids = self._ids(self.fe, channel="FBM", status="UNSHIPPED")
        self.assertEqual((len(fba_ids), len(fbm_ids)), (2, 2))
        for order in self._orders(fba_ids):
            invoice = order.invoice_ids
            self.assertEqual(len(invoice), 1)
            self.assertEqual(invoice.state, "posted")
            self.assertAlmostEqual(
                invoice.amount_total, self._total(order.amazon_order_ref), places=2
            )
            self.assertEqual(invoice.payment_state, "paid")
            payment = invoice.matched_payment_ids
            self.assertEqual(payment.journal_id, self.journal)
            self.assertEqual(payment.outstanding_account_id, self.intermediary)
        for order in self._orders(fbm_ids):
            self.assertFalse(order.invoice_ids, "not shipped yet")
        expected = sum(self._total(i) for i in fba_ids)
        self.assertAlmostEqual(
            self._open_residual(self.intermediary, "JPY"), expected, places=2
        )
        # The delivery of an FBM order is validated: it is invoiced and paid.
        order = self._orders(fbm_ids[:1])
        picking = order.picking_ids
        service = self.env["product.product"].create(
            {"name": "Shipping", "type": "service"}
        )
        picking.carrier_id = self.env["delivery.carrier"].create(
            {"name": "Yamato", "product_id": service.id, "delivery_type": "fixed"}
        )
        picking.carrier_tracking_ref = "JP0000000001"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        self.assertAlmostEqual(
            self._open_residual(self.intermediary, "JPY"),
            expected + self._total(fbm_ids[0]),
            places=2,
        )
        # The NA account does not invoice automatically.
        self.assertFalse(self._orders(self._ids(self.na, channel="FBA")).invoice_ids)

    def _fe_order_copy(self, order_id, suffix):
        """The sandbox's FE order ``order_id`` under a new Amazon order id (never
        imported yet)."""
        data = copy.deepcopy(self.orders_data[order_id])
        data["orderId"] = f"{order_id[:-4]}{suffix}"
        return data

    def _assert_flagged(self, order, text):
        self.assertTrue(order.amazon_needs_review, order.amazon_order_ref)
        self.assertIn(text, order.amazon_review_reason)
        self.assertTrue(
            order.message_ids.filtered(lambda m: text in (m.body or "")),
            "a note in the order's chatter",
        )

    def test_invoicing_error_never_fails_the_import(self):
        """Auto-invoicing raising an error that is no UserError (here a RuntimeError
        from ``_create_invoices``): the FE FBA orders are still imported — by the
        page's batch and by the one-order path — confirmed and delivered, recorded
        as created (no sync failure, no retry), not invoiced, flagged for review with
        the reason and a note; the same error while validating an FBM delivery leaves
        the delivery done and flags the order. A payment error leaves the invoice
        posted and unpaid, and flags the order."""
        SaleOrder = type(self.env["sale.order"])
        fba_id = self._ids(self.fe, channel="FBA")[0]
        batch_data = [self._fe_order_copy(fba_id, n) for n in ("9001", "9004")]
        one_data = self._fe_order_copy(fba_id, "9002")
        run = self.env["amazon.sync.run"].create({"account_id": self.fe.id})
        failures = self.env["amazon.sync.failure"]
        with patch.object(
            SaleOrder, "_create_invoices", side_effect=RuntimeError("ledger offline")
        ) as create_invoices:
            created = self.fe._import_new_orders_batch(run, batch_data)
            result = self.fe._import_one_order(run, one_data)
        # Batch of 2, then each of the 2 alone; then the one-order import.
        self.assertEqual(create_invoices.call_count, 4)
        self.assertEqual(created, {data["orderId"] for data in batch_data})
        self.assertEqual(result, "created")
        for data in (*batch_data, one_data):
            order = self._orders([data["orderId"]])
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.amazon_account_id, self.fe)
            self.assertEqual(order.invoice_status, "to invoice")
            self.assertFalse(order.invoice_ids)
            self._assert_flagged(order, "RuntimeError: ledger offline")
            self.assertFalse(
                failures.search([("amazon_order_ref", "=", data["orderId"])])
            )

        # FBM: the delivery is validated although invoicing fails.
        order = self._orders(self._ids(self.fe, channel="FBM", status="UNSHIPPED")[1:])
        picking = order.picking_ids
        service = self.env["product.product"].create(
            {"name": "Shipping", "type": "service"}
        )
        picking.carrier_id = self.env["delivery.carrier"].create(
            {"name": "Yamato", "product_id": service.id, "delivery_type": "fixed"}
        )
        picking.carrier_tracking_ref = "JP0000000002"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        with patch.object(
            SaleOrder, "_create_invoices", side_effect=KeyError("journal")
        ):
            picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(order.invoice_ids)
        self._assert_flagged(order, "KeyError")

        # Payment: the invoice stays posted (and unpaid), the order is flagged.
        pay_data = self._fe_order_copy(fba_id, "9003")
        with patch.object(
            type(self.env["account.move"]),
            "_amazon_register_payment",
            side_effect=ZeroDivisionError("rate"),
        ):
            self.assertEqual(self.fe._import_one_order(run, pay_data), "created")
        order = self._orders([pay_data["orderId"]])
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.invoice_ids.payment_state, "not_paid")
        self._assert_flagged(order, "automatic payment")
        self.assertIn("ZeroDivisionError", order.amazon_review_reason)

    # --- the month: invoices, payments, commission bill, payouts ------------------

    def test_month_with_facilitator_tax_commission_and_payouts(self):
        """A DE order (VAT) and a US order (marketplace-facilitator tax) invoiced and
        paid on the Amazon Payments journal, Amazon's commission bill paid from the same
        journal, and one payout per currency (EUR, USD, and JPY for the FE orders paid
        automatically): the intermediary and facilitator accounts end at zero, and the
        US sales tax is on no tax line and no tax grid."""
        de_id = "302-8775773-0077152"
        us_id = "111-1225598-1078508"
        self.assertEqual(self.expected[de_id]["marketplaceId"], "A1PA6795UKMFR9")
        self.assertEqual(self.expected[us_id]["marketplaceId"], "ATVPDKIKX0DER")
        facilitator = Decimal(self.expected[us_id]["marketplaceFacilitatorTax"])
        self.assertGreater(facilitator, 0)
        de_invoice = self._invoice_and_pay(self._orders([de_id]))
        us_invoice = self._invoice_and_pay(self._orders([us_id]))

        # Seller VAT on the DE invoice; the US tax only on the clearing account.
        self.assertTrue(de_invoice.line_ids.filtered("tax_line_id"))
        self.assertFalse(us_invoice.line_ids.filtered("tax_line_id"))
        self.assertFalse(us_invoice.line_ids.tax_ids)
        self.assertFalse(us_invoice.line_ids.tax_tag_ids)
        self.assertFalse(us_invoice.amount_tax)
        mf_lines = us_invoice.line_ids.filtered(
            lambda line: line.account_id == self.facilitator_account
        )
        self.assertAlmostEqual(-sum(mf_lines.mapped("balance")), float(facilitator), 2)

        # Amazon's commission bill, paid from the Amazon Payments journal (the
        # vendor's default payment method).
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.na.vendor_id.id,
                "invoice_date": us_invoice.invoice_date,
                "currency_id": us_invoice.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Amazon selling fees",
                            "quantity": 1,
                            "price_unit": float(COMMISSION),
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        )
        pay_bill = register.create({})
        self.assertEqual(pay_bill.journal_id, self.journal)
        pay_bill._create_payments()
        self.assertEqual(bill.payment_state, "paid")

        # Payouts: EUR for the DE order, USD net of the facilitator tax and the
        # commission, JPY for the FE orders paid at import.
        us_payout = (
            Decimal(self.expected[us_id]["grandTotal"]) - facilitator - COMMISSION
        )
        jpy_payout = sum(
            Decimal(self.expected[i]["grandTotal"])
            for i in self._ids(self.fe, channel="FBA")
        )
        for code, amount in (
            ("EUR", Decimal(self.expected[de_id]["grandTotal"])),
            ("USD", us_payout),
            ("JPY", jpy_payout),
        ):
            wizard = self._payout(code, float(amount))
            self.assertAlmostEqual(wizard.expected_amount, float(amount), 2, code)
            self.assertAlmostEqual(wizard.difference, 0.0, 2, code)
            if code == "USD":
                self.assertAlmostEqual(wizard.facilitator_amount, float(facilitator), 2)
            wizard.action_confirm()
            bank_line = wizard.move_id.line_ids.filtered(
                lambda line: line.account_id == self.bank.default_account_id
            )
            self.assertEqual(wizard.move_id.state, "posted")
            self.assertAlmostEqual(bank_line.amount_currency, float(amount), 2, code)

        for account in (self.intermediary, self.facilitator_account):
            lines = self.env["account.move.line"].search(
                [("account_id", "=", account.id), ("parent_state", "=", "posted")]
            )
            self.assertTrue(lines)
            self.assertAlmostEqual(sum(lines.mapped("balance")), 0.0, 2)
            self.assertTrue(all(lines.mapped("reconciled")), account.name)
        # The seller's tax report over the month: what a tax report reads, i.e. the
        # posted lines of the period with a tax (tax_line_id), a base tax (tax_ids) or
        # a tax grid (tax_tag_ids). The DE VAT is there; nothing of the US order.
        month = (
            date_utils.start_of(us_invoice.date, "month"),
            date_utils.end_of(us_invoice.date, "month"),
        )
        AML = self.env["account.move.line"]
        period = [
            ("company_id", "=", self.company.id),
            ("parent_state", "=", "posted"),
            ("date", ">=", month[0]),
            ("date", "<=", month[1]),
        ]
        report_lines = AML.search(
            [
                *period,
                "|",
                "|",
                ("tax_line_id", "!=", False),
                ("tax_ids", "!=", False),
                ("tax_tag_ids", "!=", False),
            ]
        )
        self.assertIn(de_invoice, report_lines.move_id)
        us_moves = (
            us_invoice
            | us_invoice.matched_payment_ids.move_id
            | AML.search(
                [*period, ("account_id", "=", self.facilitator_account.id)]
            ).move_id.filtered(lambda m: m.journal_id == self.bank)
        )
        self.assertIn(us_invoice, us_moves)
        self.assertEqual(len(us_moves), 3, "invoice, payment, USD payout")
        self.assertFalse(report_lines.move_id & us_moves)
        self.assertFalse(report_lines.account_id & self.facilitator_account)
        # The tax of the month is exactly the tax of the invoices other than the US
        # one (DE VAT and the FE orders' JP tax), the facilitator tax not among it.
        invoices = self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("date", ">=", month[0]),
                ("date", "<=", month[1]),
            ]
        )
        self.assertIn(us_invoice, invoices)
        self.assertAlmostEqual(
            -sum(report_lines.filtered("tax_line_id").mapped("balance")),
            sum((invoices - us_invoice).mapped("amount_tax_signed")),
            2,
        )

    def test_payout_that_does_not_match_shows_the_difference(self):
        us_id = "111-1225598-1078508"
        self._invoice_and_pay(self._orders([us_id]))
        expected = Decimal(self.expected[us_id]["grandTotal"]) - Decimal(
            self.expected[us_id]["marketplaceFacilitatorTax"]
        )
        wizard = self._payout("USD", float(expected - 1))
        self.assertAlmostEqual(wizard.expected_amount, float(expected), 2)
        self.assertAlmostEqual(wizard.difference, -1.0, 2)
        wizard.action_confirm()
        self.assertAlmostEqual(wizard.difference, -1.0, 2)
        self.assertAlmostEqual(self._open_residual(self.intermediary, "USD"), 1.0, 2)
        self.assertAlmostEqual(
            self._open_residual(self.facilitator_account, "USD"), 0.0, 2
        )
        self.assertIn("-1.0", wizard.move_id.message_ids[:1].body)
        # Booked on an account instead, the intermediary account clears.
        wizard.move_id.button_draft()
        wizard.move_id.button_cancel()
        expense = self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self.company),
                ("account_type", "=", "expense"),
            ],
            limit=1,
        )
        wizard = self._payout("USD", float(expected - 1), writeoff_account_id=expense)
        wizard.action_confirm()
        self.assertAlmostEqual(self._open_residual(self.intermediary, "USD"), 0.0, 2)
        writeoff = wizard.move_id.line_ids.filtered(lambda l: l.account_id == expense)
        self.assertAlmostEqual(writeoff.amount_currency, 1.0, 2)

    def test_payout_refuses_lines_that_are_not_its_open_items(self):
        """``line_ids`` is editable: a receivable line of another (unpaid) US invoice,
        or an intermediary line in another currency, given to a USD payout makes it
        raise; no entry is posted and nothing is reconciled."""
        us_id = "111-1225598-1078508"
        self._invoice_and_pay(self._orders([us_id]))
        de_invoice = self._invoice_and_pay(self._orders(["302-8775773-0077152"]))
        other_id = next(
            i
            for i in self._ids(self.na, currency="USD", replacementOf=None)
            if i != us_id and self._orders([i]).invoice_status == "to invoice"
        )
        order = self._orders([other_id])
        order._create_invoices().action_post()
        receivable = order.invoice_ids.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        eur_line = de_invoice.matched_payment_ids.move_id.line_ids.filtered(
            lambda line: line.account_id == self.intermediary
        )
        self.assertTrue(receivable and eur_line)
        expected = Decimal(self.expected[us_id]["grandTotal"]) - Decimal(
            self.expected[us_id]["marketplaceFacilitatorTax"]
        )
        Partial = self.env["account.partial.reconcile"]
        Move = self.env["account.move"]
        for foreign in (receivable, eur_line):
            wizard = self._payout("USD", float(expected))
            own = wizard.line_ids
            self.assertTrue(own)
            self.assertFalse(own & foreign)
            wizard.line_ids = own | foreign
            partials = Partial.search_count([])
            moves = Move.search_count([("journal_id", "=", self.bank.id)])
            with self.assertRaisesRegex(UserError, "Remove"):
                wizard.action_confirm()
            self.assertFalse(wizard.move_id)
            self.assertEqual(Partial.search_count([]), partials)
            self.assertEqual(
                Move.search_count([("journal_id", "=", self.bank.id)]), moves
            )
            self.assertFalse(foreign.reconciled)
            self.assertFalse(any(own.mapped("reconciled")))
        # Without the foreign line the same payout settles its own items.
        wizard.line_ids = own
        wizard.action_confirm()
        self.assertEqual(wizard.move_id.state, "posted")
        self.assertTrue(all(own.mapped("reconciled")))
        self.assertFalse(receivable.reconciled)
        self.assertFalse(eur_line.reconciled)

    # --- sales teams and reporting -----------------------------------------------

    def test_marketplace_team_override(self):
        de_ids = self._ids(self.eu, marketplaceId="A1PA6795UKMFR9")
        fr_ids = self._ids(self.eu, marketplaceId="A13V1IB3VIYZZH")
        self.assertTrue(de_ids and fr_ids)
        self.assertEqual(self._orders(de_ids).team_id, self.team_de)
        self.assertEqual(self._orders(fr_ids).team_id, self.eu.team_id)
        self.assertEqual(self.eu.team_id.name, "Amazon")

    def test_sales_report_grouped_by_marketplace(self):
        """Sales Analysis grouped by marketplace (company currency) equals the
        manifest's grand totals per marketplace converted at the rates set here."""
        expected = {}
        for entry in self.expected.values():
            rate = RATES.get(entry["currency"], 1.0)
            key = entry["marketplaceId"]
            expected[key] = (
                expected.get(key, 0.0) + float(Decimal(entry["grandTotal"])) / rate
            )
        groups = self.env["sale.report"]._read_group(
            [("amazon_account_id", "!=", False), ("state", "=", "sale")],
            ["amazon_marketplace_id"],
            ["price_total:sum"],
        )
        actual = {marketplace.marketplace_ref: total for marketplace, total in groups}
        self.assertEqual(set(actual), set(expected))
        for key, total in expected.items():
            self.assertAlmostEqual(actual[key], total, 2, key)
        # And filtered by channel and account.
        fba = self.env["sale.report"]._read_group(
            [("amazon_channel", "=", "fba"), ("amazon_account_id", "=", self.fe.id)],
            [],
            ["price_total:sum"],
        )[0][0]
        self.assertAlmostEqual(
            fba,
            sum(self._total(i) for i in self._ids(self.fe, channel="FBA"))
            / RATES["JPY"],
            2,
        )
