from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import const


class AmazonMarketplace(models.Model):
    """An Amazon marketplace (Amazon.de, Amazon.com, ...), one data record each.

    The records come from ``data/amazon_marketplace_data.xml`` (itself made from
    ``const.MARKETPLACES``) and cannot be deleted: orders, offers and account lines
    refer to them.
    """

    _name = "amazon.marketplace"
    _description = "Amazon Marketplace"
    _order = "region, name"

    name = fields.Char(required=True, translate=False)
    marketplace_ref = fields.Char(
        string="Marketplace ID",
        required=True,
        index=True,
        help="Amazon's marketplace identifier, e.g. ATVPDKIKX0DER for Amazon.com.",
    )
    country_id = fields.Many2one("res.country", required=True, ondelete="restrict")
    region = fields.Selection(const.REGION_SELECTION, required=True)
    api_endpoint = fields.Char(
        string="API Endpoint",
        compute="_compute_api_endpoint",
        store=True,
        help="The Selling Partner API endpoint of the marketplace's region.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        string="Default Currency",
        required=True,
        ondelete="restrict",
        context={"active_test": False},
    )
    tax_included = fields.Boolean(
        string="Prices Include Tax",
        help="Amazon shows buyers tax-inclusive prices on this marketplace (VAT, GST). "
        "Off on Amazon.com and Amazon.ca, where sales tax is added at checkout.",
    )
    seller_central_url = fields.Char(string="Seller Central URL")

    _sql_constraints = [
        (
            "marketplace_ref_uniq",
            "unique(marketplace_ref)",
            "A marketplace with this Amazon marketplace ID already exists.",
        ),
    ]

    # === COMPUTE METHODS === #

    @api.depends("region")
    def _compute_api_endpoint(self):
        for marketplace in self:
            marketplace.api_endpoint = const.REGION_ENDPOINTS.get(marketplace.region)

    # === CRUD METHODS === #

    @api.ondelete(at_uninstall=False)
    def _unlink_except_amazon_data(self):
        """Marketplaces are reference data: deleting one would orphan orders and
        offers."""
        raise UserError(_("Amazon marketplaces cannot be deleted."))
