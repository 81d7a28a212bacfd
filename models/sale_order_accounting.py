import logging

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

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
        the sync may run as a user without invoicing rights). All orders are invoiced
        in one batch; when that fails, order by order, each in its own savepoint: an
        order that cannot be invoiced gets a note in its chatter and stays to invoice,
        and the import goes on.

        :return: the posted ``account.move`` invoices.
        """
        due = self.sudo().filtered(lambda o: o._amazon_is_auto_invoiceable())
        if not due:
            return self.env["account.move"]
        try:
            with self.env.cr.savepoint():
                return due._amazon_invoice_and_pay()
        except (UserError, ValidationError):
            _logger.info("Amazon batch invoicing failed; invoicing order by order")
        invoices = self.env["account.move"]
        for order in due:
            try:
                with self.env.cr.savepoint():
                    invoices |= order._amazon_invoice_and_pay()
            except (UserError, ValidationError) as error:
                order.message_post(
                    body=_(
                        "The automatic invoice of this Amazon order failed: %s",
                        error.args[0] if error.args else error,
                    )
                )
        return invoices

    def _amazon_invoice_and_pay(self):
        """Invoice these orders (one invoice each), post, and register the payments of
        the accounts with ``auto_payment`` on their payment journal."""
        invoices = self.with_context(mail_notrack=True)._create_invoices()
        invoices.action_post()
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
