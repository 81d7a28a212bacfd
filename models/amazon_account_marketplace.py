from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AmazonAccountMarketplace(models.Model):
    """The link between a seller account and a marketplace it sells on.

    ``available`` comes from Amazon (Sellers API ``getMarketplaceParticipations``);
    ``sync_enabled`` is the seller's choice. The optional overrides let per-marketplace
    reporting and stock use their own team, location and warehouse without registering
    the same seller twice.
    """

    _name = "amazon.account.marketplace"
    _description = "Amazon Account Marketplace"
    _check_company_auto = True
    _order = "account_id, marketplace_id"
    _rec_names_search = ["marketplace_id", "account_id"]

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        "amazon.marketplace", required=True, ondelete="restrict", index=True
    )
    marketplace_ref = fields.Char(related="marketplace_id.marketplace_ref")
    region = fields.Selection(related="marketplace_id.region")
    available = fields.Boolean(
        help="Amazon lists the seller as participating in this marketplace.",
    )
    sync_enabled = fields.Boolean(
        string="Synchronized",
        help="Import the orders of this marketplace. Only available marketplaces can "
        "be synchronized.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Overrides the account's sales team for this marketplace.",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Amazon Stock Location",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Overrides the account's Amazon (FBA) stock location for this "
        "marketplace.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBM Warehouse",
        check_company=True,
        help="Overrides the account's FBM warehouse for this marketplace.",
    )

    _sql_constraints = [
        (
            "account_marketplace_uniq",
            "unique(account_id, marketplace_id)",
            "This marketplace is already on the account.",
        ),
    ]

    @api.depends("account_id", "marketplace_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                f"{line.account_id.name or ''} / {line.marketplace_id.name or ''}"
            )

    @api.constrains("available", "sync_enabled")
    def _check_sync_requires_available(self):
        for line in self:
            if line.sync_enabled and not line.available:
                raise ValidationError(
                    _(
                        "%(marketplace)s cannot be synchronized: Amazon does not list "
                        "the "
                        "account %(account)s on it. Use 'Update available "
                        "marketplaces'.",
                        marketplace=line.marketplace_id.name,
                        account=line.account_id.name,
                    )
                )

    @api.constrains("marketplace_id", "account_id")
    def _check_marketplace_region(self):
        for line in self:
            if line.marketplace_id.region != line.account_id.region:
                raise ValidationError(
                    _(
                        "%(marketplace)s is not on the region of the account "
                        "%(account)s.",
                        marketplace=line.marketplace_id.name,
                        account=line.account_id.name,
                    )
                )
