import logging
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..utils import money_to_decimal, parse_amazon_datetime

_logger = logging.getLogger(__name__)

# Default products of Amazon order lines that are not an item of the seller's catalogue:
# key -> (xml id, name, internal reference).
DEFAULT_PRODUCTS = {
    "sale": ("product_amazon_sale", "Amazon Sale", "AMAZON-SALE"),
    "shipping": ("product_amazon_shipping", "Amazon Shipping", "AMAZON-SHIPPING"),
    "gift_wrap": ("product_amazon_gift_wrap", "Amazon Gift Wrap", "AMAZON-GIFT-WRAP"),
    "promotion": ("product_amazon_promotion", "Amazon Promotion", "AMAZON-PROMOTION"),
    "shipping_discount": (
        "product_amazon_shipping_discount",
        "Amazon Shipping Discount",
        "AMAZON-SHIPPING-DISCOUNT",
    ),
    "tax": ("product_amazon_tax", "Amazon Tax", "AMAZON-TAX"),
    "facilitator_tax": (
        "product_amazon_facilitator_tax",
        "Amazon Marketplace Facilitator Tax",
        "AMAZON-MF-TAX",
    ),
    "rounding": ("product_amazon_rounding", "Amazon Rounding", "AMAZON-ROUNDING"),
}
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_account_id = fields.Many2one(
        "amazon.account", index=True, readonly=True, copy=False, ondelete="restrict"
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order ID", index=True, readonly=True, copy=False
    )
    amazon_marketplace_id = fields.Many2one(
        "amazon.marketplace", readonly=True, copy=False
    )
    amazon_channel = fields.Selection(
        [("fba", "Fulfilled by Amazon"), ("fbm", "Fulfilled by Merchant")],
        string="Fulfillment Channel",
        readonly=True,
        copy=False,
    )
    amazon_status = fields.Char(readonly=True, copy=False)
    amazon_last_update = fields.Datetime(readonly=True, copy=False)
    amazon_is_business = fields.Boolean(string="Amazon Business", readonly=True)
    amazon_is_prime = fields.Boolean(string="Amazon Prime", readonly=True)
    amazon_shipped_outside = fields.Boolean(
        string="Shipped Outside Odoo",
        readonly=True,
        copy=False,
        help="Amazon reported this FBM order shipped before Odoo imported it: its "
        "picking "
        "was validated from Amazon's packages and is never confirmed back to Amazon.",
    )
    amazon_grand_total = fields.Monetary(readonly=True, copy=False)
    amazon_amount_difference = fields.Monetary(
        readonly=True,
        copy=False,
        help="Amazon's breakdown could not be reproduced to the cent: this difference "
        "was "
        "put on an Amazon Rounding line so that the order total equals Amazon's.",
    )
    amazon_tax_arithmetic = fields.Selection(
        [("additive", "Tax on top"), ("included", "Tax included")],
        readonly=True,
        copy=False,
    )
    amazon_replacement_of_id = fields.Many2one(
        "sale.order", string="Replacement Of", readonly=True, copy=False
    )
    amazon_needs_review = fields.Boolean(readonly=True, copy=False)
    amazon_review_reason = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        (
            "amazon_order_uniq",
            "unique(amazon_account_id, amazon_order_ref)",
            "This Amazon order is already imported for this account.",
        ),
    ]

    # === BUSINESS METHODS - DEFAULT PRODUCTS === #

    @api.model
    def _amazon_default_product(self, key):
        """The default product ``key`` of :data:`DEFAULT_PRODUCTS`, recreated when it
        was deleted. A service invoiced on ordered quantities."""
        xml_id, name, code = DEFAULT_PRODUCTS[key]
        product = self.env.ref(
            f"sale_amazon_connector.{xml_id}", raise_if_not_found=False
        )
        if product:
            return product
        product = (
            self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": name,
                    "default_code": code,
                    "type": "service",
                    "invoice_policy": "order",
                    "sale_ok": True,
                    "purchase_ok": False,
                    "list_price": 0.0,
                    "taxes_id": [Command.clear()],
                }
            )
        )
        self.env["ir.model.data"].sudo()._update_xmlids(
            [{"xml_id": f"sale_amazon_connector.{xml_id}", "record": product}]
        )
        return product

    # === BUSINESS METHODS - IMPORT === #

    @api.model
    def _amazon_classify(self, order_data, existing):
        """What the sync does with one listed order (Orders v2026-01-01 ``Order``).

        :return: ``"import"``, ``"update"`` or ``"skip"`` with a reason.
        :rtype: tuple[str, str]
        """
        fulfillment = order_data.get("fulfillment") or {}
        status = fulfillment.get("fulfillmentStatus")
        fba = fulfillment.get("fulfilledBy") == "AMAZON"
        if existing:
            return "update", status
        if status == "CANCELLED":
            return "skip", "CANCELLED"
        if status in ("PENDING", "PENDING_AVAILABILITY", "UNFULFILLABLE", None):
            return "skip", status or "NO_STATUS"
        if fba:
            return (
                ("import", status)
                if status == "SHIPPED"
                else ("skip", "FBA_NOT_SHIPPED")
            )
        if status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"):
            return "import", status
        return "skip", status

    @api.model
    def _amazon_import_order(self, account, order_data, run=None):
        """Create or update the Odoo order of one Amazon order.

        :param account: the ``amazon.account``.
        :param dict order_data: an Orders v2026-01-01 ``Order`` with the datasets BUYER,
            RECIPIENT, PROCEEDS, PROMOTION, CANCELLATION, FULFILLMENT, PACKAGES, TAX.
        :return: ``"created"``, ``"updated"``, ``"unchanged"`` or ``"skipped"``.
        :raise UserError: when the order cannot be imported (the caller records it).
        """
        ref = order_data["orderId"]
        existing = self.search(
            [("amazon_account_id", "=", account.id), ("amazon_order_ref", "=", ref)],
            limit=1,
        )
        action, _reason = self._amazon_classify(order_data, existing)
        if action == "skip":
            return "skipped"
        if action == "update":
            return existing._amazon_update_from(order_data)
        order = self._amazon_create_from(account, order_data, run=run)
        order._amazon_after_create(order_data)
        return "created"

    @api.model
    def _amazon_create_from(self, account, order_data, run=None):
        """Create and confirm the sales order of a new Amazon order."""
        marketplace_ref = order_data["salesChannel"]["marketplaceId"]
        marketplace = self.env["amazon.marketplace"].search(
            [("marketplace_ref", "=", marketplace_ref)], limit=1
        )
        if not marketplace:
            raise UserError(_("Unknown marketplace %s.", marketplace_ref))
        fulfillment = order_data.get("fulfillment") or {}
        channel = "fba" if fulfillment.get("fulfilledBy") == "AMAZON" else "fbm"
        currency = self._amazon_currency(order_data, marketplace, run)
        partner, shipping_partner = self.env["res.partner"]._amazon_find_or_create(
            account, order_data, marketplace
        )
        purchase_date = parse_amazon_datetime(order_data["createdTime"])
        replacement_of = self._amazon_replacement_of(account, order_data)
        warehouse = account._get_warehouse(marketplace)
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": account.company_id.id,
            "team_id": account._get_team(marketplace).id,
            "user_id": account.user_id.id,
            "warehouse_id": warehouse.id,
            "pricelist_id": self._amazon_pricelist(currency, account.company_id).id,
            "client_order_ref": order_data["orderId"],
            "origin": f"Amazon {order_data['orderId']}",
            "date_order": purchase_date,
            "amazon_account_id": account.id,
            "amazon_order_ref": order_data["orderId"],
            "amazon_marketplace_id": marketplace.id,
            "amazon_channel": channel,
            "amazon_status": fulfillment.get("fulfillmentStatus"),
            "amazon_last_update": parse_amazon_datetime(order_data["lastUpdatedTime"]),
            "amazon_is_business": "AMAZON_BUSINESS"
            in (order_data.get("programs") or []),
            "amazon_is_prime": "PRIME" in (order_data.get("programs") or []),
            "amazon_replacement_of_id": replacement_of.id,
        }
        if channel == "fbm" and fulfillment.get("shipByWindow"):
            latest = fulfillment["shipByWindow"].get("latestDateTime")
            if latest:
                values["commitment_date"] = parse_amazon_datetime(latest)
        additive = self._amazon_is_additive(order_data)
        values["order_line"] = [
            Command.create(line)
            for line in self._amazon_prepare_lines(
                account, order_data, marketplace, additive
            )
        ]
        order = self.with_context(mail_create_nosubscribe=True).create(values)
        order._amazon_balance_total(order_data, additive)
        confirm_ctx = {"skip_procurement": channel == "fba", "mail_notrack": True}
        order.with_context(**confirm_ctx).action_confirm()
        # Confirmation writes the current time into date_order: Amazon's purchase date
        # stays.
        order.date_order = purchase_date
        return order

    @api.model
    def _amazon_currency(self, order_data, marketplace, run):
        """Currency of the order's grand total (activated when Odoo has it inactive)."""
        grand_total = (order_data.get("proceeds") or {}).get("grandTotal") or {}
        code = grand_total.get("currencyCode") or marketplace.currency_id.name
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise UserError(_("Odoo does not know the currency %s.", code))
        if not currency.active:
            currency.sudo().active = True
            if run:
                run._add_note(_("Currency %s activated for Amazon orders.", code))
        return currency

    @api.model
    def _amazon_pricelist(self, currency, company):
        """A pricelist in ``currency`` for Amazon orders (created when missing)."""
        Pricelist = self.env["product.pricelist"].sudo()
        pricelist = Pricelist.search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", [False, company.id]),
            ],
            limit=1,
        )
        return pricelist or Pricelist.create(
            {"name": f"Amazon {currency.name}", "currency_id": currency.id}
        )

    @api.model
    def _amazon_replacement_of(self, account, order_data):
        for association in order_data.get("associatedOrders") or []:
            if association.get("associationType") == "REPLACEMENT_ORIGINAL_ID":
                return self.search(
                    [
                        ("amazon_account_id", "=", account.id),
                        ("amazon_order_ref", "=", association.get("orderId")),
                    ],
                    limit=1,
                )
        return self.browse()

    @api.model
    def _amazon_prepare_lines(self, account, order_data, marketplace, additive):
        """Sales order line values of an Amazon order (items, then charges).

        Amounts are Amazon's proceeds: per item the ITEM breakdown (quantity × unit
        price), then one line each for shipping, gift wrap, promotions, shipping
        promotions, tax collected by the seller and tax withheld by Amazon as
        marketplace facilitator. When the order's breakdowns include TAX in the grand
        total (``additive``, see :meth:`_amazon_is_additive`), the tax is its own line;
        when they do not (tax inside the amounts), TAX is informational and no tax line
        is added.
        """
        lines, sums = [], {}
        gift_messages = []
        for item in order_data.get("orderItems") or []:
            breakdown = _item_breakdowns(item)
            cancelled = bool(
                (item.get("cancellation") or {}).get("cancellationExecution")
            )
            quantity = 0 if cancelled else int(item.get("quantityOrdered") or 0)
            item_amount = breakdown.get("ITEM", Decimal(0))
            product = self.env["amazon.offer"]._amazon_get_product(
                account, marketplace, item, order_data
            )
            lines.append(
                {
                    "product_id": product.id,
                    "name": (item.get("product") or {}).get("title") or product.name,
                    "product_uom_qty": quantity,
                    "price_unit": float(item_amount / quantity) if quantity else 0.0,
                    "tax_id": [Command.clear()],
                    "amazon_item_ref": item["orderItemId"],
                    "amazon_item_amount": float(item_amount),
                }
            )
            for key, amount in breakdown.items():
                if key != "ITEM":
                    sums[key] = sums.get(key, Decimal(0)) + amount
            tax = _tax_split(item, breakdown.get("TAX", Decimal(0)))
            for key, amount in tax.items():
                sums[key] = sums.get(key, Decimal(0)) + amount
            gift = ((item.get("fulfillment") or {}).get("packing") or {}).get(
                "giftOption"
            ) or {}
            if gift.get("giftMessage"):
                gift_messages.append(gift["giftMessage"])
        charges = [
            ("shipping", sums.get("SHIPPING")),
            ("gift_wrap", sums.get("GIFT_WRAP")),
            ("promotion", sums.get("DISCOUNT_ITEM")),
            ("shipping_discount", sums.get("DISCOUNT_SHIPPING")),
        ]
        if additive:
            charges += [
                ("tax", sums.get("TAX_SELLER")),
                ("facilitator_tax", sums.get("TAX_FACILITATOR")),
            ]
        for key, amount in charges:
            if amount:
                product = self._amazon_default_product(key)
                lines.append(
                    {
                        "product_id": product.id,
                        "name": product.name,
                        "product_uom_qty": 1,
                        "price_unit": float(amount),
                        "tax_id": [Command.clear()],
                    }
                )
        for message in gift_messages:
            lines.append(
                {"display_type": "line_note", "name": _("Gift message: %s", message)}
            )
        return lines

    @api.model
    def _amazon_is_additive(self, order_data):
        """Whether the order's TAX breakdown is on top of the other amounts.

        Amazon's model does not say; per order, the arithmetic that reproduces
        ``grandTotal`` decides (DESIGN §5). An order where neither holds is treated as
        additive and its difference is flagged by :meth:`_amazon_balance_total`.
        """
        proceeds = order_data.get("proceeds") or {}
        total = money_to_decimal(proceeds.get("grandTotal"))
        amounts = {}
        for breakdown in proceeds.get("breakdowns") or []:
            amounts[breakdown["type"]] = amounts.get(
                breakdown["type"], Decimal(0)
            ) + money_to_decimal(breakdown.get("subtotal"))
        tax = amounts.get("TAX", Decimal(0))
        without_tax = sum(amounts.values(), Decimal(0)) - tax
        return not (tax and without_tax == total)

    def _amazon_balance_total(self, order_data, additive):
        """Make the order total equal Amazon's ``proceeds.grandTotal`` to the cent.

        Unit prices rounded to the currency (quantities > 1) or an unknown breakdown can
        leave a difference: it is put on an *Amazon Rounding* line, stored on the order
        and flagged for review — never silently absorbed.
        """
        self.ensure_one()
        grand_total = (order_data.get("proceeds") or {}).get("grandTotal")
        if not grand_total:
            self.amazon_grand_total = 0.0
            return
        expected = money_to_decimal(grand_total)
        self.amazon_grand_total = float(expected)
        self.amazon_tax_arithmetic = "additive" if additive else "included"
        currency = self.currency_id
        difference = currency.round(float(expected) - self.amount_total)
        if currency.is_zero(difference):
            return
        product = self._amazon_default_product("rounding")
        self.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": product.name,
                            "product_uom_qty": 1,
                            "price_unit": difference,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
                "amazon_amount_difference": difference,
                "amazon_needs_review": True,
                "amazon_review_reason": _(
                    "Amazon's breakdown does not reproduce its grand total: a "
                    "difference "
                    "of %(difference)s %(currency)s was added as Amazon Rounding.",
                    difference=difference,
                    currency=currency.name,
                ),
            }
        )

    def _amazon_after_create(self, order_data):
        """Channel-specific steps after confirmation: FBA done moves, FBM shipped
        outside Odoo."""
        self.ensure_one()
        if self.amazon_channel == "fba":
            self._amazon_create_fba_moves()
        elif order_data["fulfillment"].get("fulfillmentStatus") in (
            "SHIPPED",
            "PARTIALLY_SHIPPED",
        ):
            self._amazon_validate_shipped_outside(order_data)

    def _amazon_create_fba_moves(self):
        """One done stock move per item from the Amazon location to Customers, linked to
        the sale line (delivered quantities and invoicing follow)."""
        self.ensure_one()
        location = self.amazon_account_id._get_location(self.amazon_marketplace_id)
        if not location:
            location = self.amazon_account_id._amazon_default_location()
        customers = self.env.ref("stock.stock_location_customers")
        moves_values = []
        for line in self.order_line.filtered(
            lambda sol: sol.product_id.type == "consu" and sol.product_uom_qty > 0
        ):
            moves_values.append(
                {
                    "name": f"Amazon {self.amazon_order_ref}: "
                    f"{line.product_id.display_name}",
                    "product_id": line.product_id.id,
                    "product_uom": line.product_uom.id,
                    "product_uom_qty": line.product_uom_qty,
                    "quantity": line.product_uom_qty,
                    "location_id": location.id,
                    "location_dest_id": customers.id,
                    "sale_line_id": line.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                    "picked": True,
                }
            )
        if moves_values:
            moves = self.env["stock.move"].sudo().create(moves_values)
            moves._action_done()

    def _amazon_validate_shipped_outside(self, order_data):
        """Validate the picking for what Amazon reports shipped, with its carrier and
        tracking; the rest stays in a backorder. Never confirmed back to Amazon."""
        self.ensure_one()
        shipped = {}
        carriers, trackings = [], []
        for package in order_data.get("packages") or []:
            if package.get("carrier"):
                carriers.append(package["carrier"])
            if package.get("trackingNumber"):
                trackings.append(package["trackingNumber"])
            for item in package.get("packageItems") or []:
                shipped[item["orderItemId"]] = shipped.get(
                    item["orderItemId"], 0
                ) + int(item.get("quantity") or 0)
        self.amazon_shipped_outside = True
        pickings = self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for picking in pickings:
            for move in picking.move_ids:
                qty = shipped.get(move.sale_line_id.amazon_item_ref, 0)
                move.quantity = min(qty, move.product_uom_qty)
                move.picked = bool(move.quantity)
            if not any(picking.move_ids.mapped("picked")):
                continue
            picking.carrier_tracking_ref = ", ".join(trackings) or False
            picking.with_context(
                skip_backorder=False, cancel_backorder=False, skip_sms=True
            )._action_done()
            picking.message_post(
                body=_(
                    "Shipped outside Odoo (Amazon packages, carrier %(carrier)s).",
                    carrier=", ".join(sorted(set(carriers))) or "-",
                )
            )

    def _amazon_update_from(self, order_data):
        """Apply Amazon's later changes to an imported order.

        :return: ``"updated"`` or ``"unchanged"``.
        """
        self.ensure_one()
        last_update = parse_amazon_datetime(order_data["lastUpdatedTime"])
        status = (order_data.get("fulfillment") or {}).get("fulfillmentStatus")
        if (
            self.amazon_last_update
            and last_update <= self.amazon_last_update
            and (status == self.amazon_status)
        ):
            return "unchanged"
        self.write({"amazon_status": status, "amazon_last_update": last_update})
        if status == "CANCELLED" and self.state != "cancel":
            self._amazon_cancel_from_amazon()
        return "updated"

    def _amazon_cancel_from_amazon(self):
        """Amazon canceled the order: cancel it (and its pickings) without e-mailing
        the buyer; if goods already left, flag it for review instead."""
        self.ensure_one()
        if (
            any(p.state == "done" for p in self.picking_ids)
            or self.amazon_channel == "fba"
        ):
            self.write(
                {
                    "amazon_needs_review": True,
                    "amazon_review_reason": _(
                        "Amazon canceled this order after goods left the warehouse."
                    ),
                }
            )
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Amazon canceled a shipped order"),
                user_id=(self.user_id or self.env.user).id,
            )
            return
        self.with_context(
            disable_cancel_warning=True, mail_notify_force_send=False
        )._action_cancel()
        self.message_post(body=_("Canceled on Amazon."))


