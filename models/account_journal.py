from odoo import models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _amazon_intermediary_account(self):
        """The account where this (Amazon Payments) journal's payments go: the payment
        (outstanding) account of its first inbound payment method line, else its
        default account.

        :rtype: account.account (empty when the journal has neither)
        """
        self.ensure_one()
        lines = self.inbound_payment_method_line_ids.filtered("payment_account_id")
        return lines[:1].payment_account_id or self.default_account_id

    def action_open_amazon_payout(self):
        """The Amazon payout wizard on this journal (journal dashboard / form).

        :return: an ``ir.actions.act_window`` of ``amazon.payout``.
        """
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amazon Payout"),
            "res_model": "amazon.payout",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_journal_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }
