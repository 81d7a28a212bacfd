import logging

from odoo import _, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """Invoicing of Amazon orders: one invoice per Amazon order (never grouped with
    another order of the same anonymous customer), created and posted — and paid on
    the Amazon Payments journal — automatically when the account asks for it."""

    _inherit = "sale.order"

    @api.model
    def _amazon_create_prepared(self, prepared):
        """Invoice the new orders automatically (see :meth:`_amazon_auto_invoice`)
        once the importer has created, confirmed and delivered them."""
        orders = super()._amazon_create_prepared(prepared)
        orders._amazon_auto_invoice()
        return orders

    def _amazon_is_auto_invoiceable(self):
        """Whether this order is due for its automatic invoice now: its account
        invoices automatically, it is confirmed, not a replacement, has something to
        invoice and is delivered (FBA: at import; FBM: a validated delivery)."""
        self.ensure_one()
        if not (
            self.amazon_account_id.auto_invoice
            and self.state == "sale"
            and not self.amazon_replacement_of_ref
            and self.invoice_status == "to invoice"
        ):
            return False
        if self.amazon_channel == "fba":
            return True
        return any(
            picking.state == "done" and picking.picking_type_code == "outgoing"
            for picking in self.picking_ids
        )

    def _amazon_auto_invoice(self):
        """Create and post the invoices of those of these orders that are due (see
        :meth:`_amazon_is_auto_invoiceable`), then, for accounts that register payments
        automatically, pay them on the account's Amazon Payments journal.

        Runs as superuser (the account's settings, set by an Amazon manager, decide;
        the sync may run as a user without invoicing rights). Invoicing, then payment,
        each run for all orders in one savepoint; when that fails, order by order, each
        in its own savepoint. Whatever the error, it never reaches the caller (the
        import, or the validation of a delivery): an order that cannot be invoiced (or
        whose invoice cannot be paid) gets a note in its chatter, is flagged for
        review with the reason and stays as it was; the others go on.

        :return: the posted ``account.move`` invoices.
        """
        invoices = self.env["account.move"]
        # Most accounts do not invoice automatically: no savepoint (a flush of every
        # pending change) for them, on every delivery validated.
        candidates = self.sudo().filtered(lambda o: o.amazon_account_id.auto_invoice)
        if not candidates:
            return invoices
        try:
            with self.env.cr.savepoint():
                due = candidates.filtered(lambda o: o._amazon_is_auto_invoiceable())
        # Invoicing must never make the import (or a delivery) fail.
        except Exception as error:  # noqa: BLE001
            for order in candidates:
                order._amazon_auto_invoice_failed(_("automatic invoice"), error)
            return invoices
        if not due:
            return invoices
        invoices = due._amazon_in_savepoints(
            lambda orders: orders._amazon_invoice_and_post(), _("automatic invoice")
        )
        to_pay = due.filtered(
            lambda order: (
                order.amazon_account_id.auto_payment and order.invoice_ids & invoices
            )
        )
        if to_pay:
            to_pay._amazon_in_savepoints(
                lambda orders: orders._amazon_pay_invoices(invoices),
                _("automatic payment"),
            )
        return invoices

    def _amazon_in_savepoints(self, step, what):
        """``step(self)`` in a savepoint; when it raises (any error), ``step(order)``
        for each order in its own savepoint, flagging those that fail (see
        :meth:`_amazon_auto_invoice_failed`).

        :param step: a function of a ``sale.order`` recordset returning an
            ``account.move`` recordset.
        :param str what: what ``step`` does, for the note (e.g. "automatic invoice").
        :return: the union of what the successful calls returned.
        """
        try:
            with self.env.cr.savepoint():
                return step(self)
        # Any error: retried order by order below, each failure flagged on its order.
        except Exception as error:  # noqa: BLE001
            if len(self) == 1:
                self._amazon_auto_invoice_failed(what, error)
                return self.env["account.move"]
            _logger.info(
                "Amazon %s of %s orders failed in batch (%s); retrying order by order",
                what,
                len(self),
                type(error).__name__,
            )
        moves = self.env["account.move"]
        for order in self:
            try:
                with self.env.cr.savepoint():
                    moves |= step(order)
            # Any error is recorded on the order, the others go on.
            except Exception as error:  # noqa: BLE001
                order._amazon_auto_invoice_failed(what, error)
        return moves

    def _amazon_auto_invoice_failed(self, what, error):
        """Record that ``what`` (the automatic invoice or payment) of this order
        failed with ``error``: a note in its chatter, the order flagged for review with
        the reason; the log names the order (its Amazon id) and the error's type only,
        never the message (it may quote the buyer's name or address)."""
        self.ensure_one()
        _logger.warning(
            "Amazon order %s (sale.order %s): %s failed (%s); order flagged for review",
            self.amazon_order_ref,
            self.id,
            what,
            type(error).__name__,
        )
        if isinstance(error, UserError):
            detail = error.args[0] if error.args else str(error)
        else:
            detail = f"{type(error).__name__}: {error}"
        reason = _(
            "The %(what)s of this Amazon order failed: %(detail)s",
            what=what,
            detail=detail,
        )
        try:
            with self.env.cr.savepoint():
                self.write(
                    {
                        "amazon_needs_review": True,
                        "amazon_review_reason": "\n".join(
                            dict.fromkeys(
                                [
                                    *(self.amazon_review_reason or "").splitlines(),
                                    reason,
                                ]
                            )
                        ),
                    }
                )
                self.message_post(body=reason, subtype_xmlid="mail.mt_note")
        # Even the note must not make the import fail; the log above stays.
        except Exception as note_error:  # noqa: BLE001
            _logger.warning(
                "Amazon order %s: the failure of its %s could not be recorded (%s)",
                self.amazon_order_ref,
                what,
                type(note_error).__name__,
            )

    def _amazon_invoice_and_post(self):
        """Invoice these orders (one invoice each) and post the invoices.

        :return: the posted ``account.move`` invoices.
        """
        invoices = self.with_context(mail_notrack=True)._create_invoices()
        invoices.action_post()
        return invoices

    def _amazon_pay_invoices(self, invoices):
        """Register the payments of those of ``invoices`` that belong to these orders,
        on their account's payment journal.

        :return: the paid ``account.move`` invoices.
        :raise UserError: an account without payment journal.
        """
        invoices = self.invoice_ids & invoices
        for account in invoices.amazon_account_id.filtered("auto_payment"):
            journal = account.payment_journal_id
            if not journal:
                raise UserError(
                    _("The Amazon account %s has no payment journal.", account.name)
                )
            invoices.filtered(
                lambda move, account=account: move.amazon_account_id == account
            )._amazon_register_payment(journal)
        return invoices

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.amazon_account_id:
            values["amazon_account_id"] = self.amazon_account_id.id
            values["amazon_order_ref"] = self.amazon_order_ref
        return values

    def _get_invoice_grouping_keys(self):
        """Amazon orders are never grouped into one invoice (an anonymous *Amazon
        Customer* is shared by many orders): their Amazon order id is a key. Other
        orders have none, so their grouping is unchanged."""
        return [*super()._get_invoice_grouping_keys(), "amazon_order_ref"]


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_invoice_line(self, **optional_values):
        """The marketplace-facilitator tax line posts to the company's clearing
        account (never the seller's tax payable, never on a tax grid), whatever the
        product's income account."""
        values = super()._prepare_invoice_line(**optional_values)
        product = self.env.ref(
            "sale_amazon_connector.product_amazon_facilitator_tax",
            raise_if_not_found=False,
        )
        account = self.company_id.sudo().amazon_facilitator_account_id
        if product and self.product_id == product and account:
            values["account_id"] = account.id
        return values
