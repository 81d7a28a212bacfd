import logging
import threading
import time
import zlib
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import const
from ..exceptions import (
    AmazonApiError,
    AmazonAuthError,
    AmazonInvalidInputError,
    AmazonNotFoundError,
    AmazonUserError,
)
from ..services.sp_api import USAGE_PLANS, AmazonCredentials, SpApiClient
from ..utils import is_amazon_order_ref
from .amazon_sync_run import error_text, log_error, log_text

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
# Orders per searchOrders page (Amazon's maximum and default); the system parameter
# below overrides it (tests use small pages).
ORDER_PAGE_SIZE = 100
ORDER_PAGE_SIZE_PARAM = "sale_amazon_connector.order_page_size"
# Seconds a call of the order sync may wait (rate limiter and backoff): at least one
# refill of searchOrders' bucket (one call every 180 s once its burst of 20 is spent),
# so that a window of more than 20 pages waits for Amazon's usage plan instead of
# failing the run at page 21 (the adapter's default, 120 s, is shorter than that).
ORDER_SYNC_MAX_WAIT = 1 / USAGE_PLANS["searchOrders"][0] + 20
# When Amazon refuses the first page of a window, its now is asked for from this long
# before the window's start (see AmazonAccount._amazon_window_not_open).
ORDER_WINDOW_PROBE = timedelta(days=1)
# Under tests, the savepoint that stands for the sync's last commit.
TEST_COMMIT_SAVEPOINT = "amazon_sync_commit"

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
        :raise AmazonUserError: with Amazon's message when the call fails.
        """
        self.ensure_one()
        try:
            with self._get_sp_api_client() as client:
                return client.get_marketplace_participations()
        except AmazonApiError as error:
            raise AmazonUserError(_("Amazon refused the request: %s", error)) from error

    # === ACTION METHODS === #

    def action_test_connection(self):
        """Call Sellers ``getMarketplaceParticipations`` and say whether it worked."""
        participations = self._fetch_marketplace_participations()
        return self._amazon_notification(
            _("The seller participates in %s marketplace(s).", len(participations)),
            title=_("Connection to Amazon works"),
        )

    @api.model
    def _amazon_notification(self, message, title=None, kind="success", **params):
        """The client action of a notification (Odoo's ``display_notification``)
        that the account's buttons return.

        :param str message: the text shown.
        :param str title: an optional title.
        :param str kind: ``"success"``, ``"warning"``, ``"danger"`` or ``"info"``.
        :param params: more notification parameters (``sticky``, ``next``).
        :return: an ``ir.actions.client`` dict.
        """
        values = {"type": kind, "message": message, **params}
        if title:
            values["title"] = title
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": values,
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
        """SYNC ORDERS button (developer mode): synchronize the orders of the
        accounts now.

        Decision: an order sync can outlast an HTTP request by far (searchOrders
        allows one page every 180 s once its burst is spent, and a call may wait
        :data:`ORDER_SYNC_MAX_WAIT` seconds), so the button does not run it in the
        request when the cron *Amazon: synchronize orders* can: it triggers the
        cron (``ir.cron._trigger``), which syncs every active account in a cron
        worker, and says so. Without that cron (deleted or deactivated), and for an
        archived account (the cron leaves it alone), the sync runs in the request
        as before. An account whose sync is running already is said so either way.

        :return: a notification.
        """
        self.check_access("read")
        cron = self.env.ref(
            "sale_amazon_connector.ir_cron_amazon_sync_orders",
            raise_if_not_found=False,
        )
        cron = cron.sudo() if cron and cron.sudo().active else None
        busy = triggered = self.browse()
        for account in self:
            if cron and account.active:
                with account._order_sync_lock() as locked:
                    if locked:
                        triggered |= account
                    else:
                        busy |= account
            elif account.sudo()._sync_orders(trigger="manual") is False:
                busy |= account
        messages = []
        if triggered:
            cron._trigger()
            messages.append(
                _(
                    "The order synchronization of %s starts in the background: its "
                    "run appears under Runs when it is done.",
                    ", ".join(triggered.mapped("name")),
                )
            )
        if busy:
            messages.append(
                _(
                    "An order sync of %s is already running: try again when it is "
                    "done.",
                    ", ".join(busy.mapped("name")),
                )
            )
        if not messages:
            messages.append(_("Orders synchronized: see the account's Runs."))
        return self._amazon_notification(
            " ".join(messages),
            title=_("Amazon orders"),
            kind="warning" if busy else "info" if triggered else "success",
            # the form shows the new run rows
            next={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    @api.model
    def _cron_sync_orders(self):
        """Cron entry point: sync the orders of every active account.

        Errors are caught and recorded on the run row, so that Odoo never deactivates
        the cron for repeated failures. Progress goes to Odoo 18's cron progress API
        (``ir.cron._notify_progress``, active when the cron runs the job): after each
        page, ``done`` is the number of orders read so far by this job (all accounts)
        and ``remaining`` 1 while the window has more pages; 0 remain at the end, so
        that the cron is rescheduled at its interval, never at once (searchOrders
        allows one call every 180 s).
        """
        done = 0
        for account in self.search([]):
            try:
                run = account.with_context(amazon_progress_done=done)._sync_orders(
                    trigger="cron"
                )
            # the error's type and traceback: its message may quote buyer data
            except Exception as error:  # noqa: BLE001
                log_error(
                    _logger,
                    "Amazon order sync of account %s failed",
                    account.id,
                    error=error,
                )
                if not self._amazon_in_test():
                    self.env.cr.rollback()
                continue
            if run:
                done += run.orders_total + run.orders_retried
        self.env["ir.cron"].sudo()._notify_progress(done=done, remaining=0)

    # === BUSINESS METHODS - ORDER SYNC === #

    def _sync_orders(self, trigger="cron", client=None):
        """Synchronize the orders of the account (Orders v2026-01-01 ``searchOrders``,
        then ``getOrder`` for the orders earlier runs failed to import).

        Reads the orders updated between the cursor (``last_orders_sync``, or
        ``import_orders_since`` on the first run) and Amazon's ``lastUpdatedBefore``
        (now − 2 min, as Amazon echoes it), one page at a time; each page is committed
        with the run row (window end, next page token, counts), so that a run that
        dies or fails resumes at the next page (see :meth:`_start_order_run`). Each
        order is imported in its own savepoint; a failed one is recorded (an
        ``amazon.sync.failure`` row) in the page's transaction, and retried by later
        runs through ``getOrder``. The cursor moves to the window end once every page
        of the window is committed.

        One run per account at a time: the run holds a session-level PostgreSQL
        advisory lock on a connection of its own (not the run's cursor, whose
        transactions end at every page, and not a test cursor sharing the caller's
        session), released however the run ends.

        :param str trigger: ``"cron"`` or ``"manual"``.
        :param client: an ``SpApiClient`` to use (tests); default: a new one, closed
            at the end.
        :return: the ``amazon.sync.run`` record, or ``False`` when another run of the
            account holds the lock (then nothing is created and Amazon is not
            called).
        """
        self.ensure_one()
        with self._order_sync_lock() as locked:
            if not locked:
                _logger.info("Amazon order sync of account %s already running", self.id)
                return False
            return self._sync_orders_locked(trigger, client)

    @contextmanager
    def _order_sync_lock(self):
        """The account's order-sync lock, tried without waiting: a session-level
        PostgreSQL advisory lock on a connection of its own, released (and the
        connection closed) however the block ends.

        :return: a context manager yielding whether the lock was taken.
        """
        self.ensure_one()
        lock_cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        locked = False
        try:
            lock_cr.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ORDER_SYNC_LOCK, self.id)
            )
            locked = lock_cr.fetchone()[0]
            # The session-level lock outlives this commit; the lock connection must not
            # hold a transaction (and its snapshot) open for the whole run.
            lock_cr.commit()  # pylint: disable=invalid-commit
            yield locked
        finally:
            self._release_sync_lock(lock_cr, locked)

    def _release_sync_lock(self, lock_cr, locked):
        """Unlock and close the lock connection; if the unlock fails, close the
        connection itself (a pooled connection would keep the session, and the lock)."""
        # the pool's connection itself, to end the session when the unlock fails
        cnx = lock_cr._cnx
        unlocked = not locked
        try:
            if locked:
                lock_cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (ORDER_SYNC_LOCK, self.id)
                )
                unlocked = bool(lock_cr.fetchone()[0])
        except Exception:
            _logger.exception("Could not release the order-sync lock of %s", self.id)
        finally:
            try:
                lock_cr.close()
            finally:
                if not unlocked and not cnx.closed:
                    cnx.close()

    def _sync_orders_locked(self, trigger, client):
        """The run itself, under the account's lock (see :meth:`_sync_orders`)."""
        run = self._start_order_run(trigger)
        self._amazon_commit()
        started = time.monotonic()
        own_client = client is None
        calls_before = 0
        try:
            try:
                # said here, as the connector's message (AmazonUserError) the run
                # row keeps (_sync_order_pages says it too)
                if not self._get_synced_marketplaces():
                    raise AmazonUserError(
                        _("No marketplace of the account is synchronized.")
                    )
                if own_client:
                    client = self._get_sp_api_client(max_wait=ORDER_SYNC_MAX_WAIT)
                calls_before = client.call_log.total()
                self._sync_order_pages(run, client)
                self.last_orders_sync = run.window_end
                self._amazon_commit()
                self._retry_failed_orders(run, client)
                run.state = "done"
            # Whatever stops the run is recorded on it, and the cron goes on.
            except Exception as error:  # noqa: BLE001
                self._amazon_rollback()
                run.write({"state": "failed", "error": error_text(self.env, error)})
                _logger.warning(
                    "Amazon order sync of account %s failed: %s",
                    self.id,
                    log_text(error),
                )
            except BaseException:
                # Interrupted (worker stopped...): what was not committed is lost, as
                # when the process dies; the run stays "running", the next one resumes.
                self._amazon_rollback()
                raise
            run.write(
                {
                    "ended_at": fields.Datetime.now(),
                    "duration": run.duration + time.monotonic() - started,
                    "api_calls": run.api_calls
                    + (client.call_log.total() - calls_before if client else 0),
                }
            )
            self._amazon_commit()
        finally:
            if own_client and client:
                client.close()
        return run

    def _start_order_run(self, trigger):
        """Create the run row of a new order sync, resuming the last run when it
        stopped before its window was done.

        Called under the account's lock, so a run still ``running`` is one whose
        process died: it is marked failed. The last run of the account, when not done
        and still on the current cursor (a user moving the cursor asks for a new
        window), hands over its window and next page token: the new run reads the
        remaining pages only. When its pages were all read, only the cursor move is
        left (then the new run reads a new window from there).

        :return: the ``amazon.sync.run`` record, state ``running``.
        """
        self.ensure_one()
        Run = self.env["amazon.sync.run"]
        domain = [("account_id", "=", self.id), ("flow", "=", "orders")]
        # Runs of the recover wizard have no window: they never hide a window to
        # resume.
        last = Run.search(
            [*domain, ("window_start", "!=", False)], limit=1, order="id desc"
        )
        stale = Run.search([*domain, ("state", "=", "running")])
        stale.write(
            {
                "state": "failed",
                "error": _("Interrupted: the run stopped before its end."),
                "ended_at": fields.Datetime.now(),
            }
        )
        cursor = self.last_orders_sync or self.import_orders_since
        values = {
            "account_id": self.id,
            "flow": "orders",
            "trigger": trigger,
            "window_start": cursor,
        }
        if last and last.state != "done" and last.window_start == cursor:
            if last.pages_done and last.window_end:
                self.last_orders_sync = last.window_end
                values["window_start"] = last.window_end
            elif last.sudo().next_page_token:
                values.update(
                    {
                        "window_end": last.window_end,
                        "next_page_token": last.sudo().next_page_token,
                        "resumed_from_id": last.id,
                    }
                )
        return Run.sudo().create(values).sudo(self.env.su)

    def _get_order_page_size(self):
        """Orders per ``searchOrders`` page (1 to 100, Amazon's default 100), from the
        system parameter ``sale_amazon_connector.order_page_size``."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(ORDER_PAGE_SIZE_PARAM, ORDER_PAGE_SIZE)
        )
        try:
            return min(max(int(value), 1), 100)
        except (TypeError, ValueError):
            return ORDER_PAGE_SIZE

    def _sync_order_pages(self, run, client):
        """Read the window of ``run`` page by page (``searchOrders``), from its next
        page token when it resumes, importing and committing each page.

        A resumed page token that Amazon refuses (expired after 24 h) makes the run
        read the window again from its start: the import is idempotent.

        :raise UserError: when no marketplace of the account is synchronized.
        :raise AmazonApiError: when Amazon's answers stop the run.
        """
        marketplaces = self._get_synced_marketplaces()
        if not marketplaces:
            raise UserError(_("No marketplace of the account is synchronized."))
        token = run.sudo().next_page_token or None
        query = {
            "last_updated_after": run.window_start,
            "last_updated_before": run.window_end or None,
            "marketplace_ids": marketplaces.mapped("marketplace_ref"),
            "fulfillment_statuses": list(ORDER_STATUSES),
            "included_data": list(ORDER_INCLUDED_DATA),
            "max_results_per_page": self._get_order_page_size(),
        }
        pages_before = run.pages
        try:
            for page in client.iter_order_pages(pagination_token=token, **query):
                self._sync_order_page(run, page)
        except AmazonInvalidInputError as error:
            if run.pages != pages_before:
                raise
            if token:
                run._add_note(
                    _(
                        "Amazon refused the page token of the interrupted run (%s): "
                        "the window was read again from its start.",
                        error.code or error,
                    )
                )
                run.sudo().next_page_token = False
                self._amazon_commit()
                for page in client.iter_order_pages(**query):
                    self._sync_order_page(run, page)
            elif not run.window_end and self._amazon_window_not_open(client, query):
                # Empty window: nothing to read yet, the cursor stays where it is.
                run._add_note(
                    _(
                        "Nothing to read: the cursor is less than 2 minutes before "
                        "Amazon's now (Amazon lists orders updated 2 minutes ago at "
                        "the latest)."
                    )
                )
                run.window_end = run.window_start
            else:
                raise
        if not run.window_end:
            run.window_end = fields.Datetime.now() - timedelta(minutes=2)
        run.pages_done = True
        self._amazon_commit()

    def _amazon_window_not_open(self, client, query):
        """Whether Amazon refused the first page of a window because its start is
        less than 2 minutes before Amazon's now (Amazon's message does not say
        why it refuses a query): Amazon's own bound (``search_orders_bound``,
        asked from :data:`ORDER_WINDOW_PROBE` earlier) comes before the start.

        Amazon refuses a window whose start is not before its bound (its "after"
        must be strictly before its "before"): a start equal to the bound is an
        empty window too.

        When this extra ``searchOrders`` call fails itself (refused again,
        throttled, Amazon failing...), the answer is no: the caller raises Amazon's
        first refusal, which the run keeps (not the probe's error).

        :param dict query: the refused ``searchOrders`` query.
        :rtype: bool
        """
        start = query["last_updated_after"]
        try:
            bound = client.search_orders_bound(
                marketplace_ids=query["marketplace_ids"],
                last_updated_after=start - ORDER_WINDOW_PROBE,
            )
        # refused again (the query itself is at fault, not its window), or the
        # probe failed: the run keeps the first refusal
        except AmazonApiError as error:
            _logger.info(
                "Amazon account %s: window probe failed (%s)", self.id, log_text(error)
            )
            return False
        return bool(bound) and bound <= start

    def _sync_order_page(self, run, page):
        """Import the orders of one ``OrdersPage`` and commit them with the run row:
        counts, window end (Amazon's echo of ``lastUpdatedBefore``) and next page
        token; report the progress to the cron."""
        counts = dict.fromkeys(
            ("created", "updated", "unchanged", "skipped", "failed"), 0
        )
        created = self._import_new_orders_batch(run, page.orders)
        # The failure rows of orders the batch created (retried and now imported),
        # found with one search.
        failures = {
            failure.amazon_order_ref: failure
            for failure in self.env["amazon.sync.failure"].search(
                [
                    ("account_id", "=", self.id),
                    ("amazon_order_ref", "in", list(created)),
                ]
            )
        }
        for order_data in page.orders:
            ref = order_data.get("orderId")
            if ref in created:
                created.discard(ref)  # a page listing it twice: once only
                if ref in failures:
                    self._resolve_failures(run, ref, failures[ref])
                counts["created"] += 1
            else:
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
        self.env["ir.cron"].sudo()._notify_progress(
            done=self.env.context.get("amazon_progress_done", 0) + run.orders_total,
            remaining=1 if page.next_token else 0,
        )
        self._amazon_commit()
        # The page is in the database: drop the records it loaded, so that a long
        # backlog does not keep every order, line and move of the run in memory.
        self.env.invalidate_all()

    def _import_new_orders_batch(self, run, orders_data):
        """Create the page's new orders in one batch (DESIGN §7:
        ``sale.order._amazon_import_batch``) in a savepoint; when anything in it
        fails, the batch is rolled back and the caller imports each order on its own,
        so one broken order is recorded alone.

        :return: the order ids created by the batch (empty when it failed).
        :rtype: set
        """
        try:
            with self.env.cr.savepoint():
                result = self.env["sale.order"]._amazon_import_batch(
                    self, [data for data in orders_data if data.get("orderId")], run=run
                )
        # One broken order must not stop the page: fall back to one order at a time.
        except Exception as error:  # noqa: BLE001
            _logger.info(
                "Amazon orders of account %s: batch import failed (%s), importing the "
                "page order by order",
                self.id,
                type(error).__name__,
            )
            return set()
        return {ref for ref, value in result.items() if value == "created"}

    def _resolve_failures(self, run, ref, failure=None):
        """Order ``ref`` is imported: its failure row (if any) is resolved."""
        failure = failure or self.env["amazon.sync.failure"].search(
            [("account_id", "=", self.id), ("amazon_order_ref", "=", ref)]
        )
        for record in failure:
            record.write(
                {
                    "state": "resolved",
                    "attempts": record.attempts + 1,
                    "last_run_id": run.id,
                }
            )

    def _import_one_order(self, run, order_data, failure=None):
        """Import one order in a savepoint; record a failure instead of raising.

        :param run: the ``amazon.sync.run`` importing it.
        :param dict order_data: an Orders v2026-01-01 ``Order``.
        :param failure: the ``amazon.sync.failure`` being retried, if any.
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
            # The log names the error; only Amazon's and the connector's own
            # messages (AmazonApiError, AmazonUserError) are logged in full: any
            # other error's text (the importer's plain UserErrors included) may
            # quote the buyer's name or VAT number. The failure row keeps the
            # message (the user needs it), until the buyer data retention erases
            # it (with the order's, or once older than the retention period).
            _logger.warning(
                "Amazon order %s failed to import: %s", ref, log_text(error)
            )
            self._record_failure(run, ref, message, failure)
            return "failed"
        self._resolve_failures(run, ref, failure)
        return result

    def _record_failure(self, run, ref, message, failure=None):
        """Record that order ``ref`` failed in ``run``: a new failure row (attempt 1)
        or one more attempt on the existing one. A dismissed failure stays dismissed."""
        failure = failure or self.env["amazon.sync.failure"].search(
            [("account_id", "=", self.id), ("amazon_order_ref", "=", ref)], limit=1
        )
        if failure:
            failure.write(
                {
                    "error": message,
                    "attempts": failure.attempts + 1,
                    "last_run_id": run.id,
                    "state": "dismissed" if failure.state == "dismissed" else "pending",
                }
            )
        else:
            self.env["amazon.sync.failure"].create(
                {
                    "run_id": run.id,
                    "last_run_id": run.id,
                    "account_id": self.id,
                    "amazon_order_ref": ref,
                    "error": message,
                }
            )

    def _retry_failed_orders(self, run, client):
        """Retry, through ``getOrder``, the orders earlier runs failed to import
        (failures ``pending``; dismissed ones are left alone), each committed.

        The results are counted on ``run`` (``orders_retried`` and the count of each
        result). An order Amazon does not find (404) or refuses (400) is one more failed
        attempt; throttling, server or authorization errors end the retries of this run
        (the next run tries again).
        """
        failures = self.env["amazon.sync.failure"].search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "pending"),
                ("last_run_id", "!=", run.id),
            ],
            order="id",
        )
        for failure in failures:
            try:
                order_data = client.get_order(
                    failure.amazon_order_ref, included_data=list(ORDER_INCLUDED_DATA)
                )
            except AmazonApiError as error:
                self._record_failure(
                    run,
                    failure.amazon_order_ref,
                    f"{type(error).__name__}: {error}",
                    failure,
                )
                run.write(
                    {
                        "orders_retried": run.orders_retried + 1,
                        "orders_failed": run.orders_failed + 1,
                    }
                )
                self._amazon_commit()
                if isinstance(error, (AmazonNotFoundError, AmazonInvalidInputError)):
                    continue
                run._add_note(_("Retries of failed orders stopped: %s", error))
                break
            result = self._import_one_order(run, order_data, failure=failure)
            run.write(
                {
                    "orders_retried": run.orders_retried + 1,
                    f"orders_{result}": run[f"orders_{result}"] + 1,
                }
            )
            self._amazon_commit()

    def _import_order_by_ref(self, order_ref, client=None):
        """Import one order by its Amazon order id through ``getOrder`` (the recover
        wizard), exactly as a listed order would be: same datasets, same import, same
        failure recording; recorded as a manual run of one order.

        :param str order_ref: Amazon's order id, ``3-7-7`` digits.
        :param client: an ``SpApiClient`` (tests); default: a new one.
        :return: ``"created"``, ``"updated"``, ``"unchanged"``, ``"skipped"`` or
            ``"failed"`` (then a failure row holds the error).
        :raise UserError: on a malformed reference (before any call), while an
            order sync of the account runs (it holds the account's lock), or when
            Amazon answers with an error (e.g. not found).
        """
        self.ensure_one()
        order_ref = (order_ref or "").strip()
        if not is_amazon_order_ref(order_ref):
            raise AmazonUserError(
                _(
                    "“%s” is not an Amazon order reference: it has 3, 7 and 7 digits "
                    "separated by dashes, e.g. 123-1234567-1234567.",
                    order_ref,
                )
            )
        with self._order_sync_lock() as locked:
            if not locked:
                raise AmazonUserError(
                    _(
                        "An order synchronization of %s is running: recover the order "
                        "once it has ended (it may import the order itself).",
                        self.name,
                    )
                )
            return self._import_order_by_ref_locked(order_ref, client)

    def _import_order_by_ref_locked(self, order_ref, client):
        own_client = client is None
        client = client or self._get_sp_api_client()
        calls_before = client.call_log.total()
        try:
            order_data = client.get_order(
                order_ref, included_data=list(ORDER_INCLUDED_DATA)
            )
        except AmazonApiError as error:
            raise AmazonUserError(_("Amazon answered: %s", error)) from error
        finally:
            calls = client.call_log.total() - calls_before
            if own_client:
                client.close()
        run = self.env["amazon.sync.run"].create(
            {
                "account_id": self.id,
                "flow": "orders",
                "trigger": "manual",
                "state": "done",
                "pages_done": True,
                "api_calls": calls,
                "orders_total": 1,
            }
        )
        result = self._import_one_order(run, order_data)
        run.write({f"orders_{result}": 1, "ended_at": fields.Datetime.now()})
        return result

    # === BUSINESS METHODS - TRANSACTIONS === #

    @api.model
    def _amazon_in_test(self):
        return bool(getattr(threading.current_thread(), "testing", False))

    def _amazon_with_client(self, step, client=None, client_options=None):
        """Run ``step(client)`` for this account with ``client``, or with a client of
        its own (``_get_sp_api_client(**client_options)``, closed afterwards).

        The account's failures stop it and are returned: a client that cannot be
        built (``UserError``: secrets missing) or Amazon refusing the credentials
        (``AmazonAuthError``). Any other error propagates: the caller's run rolls
        back to its last commit.

        :return: the failure, or ``None`` when ``step`` ran to its end.
        """
        self.ensure_one()
        own_client = client is None
        if own_client:
            try:
                client = self._get_sp_api_client(**(client_options or {}))
            except UserError as error:
                return error
        try:
            step(client)
        except AmazonAuthError as error:
            return error
        finally:
            if own_client:
                client.close()
        return None

    def _amazon_commit(self):
        """Commit the sync's progress (one transaction per page, the pattern of Odoo's
        ``_cron_post_process``).

        Under tests, whose cursor cannot commit, a savepoint stands for the commit, and
        :meth:`_amazon_rollback` goes back to it: what a test sees after a failed or
        interrupted run is what the database would hold after that run's rollback.
        """
        if self._amazon_in_test():
            self.env.cr.flush()
            self.env.cr.execute(
                SQL("SAVEPOINT %s", SQL.identifier(TEST_COMMIT_SAVEPOINT))
            )
        else:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _amazon_rollback(self):
        """Roll back to the last :meth:`_amazon_commit` (the caches are cleared)."""
        if self._amazon_in_test():
            self.env.cr.clear()
            self.env.cr.execute(
                SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(TEST_COMMIT_SAVEPOINT))
            )
            self.env.invalidate_all(flush=False)
        else:
            self.env.cr.rollback()  # pylint: disable=invalid-commit

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
        facilitator = self.env["sale.order"]._amazon_default_product("facilitator_tax")
        outcome, by_marketplace, by_currency = {}, {}, {}
        fba_moves = fbm_pickings = 0
        for order in orders:
            currency = order.currency_id
            digits = currency.decimal_places
            channel = "FBA" if order.amazon_channel == "fba" else "FBM"
            items = []
            for line in order.order_line.filtered("amazon_item_ref"):
                ordered = line.amazon_qty_ordered
                items.append(
                    {
                        "orderItemId": line.amazon_item_ref,
                        "sellerSku": line.amazon_sku,
                        "quantityOrdered": ordered,
                        "quantityCancelled": ordered - int(line.product_uom_qty),
                        "quantityShipped": int(line.qty_delivered),
                    }
                )
            withheld = sum(
                order.order_line.filtered(
                    lambda line: line.product_id == facilitator
                ).mapped("price_subtotal")
            )
            grand_total = Decimal(f"{order.amount_total:.{digits}f}")
            outcome[order.amazon_order_ref] = {
                "channel": channel,
                "grandTotal": str(grand_total),
                "currency": currency.name,
                "marketplaceId": order.amazon_marketplace_id.marketplace_ref,
                "status": order.amazon_status,
                "shippedOutside": order.amazon_shipped_outside,
                "replacementOf": order.amazon_replacement_of_ref or None,
                "business": order.amazon_is_business,
                "prime": order.amazon_is_prime,
                "taxArithmetic": (order.amazon_tax_arithmetic or "").upper() or None,
                "marketplaceFacilitatorTax": f"{withheld:.{digits}f}",
                "giftMessages": len(
                    order.order_line.filtered(
                        lambda line: line.display_type == "line_note"
                    )
                ),
                "buyerCancellationRequested": order.amazon_buyer_cancel_requested,
                "items": items,
            }
            market = by_marketplace.setdefault(
                order.amazon_marketplace_id.marketplace_ref, {"FBA": 0, "FBM": 0}
            )
            market[channel] += 1
            by_currency[currency.name] = (
                by_currency.get(currency.name, Decimal(0)) + grand_total
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
                    code: str(amount) for code, amount in by_currency.items()
                },
                "fbmPickings": fbm_pickings,
                "fbaMoves": fba_moves,
            },
        }

    # === SHIPMENT CONFIRMATIONS (stock.picking) === #
    # and seller cancellations (sale.order): the export runs and their run rows.
    #
    # SYNC PICKINGS and SYNC CANCELLATIONS run synchronously, in the request: a
    # user pressing them expects to see what was sent. They stay short and never
    # time out silently: each account's run is committed on its own (its records
    # one by one, then its run row); a button takes at most
    # EXPORT_BUTTON_BATCH_SIZE pickings per account and leaves the rest to the
    # cron, which it triggers (the notification says how many wait); and its
    # calls wait at most EXPORT_BUTTON_MAX_WAIT seconds for Amazon's rate limit or
    # backoff (a throttled record goes back to the queue, counted as "to retry").
    # A worker killed anyway (limit_time_real) loses nothing committed; what it had
    # claimed is taken again after the processing timeout.

    def _amazon_export_run(self, flow, trigger, sync):
        """Run one export of the account and record it as an ``amazon.sync.run``
        row (``flow`` ``shipments`` or ``cancel``).

        Decision: a row is written only when the run sent something to Amazon,
        settled something (done or in error), or failed. A cron that comes every
        15 minutes (and is triggered by every validated delivery) and finds nothing
        to send, or only asks Amazon about a feed still in progress, leaves no row,
        so the table holds what happened, not the ticks.

        The run *fails* when an exception escapes ``sync`` (rolled back to the
        last commit and logged; the cron goes on) or when ``sync`` reports the
        account's ``failure`` (Amazon refused the credentials, or no client could
        be built), and when every record it tried came back throttled (Amazon's
        429s, or the rate limiter leaving no call in time: ``throttled`` equals
        ``attempted``, nothing done or in error). A failed row opens the flow's
        activity on the account, a done row closes it (``amazon_account_health``).
        The row's error is the error's type and message when the message is
        Amazon's or the connector's, else its type only
        (``amazon_sync_run.error_text``): never a secret, never buyer data
        (records' own errors stay on the records).

        :param str flow: ``"shipments"`` or ``"cancel"``.
        :param str trigger: ``"cron"`` or ``"manual"``.
        :param sync: a callable returning the flow's counts: ``sent`` (records a
            request reached Amazon for), ``done``, ``error``, ``attempted``,
            ``throttled``, ``api_calls``, ``failure`` and the records still
            waiting (``waiting``, or ``pending`` + ``processing`` for pickings).
        :return: ``(counts, run)``: the counts (empty with ``failure`` when ``sync``
            raised) and the ``amazon.sync.run`` row, or ``False`` when the run had
            nothing to record.
        """
        self.ensure_one()
        # What the caller did is its own: a failing run rolls back to here only.
        self._amazon_commit()
        started_at = fields.Datetime.now()
        started = time.monotonic()
        try:
            counts = dict(sync())
        # Whatever stops the run is recorded on its row, and the cron goes on.
        except Exception as error:  # noqa: BLE001
            self._amazon_rollback()
            self._amazon_log_export_error(flow, error)
            counts = {"failure": error_text(self.env, error)}
        failure = counts.get("failure") or False
        waiting = counts.get("waiting")
        if waiting is None:
            waiting = counts.get("pending", 0) + counts.get("processing", 0)
        values = {
            "records_sent": counts.get("sent", 0),
            # pickings set aside because their order already shipped are settled:
            # done, not attempted (a run that settled some is no throttled run)
            "records_done": counts.get("done", 0) + counts.get("skipped", 0),
            "records_error": counts.get("error", 0),
            "records_waiting": waiting,
        }
        # Every record the run tried came back throttled (Amazon's 429s, or the
        # rate limiter leaving no call in time): the run did nothing, it failed.
        throttled = counts.get("throttled", 0)
        if (
            not failure
            and throttled
            and throttled >= counts.get("attempted", throttled)
            and not (values["records_done"] or values["records_error"])
        ):
            failure = _(
                "Throttled: Amazon's rate limit left no call for the %s record(s) "
                "this run tried; they wait in the queue for the next run.",
                throttled,
            )
        if not (
            failure
            or values["records_sent"]
            or values["records_done"]
            or values["records_error"]
        ):
            return counts, False
        run = (
            self.env["amazon.sync.run"]
            .sudo()
            .create(
                {
                    **values,
                    "account_id": self.id,
                    "flow": flow,
                    "trigger": trigger,
                    "state": "failed" if failure else "done",
                    "error": failure,
                    "api_calls": counts.get("api_calls", 0),
                    "started_at": started_at,
                    "ended_at": fields.Datetime.now(),
                    "duration": time.monotonic() - started,
                }
            )
        )
        self._amazon_commit()
        return counts, run.sudo(self.env.su)

    def _amazon_log_export_error(self, flow, error):
        """Log what stopped an export run: the type and the traceback's frames of
        an unexpected error (a bug), never its message, which may quote buyer data
        (a database error's ``DETAIL``); the type only of a ``UserError`` whose
        message may quote a record (see ``amazon_sync_run.log_text``).
        """
        if isinstance(error, (UserError, AmazonApiError)):
            _logger.warning(
                "Amazon %s export of account %s failed: %s",
                flow,
                self.id,
                log_text(error),
            )
        else:
            log_error(
                _logger,
                "Amazon %s export of account %s failed",
                flow,
                self.id,
                error=error,
            )

    def _sync_pickings(self, trigger="cron", limit=None, client_options=None):
        """Send the account's queued FBM shipment confirmations
        (``stock.picking._amazon_sync_pickings``) as one recorded run.

        :param str trigger: ``"cron"`` or ``"manual"``.
        :param int limit: pickings taken at most (default: the cron's batch).
        :param dict client_options: more arguments of the SP-API client.
        :return: ``(counts, run or False)``, see :meth:`_amazon_export_run`.
        """
        self.ensure_one()
        options = {"accounts": self, "client_options": client_options}
        if limit:
            options["limit"] = limit
        return self._amazon_export_run(
            "shipments",
            trigger,
            lambda: self.env["stock.picking"].sudo()._amazon_sync_pickings(**options),
        )

    def action_sync_pickings(self):
        """SYNC PICKINGS button (developer mode): send the account's queued FBM
        shipment confirmations now, at most :data:`EXPORT_BUTTON_BATCH_SIZE` per
        account (the cron, triggered, sends the rest), each account's run recorded
        and committed on its own.

        Safe beside a running cron: pickings are claimed with row locks, so each is
        confirmed once.

        :return: a notification with the number of transfers sent and failed, and
            the error of an account that could not call Amazon.
        """
        self.check_access("read")
        totals = dict.fromkeys(
            ("claimed", "done", "processing", "pending", "error", "queued"), 0
        )
        failures = []
        for account in self.sudo():
            counts, _run = account._sync_pickings(
                trigger="manual",
                limit=EXPORT_BUTTON_BATCH_SIZE,
                client_options={"max_wait": EXPORT_BUTTON_MAX_WAIT},
            )
            for key in totals:
                totals[key] += counts.get(key, 0)
            if counts.get("failure"):
                failures.append(f"{account.name}: {counts['failure']}")
        if totals["queued"]:
            self.env["stock.picking"]._amazon_trigger_sync()
        message = _(
            "%(claimed)s transfer(s) processed: %(done)s confirmed, "
            "%(processing)s waiting for Amazon, %(pending)s to retry, "
            "%(error)s in error.",
            **totals,
        )
        if totals["queued"]:
            message += " " + _(
                "%s more queued: the scheduled synchronization sends them.",
                totals["queued"],
            )
        if failures:
            message += " " + _("Not sent: %s", "; ".join(failures))
        return self._amazon_notification(
            message,
            title=_("Amazon shipments"),
            kind="warning" if totals["error"] or failures else "success",
            next={"type": "ir.actions.act_window_close"},
        )

    @api.model
    def _cron_sync_pickings(self):
        """Cron entry point: send the queued FBM shipment confirmations of every
        active account, one recorded run per account (see
        :meth:`_amazon_export_run`). Errors land on the pickings or on the run
        row, never out of the cron, so that Odoo never deactivates it."""
        for account in self.search([]):
            account._sync_pickings(trigger="cron")

    def _sync_cancellations(self, trigger="cron", client_options=None):
        """Send the account's pending seller cancellations and follow their feeds
        (``sale.order._amazon_sync_cancellations``) as one recorded run.

        :param str trigger: ``"cron"`` or ``"manual"``.
        :param dict client_options: more arguments of the SP-API client.
        :return: ``(counts, run or False)``, see :meth:`_amazon_export_run`.
        """
        self.ensure_one()
        return self._amazon_export_run(
            "cancel",
            trigger,
            lambda: (
                self.env["sale.order"]
                .sudo()
                ._amazon_sync_cancellations(self, client_options=client_options)
            ),
        )

    def action_sync_cancellations(self):
        """SYNC CANCELLATIONS button (developer mode): send the account's pending
        seller cancellations and follow the feeds already sent, each account's run
        recorded and committed on its own (one feed per account: a short request;
        calls wait at most :data:`EXPORT_BUTTON_MAX_WAIT` seconds).

        :return: a notification with the orders sent, canceled on Amazon and failed,
            and the error of an account that could not call Amazon.
        """
        self.check_access("read")
        totals = {"sent": 0, "done": 0, "error": 0}
        failures = []
        for account in self.sudo():
            counts, _run = account._sync_cancellations(
                trigger="manual",
                client_options={"max_wait": EXPORT_BUTTON_MAX_WAIT},
            )
            for key in totals:
                totals[key] += counts.get(key, 0)
            if counts.get("failure"):
                failures.append(f"{account.name}: {counts['failure']}")
        message = _(
            "%(sent)s order(s) sent to Amazon, %(done)s canceled on Amazon, "
            "%(error)s in error.",
            **totals,
        )
        if failures:
            message += " " + _("Not sent: %s", "; ".join(failures))
        return self._amazon_notification(
            message,
            title=_("Amazon cancellations"),
            kind="warning" if totals["error"] or failures else "success",
        )

    @api.model
    def _cron_sync_cancellations(self):
        """Cron entry point: send the pending seller cancellations of every active
        account and follow their feeds, one recorded run per account (see
        :meth:`_amazon_export_run`). Errors land on the orders or on the run row,
        never out of the cron, so that Odoo never deactivates it."""
        for account in self.search([]):
            account._sync_cancellations(trigger="cron")


# Pickings a SYNC PICKINGS button sends per account (the cron sends the rest).
EXPORT_BUTTON_BATCH_SIZE = 50
# Seconds a call started by SYNC PICKINGS / SYNC CANCELLATIONS may wait for the rate
# limiter and backoff, so that the request answers in time.
EXPORT_BUTTON_MAX_WAIT = 20
