"""Buyer data retention: Amazon's Data Protection Policy lets a seller keep a buyer's
personal data for a limited time after delivery. A daily cron erases buyer names,
streets, phones and e-mails of the orders delivered (or canceled) more than
``buyer_data_retention_days`` ago.

What is erased, per order: the customer, invoice and delivery contacts the connector
created for the buyer (``amazon_buyer``), in place (name *Amazon Customer*; street,
phones, e-mail emptied; country, state, city, zip and VAT number kept for taxes); the
gift-message lines; the chatter tracking values of the order's partner fields, of its
pickings' partner and of the erased contacts; the error text of the order's import
failures (``amazon.sync.failure``), which may quote the buyer (any failure, still
retried or not, loses it once created longer ago than the retention period; a retry
writes a fresh one). The pickings hold
the buyer only through their delivery contact, erased with it.

What is kept: posted accounting entries and their lines, untouched; before anything
is erased, the PDF of each posted customer invoice or credit note of the order is
generated and stored (``invoice_pdf_report_id``, as *Send & Print* does) when it is
not stored yet, so the invoice document keeps the buyer's name and address as issued.

A contact still used elsewhere is handled as follows: shared with an Amazon order not
yet expired, the whole order waits (erased together later); used outside Amazon (an
order or invoice not from Amazon, a user), the contact is left alone and the rest of
the order is erased.
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .amazon_sync_run import log_error
from .res_partner import ANONYMOUS_NAME

_logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
# Partner fields holding a buyer's personal data (erased); location and VAT stay.
PARTNER_PII_FIELDS = ("name", "email", "phone", "mobile", "street", "street2")
# Tracked fields whose tracking values may show a buyer's name or address.
TRACKED_PII_FIELDS = {
    "sale.order": ("partner_id", "partner_invoice_id", "partner_shipping_id"),
    "stock.picking": ("partner_id",),
    "res.partner": None,  # every tracked field of an erased contact
}
# What the error of an import failure becomes once the order's buyer data are erased.
ERASED_FAILURE_ERROR = "Error message erased (buyer data retention)."
GIFT_MESSAGE_PREFIX = "Gift message"
ERASED_GIFT_MESSAGE = "Gift message erased (buyer data retention)."
ORDER_PARTNER_FIELDS = ("partner_id", "partner_invoice_id", "partner_shipping_id")


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    buyer_data_retention_days = fields.Integer(
        string="Keep Buyer Data (days)",
        default=DEFAULT_RETENTION_DAYS,
        required=True,
        tracking=True,
        help="Days after delivery (or cancellation) after which the buyer's name, "
        "address, phone and e-mail are erased from the order, its contacts, its "
        "transfers and the chatter; Amazon's Data Protection Policy asks for 30 days "
        "at most. The invoice PDF is stored first, and accounting entries are never "
        "changed.",
    )

    @api.constrains("buyer_data_retention_days")
    def _check_buyer_data_retention_days(self):
        for account in self:
            if account.buyer_data_retention_days < 1:
                raise ValidationError(
                    _("Buyer data must be kept at least one day after delivery.")
                )

    @api.model
    def _cron_erase_buyer_data(self):
        """Cron entry point: erase the expired buyer data of every active account
        (see :meth:`_erase_buyer_data`). Errors are logged per account, so that Odoo
        never deactivates the cron."""
        self._amazon_commit()
        for account in self.search([]):
            try:
                account._erase_buyer_data()
                self._amazon_commit()
            # the error's type and traceback: its message may quote buyer data
            except Exception as error:  # noqa: BLE001
                self._amazon_rollback()
                log_error(
                    _logger,
                    "Amazon buyer data erasure of account %s failed",
                    account.id,
                    error=error,
                )

    def _erase_buyer_data(self):
        """Erase the buyer data of the account's orders delivered or canceled more than
        ``buyer_data_retention_days`` ago.

        :return: the ``sale.order`` records erased now.
        """
        self.ensure_one()
        cutoff = fields.Datetime.now() - timedelta(days=self.buyer_data_retention_days)
        Order = self.env["sale.order"].sudo().with_context(active_test=False)
        candidates = Order.search(
            [
                ("amazon_account_id", "=", self.id),
                ("amazon_buyer_data_erased", "=", False),
                ("state", "in", ("sale", "done", "cancel")),
                ("date_order", "<=", cutoff),
            ],
            order="id",
        )
        expired = candidates.filtered(
            lambda order: (date := order._amazon_delivered_on()) and date <= cutoff
        )
        erased = expired._amazon_erase_buyer_data()
        # Any failure older than the retention period loses its text, whatever its
        # state: one still retried is written again by each retry (so its
        # write_date never ages), and a failure of an order never imported belongs
        # to no order. The next retry writes a fresh message, erased in turn.
        self.env["amazon.sync.failure"]._amazon_erase_errors(
            [("account_id", "=", self.id), ("create_date", "<=", cutoff)]
        )
        return erased


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_buyer_data_erased = fields.Datetime(
        string="Buyer Data Erased On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the buyer's personal data of this order were erased (retention "
        "period of the Amazon account).",
    )

    def _amazon_delivered_on(self):
        """When the order was delivered, or canceled; ``False`` while it is not.

        Delivered: every move to a customer of its lines is done or canceled (the
        latest done move's date), or, for an order without such moves (services),
        Amazon reports it shipped (its last update).
        """
        self.ensure_one()
        if self.state == "cancel":
            return self.amazon_canceled_date or self.write_date
        moves = self.order_line.move_ids.filtered(
            lambda move: move.location_dest_id.usage == "customer"
        )
        if any(move.state not in ("done", "cancel") for move in moves):
            return False
        done = moves.filtered(lambda move: move.state == "done")
        if done:
            return max(done.mapped("date"))
        if self.amazon_status == "SHIPPED":
            return self.amazon_last_update or self.date_order
        return False

    def _amazon_erase_buyer_data(self):
        """Erase the buyer data of these orders (see the module docstring of
        ``amazon_retention``); the invoice PDFs are stored first.

        :return: the orders erased (those sharing a contact with an Amazon order not
            expired yet wait).
        """
        orders = self.sudo().filtered(lambda order: not order.amazon_buyer_data_erased)
        erasable, kept = orders._amazon_erasable_partners()
        orders = orders.filtered(
            lambda order: order not in kept
        )  # waiting for a shared contact
        stored = self.browse()
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    order._amazon_store_invoice_pdfs()
                stored |= order
            # An invoice whose PDF cannot be made keeps its order's data (logged).
            except Exception as error:  # noqa: BLE001
                _logger.warning(
                    "Invoice PDF of sales order %s not stored, buyer data kept: %s",
                    order.id,
                    type(error).__name__,
                )
        orders = stored
        if not orders:
            return orders
        partners = erasable.filtered(
            lambda partner: (
                partner
                in orders.mapped(
                    lambda order: (
                        order.partner_id
                        | order.partner_invoice_id
                        | order.partner_shipping_id
                    )
                )
            )
        )
        pickings = orders.picking_ids
        self.env["mail.tracking.value"]._amazon_erase(
            {"sale.order": orders, "stock.picking": pickings, "res.partner": partners}
        )
        partners.with_context(tracking_disable=True).write(
            {
                **dict.fromkeys(PARTNER_PII_FIELDS, False),
                "name": ANONYMOUS_NAME,
                "amazon_buyer_erased": True,
            }
        )
        orders._amazon_erase_gift_messages()
        # The import failures of these orders may quote the buyer (a constraint
        # naming them, a VAT number): their error text goes too.
        self.env["amazon.sync.failure"]._amazon_erase_errors(
            [
                ("account_id", "in", orders.amazon_account_id.ids),
                ("amazon_order_ref", "in", orders.mapped("amazon_order_ref")),
            ]
        )
        orders.with_context(tracking_disable=True).write(
            {"amazon_buyer_data_erased": fields.Datetime.now()}
        )
        _logger.info(
            "Amazon buyer data erased: %s order(s), %s contact(s)",
            len(orders),
            len(partners),
        )
        return orders

    def _amazon_erasable_partners(self):
        """Split the buyer contacts of these orders.

        :return: ``(erasable partners, orders to keep waiting)``: contacts used by
            these orders only (or by Amazon orders already erased) are erasable;
            a contact also used by an Amazon order not erased and not among these
            makes the orders using it wait; a contact used outside Amazon is neither
            erased nor blocking.
        """
        Order = self.env["sale.order"].sudo().with_context(active_test=False)
        Move = self.env["account.move"].sudo()
        orders = self
        partners = orders.mapped(
            lambda order: (
                order.partner_id | order.partner_invoice_id | order.partner_shipping_id
            )
        ).filtered(
            lambda partner: (
                partner.amazon_buyer
                and not partner.amazon_buyer_erased
                and partner.name != ANONYMOUS_NAME
            )
        )
        foreign = partners.filtered(lambda partner: partner.user_ids)
        blocked = self.env["res.partner"]
        for partner in partners - foreign:
            domain = expression.OR(
                [[(field, "=", partner.id)] for field in ORDER_PARTNER_FIELDS]
            )
            others = Order.search(domain) - orders
            invoices = Move.search(
                [("partner_id", "=", partner.id), ("move_type", "!=", "entry")]
            )
            if others.filtered(lambda order: not order.amazon_account_id) or any(
                not move.invoice_line_ids.sale_line_ids.order_id.amazon_account_id
                for move in invoices
            ):
                foreign |= partner
            elif others.filtered(lambda order: not order.amazon_buyer_data_erased):
                blocked |= partner
        # An order waiting for a blocked contact keeps all its contacts: orders
        # sharing one of them wait too.
        waiting = self.browse()
        while True:
            newly = (orders - waiting).filtered(
                lambda order, blocked=blocked: order._amazon_partners() & blocked
            )
            if not newly:
                break
            waiting |= newly
            blocked |= newly.mapped(lambda order: order._amazon_partners()) & partners
        return partners - foreign - blocked, waiting

    def _amazon_partners(self):
        self.ensure_one()
        return self.partner_id | self.partner_invoice_id | self.partner_shipping_id

    def _amazon_store_invoice_pdfs(self):
        """Generate and store the PDF of every posted customer invoice or credit note
        of these orders that has none yet (never sent: *manual* sending)."""
        invoices = self.invoice_ids.filtered(
            lambda move: (
                move.state == "posted"
                and move.is_sale_document()
                and not move.invoice_pdf_report_id
            )
        )
        if invoices:
            self.env["account.move.send"].sudo()._generate_and_send_invoices(
                invoices,
                allow_raising=True,
                sending_methods={"manual"},
                # the PDF only: no electronic invoice is made or sent here
                invoice_edi_format=None,
                extra_edis={},
            )

    def _amazon_erase_gift_messages(self):
        """Replace the text of the gift-message lines."""
        translated = _("Gift message: %s", "").strip()
        lines = self.order_line.filtered(
            lambda line: (
                line.display_type == "line_note"
                and (
                    (line.name or "").startswith(GIFT_MESSAGE_PREFIX)
                    or (line.name or "").startswith(translated)
                )
            )
        )
        if lines:
            # Locked orders refuse a new line description through the ORM: the note
            # carries no amount, so it is replaced in SQL.
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE sale_order_line SET name = %s WHERE id IN %s",
                [ERASED_GIFT_MESSAGE, tuple(lines.ids)],
            )
            lines.invalidate_recordset(["name"])


class AmazonSyncFailure(models.Model):
    _inherit = "amazon.sync.failure"

    @api.model
    def _amazon_erase_errors(self, domain):
        """Replace the error text of the failures of ``domain`` (not erased yet)
        with :data:`ERASED_FAILURE_ERROR`: an import error may quote the buyer's
        name, address or VAT number. The run rows never keep such a text
        (``amazon_sync_run.error_text``).

        :return: the failures erased now.
        """
        failures = self.sudo().search([*domain, ("error", "!=", ERASED_FAILURE_ERROR)])
        failures.write({"error": ERASED_FAILURE_ERROR})
        return failures


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    @api.model
    def _amazon_erase(self, records_by_model):
        """Empty the displayed values (char and text) of the tracking values that may
        show a buyer's data: those of :data:`TRACKED_PII_FIELDS` on these records.

        :param dict records_by_model: ``{model name: records}``.
        """
        trackings = self.browse()
        for model, records in records_by_model.items():
            if not records:
                continue
            domain = [
                ("mail_message_id.model", "=", model),
                ("mail_message_id.res_id", "in", records.ids),
            ]
            field_names = TRACKED_PII_FIELDS.get(model)
            if field_names:
                domain.append(("field_id.name", "in", list(field_names)))
            trackings |= self.sudo().search(domain)
        if trackings:
            trackings.sudo().write(
                {
                    "old_value_char": False,
                    "new_value_char": False,
                    "old_value_text": False,
                    "new_value_text": False,
                }
            )