def _item_breakdowns(item):
    """Per-type sums of an item's proceeds breakdowns; DISCOUNT is split by subtype into
    DISCOUNT_ITEM and DISCOUNT_SHIPPING."""
    sums = {}
    for breakdown in (item.get("proceeds") or {}).get("breakdowns") or []:
        kind = breakdown["type"]
        amount = money_to_decimal(breakdown.get("subtotal"))
        if kind == "DISCOUNT":
            details = breakdown.get("detailedBreakdowns") or []
            shipping = sum(
                (
                    money_to_decimal(d.get("value"))
                    for d in details
                    if d.get("subtype") == "SHIPPING"
                ),
                Decimal(0),
            )
            sums["DISCOUNT_SHIPPING"] = (
                sums.get("DISCOUNT_SHIPPING", Decimal(0)) + shipping
            )
            sums["DISCOUNT_ITEM"] = (
                sums.get("DISCOUNT_ITEM", Decimal(0)) + amount - shipping
            )
            continue
        sums[kind] = sums.get(kind, Decimal(0)) + amount
    return sums


def _tax_split(item, tax):
    """Split an item's TAX between the seller's tax and tax withheld by Amazon as
    marketplace facilitator (``tax.taxCollections[].model``)."""
    collections = (item.get("tax") or {}).get("taxCollections") or []
    if any(c.get("model") == MARKETPLACE_FACILITATOR for c in collections):
        return {"TAX_FACILITATOR": tax}
    return {"TAX_SELLER": tax}
