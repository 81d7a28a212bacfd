from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _amazon_find_by_sku(self, sku, company):
        """Product whose internal reference is exactly ``sku`` (case and spaces kept),
        available to ``company``; empty recordset if none or ambiguous."""
        products = self.with_context(active_test=True).search(
            [
                ("default_code", "=", sku),
                ("company_id", "in", [False, company.id]),
            ],
            limit=2,
        )
        return products if len(products) == 1 else self.browse()

    def write(self, vals):
        res = super().write(vals)
        if "default_code" in vals:
            self.env["amazon.offer"].sudo().search(
                [("sku", "in", self.mapped("default_code"))]
            )._relink_default_products()
        return res
