from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, html_escape

from ..const import CANCEL_REASONS, VAT_RATES
from ..utils import money_to_decimal, parse_amazon_datetime

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
BUYER_CANCEL_SUMMARY = "Amazon buyer asked to cancel"


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
    amazon_replacement_of_ref = fields.Char(
        string="Replacement of Amazon Order",
        readonly=True,
        copy=False,
        help="Amazon sent this order free of charge to replace that order "
        "(REPLACEMENT_ORIGINAL_ID): it is fulfilled like any order, never invoiced.",
    )
    amazon_tax_amount = fields.Monetary(
        string="Amazon Tax",
        readonly=True,
        copy=False,
        help="The order's tax as Amazon reports it (the TAX breakdowns).",
    )
    amazon_facilitator_tax = fields.Monetary(
        string="Marketplace Facilitator Tax",
        readonly=True,
        copy=False,
        help="Tax collected and remitted by Amazon as marketplace facilitator: on its "
        "own Amazon Marketplace Facilitator Tax line, never the seller's own tax.",
    )
    amazon_needs_review = fields.Boolean(readonly=True, copy=False)
    amazon_review_reason = fields.Text(readonly=True, copy=False)

    amazon_buyer_cancel_requested = fields.Boolean(
        string="Buyer Asked to Cancel",
        readonly=True,
        copy=False,
        help="The buyer asked Amazon to cancel (an item's cancellationRequest): do "
        "not ship; accept the cancellation instead.",
    )
    amazon_buyer_cancel_reason = fields.Char(readonly=True, copy=False)
    amazon_cancel_state = fields.Selection(
        [
            ("pending", "To Send"),
            ("processing", "Sent to Amazon"),
            ("done", "Canceled on Amazon"),
            ("error", "Error"),
        ],
        string="Amazon Cancellation",
        readonly=True,
        copy=False,
        index=True,
        help="The seller cancellation sent to Amazon (order acknowledgement feed).",
    )
    amazon_cancel_reason = fields.Selection(CANCEL_REASONS, readonly=True, copy=False)
    amazon_cancel_error = fields.Text(readonly=True, copy=False)
    amazon_cancel_items = fields.Char(
        readonly=True,
        copy=False,
        help="Amazon order item ids of the seller cancellation, comma-separated.",
    )
    amazon_cancel_claimed_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the cancellation was last claimed for sending (UTC).",
    )
    amazon_cancel_feed_ref = fields.Char(
        string="Cancellation Feed", readonly=True, copy=False
    )
    amazon_cancel_messages = fields.Char(
        readonly=True,
        copy=False,
        help="The feed's row (message) numbers of this order, comma-separated.",
    )
    amazon_canceled_origin = fields.Selection(
        [("amazon", "Amazon"), ("odoo", "Odoo")],
        string="Canceled From",
        readonly=True,
        copy=False,
    )
    amazon_canceled_by_id = fields.Many2one(
        "res.users", string="Canceled By", readonly=True, copy=False
    )
    amazon_canceled_date = fields.Datetime(
        string="Canceled On", readonly=True, copy=False
    )

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

    # === BUSINESS METHODS - ODOO FLOWS === #

    def _prepare_confirmation_values(self):
        """Odoo's confirmation sets the order date to now: Amazon orders keep Amazon's
        purchase date (``createdTime``), which the import set (a recordset mixing
        Amazon and other orders gets Odoo's values)."""
        values = super()._prepare_confirmation_values()
        if self and all(self.mapped("amazon_order_ref")):
            values.pop("date_order", None)
        return values

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
        self._amazon_create_from(account, order_data, run=run)
        return "created"

    @api.model
    def _amazon_import_batch(self, account, orders_data, run=None):
        """Import the new orders of a page in one batch (DESIGN §7): values prepared
        order by order, then one ``create`` of all the sales orders, one
        confirmation per channel, and the FBA done moves of all of them at once.

        Only new orders are handled here; orders already imported (updates) and those
        to skip are left to the caller, which imports them one by one. Nothing is
        caught: when anything fails the caller rolls the batch back (savepoint) and
        imports each order on its own, so that one broken order is recorded alone.

        :param account: the ``amazon.account``.
        :param list[dict] orders_data: Orders v2026-01-01 ``Order`` objects.
        :return: ``{orderId: "created"}`` for the orders created.
        :raise Exception: whatever an order's import raises.
        """
        refs = [data["orderId"] for data in orders_data]
        existing = set(
            self.search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", refs),
                ]
            ).mapped("amazon_order_ref")
        )
        to_import, seen = [], set()
        for order_data in orders_data:
            ref = order_data["orderId"]
            if ref in existing or ref in seen:
                continue
            action, _reason = self._amazon_classify(order_data, False)
            if action != "import":
                continue
            seen.add(ref)
            to_import.append(order_data)
        if not to_import:
            return {}
        marketplaces = {
            marketplace.marketplace_ref: marketplace
            for marketplace in self.env["amazon.marketplace"].search(
                [
                    (
                        "marketplace_ref",
                        "in",
                        [data["salesChannel"]["marketplaceId"] for data in to_import],
                    )
                ]
            )
        }
        known = [
            data
            for data in to_import
            if data["salesChannel"]["marketplaceId"] in marketplaces
        ]
        partners = dict(
            zip(
                [data["orderId"] for data in known],
                self.env["res.partner"]._amazon_find_or_create_many(
                    account,
                    [
                        (data, marketplaces[data["salesChannel"]["marketplaceId"]])
                        for data in known
                    ],
                ),
                strict=True,
            )
        )
        lookups = {}
        prepared = [
            self._amazon_prepare_order(
                account,
                order_data,
                run,
                partners=partners.get(order_data["orderId"]),
                lookups=lookups,
            )
            for order_data in to_import
        ]
        orders = self._amazon_create_prepared(prepared)
        return dict.fromkeys(orders.mapped("amazon_order_ref"), "created")

    @api.model
    def _amazon_create_from(self, account, order_data, run=None):
        """Create and confirm the sales order of a new Amazon order (with its FBA done
        moves, or its picking validated when Amazon already shipped it).

        :return: the ``sale.order``.
        """
        prepared = self._amazon_prepare_order(account, order_data, run)
        return self._amazon_create_prepared([prepared])

    @api.model
    def _amazon_prepare_order(
        self, account, order_data, run=None, partners=None, lookups=None
    ):
        """The values of the sales order of a new Amazon order.

        :param tuple partners: the ``(customer, delivery contact)`` found beforehand
            for the order (a page's batch), else they are found here.
        :param dict lookups: the records already looked up for the other orders of the
            page (marketplaces, currencies, pricelists, taxes, products...), filled
            here; ``None`` looks everything up.
        :return: ``(values, order_data, additive, purchase_date)``.
        :raise UserError: unknown marketplace or currency.
        """
        marketplace_ref = order_data["salesChannel"]["marketplaceId"]
        marketplace = _lookup(
            lookups,
            ("marketplace", marketplace_ref),
            lambda: self.env["amazon.marketplace"].search(
                [("marketplace_ref", "=", marketplace_ref)], limit=1
            ),
        )
        if not marketplace:
            raise UserError(_("Unknown marketplace %s.", marketplace_ref))
        fulfillment = order_data.get("fulfillment") or {}
        channel = "fba" if fulfillment.get("fulfilledBy") == "AMAZON" else "fbm"
        currency = _lookup(
            lookups,
            ("currency", marketplace.id, _currency_code(order_data)),
            lambda: self._amazon_currency(order_data, marketplace, run),
        )
        partner, shipping_partner = partners or self.env[
            "res.partner"
        ]._amazon_find_or_create(account, order_data, marketplace)
        purchase_date = parse_amazon_datetime(order_data["createdTime"])
        replacement_ref = _replacement_original_ref(order_data)
        replacement_of = self._amazon_replacement_of(account, replacement_ref)
        warehouse = _lookup(
            lookups,
            ("warehouse", marketplace.id),
            lambda: account._get_warehouse(marketplace),
        )
        team = _lookup(
            lookups, ("team", marketplace.id), lambda: account._get_team(marketplace)
        )
        pricelist = _lookup(
            lookups,
            ("pricelist", currency.id),
            lambda: self._amazon_pricelist(currency, account.company_id),
        )
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": account.company_id.id,
            "team_id": team.id,
            "user_id": account.user_id.id,
            "warehouse_id": warehouse.id,
            "pricelist_id": pricelist.id,
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
            "amazon_replacement_of_ref": replacement_ref,
        }
        if channel == "fbm" and fulfillment.get("shipByWindow"):
            latest = fulfillment["shipByWindow"].get("latestDateTime")
            if latest:
                values["commitment_date"] = parse_amazon_datetime(latest)
        additive = self._amazon_is_additive(order_data)
        grand_total = (order_data.get("proceeds") or {}).get("grandTotal")
        values["amazon_grand_total"] = (
            float(money_to_decimal(grand_total)) if grand_total else 0.0
        )
        values["amazon_tax_arithmetic"] = "additive" if additive else "included"
        lines, review = self._amazon_prepare_lines(
            account, order_data, marketplace, additive, lookups=lookups
        )
        values["order_line"] = [Command.create(line) for line in lines]
        values.update(self._amazon_tax_values(order_data))
        values.update(self._amazon_buyer_cancel_values(order_data))
        if review:
            values["amazon_needs_review"] = True
            values["amazon_review_reason"] = "\n".join(dict.fromkeys(review))
        return values, order_data, additive, purchase_date

    @api.model
    def _amazon_create_prepared(self, prepared):
        """Create, balance and confirm sales orders from :meth:`_amazon_prepare_order`
        results, then their channel steps (FBA done moves, FBM shipped outside Odoo).

        :param list prepared: ``(values, order_data, additive, purchase_date)``.
        :return: the ``sale.order`` records, in the same order.
        """
        orders = self.with_context(mail_create_nosubscribe=True).create(
            [values for values, *_rest in prepared]
        )
        for order, (_values, order_data, additive, _date) in zip(
            orders, prepared, strict=True
        ):
            order._amazon_balance_total(order_data, additive)
            if order.amazon_replacement_of_ref and not order.amazon_replacement_of_id:
                # The original may be in the same batch.
                order.amazon_replacement_of_id = self._amazon_replacement_of(
                    order.amazon_account_id, order.amazon_replacement_of_ref
                )
        fba = orders.filtered(lambda o: o.amazon_channel == "fba")
        for batch, skip_procurement in ((fba, True), (orders - fba, False)):
            if batch:
                batch.with_context(
                    skip_procurement=skip_procurement, mail_notrack=True
                ).action_confirm()
        fba._amazon_create_fba_moves()
        shipped = {
            order: order_data
            for order, (_values, order_data, _additive, _date) in zip(
                orders, prepared, strict=True
            )
            if order.amazon_channel == "fbm"
            and order_data["fulfillment"].get("fulfillmentStatus")
            in ("SHIPPED", "PARTIALLY_SHIPPED")
        }
        if shipped:
            self.browse(
                [order.id for order in shipped]
            )._amazon_validate_shipped_outside(
                {order.amazon_order_ref: data for order, data in shipped.items()}
            )
        orders.filtered(
            "amazon_buyer_cancel_requested"
        )._amazon_notify_buyer_cancel_request()
        return orders

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
    def _amazon_replacement_of(self, account, original_ref):
        """The imported original order of a replacement order (may be empty)."""
        if not original_ref:
            return self.browse()
        return self.search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "=", original_ref),
            ],
            limit=1,
        )

    @api.model
    def _amazon_tax_values(self, order_data):
        """Amazon's own tax figures of the order: its TAX total and the part withheld
        by Amazon as marketplace facilitator (floats in the order's currency)."""
        total = facilitator = Decimal(0)
        for item in order_data.get("orderItems") or []:
            tax = _item_breakdowns(item).get("TAX", Decimal(0))
            total += tax
            if _is_facilitator(item):
                facilitator += tax
        return {
            "amazon_tax_amount": float(total),
            "amazon_facilitator_tax": float(facilitator),
        }

    @api.model
    def _amazon_prepare_lines(
        self, account, order_data, marketplace, additive, lookups=None
    ):
        """Sales order line values of an Amazon order: items, then charges, then gift
        messages as notes.

        Amounts are Amazon's proceeds (Decimal strings in the order's currency), so that
        the order total equals ``proceeds.grandTotal``. Per item, its breakdowns form
        three groups — the item with its promotion, shipping with its discount, gift
        wrap — each with its share of TAX (the TAX ``detailedBreakdowns`` subtypes):

        - tax collected by the seller on a tax-inclusive marketplace (VAT): the lines
          are priced with tax included (gross amounts) and carry the company's
          price-included sales tax of the rate that reproduces Amazon's tax amount
          (:meth:`_amazon_find_vat_rate`); when no rate does, the tax is its own
          *Amazon Tax* line and the order is flagged;
        - tax withheld by Amazon as marketplace facilitator (the item's
          ``tax.taxCollections[].model``): the lines are priced without tax and the tax
          is its own *Amazon Marketplace Facilitator Tax* line (Amazon collects and
          remits it: it is not the seller's tax);
        - other seller-collected tax (e.g. a tax-exclusive marketplace without
          facilitator): an *Amazon Tax* line.

        ``additive`` says whether the order's TAX is on top of its other amounts (see
        :meth:`_amazon_is_additive`); when it is not, the amounts already include it.
        A canceled item keeps its line with its remaining (already shipped) quantity.
        ``lookups`` is the page's cache of :meth:`_amazon_prepare_order`.

        :return: ``(lines, review)``: a list of ``sale.order.line`` values and a list of
            review reasons (empty when the breakdown was mapped as is).
        """
        currency = _lookup(
            lookups,
            ("currency_of", marketplace.id, _currency_code(order_data)),
            lambda: self._amazon_currency_of(order_data, marketplace),
        )
        unit = Decimal(1).scaleb(-currency.decimal_places)
        lines, charges, gift_messages, review = [], {}, [], []

        def add_charge(key, amount, tax=None):
            if amount:
                charge_key = (key, tax.id if tax else False)
                charges[charge_key] = charges.get(charge_key, Decimal(0)) + amount

        for item in order_data.get("orderItems") or []:
            breakdown = _item_breakdowns(item)
            facilitator = _is_facilitator(item)
            groups = {
                "item": (
                    ["ITEM", "DISCOUNT_ITEM"],
                    breakdown.get("TAX_ITEM", Decimal(0)),
                ),
                "shipping": (
                    ["SHIPPING", "DISCOUNT_SHIPPING"],
                    breakdown.get("TAX_SHIPPING", Decimal(0)),
                ),
                "gift_wrap": (
                    ["GIFT_WRAP"],
                    breakdown.get("TAX_GIFT_WRAP", Decimal(0)),
                ),
            }
            priced, taxes = {}, {}
            for keys, tax_amount in groups.values():
                amounts, tax, charge = self._amazon_price_group(
                    account,
                    marketplace,
                    [breakdown.get(key, Decimal(0)) for key in keys],
                    tax_amount,
                    additive=additive,
                    facilitator=facilitator,
                    unit=unit,
                    review=review,
                    lookups=lookups,
                )
                if charge:
                    add_charge(charge, tax_amount)
                for key, amount in zip(keys, amounts, strict=True):
                    priced[key] = amount
                    taxes[key] = tax
            quantity = _remaining_quantity(item)
            item_amount = priced.get("ITEM", Decimal(0)) if quantity else Decimal(0)
            product = _lookup(
                lookups,
                (
                    "product",
                    marketplace.id,
                    (item.get("product") or {}).get("sellerSku"),
                    (order_data.get("fulfillment") or {}).get("fulfilledBy"),
                ),
                lambda item=item: self.env["amazon.offer"]._amazon_get_product(
                    account, marketplace, item, order_data
                ),
            )
            item_tax = taxes.get("ITEM")
            lines.append(
                {
                    "product_id": product.id,
                    "name": (item.get("product") or {}).get("title") or product.name,
                    "product_uom_qty": quantity,
                    "price_unit": float(item_amount / quantity) if quantity else 0.0,
                    "tax_id": [Command.set(item_tax.ids if item_tax else [])],
                    "amazon_item_ref": item["orderItemId"],
                    "amazon_item_amount": float(item_amount),
                    "amazon_sku": (item.get("product") or {}).get("sellerSku"),
                    "amazon_qty_ordered": int(item.get("quantityOrdered") or 0),
                }
            )
            add_charge("promotion", priced.get("DISCOUNT_ITEM"), taxes.get("ITEM"))
            add_charge("shipping", priced.get("SHIPPING"), taxes.get("SHIPPING"))
            add_charge(
                "shipping_discount",
                priced.get("DISCOUNT_SHIPPING"),
                taxes.get("SHIPPING"),
            )
            add_charge("gift_wrap", priced.get("GIFT_WRAP"), taxes.get("GIFT_WRAP"))
            gift = ((item.get("fulfillment") or {}).get("packing") or {}).get(
                "giftOption"
            ) or {}
            if gift.get("giftMessage"):
                gift_messages.append(gift["giftMessage"])
        order_keys = list(DEFAULT_PRODUCTS)
        for (key, tax_id), amount in sorted(
            charges.items(),
            key=lambda entry: (order_keys.index(entry[0][0]), entry[0][1]),
        ):
            if not amount:
                continue
            product = self._amazon_default_product(key)
            lines.append(
                {
                    "product_id": product.id,
                    "name": product.name,
                    "product_uom_qty": 1,
                    "price_unit": float(amount),
                    "tax_id": [Command.set([tax_id] if tax_id else [])],
                }
            )
        for message in gift_messages:
            lines.append(
                {"display_type": "line_note", "name": _("Gift message: %s", message)}
            )
        return lines, review

    @api.model
    def _amazon_price_group(
        self,
        account,
        marketplace,
        amounts,
        tax_amount,
        *,
        additive,
        facilitator,
        unit,
        review,
        lookups=None,
    ):
        """Price one group of an item's amounts (item and promotion, shipping and its
        discount, or gift wrap) that share ``tax_amount``.

        :param list[Decimal] amounts: Amazon's amounts of the group.
        :param Decimal tax_amount: the group's TAX.
        :param list review: review reasons, appended to.
        :param dict lookups: the page's cache (see :meth:`_amazon_prepare_order`).
        :return: ``(amounts, tax, charge)``: the line amounts, the ``account.tax`` they
            carry (or ``None``) and the key of the default product that takes the tax
            as its own line (``"facilitator_tax"``, ``"tax"`` or ``None``).
        """
        if facilitator:
            # Amazon's tax, never the seller's: the amounts without it, the tax on its
            # own line.
            if not additive:
                amounts = _split_off(amounts, tax_amount, unit)
            return amounts, None, "facilitator_tax"
        if not marketplace.tax_included:
            return amounts, None, "tax" if additive else None
        net = sum(amounts, Decimal(0)) - (0 if additive else tax_amount)
        country = marketplace.country_id.code
        rate = self._amazon_find_vat_rate(country, net, tax_amount, unit)
        if rate is None:
            review.append(
                _(
                    "No VAT rate of %(country)s reproduces Amazon's tax %(tax)s on "
                    "%(net)s: the tax is an Amazon Tax line.",
                    country=country,
                    tax=tax_amount,
                    net=net,
                )
            )
            return amounts, None, "tax" if additive else None
        if additive and tax_amount:
            amounts = _add_tax(amounts, tax_amount, rate, unit)
        tax = (
            _lookup(
                lookups,
                ("vat_tax", marketplace.country_id.id, rate),
                lambda: self._amazon_vat_tax(
                    account.company_id, rate, marketplace.country_id
                ),
            )
            if rate
            else None
        )
        return amounts, tax, None

    @api.model
    def _amazon_currency_of(self, order_data, marketplace):
        """The ``res.currency`` of the order's grand total (active or not)."""
        grand_total = (order_data.get("proceeds") or {}).get("grandTotal") or {}
        code = grand_total.get("currencyCode") or marketplace.currency_id.name
        return (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        ) or marketplace.currency_id

    @api.model
    def _amazon_find_vat_rate(self, country_code, net, tax, unit):
        """The VAT rate (percent) of ``country_code`` that reproduces Amazon's tax.

        Amazon gives tax amounts, not rates. Among the country's rates
        (:data:`..const.VAT_RATES`, standard rate first), the one whose ``net × rate``
        is nearest to ``tax`` is taken when it is within two units of the currency
        (Amazon rounds each component's tax on its own).

        :param Decimal net: the amounts without tax.
        :param Decimal tax: Amazon's tax on them.
        :param Decimal unit: the currency's smallest unit (``0.01``, ``1`` for JPY).
        :return: the rate, ``0.0`` when there is no tax, ``None`` when no rate fits.
        """
        if not tax:
            return 0.0
        if net <= 0:
            return None
        candidates = VAT_RATES.get(country_code, ())
        if not candidates:
            return None

        def error(rate):
            return abs((net * Decimal(str(rate)) / 100).quantize(unit) - tax)

        best = min(candidates, key=error)
        return best if error(best) <= 2 * unit else None

    @api.model
    def _amazon_vat_tax(self, company, rate, country):
        """The company's price-included sales tax of ``rate`` percent for sales on a
        marketplace of ``country`` (VAT is due where the goods are delivered, e.g.
        French VAT on amazon.fr under the EU's one-stop shop).

        - ``country`` is the company's fiscal country: its own tax of that rate (the
          chart of accounts' first);
        - the company has a fiscal position with a foreign VAT number in ``country``
          (OSS, or a VAT registration there): a tax of that country;
        - otherwise Odoo cannot post a foreign country's tax: a dedicated *Amazon VAT
          n% incl. (CC)* tax of the company's fiscal country, never shared with the
          domestic tax of the same rate, for the accountant to map.
        What is missing is created (with a tax group of its country).

        :param float rate: in percent, > 0.
        :param country: the ``res.country`` of the marketplace.
        :return: an ``account.tax``.
        """
        Tax = self.env["account.tax"].sudo().with_company(company)
        fiscal_country = company.account_fiscal_country_id or company.country_id
        name = _(
            "Amazon VAT %(rate)s%% incl. (%(country)s)",
            rate=f"{rate:g}",
            country=country.code,
        )
        domain = [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"),
            ("amount", "=", rate),
            ("price_include", "=", True),
        ]
        foreign_vat = (
            self.env["account.fiscal.position"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", company.id),
                    ("country_id", "=", country.id),
                    ("foreign_vat", "!=", False),
                ],
                limit=1,
            )
        )
        if country == fiscal_country or foreign_vat:
            tax_country = country
            domain.append(("country_id", "=", country.id))
        else:
            tax_country = fiscal_country
            domain += [("country_id", "=", fiscal_country.id), ("name", "=", name)]
        tax = Tax.search(domain, order="sequence, id", limit=1)
        if tax:
            return tax
        Group = self.env["account.tax.group"].sudo()
        group = Group.search(
            [("company_id", "=", company.id), ("country_id", "=", tax_country.id)],
            limit=1,
        ) or Group.create(
            {
                "name": _("VAT (%s)", tax_country.code),
                "company_id": company.id,
                "country_id": tax_country.id,
            }
        )
        return Tax.create(
            {
                "name": name,
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "company_id": company.id,
                "country_id": tax_country.id,
                "tax_group_id": group.id,
                "description": f"{rate:g}%",
            }
        )

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
        leave a difference: it is put on an *Amazon Rounding* line (updated when the
        order changes), stored on the order and flagged for review — never silently
        absorbed.
        """
        self.ensure_one()
        grand_total = (order_data.get("proceeds") or {}).get("grandTotal")
        if not grand_total:
            self.amazon_grand_total = 0.0
            return
        expected = money_to_decimal(grand_total)
        currency = self.currency_id
        rounding_product = self._amazon_default_product("rounding")
        rounding_line = self.order_line.filtered(
            lambda line: line.product_id == rounding_product
        )[:1]
        difference = currency.round(
            float(expected) - self.amount_total + rounding_line.price_total
        )
        values = {
            "amazon_grand_total": float(expected),
            "amazon_tax_arithmetic": "additive" if additive else "included",
            "amazon_amount_difference": difference,
        }
        # What the order already holds (a new order has its figures from the import)
        # is not written again.
        values = {
            name: value
            for name, value in values.items()
            if self[name] != value
            and not (
                isinstance(value, float)
                and currency.compare_amounts(self[name], value) == 0
            )
        }
        if rounding_line:
            values["order_line"] = [
                Command.update(rounding_line.id, {"price_unit": difference})
            ]
        elif not currency.is_zero(difference):
            values["order_line"] = [
                Command.create(
                    {
                        "product_id": rounding_product.id,
                        "name": rounding_product.name,
                        "product_uom_qty": 1,
                        "price_unit": difference,
                        "tax_id": [Command.clear()],
                    }
                )
            ]
        if not currency.is_zero(difference):
            reason = _(
                "Amazon's breakdown does not reproduce its grand total: a difference "
                "of %(difference)s %(currency)s is on the Amazon Rounding line.",
                difference=difference,
                currency=currency.name,
            )
            values["amazon_needs_review"] = True
            values["amazon_review_reason"] = "\n".join(
                dict.fromkeys([*(self.amazon_review_reason or "").splitlines(), reason])
            )
        if values:
            self.write(values)

    def _amazon_create_fba_moves(self):
        """One done stock move per item of these FBA orders, from the account's (or
        marketplace's) Amazon location to Customers, linked to the sale line so that
        delivered quantities and invoicing follow; all validated at once."""
        customers = self.env.ref("stock.stock_location_customers")
        moves_values = []
        for order in self:
            account = order.amazon_account_id
            location = (
                account._get_location(order.amazon_marketplace_id)
                or account._amazon_default_location()
            )
            for line in order.order_line.filtered(
                lambda sol: sol.product_id.type == "consu" and sol.product_uom_qty > 0
            ):
                where = {
                    "location_id": location.id,
                    "location_dest_id": customers.id,
                    "company_id": order.company_id.id,
                }
                moves_values.append(
                    {
                        **where,
                        "name": f"Amazon {order.amazon_order_ref}: "
                        f"{line.product_id.display_name}",
                        "product_id": line.product_id.id,
                        "product_uom": line.product_uom.id,
                        "product_uom_qty": line.product_uom_qty,
                        "sale_line_id": line.id,
                        "origin": order.name,
                        "picked": True,
                        # The done quantity as the move's line, created with it (the
                        # move's ``quantity`` inverse would write each move apart).
                        "move_line_ids": [
                            Command.create(
                                {
                                    **where,
                                    "product_id": line.product_id.id,
                                    "product_uom_id": line.product_uom.id,
                                    "quantity": line.product_uom_qty,
                                    "picked": True,
                                }
                            )
                        ],
                    }
                )
        if moves_values:
            moves = self.env["stock.move"].sudo().create(moves_values)
            moves._action_done()

    def _amazon_validate_shipped_outside(self, orders_data):
        """Validate the pickings of these FBM orders for what Amazon reports shipped,
        with its carrier and tracking; the rest stays in a backorder. Never confirmed
        back to Amazon. The pickings of all the orders are validated at once.

        A picking of which nothing shipped is left as it is. In the others, each
        move is done for the quantity its item has in Amazon's packages; a move of
        which nothing shipped keeps its reservation and goes to the backorder.

        :param dict orders_data: ``{orderId: Order}`` (Orders v2026-01-01, with the
            PACKAGES dataset) for each of these orders.
        :return: ``None``.
        :raise UserError: when Odoo refuses a validation (e.g. a lot or serial number
            required); the caller's savepoint rolls the page back.
        """
        to_validate = self.env["stock.picking"]
        carriers_by_picking = {}
        picked = unpicked = self.env["stock.move"]
        self.amazon_shipped_outside = True
        for order in self:
            order_data = orders_data[order.amazon_order_ref]
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
            pickings = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            for picking in pickings:
                quantities = {
                    move: min(
                        shipped.get(move.sale_line_id.amazon_item_ref, 0),
                        move.product_uom_qty,
                    )
                    for move in picking.move_ids
                }
                if all(
                    float_is_zero(qty, precision_rounding=move.product_uom.rounding)
                    for move, qty in quantities.items()
                ):
                    continue  # nothing of it shipped: left as it is
                for move, qty in quantities.items():
                    rounding = move.product_uom.rounding
                    if float_is_zero(qty, precision_rounding=rounding):
                        # Not shipped: it keeps its reservation and goes to the
                        # backorder with it.
                        unpicked |= move
                        continue
                    if float_compare(move.quantity, qty, precision_rounding=rounding):
                        move.quantity = qty
                    picked |= move
                picking.carrier_tracking_ref = ", ".join(trackings) or False
                to_validate |= picking
                carriers_by_picking[picking] = ", ".join(sorted(set(carriers))) or "-"
        unpicked.filtered("picked").picked = False
        picked.picked = True
        if not to_validate:
            return
        to_validate.with_context(
            skip_backorder=False, cancel_backorder=False, skip_sms=True
        )._action_done()
        # One log note per picking, written at once (no notification to send).
        to_validate._message_log_batch(
            bodies={
                picking.id: html_escape(
                    _(
                        "Shipped outside Odoo (Amazon packages, carrier %(carrier)s).",
                        carrier=carriers_by_picking[picking],
                    )
                )
                for picking in to_validate
            }
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
        if status == "CANCELLED":
            if self.state != "cancel":
                self._amazon_cancel_from_amazon()
        elif self.state == "sale":
            self._amazon_update_lines(order_data)
            if status == "SHIPPED":
                # Shipped from Seller Central or another tool: flagged, never
                # validated silently.
                self.picking_ids._amazon_flag_shipped_elsewhere(order_data)
            buyer_cancel = self._amazon_buyer_cancel_values(order_data)
            if (
                buyer_cancel["amazon_buyer_cancel_requested"]
                and not self.amazon_buyer_cancel_requested
            ):
                self.write(buyer_cancel)
                self._amazon_notify_buyer_cancel_request()
        return "updated"

    @api.model
    def _amazon_buyer_cancel_values(self, order_data):
        """Whether an item carries a buyer's cancellation request
        (``orderItems[].cancellation.cancellationRequest``) not yet executed."""
        reasons = []
        for item in order_data.get("orderItems") or []:
            cancellation = item.get("cancellation") or {}
            request = cancellation.get("cancellationRequest")
            if request and not cancellation.get("cancellationExecution"):
                reasons.append(request.get("cancelReason") or _("no reason given"))
        return {
            "amazon_buyer_cancel_requested": bool(reasons),
            "amazon_buyer_cancel_reason": ", ".join(dict.fromkeys(reasons)) or False,
        }

    def _amazon_notify_buyer_cancel_request(self):
        """An activity for the order's salesperson: the buyer asked to cancel."""
        for order in self:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=BUYER_CANCEL_SUMMARY,
                note=_(
                    "The buyer asked Amazon to cancel this order (%s). Do not ship "
                    "it: use Accept Buyer Cancellation.",
                    order.amazon_buyer_cancel_reason,
                ),
                user_id=(order.user_id or self.env.user).id,
            )

    def _amazon_update_lines(self, order_data):
        """Bring the lines of a confirmed order in line with Amazon's current data.

        An item canceled on Amazon goes down to its remaining quantity (sale_stock then
        reduces the open delivery), changed amounts are re-priced, charges follow, and
        the total is balanced again to the new ``proceeds.grandTotal``. Every change is
        said in the order's chatter.
        """
        self.ensure_one()
        account, marketplace = self.amazon_account_id, self.amazon_marketplace_id
        additive = self._amazon_is_additive(order_data)
        wanted, _review = self._amazon_prepare_lines(
            account, order_data, marketplace, additive
        )
        rounding = self._amazon_default_product("rounding")
        items = {
            line.amazon_item_ref: line
            for line in self.order_line
            if line.amazon_item_ref
        }
        charges = self.order_line.filtered(
            lambda line: (
                not line.amazon_item_ref
                and not line.display_type
                and line.product_id != rounding
            )
        )
        commands, matched, notes = [], set(), []
        for values in wanted:
            if values.get("display_type"):
                continue
            tax_ids = values["tax_id"][0][2]
            ref = values.get("amazon_item_ref")
            if ref:
                line = items.get(ref)
                if not line:
                    commands.append(Command.create(values))
                    continue
                change = {}
                if line.product_uom_qty != values["product_uom_qty"]:
                    change["product_uom_qty"] = values["product_uom_qty"]
                    notes.append(
                        _(
                            "%(item)s: quantity %(old)s → %(new)s (canceled on "
                            "Amazon).",
                            item=line.name,
                            old=line.product_uom_qty,
                            new=values["product_uom_qty"],
                        )
                    )
                if line.currency_id.compare_amounts(
                    line.price_unit, values["price_unit"]
                ):
                    change["price_unit"] = values["price_unit"]
                if change:
                    commands.append(Command.update(line.id, change))
                continue
            line = next(
                (
                    line
                    for line in charges
                    if line.id not in matched
                    and line.product_id.id == values["product_id"]
                    and sorted(line.tax_id.ids) == sorted(tax_ids)
                ),
                None,
            )
            if not line:
                commands.append(Command.create(values))
            else:
                matched.add(line.id)
                if line.currency_id.compare_amounts(
                    line.price_unit, values["price_unit"]
                ):
                    commands.append(
                        Command.update(line.id, {"price_unit": values["price_unit"]})
                    )
        for line in charges.filtered(lambda line: line.id not in matched):
            if line.price_unit:
                commands.append(Command.update(line.id, {"price_unit": 0.0}))
        if commands:
            self.with_context(mail_notrack=True).write({"order_line": commands})
        values = self._amazon_tax_values(order_data)
        self.write(values)
        self._amazon_balance_total(order_data, additive)
        if notes:
            self.message_post(body="\n".join(notes))


