from odoo import fields, models

from ..const import CANCEL_REASONS


class AmazonOrderCancel(models.TransientModel):
    """Cancel FBM Amazon orders in Odoo and on Amazon, with Amazon's cancel reason.

    Opened by *Cancel* on an Amazon order instead of Odoo's cancel wizard, which would
    e-mail the buyer: on Amazon, Amazon tells the buyer.
    """

    _name = "amazon.order.cancel"
    _description = "Cancel an Amazon Order"

    order_ids = fields.Many2many("sale.order", required=True)
    reason = fields.Selection(CANCEL_REASONS, required=True, default="NoInventory")

    def action_cancel_on_amazon(self):
        """Cancel the orders and queue their seller cancellation
        (``sale.order._amazon_cancel_from_odoo``)."""
        self.ensure_one()
        self.order_ids.check_access("write")
        self.order_ids._amazon_cancel_from_odoo(self.reason)
        return {"type": "ir.actions.act_window_close"}
