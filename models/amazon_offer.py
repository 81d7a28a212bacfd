from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Summary of the activity an offer gets when Amazon refuses its stock update.
STOCK_ERROR_ACTIVITY_SUMMARY = "Amazon stock update failed"


class AmazonOffer(models.Model):
    """A seller SKU of an account, linked to the Odoo product sold under it.

    A SKU not yet known is matched on the product's internal reference (exactly, as
    Amazon sends it), else linked to the default *Amazon Sale* product; it is re-linked
    when a product later gets that reference. ``marketplace_line_ids`` records, per
    marketplace, whether the SKU is fulfilled by Amazon (FBA) or by the merchant (FBM).


    Stock (``amazon_account_stock.py``): an offer marked ``stock_sync`` (off by
    default: a new offer, e.g. one the order import creates, is never pushed until
    someone marks it, with *Sync FBM Stock* on selected offers or *Mark FBM Offers* on
    the account) has the free quantity of its product pushed to Amazon on each
    marketplace where it is FBM, as the Amazon ``product_type`` of its listing; each
    marketplace line keeps what was sent and what Amazon answered.
    """

    _name = "amazon.offer"
    _description = "Amazon Offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    product_type = fields.Char(
        string="Amazon Product Type",
        help="The Amazon product type of the listing (e.g. LUGGAGE, as in Seller "
        "Central): the listings feed that updates its quantity names it. Empty: the "
        "account's default product type.",
    )
    stock_sync = fields.Boolean(
        string="Sync FBM Stock",
        default=False,
        tracking=True,
        help="Push the free quantity of the product to Amazon on the marketplaces "
        "where this SKU is fulfilled by the merchant (when the account pushes FBM "
        "stock). Never on FBA marketplaces. Off for new offers: an offer is only "
        "pushed once marked.",
    )
    is_storable = fields.Boolean(related="product_id.is_storable")

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

    def action_amazon_stock_sync_mark(self):
        """*Sync FBM Stock* on selected offers: mark those whose product is storable
        and not the default *Amazon Sale* product (the others could never be
        pushed and are left as they are).

        :return: a notification with the counts, then a reload.
        """
        markable = self.filtered(
            lambda offer: offer.is_storable and not offer.is_default_product
        )
        markable.filtered(lambda offer: not offer.stock_sync).stock_sync = True
        return self._amazon_stock_sync_notification(
            _(
                "%(marked)s offer(s) marked for FBM stock sync; %(skipped)s left "
                "unmarked (product not storable, or the default product).",
                marked=len(markable),
                skipped=len(self - markable),
            )
        )

    def action_amazon_stock_sync_unmark(self):
        """*Stop FBM Stock Sync* on selected offers: their quantity is no longer
        pushed (Amazon keeps the last quantity it accepted)."""
        self.filtered("stock_sync").stock_sync = False
        return self._amazon_stock_sync_notification(
            _("%s offer(s) no longer push their FBM stock.", len(self))
        )

    @api.model
    def _amazon_stock_sync_notification(self, message):
        return self.env["amazon.account"]._amazon_notification(
            message,
            title=_("Amazon FBM stock"),
            kind="info",
            next={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _get_amazon_product_type(self):
        """The product type the listings feed sends for this offer: its own, else
        the account's default."""
        self.ensure_one()
        return self.product_type or self.account_id.stock_default_product_type

    def _amazon_schedule_stock_activity(self, note):
        """One open *Amazon stock update failed* activity per offer, for the
        account's salesperson (else the administrator)."""
        self.ensure_one()
        summary = _(STOCK_ERROR_ACTIVITY_SUMMARY)
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        user = (
            self.account_id.user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
        )

    def _amazon_close_stock_activity(self):
        """Mark the *Amazon stock update failed* activity done once no marketplace
        of the offer is in error."""
        for offer in self:
            if "error" in offer.marketplace_line_ids.mapped("stock_state"):
                continue
            offer.activity_ids.filtered(
                lambda a: a.summary == _(STOCK_ERROR_ACTIVITY_SUMMARY)
            ).action_feedback(feedback=_("Amazon accepted the stock update."))

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
    account_id = fields.Many2one(
        related="offer_id.account_id", store=True, index=True, precompute=True
    )
    sku = fields.Char(related="offer_id.sku")
    product_id = fields.Many2one(related="offer_id.product_id")

    # === FBM STOCK PUSH (amazon_account_stock.py) === #
    stock_state = fields.Selection(
        [
            ("pending", "To Send"),
            ("processing", "Sent"),
            ("done", "Accepted"),
            ("error", "Error"),
        ],
        string="Stock Sync",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Empty: never sent. To Send: sent at the next stock push. Sent: in a "
        "listings feed Amazon has not finished. Accepted: Amazon shows the quantity "
        "sent. Error: Amazon refused it (see the message); sent again when the "
        "quantity changes, or with Retry.",
    )
    stock_quantity_amazon = fields.Integer(
        string="Quantity on Amazon",
        readonly=True,
        copy=False,
        help="The last quantity Amazon accepted (units).",
    )
    stock_quantity_sent = fields.Integer(
        string="Quantity Sent",
        readonly=True,
        copy=False,
        help="The quantity of the last listings feed (units).",
    )
    stock_feed_ref = fields.Char(
        string="Stock Feed ID", readonly=True, copy=False, index="btree_not_null"
    )
    stock_feed_message = fields.Integer(
        string="Feed Message",
        readonly=True,
        copy=False,
        help="The messageId of this SKU and marketplace in the feed.",
    )
    stock_error = fields.Text(readonly=True, copy=False)
    stock_date = fields.Datetime(
        string="Stock Sent On", readonly=True, copy=False, help="UTC."
    )
    stock_attempts = fields.Integer(readonly=True, copy=False)

    _sql_constraints = [
        (
            "offer_marketplace_uniq",
            "unique(offer_id, marketplace_id)",
            "The offer already has a line for this marketplace.",
        ),
    ]

    def action_amazon_stock_retry(self):
        """Retry button: send the quantity of these lines at the next stock push
        (the cron is triggered; nothing is sent in this transaction)."""
        failed = self.filtered(lambda line: line.stock_state == "error")
        if not failed:
            raise UserError(_("No Amazon stock update of these offers failed."))
        failed.write({"stock_state": "pending", "stock_attempts": 0})
        cron = self.env.ref(
            "sale_amazon_connector.ir_cron_amazon_sync_fbm_stock",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger()
        return True