def _lookup(lookups, key, find):
    """``lookups[key]``, computed by ``find()`` the first time; ``find()`` every time
    when ``lookups`` is ``None`` (one order alone)."""
    if lookups is None:
        return find()
    if key not in lookups:
        lookups[key] = find()
    return lookups[key]


def _currency_code(order_data):
    """The currency code of the order's grand total, or ``None``."""
    return ((order_data.get("proceeds") or {}).get("grandTotal") or {}).get(
        "currencyCode"
    )


def _item_breakdowns(item):
    """Per-type sums of an item's proceeds breakdowns, as Decimal.

    DISCOUNT is split by subtype into DISCOUNT_ITEM and DISCOUNT_SHIPPING; TAX into
    TAX_ITEM (which includes the tax on the item's promotion), TAX_SHIPPING and
    TAX_GIFT_WRAP (what the detailed breakdowns do not name goes to TAX_ITEM); TAX
    keeps the item's whole tax.
    """
    sums = {}

    def add(key, amount):
        sums[key] = sums.get(key, Decimal(0)) + amount

    for breakdown in (item.get("proceeds") or {}).get("breakdowns") or []:
        kind = breakdown["type"]
        amount = money_to_decimal(breakdown.get("subtotal"))
        details = breakdown.get("detailedBreakdowns") or []
        if kind == "DISCOUNT":
            shipping = _subtype_sum(details, "SHIPPING")
            add("DISCOUNT_SHIPPING", shipping)
            add("DISCOUNT_ITEM", amount - shipping)
            continue
        if kind == "TAX":
            shipping = _subtype_sum(details, "SHIPPING")
            gift_wrap = _subtype_sum(details, "GIFT_WRAP")
            add("TAX_SHIPPING", shipping)
            add("TAX_GIFT_WRAP", gift_wrap)
            add("TAX_ITEM", amount - shipping - gift_wrap)
        add(kind, amount)
    return sums


