from odoo import api, models

from .account_move import is_anonymous_buyer


class AccountMoveSend(models.AbstractModel):
    """*Send* of invoices: an anonymous Amazon Customer's invoice is only downloaded,
    never e-mailed (single and batch sending, and the sending cron)."""

    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_method(self, move):
        if is_anonymous_buyer(move.partner_id):
            return "manual"
        return super()._get_default_sending_method(move)

    @api.model
    def _is_applicable_to_move(self, method, move):
        if method == "email" and is_anonymous_buyer(move.partner_id):
            return False
        return super()._is_applicable_to_move(method, move)
