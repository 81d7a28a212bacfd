"""Buyer data retention: the daily cron erases the buyer's name, street, phone and
e-mail of orders delivered more than the account's retention period ago, from the
contacts, gift messages and chatter tracking values, after storing the invoice PDF;
accounting entries stay as they were, and a contact still needed elsewhere is kept.

Orders come from :func:`.test_properties.amazon_order` through the sync's per-order
import; Odoo's dates are moved with freezegun.
"""

from datetime import datetime
from decimal import Decimal
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..exceptions import AmazonAuthError, AmazonUserError
from ..models.amazon_retention import ERASED_FAILURE_ERROR, ERASED_GIFT_MESSAGE
from ..models.res_partner import ANONYMOUS_NAME
from .common import AmazonCommon, formatted_logs
from .test_properties import amazon_order

ALICE = {
    "name": "Alice Liddell",
    "email": "alice123@marketplace.amazon.de",
    "street": "Kaninchenbau 1",
    "phone": "+49 301234567",
}
BOB = {
    "name": "Bob Baumeister",
    "email": "bob456@marketplace.amazon.de",
    "street": "Bauweg 7",
    "phone": "+49 307654321",
}


@tagged("post_install", "-at_install")
class TestBuyerData(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account()
        cls.env["product.product"].create(
            {"name": "Mug", "default_code": "PROP-MUG", "is_storable": True}
        )
        cls.sync_run = cls.env["amazon.sync.run"].create({"account_id": cls.account.id})
        cls.numbers = iter(range(1000001, 1999999))

    def _import(self, buyer, status="SHIPPED", gift_message=None, when="2026-10-02"):
        ref = f"302-{next(self.numbers)}-1234567"
        with freeze_time(f"{when} 12:00:00"):
            result = self.account._import_one_order(
                self.sync_run,
                amazon_order(
                    ref,
                    status=status,
                    buyer=buyer,
                    gift_message=gift_message,
                    created=f"{when}T09:00:00Z",
                ),
            )
        self.assertEqual(result, "created")
        return self.env["sale.order"].search([("amazon_order_ref", "=", ref)])

    def _erase(self, when):
        with freeze_time(when):
            self.env["amazon.account"]._cron_erase_buyer_data()
        self.env.invalidate_all()

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracked_chars(self, records):
        values = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", records._name),
                    ("mail_message_id.res_id", "in", records.ids),
                ]
            )
        )
        return values, " ".join(
            str(value)
            for value in values.mapped("old_value_char")
            + values.mapped("new_value_char")
        )

    def test_expired_order_is_erased_after_its_invoice_pdf_is_stored(self):
        order = self._import(ALICE, gift_message="Happy birthday, Alice!")
        customer, delivery = order.partner_id, order.partner_shipping_id
        self.assertEqual(customer.name, ALICE["name"])
        self.assertEqual(delivery.street, ALICE["street"])
        picking = order.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.partner_id, delivery)
        # Chatter tracking showing the buyer: a phone corrected by hand, and the
        # order's customer changed and changed back.
        delivery.with_context(tracking_disable=False).phone = "+49 30999"
        order.with_context(tracking_disable=False).partner_id = delivery
        self._flush_tracking()
        order.with_context(tracking_disable=False).partner_id = customer
        self._flush_tracking()
        _trackings, before = self._tracked_chars(order)
        self.assertIn(ALICE["name"], before)
        _trackings, before = self._tracked_chars(delivery)
        self.assertIn(ALICE["phone"], before)
        with freeze_time("2026-10-03 08:00:00"):
            invoice = order._create_invoices()
            invoice.action_post()
        self.assertFalse(invoice.invoice_pdf_report_id)
        entries = [
            (line.account_id.id, line.debit, line.credit, line.partner_id.id)
            for line in invoice.line_ids
        ]

        # 30 days after delivery: kept
        self._erase("2026-11-01 06:00:00")
        self.assertFalse(order.amazon_buyer_data_erased)
        self.assertEqual(customer.name, ALICE["name"])
        self.assertFalse(invoice.invoice_pdf_report_id)

        # 31 days after: erased
        self._erase("2026-11-02 13:00:00")
        self.assertEqual(order.amazon_buyer_data_erased, datetime(2026, 11, 2, 13))
        for partner in customer | delivery:
            self.assertEqual(partner.name, ANONYMOUS_NAME)
            self.assertFalse(partner.email or partner.phone or partner.street)
            self.assertEqual(partner.zip, "10115")  # location kept for taxes
            self.assertEqual(partner.country_id.code, "DE")
            self.assertTrue(partner.amazon_buyer_erased)
        self.assertFalse(
            self.env["res.partner"].search(
                [
                    "|",
                    "|",
                    ("name", "ilike", "Alice"),
                    ("email", "ilike", "alice"),
                    ("street", "ilike", "Kaninchenbau"),
                ]
            )
        )
        gift = order.order_line.filtered(lambda line: line.display_type == "line_note")
        self.assertEqual(gift.name, ERASED_GIFT_MESSAGE)
        for records in (order, delivery, picking):
            _trackings, text = self._tracked_chars(records)
            self.assertNotIn("Alice", text)
            self.assertNotIn(ALICE["phone"], text)
        self.assertTrue(self._tracked_chars(order)[0], "tracking rows stay, emptied")
        # The invoice document was stored before, with the buyer as invoiced, and
        # the posted entries did not move.
        pdf = invoice.invoice_pdf_report_id
        self.assertTrue(pdf)
        self.assertIn(ALICE["name"], pdf.raw.decode())
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(
            Decimal(f"{invoice.amount_total:.2f}"),
            Decimal(f"{order.amount_total:.2f}"),
        )
        self.assertEqual(
            [
                (line.account_id.id, line.debit, line.credit, line.partner_id.id)
                for line in invoice.line_ids
            ],
            entries,
        )
        # a later order of an address like Alice's never reuses the erased contacts
        again = self._import(ALICE, when="2026-11-05")
        self.assertNotIn(again.partner_id, customer | delivery)
        self.assertNotIn(again.partner_shipping_id, customer | delivery)

    def test_contact_shared_with_an_order_not_expired_waits_for_it(self):
        first = self._import(BOB)
        second = self._import(BOB, status="UNSHIPPED", when="2026-10-25")
        self.assertEqual(
            second.partner_id, first.partner_id, "same buyer, same contact"
        )
        self.assertEqual(second.partner_shipping_id, first.partner_shipping_id)
        self._erase("2026-11-10 06:00:00")
        self.assertFalse(first.amazon_buyer_data_erased, "waits for the second order")
        self.assertEqual(first.partner_id.name, BOB["name"])
        # the second order ships on 2026-11-12; 31 days later both are erased
        # (shipped in Seller Central: no confirmation to send, no carrier needed)
        second.write({"amazon_status": "SHIPPED", "amazon_shipped_outside": True})
        with freeze_time("2026-11-12 10:00:00"):
            second.picking_ids.move_ids.write({"quantity": 1, "picked": True})
            second.picking_ids._action_done()
        self._erase("2026-12-05 06:00:00")
        self.assertFalse(first.amazon_buyer_data_erased)
        self._erase("2026-12-14 06:00:00")
        self.assertTrue(first.amazon_buyer_data_erased)
        self.assertTrue(second.amazon_buyer_data_erased)
        self.assertEqual(first.partner_id.name, ANONYMOUS_NAME)
        self.assertFalse(first.partner_shipping_id.street)

    def test_contact_used_outside_amazon_is_kept(self):
        order = self._import(ALICE, gift_message="For you")
        customer = order.partner_id
        self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "partner_invoice_id": customer.id,
                "partner_shipping_id": customer.id,
                "order_line": [
                    (0, 0, {"product_id": order.order_line[0].product_id.id})
                ],
            }
        )
        self._erase("2026-11-02 13:00:00")
        self.assertTrue(order.amazon_buyer_data_erased)
        self.assertEqual(customer.name, ALICE["name"], "a customer outside Amazon")
        self.assertFalse(order.partner_shipping_id.street, "the delivery contact goes")
        gift = order.order_line.filtered(lambda line: line.display_type == "line_note")
        self.assertEqual(gift.name, ERASED_GIFT_MESSAGE)

    def test_retention_period_is_an_account_setting(self):
        self.assertEqual(self.account.buyer_data_retention_days, 30)
        self.account.buyer_data_retention_days = 10
        order = self._import(ALICE)
        unshipped = self._import(BOB, status="UNSHIPPED")
        self._erase("2026-10-11 13:00:00")
        self.assertFalse(order.amazon_buyer_data_erased)
        self._erase("2026-10-12 13:00:00")
        self.assertTrue(order.amazon_buyer_data_erased)
        self.assertFalse(unshipped.amazon_buyer_data_erased, "not delivered")
        self.assertEqual(unshipped.partner_id.name, BOB["name"])
        with self.assertRaises(ValidationError):
            self.account.buyer_data_retention_days = 0

    def test_erasure_takes_the_error_text_of_the_orders_failures(self):
        """An import failure may quote the buyer (a constraint naming them, their
        VAT number): its error text is erased with the order's buyer data; any
        other failure loses it once created longer ago than the retention period,
        whatever its state: one still retried, whose retries write it again every
        run (so that its last change never ages), too; a recent one keeps it."""
        order = self._import(ALICE)
        quoted = (
            "ValidationError: The VAT number [DE999999999] for partner "
            f"[{ALICE['name']}, {ALICE['street']}] does not seem to be valid."
        )
        Failure = self.env["amazon.sync.failure"]
        values = {
            "run_id": self.sync_run.id,
            "last_run_id": self.sync_run.id,
            "account_id": self.account.id,
            "error": quoted,
        }
        resolved = Failure.create(
            {**values, "amazon_order_ref": order.amazon_order_ref, "state": "resolved"}
        )
        dismissed = Failure.create(
            {**values, "amazon_order_ref": "302-9999999-0000001", "state": "dismissed"}
        )
        pending = Failure.create(
            {**values, "amazon_order_ref": "302-9999999-0000002", "state": "pending"}
        )
        recent = Failure.create(
            {**values, "amazon_order_ref": "302-9999999-0000003", "state": "dismissed"}
        )
        recent_pending = Failure.create(
            {**values, "amazon_order_ref": "302-9999999-0000004", "state": "pending"}
        )
        # Created on 2026-10-02, except the recent ones (2026-10-20); the pending
        # failure was retried (written) yesterday, as every run retries it.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE amazon_sync_failure SET create_date = %s, write_date = %s "
            "WHERE id IN %s",
            [
                datetime(2026, 10, 2, 12),
                datetime(2026, 10, 2, 12),
                (dismissed.id, resolved.id),
            ],
        )
        self.env.cr.execute(
            "UPDATE amazon_sync_failure SET create_date = %s, write_date = %s "
            "WHERE id = %s",
            [datetime(2026, 10, 2, 12), datetime(2026, 11, 1, 12), pending.id],
        )
        self.env.cr.execute(
            "UPDATE amazon_sync_failure SET create_date = %s, write_date = %s "
            "WHERE id IN %s",
            [
                datetime(2026, 10, 20, 12),
                datetime(2026, 11, 1, 12),
                (recent.id, recent_pending.id),
            ],
        )
        self.env.invalidate_all()

        self._erase("2026-11-02 13:00:00")
        self.assertTrue(order.amazon_buyer_data_erased)
        self.assertEqual(resolved.error, ERASED_FAILURE_ERROR)
        self.assertEqual(dismissed.error, ERASED_FAILURE_ERROR)
        self.assertEqual(pending.error, ERASED_FAILURE_ERROR, "created 31 days ago")
        self.assertEqual(recent.error, quoted, "created 13 days ago: kept")
        self.assertEqual(recent_pending.error, quoted, "created 13 days ago: kept")
        self.assertFalse(
            Failure.search([("error", "ilike", ALICE["name"])])
            - recent
            - recent_pending
        )
        # The next retry of the old pending failure writes a fresh message, which
        # the next erasure takes in turn.
        pending.write({"error": quoted, "attempts": pending.attempts + 1})
        self._erase("2026-11-03 13:00:00")
        self.assertEqual(pending.error, ERASED_FAILURE_ERROR)

    def test_run_rows_never_keep_an_error_that_may_quote_the_buyer(self):
        """What stops an export run is kept on its row with its message when the
        message is Amazon's (or the connector's), with its type only when it may
        quote a record's data: run rows are not erased with the buyer's data."""

        def quoting():
            raise ValidationError(
                self.env._("The VAT number of %s is not valid.", ALICE["name"])
            )

        def refused():
            raise AmazonAuthError("Access to requested resource is denied.")

        _counts, run = self.account._amazon_export_run("cancel", "manual", quoting)
        self.assertEqual(run.state, "failed")
        self.assertIn("ValidationError", run.error)
        self.assertNotIn(ALICE["name"], run.error)
        _counts, run = self.account._amazon_export_run("cancel", "manual", refused)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            run.error, "AmazonAuthError: Access to requested resource is denied."
        )


class NoCalls:
    def total(self):
        return 0


class NoCallClient:
    """A client the run must not call."""

    call_log = NoCalls()


def quoting_database_error():
    """A database error as psycopg2 raises it: its DETAIL quotes the row's values
    (here a buyer's name)."""
    return psycopg2.IntegrityError(
        'duplicate key value violates unique constraint "res_partner_amazon_uniq"\n'
        f"DETAIL:  Key (name, street)=({ALICE['name']}, {ALICE['street']}) already "
        "exists.\n"
    )


@tagged("post_install", "-at_install")
class TestLogPrivacy(AmazonCommon):
    """What stops a run is logged with its type and its traceback's frames, never
    with a message that may quote a buyer (a database error's DETAIL, a
    constraint naming a contact); run rows keep Amazon's and the connector's
    messages only."""

    LOGGER = "odoo.addons.sale_amazon_connector"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account()

    def _assert_private(self, logs, where):
        text = formatted_logs(logs)
        self.assertIn("IntegrityError", text, where)
        self.assertIn("Traceback", text, where)
        for value in (ALICE["name"], ALICE["street"]):
            self.assertNotIn(value, text, where)
        return text

    def test_an_export_run_stopped_by_a_database_error(self):
        error = quoting_database_error()

        def broken_export():
            raise error

        with self.assertLogs(self.LOGGER, "INFO") as logs:
            _counts, run = self.account._amazon_export_run(
                "shipments", "cron", broken_export
            )
        text = self._assert_private(logs, "export run")
        self.assertIn("broken_export", text, "the traceback's frames are logged")
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("IntegrityError"), run.error)
        self.assertNotIn(ALICE["name"], run.error)

    def test_the_order_cron_and_the_erasure_cron(self):
        Account = type(self.account)
        for method, cron in (
            ("_sync_orders", "_cron_sync_orders"),
            ("_erase_buyer_data", "_cron_erase_buyer_data"),
        ):
            with (
                patch.object(Account, method, side_effect=quoting_database_error()),
                self.assertLogs(self.LOGGER, "INFO") as logs,
            ):
                getattr(self.env["amazon.account"], cron)()
            self._assert_private(logs, cron)

    def test_only_the_connectors_own_user_errors_are_kept(self):
        """Odoo's own UserError may quote records (``_check_company`` names them):
        a run row keeps its type only; the connector's AmazonUserError keeps its
        message."""

        def core_refusal():
            raise UserError(
                self.env._(
                    "Incompatible companies on records:\n- '%s' belongs to company "
                    "'Other' and 'Customer' belongs to another company.",
                    ALICE["name"],
                )
            )

        def connector_refusal():
            raise AmazonUserError(
                self.env._("No marketplace of the account is synchronized.")
            )

        with self.assertLogs(self.LOGGER, "INFO") as logs:
            _counts, run = self.account._amazon_export_run(
                "cancel", "manual", core_refusal
            )
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error.startswith("UserError"), run.error)
        self.assertNotIn(ALICE["name"], run.error)
        self.assertNotIn(ALICE["name"], formatted_logs(logs))
        _counts, run = self.account._amazon_export_run(
            "cancel", "manual", connector_refusal
        )
        self.assertEqual(
            run.error,
            "AmazonUserError: No marketplace of the account is synchronized.",
        )

    def test_an_order_sync_without_marketplace_says_so(self):
        """The order sync's own refusal (no synchronized marketplace) is the
        connector's message: the run row keeps it."""
        self.account.account_marketplace_ids.sync_enabled = False
        run = self.account._sync_orders(client=NoCallClient())
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            run.error,
            "AmazonUserError: No marketplace of the account is synchronized.",
        )
