from odoo import fields, models

from .res_partner import ANONYMOUS_NAME


def is_anonymous_buyer(partner):
    """Whether ``partner`` is an anonymous *Amazon Customer* (an order imported without
    buyer data): nobody to e-mail, never a follower of its invoices."""
    return bool(partner.amazon_buyer and partner.name == ANONYMOUS_NAME)


class AccountMove(models.Model):
    _inherit = "account.move"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The Amazon account of the order this invoice comes from.",
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order ID",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Amazon invoices are never grouped: one invoice per Amazon order.",
    )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Posting an invoice subscribes its customer; an anonymous Amazon Customer is
        left out (it has no e-mail and must never be notified)."""
        if partner_ids:
            anonymous = (
                self.env["res.partner"]
                .sudo()
                .browse(partner_ids)
                .filtered(is_anonymous_buyer)
            )
            partner_ids = [pid for pid in partner_ids if pid not in anonymous.ids]
        return super().message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )

    def _amazon_register_payment(self, journal, date=None):
        """Register the payment of these posted Amazon customer invoices on
        ``journal`` (the Amazon Payments journal), one payment per invoice, through
        Odoo's *Register Payment* wizard (``account.payment.register``): each payment
        moves the invoice's amount from the receivable to the journal's intermediary
        account and is reconciled with the invoice, which becomes paid.

        Invoices already paid (or not posted) are left alone.

        :param journal: an ``account.journal`` (bank or cash).
        :param date: the payment date (default: each invoice's date).
        :return: the ``account.payment`` records created.
        """
        payments = self.env["account.payment"]
        to_pay = self.filtered(
            lambda m: (
                m.state == "posted"
                and m.is_invoice(include_receipts=True)
                and m.payment_state in ("not_paid", "partial")
            )
        )
        for invoice in to_pay:
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "journal_id": journal.id,
                        "payment_date": date or invoice.invoice_date,
                    }
                )
            )
            payments |= wizard._create_payments()
        return payments
