from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        """A validated delivery of an FBM Amazon order triggers its automatic invoice
        (when its account invoices automatically). An invoicing error never fails
        the validation: the order is flagged for review instead (see
        ``sale.order._amazon_auto_invoice``)."""
        result = super()._action_done()
        self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sale_id.filtered("amazon_account_id")._amazon_auto_invoice()
        return result
