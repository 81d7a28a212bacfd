from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_item_ref = fields.Char(
        string="Amazon Order Item ID", index=True, readonly=True, copy=False
    )
    amazon_item_amount = fields.Float(
        readonly=True,
        copy=False,
        digits=(16, 4),
        help="Amazon's ITEM proceeds of the line (quantity × unit price).",
    )

    amazon_sku = fields.Char(string="Seller SKU", readonly=True, copy=False)
    amazon_qty_ordered = fields.Integer(
        string="Amazon Quantity Ordered",
        readonly=True,
        copy=False,
        help="The item's quantityOrdered on Amazon; the line's quantity is what "
        "remains after items canceled on Amazon.",
    )

    _sql_constraints = [
        (
            "amazon_item_uniq",
            "unique(order_id, amazon_item_ref)",
            "This Amazon order item is already on the order.",
        ),
    ]

    @api.depends("order_id.amazon_replacement_of_ref")
    def _compute_qty_to_invoice(self):
        """Replacement orders (sent free of charge by Amazon) are never invoiced."""
        result = super()._compute_qty_to_invoice()
        for line in self:
            if line.order_id.amazon_replacement_of_ref:
                line.qty_to_invoice = 0.0
        return result
