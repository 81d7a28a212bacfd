from odoo import _, fields, models


class AmazonOrderRecover(models.TransientModel):
    """Import one Amazon order by its reference, exactly as a listed order would be."""

    _name = "amazon.order.recover"
    _description = "Recover an Amazon Order"

    account_id = fields.Many2one("amazon.account", required=True)
    amazon_order_ref = fields.Char(
        string="Amazon Order ID",
        required=True,
        help="Format 3-7-7, e.g. 123-1234567-1234567",
    )

    def action_recover(self):
        """Read the order with ``getOrder`` and import it; open the sales order."""
        self.ensure_one()
        self.account_id.check_access("read")
        ref = self.amazon_order_ref.strip()
        result = self.account_id.sudo()._import_order_by_ref(ref)
        order = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", self.account_id.id),
                ("amazon_order_ref", "=", ref),
            ],
            limit=1,
        )
        if not order:
            failure = (
                self.env["amazon.sync.failure"]
                .sudo()
                .search(
                    [
                        ("account_id", "=", self.account_id.id),
                        ("amazon_order_ref", "=", ref),
                    ],
                    limit=1,
                )
            )
            message = (
                failure.error
                if result == "failed"
                else _(
                    "Amazon order %(ref)s was not imported (%(result)s): the sync "
                    "keeps only "
                    "shipped FBA orders and unshipped or shipped FBM orders.",
                    ref=ref,
                    result=result,
                )
            )
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"type": "warning", "message": message, "sticky": True},
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
        }
