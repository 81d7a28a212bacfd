from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import const

# Secret fields: stored readable by system administrators only, set through write-only
# companion fields (``<name>_input``) that Amazon Managers can write and that always
# read
# back empty, so a stored secret never travels to a browser.
SECRET_FIELDS = ("lwa_client_secret", "refresh_token")


class AmazonAccount(models.Model):
    """A seller account on one SP-API region, authorised for this Odoo by one
    refresh token.

    It holds the LWA credentials, the marketplaces of the seller
    (``account_marketplace_ids``), the defaults used for imported orders (team,
    salesperson, warehouse, stock location) and the order-sync cursor.
    """

    _name = "amazon.account"
    _description = "Amazon Seller Account"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "name, id"

    # === CREDENTIALS === #
    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    region = fields.Selection(
        const.REGION_SELECTION, required=True, default="EU", tracking=True
    )
    seller_ref = fields.Char(
        string="Seller ID",
        required=True,
        tracking=True,
        help="Your merchant token (Seller Central > Settings > Account Info > Merchant "
        "Token). Feeds need it.",
    )
    home_marketplace_id = fields.Many2one(
        "amazon.marketplace",
        required=True,
        domain="[('region', '=', region)]",
        tracking=True,
    )
    lwa_client_ref = fields.Char(
        string="LWA Client ID",
        required=True,
        help="The client identifier of your SP-API application (Login with Amazon).",
    )
    lwa_client_secret = fields.Char(
        string="LWA Client Secret (stored)",
        groups="base.group_system",
        copy=False,
    )
    refresh_token = fields.Char(
        string="Refresh Token (stored)",
        groups="base.group_system",
        copy=False,
    )
    lwa_client_secret_input = fields.Char(
        string="LWA Client Secret",
        compute="_compute_secret_inputs",
        inverse="_inverse_lwa_client_secret_input",
        help="Write-only: the stored secret is never shown. Type a new one to replace "
        "it.",
    )
    refresh_token_input = fields.Char(
        string="Refresh Token",
        compute="_compute_secret_inputs",
        inverse="_inverse_refresh_token_input",
        help="Write-only: the stored token is never shown. Paste a new one to replace "
        "it.",
    )
    has_lwa_client_secret = fields.Boolean(
        string="Client Secret Set", compute="_compute_has_secrets"
    )
    has_refresh_token = fields.Boolean(
        string="Refresh Token Set", compute="_compute_has_secrets"
    )
    endpoint_override = fields.Char(
        string="API Endpoint Override",
        help="Developer setting: a base URL that replaces the region's SP-API endpoint"
        " and the LWA token endpoint (e.g. the local SP-API sandbox "
        "http://127.0.0.1:8765).",
    )

    # === MARKETPLACES === #
    account_marketplace_ids = fields.One2many(
        "amazon.account.marketplace", "account_id", string="Marketplaces"
    )

    # === ORDER FOLLOW-UP === #
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Sales team of imported orders, unless a marketplace line overrides it.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        domain="[('share', '=', False)]",
        help="Salesperson of imported orders; also the responsible of the activities "
        "the connector creates.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBM Warehouse",
        check_company=True,
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Warehouse that ships merchant-fulfilled (FBM) orders, unless a "
        "marketplace line overrides it.",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Amazon Stock Location",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Internal location that stands for the stock held in Amazon's warehouses "
        "(FBA), unless a marketplace line overrides it.",
    )
    import_orders_since = fields.Datetime(
        default=lambda self: fields.Datetime.now() - timedelta(days=1),
        required=True,
        help="First run: orders updated on Amazon after this moment are imported.",
    )
    last_orders_sync = fields.Datetime(
        copy=False,
        help="Orders updated on Amazon after this moment are read by the next sync. "
        "Moving it back makes the next sync read that period again: orders "
        "already in Odoo are recognised and never duplicated.",
    )

    _sql_constraints = [
        (
            "seller_region_uniq",
            "unique(seller_ref, region, company_id)",
            "This seller is already registered on this region for this company.",
        ),
    ]

    # === COMPUTE METHODS === #

    @api.depends("company_id")
    def _compute_warehouse_id(self):
        for account in self:
            if account.warehouse_id.company_id != account.company_id:
                account.warehouse_id = self.env["stock.warehouse"].search(
                    [("company_id", "=", account.company_id.id)], limit=1
                )

    def _compute_secret_inputs(self):
        for account in self:
            account.lwa_client_secret_input = False
            account.refresh_token_input = False

    def _compute_has_secrets(self):
        for account, account_sudo in zip(self, self.sudo(), strict=True):
            account.has_lwa_client_secret = bool(account_sudo.lwa_client_secret)
            account.has_refresh_token = bool(account_sudo.refresh_token)

    def _inverse_lwa_client_secret_input(self):
        self._set_secret("lwa_client_secret", "lwa_client_secret_input")

    def _inverse_refresh_token_input(self):
        self._set_secret("refresh_token", "refresh_token_input")

    def _set_secret(self, secret_field, input_field):
        """Store a secret typed by a user allowed to edit the account.

        The write right on the account was checked by the ORM before this inverse runs;
        the stored field itself is administrator-only, hence ``sudo()``.
        """
        for account in self:
            value = account[input_field]
            if value:
                account.sudo()[secret_field] = value.strip()
        # what was typed must not be read back (web_save returns the saved values)
        self.invalidate_recordset([input_field])

    # === CONSTRAINT METHODS === #

    @api.constrains("home_marketplace_id", "region")
    def _check_home_marketplace_region(self):
        for account in self:
            if account.home_marketplace_id.region != account.region:
                raise ValidationError(
                    _(
                        "The home marketplace %(marketplace)s is not on the account's "
                        "region.",
                        marketplace=account.home_marketplace_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts:
            if not account.account_marketplace_ids:
                account._ensure_marketplace_line(account.home_marketplace_id)
        return accounts

    # === BUSINESS METHODS === #

    def _get_credentials(self):
        """Return the LWA credentials of the account, read as superuser in this one
        place.

        :return: ``{"lwa_app_id": str, "lwa_client_secret": str, "refresh_token":
        str}``,
            the shape python-amazon-sp-api expects.
        :raise odoo.exceptions.ValidationError: when a secret is missing.
        """
        self.ensure_one()
        account_sudo = self.sudo()
        if not (account_sudo.lwa_client_secret and account_sudo.refresh_token):
            raise ValidationError(
                _(
                    "The Amazon account %(name)s has no LWA client secret or refresh "
                    "token.",
                    name=self.name,
                )
            )
        return {
            "lwa_app_id": account_sudo.lwa_client_ref,
            "lwa_client_secret": account_sudo.lwa_client_secret,
            "refresh_token": account_sudo.refresh_token,
        }

    def _ensure_marketplace_line(self, marketplace, available=True):
        """Return the account's line for ``marketplace``, creating it when missing.

        :param marketplace: an ``amazon.marketplace`` record.
        :param bool available: the availability of a created line.
        :rtype: amazon.account.marketplace
        """
        self.ensure_one()
        line = self.account_marketplace_ids.filtered(
            lambda line: line.marketplace_id == marketplace
        )
        if not line:
            line = self.env["amazon.account.marketplace"].create(
                {
                    "account_id": self.id,
                    "marketplace_id": marketplace.id,
                    "available": available,
                    "sync_enabled": available,
                }
            )
        return line

    def _get_marketplace_line(self, marketplace):
        """Return the account's line of ``marketplace`` (empty recordset if none)."""
        self.ensure_one()
        return self.account_marketplace_ids.filtered(
            lambda line: line.marketplace_id == marketplace
        )

    def _get_team(self, marketplace):
        """Sales team for orders of ``marketplace``: the line's override, else the
        default."""
        return self._get_marketplace_line(marketplace).team_id or self.team_id

    def _get_location(self, marketplace):
        """FBA stock location for ``marketplace``: the line's override, else the
        default."""
        return self._get_marketplace_line(marketplace).location_id or self.location_id

    def _get_warehouse(self, marketplace):
        """FBM warehouse for ``marketplace``: the line's override, else the default."""
        return self._get_marketplace_line(marketplace).warehouse_id or self.warehouse_id

    def _get_synced_marketplaces(self):
        """Marketplaces whose orders the account imports (available, synchronized)."""
        self.ensure_one()
        return self.account_marketplace_ids.filtered(
            lambda line: line.available and line.sync_enabled
        ).marketplace_id