def _subtype_sum(details, subtype):
    return sum(
        (
            money_to_decimal(d.get("value"))
            for d in details
            if d.get("subtype") == subtype
        ),
        Decimal(0),
    )


def _replacement_original_ref(order_data):
    """The original order id of a replacement order (``associatedOrders`` of type
    ``REPLACEMENT_ORIGINAL_ID``), or ``False``."""
    for association in order_data.get("associatedOrders") or []:
        if association.get("associationType") == "REPLACEMENT_ORIGINAL_ID":
            return association.get("orderId") or False
    return False


def _is_facilitator(item):
    """Whether Amazon withholds the item's tax as marketplace facilitator."""
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(c.get("model") == MARKETPLACE_FACILITATOR for c in collections)


def _remaining_quantity(item):
    """The item's quantity still sold: all of it, or for an item canceled on Amazon
    what had already shipped (``fulfillment.quantityFulfilled``)."""
    if (item.get("cancellation") or {}).get("cancellationExecution"):
        return int((item.get("fulfillment") or {}).get("quantityFulfilled") or 0)
    return int(item.get("quantityOrdered") or 0)


def _add_tax(amounts, tax, rate, unit):
    """Gross amounts of net ``amounts`` whose taxes sum to ``tax``: each amount but the
    first gets ``amount × rate`` rounded to ``unit``, the first the rest, so that the
    gross amounts add up to Σ amounts + tax exactly."""
    shares = [(a * Decimal(str(rate)) / 100).quantize(unit) for a in amounts[1:]]
    shares.insert(0, tax - sum(shares, Decimal(0)))
    return [a + t for a, t in zip(amounts, shares, strict=True)]


def _split_off(amounts, tax, unit):
    """Amounts without the ``tax`` they include, split in proportion (the first amount
    takes the rounding), so that they add up to Σ amounts − tax exactly."""
    base = sum(amounts, Decimal(0))
    if not base:
        return [amounts[0] - tax, *amounts[1:]]
    shares = [(a * tax / base).quantize(unit) for a in amounts[1:]]
    shares.insert(0, tax - sum(shares, Decimal(0)))
    return [a - t for a, t in zip(amounts, shares, strict=True)]
