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
        """Read the order with Orders v2026-01-01 ``getOrder`` and import it (see
        ``amazon.account._import_order_by_ref``); open the sales order.

        Only Amazon Users reach this (access rights of the wizard) and only for an
        account they can read; the import itself runs as superuser, like the sync.

        :return: the sales order's form action; a warning notification when the order
            was not imported (its failure, or why the sync leaves it out) or when the
            user may not open sales orders.
        :raise UserError: a malformed reference, or Amazon's error (e.g. not found).
        """
        self.ensure_one()
        self.account_id.check_access("read")
        ref = (self.amazon_order_ref or "").strip()
        account_sudo = self.account_id.sudo()
        result = account_sudo._import_order_by_ref(ref)
        order = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("amazon_account_id", "=", self.account_id.id),
                    ("amazon_order_ref", "=", ref),
                ],
                limit=1,
            )
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
                    "keeps only shipped FBA orders and unshipped or shipped FBM "
                    "orders.",
                    ref=ref,
                    result=result,
                )
            )
            return self._notification(message)
        order = order.with_env(self.env)
        if not order.has_access("read"):
            return self._notification(
                _("Amazon order %(ref)s: %(result)s.", ref=ref, result=result),
                kind="info",
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
        }

    def _notification(self, message, kind="warning"):
        return self.env["amazon.account"]._amazon_notification(
            message, kind=kind, sticky=kind == "warning"
        )
