import logging
import threading
import time
import zlib
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import const
from ..exceptions import AmazonApiError
from ..services.sp_api import AmazonCredentials, SpApiClient
from ..utils import is_amazon_order_ref

_logger = logging.getLogger(__name__)

# Datasets of Orders v2026-01-01 the import needs (searchOrders and getOrder).
ORDER_INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
)
# One searchOrders query for both channels and every status the sync acts on (the
# operation allows one call every 180 s): PENDING orders are never materialized.
ORDER_STATUSES = ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED")
# Key space of the session-level advisory lock of an account's order sync.
ORDER_SYNC_LOCK = zlib.crc32(b"sale_amazon_connector.order_sync") & 0x7FFFFFFF

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
        # The credentials are sent to this URL: only administrators may set it.
        groups="base.group_system",
        help="Developer setting: a base URL that replaces the region's SP-API endpoint"
        " and the LWA token endpoint (e.g. the local SP-API sandbox "
        "http://127.0.0.1:8765).",
    )

    # === MARKETPLACES === #
    account_marketplace_ids = fields.One2many(
        "amazon.account.marketplace", "account_id", string="Marketplaces"
    )
    offer_ids = fields.One2many("amazon.offer", "account_id", string="Offers")
    sync_run_ids = fields.One2many("amazon.sync.run", "account_id", string="Runs")
    failure_ids = fields.One2many(
        "amazon.sync.failure",
        "account_id",
        string="Failed Orders",
        domain=[("state", "=", "pending")],
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

    def _amazon_default_location(self):
        """The company's internal *Amazon* location (FBA stock), created when missing.

        It lies under Physical Locations, outside every warehouse, so FBA stock is never
        counted as stock a warehouse can ship (FBM).
        """
        self.ensure_one()
        Location = self.env["stock.location"].sudo()
        location = Location.search(
            [
                ("company_id", "=", self.company_id.id),
                ("usage", "=", "internal"),
                ("name", "=", "Amazon"),
                ("location_id", "=", self.env.ref("stock.stock_location_locations").id),
            ],
            limit=1,
        )
        if not location:
            location = Location.create(
                {
                    "name": "Amazon",
                    "usage": "internal",
                    "location_id": self.env.ref("stock.stock_location_locations").id,
                    "company_id": self.company_id.id,
                }
            )
        if not self.location_id:
            self.sudo().location_id = location
        return location

    # === BUSINESS METHODS - API === #

    def _get_sp_api_client(self, **kwargs):
        """An :class:`~..services.sp_api.SpApiClient` for this account.

        :param kwargs: passed to the client (``clock``, ``sleep``, ... for tests).
        """
        self.ensure_one()
        credentials = self._get_credentials()
        return SpApiClient(
            AmazonCredentials(
                account_key=f"{self.env.cr.dbname}/amazon.account/{self.id}",
                lwa_app_id=credentials["lwa_app_id"],
                lwa_client_secret=credentials["lwa_client_secret"],
                refresh_token=credentials["refresh_token"],
                region=self.region,
                seller_id=self.seller_ref,
                endpoint=self.sudo().endpoint_override or None,
            ),
            **kwargs,
        )

    def _fetch_marketplace_participations(self):
        """Sellers ``getMarketplaceParticipations`` of the account.

        :return: Amazon's list of ``{"marketplace": {...}, "participation": {...}}``.
        :raise UserError: with Amazon's message when the call fails.
        """
        self.ensure_one()
        try:
            with self._get_sp_api_client() as client:
                return client.get_marketplace_participations()
        except AmazonApiError as error:
            raise UserError(_("Amazon refused the request: %s", error)) from error

    # === ACTION METHODS === #

    def action_test_connection(self):
        """Call Sellers ``getMarketplaceParticipations`` and say whether it worked."""
        participations = self._fetch_marketplace_participations()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Connection to Amazon works"),
                "message": _(
                    "The seller participates in %s marketplace(s).", len(participations)
                ),
            },
        }

    def action_update_marketplaces(self):
        """Fill the marketplace lines from Sellers ``getMarketplaceParticipations``:
        listed marketplaces of the account's region become available, the others
        unavailable (and no longer synchronized)."""
        participations = self._fetch_marketplace_participations()
        refs = {
            (p.get("marketplace") or {}).get("id")
            for p in participations
            if (p.get("participation") or {}).get("isParticipating", True)
        }
        marketplaces = self.env["amazon.marketplace"].search(
            [("marketplace_ref", "in", list(refs)), ("region", "=", self.region)]
        )
        for marketplace in marketplaces:
            line = self._ensure_marketplace_line(marketplace)
            line.available = True
        for line in (
            self.account_marketplace_ids
            - self.account_marketplace_ids.filtered(
                lambda line: line.marketplace_id in marketplaces
            )
        ):
            line.write({"sync_enabled": False, "available": False})
        return True

    def action_sync_orders(self):
        """SYNC ORDERS button (developer mode): run the order sync now."""
        self.check_access("read")
        for account in self:
            account.sudo()._sync_orders(trigger="manual")
        return True

    @api.model
    def _cron_sync_orders(self):
        """Cron entry point: sync the orders of every active account.

        Errors are caught and recorded on the run row, so that Odoo never deactivates
        the cron for repeated failures.
        """
        for account in self.search([]):
            try:
                account._sync_orders(trigger="cron")
            except Exception:
                _logger.exception("Amazon order sync of account %s failed", account.id)

    # === BUSINESS METHODS - ORDER SYNC === #

    def _sync_orders(self, trigger="cron", client=None):
        """Synchronize the orders of the account (Orders v2026-01-01 searchOrders).

        Reads the orders updated between the cursor (``last_orders_sync``, or
        ``import_orders_since`` on the first run) and Amazon's ``lastUpdatedBefore``
        (now − 2 min), one page at a time, each page committed with the run row (window
        end and next page token) so that a run that dies resumes where it stopped. Each
        order is imported in its own savepoint; a failed one is recorded (a failure
        row) before the page is committed, and retried by later runs through
        ``getOrder``. The cursor moves to the window end once the window is done.

        :param str trigger: ``"cron"`` or ``"manual"``.
        :param client: an ``SpApiClient`` to use (tests); default: a new one.
        :return: the ``amazon.sync.run`` record, or ``False`` when another run of the
            account holds the lock.
        """
        self.ensure_one()
        lock_cr = self.env.registry.cursor()
        try:
            lock_cr.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ORDER_SYNC_LOCK, self.id)
            )
            if not lock_cr.fetchone()[0]:
                _logger.info("Amazon order sync of account %s already running", self.id)
                return False
            # The session-level lock outlives this commit; the lock cursor must not hold
            # a snapshot open for the whole run.
            lock_cr.commit()  # pylint: disable=invalid-commit
            try:
                return self._sync_orders_locked(trigger, client)
            finally:
                lock_cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (ORDER_SYNC_LOCK, self.id)
                )
        finally:
            lock_cr.close()

    def _sync_orders_locked(self, trigger, client):
        run = self.env["amazon.sync.run"].search(
            [
                ("account_id", "=", self.id),
                ("flow", "=", "orders"),
                ("state", "=", "running"),
            ],
            limit=1,
        )
        if not run:
            run = self.env["amazon.sync.run"].create(
                {
                    "account_id": self.id,
                    "flow": "orders",
                    "trigger": trigger,
                    "window_start": self.last_orders_sync or self.import_orders_since,
                }
            )
            self._amazon_commit()
        started = time.monotonic()
        own_client = client is None
        calls_before = client.call_log.total() if client else 0
        try:
            client = client or self._get_sp_api_client()
            self._sync_order_pages(run, client)
            self._retry_failed_orders(run, client)
            self.last_orders_sync = run.window_end
            run.write({"state": "done"})
        # Whatever stops the run is recorded on it, and the cron goes on.
        except Exception as error:  # noqa: BLE001
            if not self._amazon_in_test():
                self.env.cr.rollback()
            run.write({"state": "failed", "error": str(error)})
            _logger.warning(
                "Amazon order sync of account %s failed: %s", self.id, error
            )
        finally:
            run.write(
                {
                    "ended_at": fields.Datetime.now(),
                    "duration": run.duration + time.monotonic() - started,
                    "api_calls": run.api_calls
                    + (client.call_log.total() - calls_before if client else 0),
                }
            )
            self._amazon_commit()
            if own_client and client:
                client.close()
        return run

    def _sync_order_pages(self, run, client):
        marketplaces = self._get_synced_marketplaces()
        if not marketplaces:
            raise UserError(_("No marketplace of the account is synchronized."))
        pages = client.iter_order_pages(
            last_updated_after=run.window_start,
            last_updated_before=run.window_end or None,
            marketplace_ids=marketplaces.mapped("marketplace_ref"),
            fulfillment_statuses=list(ORDER_STATUSES),
            included_data=list(ORDER_INCLUDED_DATA),
            pagination_token=run.sudo().next_page_token or None,
        )
        SaleOrder = self.env["sale.order"]
        for page in pages:
            counts = {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "skipped": 0,
                "failed": 0,
            }
            for order_data in page.orders:
                counts[self._import_one_order(run, order_data)] += 1
            values = {
                "pages": run.pages + 1,
                "orders_total": run.orders_total + len(page.orders),
                "window_end": run.window_end or page.last_updated_before,
            }
            for key, count in counts.items():
                values[f"orders_{key}"] = run[f"orders_{key}"] + count
            run.write(values)
            run.sudo().next_page_token = page.next_token or False
            self._amazon_commit()
            SaleOrder.invalidate_model()
        if not run.window_end:
            run.window_end = fields.Datetime.now() - timedelta(minutes=2)

    def _import_one_order(self, run, order_data, failure=None):
        """Import one order in a savepoint; record a failure instead of raising.

        :return: ``"created"``, ``"updated"``, ``"unchanged"``, ``"skipped"`` or
            ``"failed"``.
        """
        ref = order_data.get("orderId")
        if not ref:
            # Nothing to retry by: counted as failed, with the reason in the run.
            run._add_note(_("An order without orderId was listed and left out."))
            return "failed"
        try:
            with self.env.cr.savepoint():
                result = self.env["sale.order"]._amazon_import_order(
                    self, order_data, run=run
                )
        # One broken order never stops the others: any error is recorded on it.
        except Exception as error:  # noqa: BLE001
            message = f"{type(error).__name__}: {error}"
            _logger.warning("Amazon order %s failed to import: %s", ref, message)
            self._record_failure(run, ref, message, failure)
            return "failed"
        if failure:
            failure.write({"state": "resolved", "attempts": failure.attempts + 1})
        else:
            self.env["amazon.sync.failure"].search(
                [("account_id", "=", self.id), ("amazon_order_ref", "=", ref)]
            ).write({"state": "resolved"})
        return result

    def _record_failure(self, run, ref, message, failure=None):
        failure = failure or self.env["amazon.sync.failure"].search(
            [("account_id", "=", self.id), ("amazon_order_ref", "=", ref)], limit=1
        )
        if failure:
            failure.write(
                {
                    "error": message,
                    "attempts": failure.attempts + 1,
                    "run_id": run.id,
                    "state": "pending",
                }
            )
        else:
            self.env["amazon.sync.failure"].create(
                {
                    "run_id": run.id,
                    "account_id": self.id,
                    "amazon_order_ref": ref,
                    "error": message,
                }
            )

    def _retry_failed_orders(self, run, client):
        """Retry, through ``getOrder``, the orders earlier runs failed to import."""
        failures = self.env["amazon.sync.failure"].search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "pending"),
                ("run_id", "!=", run.id),
            ]
        )
        for failure in failures:
            try:
                order_data = client.get_order(
                    failure.amazon_order_ref, included_data=list(ORDER_INCLUDED_DATA)
                )
            except AmazonApiError as error:
                failure.write({"error": str(error), "attempts": failure.attempts + 1})
                continue
            result = self._import_one_order(run, order_data, failure=failure)
            run.orders_retried += 1
            if result == "created":
                run.orders_created += 1
            self._amazon_commit()

    def _import_order_by_ref(self, order_ref, client=None):
        """Import one order by its Amazon order id through ``getOrder`` (the recover
        wizard), exactly as a listed order would be.

        :return: the result of the import (``"created"``, ...).
        :raise UserError: on a malformed reference or an Amazon error.
        """
        self.ensure_one()
        if not is_amazon_order_ref(order_ref):
            raise UserError(
                _("%s is not an Amazon order id (3-7-7 digits).", order_ref)
            )
        own_client = client is None
        client = client or self._get_sp_api_client()
        try:
            order_data = client.get_order(
                order_ref, included_data=list(ORDER_INCLUDED_DATA)
            )
        except AmazonApiError as error:
            raise UserError(_("Amazon answered: %s", error)) from error
        finally:
            if own_client:
                client.close()
        run = self.env["amazon.sync.run"].create(
            {
                "account_id": self.id,
                "flow": "orders",
                "trigger": "manual",
                "state": "done",
            }
        )
        return self._import_one_order(run, order_data)

    # === BUSINESS METHODS - TRANSACTIONS === #

    @api.model
    def _amazon_in_test(self):
        return bool(getattr(threading.current_thread(), "testing", False))

    def _amazon_commit(self):
        """Commit the sync's progress (one transaction per page, the pattern of Odoo's
        ``_cron_post_process``), except under tests, whose cursor cannot commit."""
        if not self._amazon_in_test():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # === BUSINESS METHODS - OUTCOME === #

    def _amazon_outcome(self):
        """What Odoo holds for the account, in the shape of a seller section of the
        sandbox generator's expected-outcome manifest (``spapi_sandbox.manifest``), so
        that checks compare Odoo with Amazon's data, never with Odoo's own figures.

        :return: ``{"orders": {orderId: {...}}, "totals": {...}}``; amounts are Decimal
            strings computed from the Odoo orders (``amount_total``), quantities from
            their lines, FBA moves from done stock moves.
        """
        self.ensure_one()
        orders = self.env["sale.order"].search([("amazon_account_id", "=", self.id)])
        outcome, by_marketplace, by_currency, digits_by_currency = {}, {}, {}, {}
        fba_moves = fbm_pickings = 0
        for order in orders:
            currency = order.currency_id
            digits = digits_by_currency[currency.name] = currency.decimal_places
            channel = "FBA" if order.amazon_channel == "fba" else "FBM"
            items = []
            for line in order.order_line.filtered("amazon_item_ref"):
                item = {"orderItemId": line.amazon_item_ref}
                if line.product_uom_qty:
                    item["quantityOrdered"] = int(line.product_uom_qty)
                items.append(item)
            outcome[order.amazon_order_ref] = {
                "channel": channel,
                "grandTotal": f"{order.amount_total:.{digits}f}",
                "currency": currency.name,
                "marketplaceId": order.amazon_marketplace_id.marketplace_ref,
                "shippedOutside": order.amazon_shipped_outside,
                "items": items,
            }
            market = by_marketplace.setdefault(
                order.amazon_marketplace_id.marketplace_ref, {"FBA": 0, "FBM": 0}
            )
            market[channel] += 1
            by_currency[currency.name] = by_currency.get(currency.name, 0.0) + (
                order.amount_total
            )
            if channel == "FBA":
                fba_moves += len(
                    order.order_line.move_ids.filtered(lambda m: m.state == "done")
                )
            elif order.picking_ids:
                fbm_pickings += 1
        return {
            "orders": outcome,
            "totals": {
                "orders": len(orders),
                "byMarketplace": by_marketplace,
                "grandTotalByCurrency": {
                    code: f"{amount:.{digits_by_currency[code]}f}"
                    for code, amount in by_currency.items()
                },
                "fbmPickings": fbm_pickings,
                "fbaMoves": fba_moves,
            },
        }

    # === SHIPMENT CONFIRMATIONS (stock.picking) === #

    def action_sync_pickings(self):
        """SYNC PICKINGS button (developer mode): send the account's queued FBM
        shipment confirmations now (``stock.picking._amazon_sync_pickings``).

        Safe beside a running cron: pickings are claimed with row locks, so each is
        confirmed once.

        :return: a notification with the number of transfers sent and failed.
        """
        self.check_access("read")
        counts = self.env["stock.picking"].sudo()._amazon_sync_pickings(
            accounts=self.sudo()
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if counts["error"] else "success",
                "title": _("Amazon shipments"),
                "message": _(
                    "%(claimed)s transfer(s) processed: %(done)s confirmed, "
                    "%(processing)s waiting for Amazon, %(pending)s to retry, "
                    "%(error)s in error.",
                    **counts,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_sync_pickings(self):
        """Cron entry point: send the queued FBM shipment confirmations of every
        account. Errors land on the pickings; anything else is logged, so that Odoo
        never deactivates the cron."""
        try:
            self.env["stock.picking"]._amazon_sync_pickings()
        except Exception:
            _logger.exception("Amazon picking sync failed")

    def action_sync_cancellations(self):
        """SYNC CANCELLATIONS button (developer mode): send the account's pending
        seller cancellations and follow the feeds already sent
        (``sale.order._amazon_sync_cancellations``).

        :return: a notification with the orders sent, canceled on Amazon and failed.
        """
        self.check_access("read")
        totals = {"sent": 0, "done": 0, "error": 0}
        for account in self.sudo():
            counts = self.env["sale.order"].sudo()._amazon_sync_cancellations(account)
            for key, value in counts.items():
                totals[key] += value
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if totals["error"] else "success",
                "title": _("Amazon cancellations"),
                "message": _(
                    "%(sent)s order(s) sent to Amazon, %(done)s canceled on Amazon, "
                    "%(error)s in error.",
                    **totals,
                ),
            },
        }

    @api.model
    def _cron_sync_cancellations(self):
        """Cron entry point: send the pending seller cancellations of every account
        and follow their feeds. Errors land on the orders; anything else is logged,
        so that Odoo never deactivates the cron."""
        for account in self.search([]):
            try:
                self.env["sale.order"]._amazon_sync_cancellations(account)
            except Exception:
                _logger.exception(
                    "Amazon cancellation sync of account %s failed", account.id
                )
                if not self._amazon_in_test():
                    self.env.cr.rollback()
