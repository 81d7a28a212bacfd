from odoo import api, fields, models


class AmazonOffer(models.Model):
    """A seller SKU of an account, linked to the Odoo product sold under it.

    A SKU not yet known is matched on the product's internal reference (exactly, as
    Amazon sends it), else linked to the default *Amazon Sale* product; it is re-linked
    when a product later gets that reference. ``marketplace_line_ids`` records, per
    marketplace, whether the SKU is fulfilled by Amazon (FBA) or by the merchant (FBM).
    """

    _name = "amazon.offer"
    _description = "Amazon Offer"
    _check_company_auto = True
    _order = "account_id, sku"
    _rec_name = "sku"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    sku = fields.Char(string="Seller SKU", required=True, index=True)
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="restrict", check_company=True
    )
    is_default_product = fields.Boolean(
        compute="_compute_is_default_product",
        store=True,
        help="The SKU matched no product: it sells as the default Amazon Sale product.",
    )
    marketplace_line_ids = fields.One2many(
        "amazon.offer.marketplace", "offer_id", string="Marketplaces"
    )

    _sql_constraints = [
        (
            "account_sku_uniq",
            "unique(account_id, sku)",
            "This seller SKU already has an offer on this account.",
        ),
    ]

    @api.depends("product_id")
    def _compute_is_default_product(self):
        default = self.env["sale.order"]._amazon_default_product("sale")
        for offer in self:
            offer.is_default_product = offer.product_id == default

    @api.model
    def _amazon_get_product(self, account, marketplace, item, order_data):
        """Product of an order item: through the account's offer of its seller SKU,
        created on first sight (matched on the internal reference, else the default
        *Amazon Sale* product), with the item's channel on the marketplace."""
        sku = (item.get("product") or {}).get("sellerSku") or ""
        if not sku:
            return self.env["sale.order"]._amazon_default_product("sale")
        offer = self.search(
            [("account_id", "=", account.id), ("sku", "=", sku)], limit=1
        )
        if not offer:
            product = self.env["product.product"]._amazon_find_by_sku(
                sku, account.company_id
            ) or self.env["sale.order"]._amazon_default_product("sale")
            offer = self.create(
                {"account_id": account.id, "sku": sku, "product_id": product.id}
            )
        channel = (
            "fba"
            if (order_data.get("fulfillment") or {}).get("fulfilledBy") == "AMAZON"
            else "fbm"
        )
        line = offer.marketplace_line_ids.filtered(
            lambda line: line.marketplace_id == marketplace
        )
        if not line:
            self.env["amazon.offer.marketplace"].create(
                {
                    "offer_id": offer.id,
                    "marketplace_id": marketplace.id,
                    "channel": channel,
                }
            )
        elif line.channel != channel:
            line.channel = channel
        return offer.product_id

    def _relink_default_products(self):
        """Link offers still on the default product to the product whose internal
        reference is now their SKU. Returns the offers re-linked."""
        relinked = self.browse()
        for offer in self.filtered("is_default_product"):
            product = self.env["product.product"]._amazon_find_by_sku(
                offer.sku, offer.company_id
            )
            if product:
                offer.product_id = product
                relinked |= offer
        return relinked


class AmazonOfferMarketplace(models.Model):
    """The channel of an offer on one marketplace: fulfilled by Amazon or merchant."""

    _name = "amazon.offer.marketplace"
    _description = "Amazon Offer Marketplace"
    _order = "offer_id, marketplace_id"

    offer_id = fields.Many2one(
        "amazon.offer", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="offer_id.company_id", store=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        "amazon.marketplace", required=True, ondelete="restrict"
    )
    channel = fields.Selection(
        [("fba", "Fulfilled by Amazon (FBA)"), ("fbm", "Fulfilled by Merchant (FBM)")],
        required=True,
    )

    _sql_constraints = [
        (
            "offer_marketplace_uniq",
            "unique(offer_id, marketplace_id)",
            "The offer already has a line for this marketplace.",
        ),
    ]
