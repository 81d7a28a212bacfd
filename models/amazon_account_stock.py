"""Stock in step with Amazon, both directions, per account.

**FBM out** (:meth:`AmazonAccount._sync_fbm_stock`, cron hourly and SYNC FBM STOCK):
for each offer marked ``stock_sync`` whose product is storable, on each marketplace
where it is fulfilled by the merchant, the quantity is the product's free quantity
in the account's FBM warehouse of that marketplace, whole units, minus the account's
safety buffer, never negative; the Amazon (FBA) locations never count, even one
placed inside the warehouse. Only quantities that differ from what Amazon last
accepted are sent, in ``JSON_LISTINGS_FEED`` documents of
:data:`LISTINGS_FEED_BATCH` messages at most (one feed per marketplace and batch),
each message a ``PATCH`` (``merge``) of ``/attributes/fulfillment_availability``
with channel ``DEFAULT``. Flow of an offer marketplace line (``stock_state``)::

    (quantity changed) -> claim: processing -> feed sent -> getFeed ... DONE
        -> processing report: accepted (done) | refused (error, activity)
    error -> Retry (or a new quantity) -> sent again

The claim locks the lines (``FOR UPDATE SKIP LOCKED``) and is committed before any
call, so a button beside the cron never sends a line twice; the feeds already sent
are followed first, on every run, and the cron comes back
:data:`FEED_FOLLOW_DELAY` after a run that left feeds in flight.

**FBA in** (:meth:`AmazonAccount._sync_fba_stock`, cron daily and SYNC FBA STOCK):
``getInventorySummaries`` of one marketplace per fulfillment network (Amazon pools
FBA stock across the marketplaces of a network: their quantities are the same
units, never added up), every page read before anything is written (page tokens
live 30 s); the fulfillable quantity plus the units reserved for pending customer
orders of each SKU with an FBA offer line in that network becomes the counted
quantity of its product in the network's Amazon location: proposed as an inventory
count (Inventory > Physical Inventory), or applied when the account says so. The
synchronized marketplaces of a network must share one Amazon location (FBA orders
move stock out of their own marketplace's location): otherwise the read is refused
before any call. SKUs Amazon reports that Odoo cannot place are listed on the
account, never guessed.
"""

import json
import logging
import math
from collections import defaultdict
from datetime import timedelta

import psycopg2
from psycopg2 import errorcodes

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_is_zero

from ..exceptions import AmazonApiError, AmazonServerError, AmazonThrottledError
from ..services.sp_api import JSON_CONTENT_TYPE, LISTINGS_FEED_TYPE

_logger = logging.getLogger(__name__)

# Messages per JSON_LISTINGS_FEED document (Amazon's schema allows 25,000; createFeed
# allows one call every 2 minutes after a burst of 15, so large batches matter).
LISTINGS_FEED_BATCH = 10000
# The cron comes back this long after a push, to read the feeds' reports.
FEED_FOLLOW_DELAY = timedelta(minutes=5)
# A line claimed this long ago, still processing and without a feed, was left by a
# crash between the claim and createFeed: it is claimed again.
PROCESSING_TIMEOUT = timedelta(minutes=30)
# Throttling or Amazon failures put a line back in the queue this many times, then it
# is in error.
MAX_TRANSIENT_ATTEMPTS = 5
FEED_WAITING = ("IN_QUEUE", "IN_PROGRESS")
QUANTITY_PATH = "/attributes/fulfillment_availability"
CONCURRENCY_ERRORS = (
    errorcodes.SERIALIZATION_FAILURE,
    errorcodes.LOCK_NOT_AVAILABLE,
    errorcodes.DEADLOCK_DETECTED,
)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FBM STOCK SETTINGS === #
    stock_sync_enabled = fields.Boolean(
        string="Push FBM Stock",
        tracking=True,
        help="Send the free quantity of the FBM warehouse to Amazon for the offers "
        "marked Sync FBM Stock, on the marketplaces where they are fulfilled by the "
        "merchant (hourly, or SYNC FBM STOCK).",
    )
    stock_safety_buffer = fields.Integer(
        string="Safety Buffer",
        default=0,
        tracking=True,
        help="Units kept back: Amazon is told the free quantity minus this buffer "
        "(never less than 0).",
    )
    stock_default_product_type = fields.Char(
        string="Default Product Type",
        default="PRODUCT",
        required=True,
        help="The Amazon product type sent for offers without their own (the listings "
        "feed requires one). Amazon accepts PRODUCT for offer-only updates such as "
        "quantities; set the listing's real type on the offer when Amazon refuses it.",
    )
    stock_line_ids = fields.One2many(
        "amazon.offer.marketplace",
        "account_id",
        string="Offer Stock",
        domain=[("channel", "=", "fbm")],
    )
    stock_error_count = fields.Integer(compute="_compute_stock_error_count")

    # === FBA STOCK SETTINGS === #
    fba_stock_sync_enabled = fields.Boolean(
        string="Read FBA Stock",
        tracking=True,
        help="Read Amazon's FBA inventory daily (or SYNC FBA STOCK) and count it in "
        "the Amazon location.",
    )
    fba_stock_apply = fields.Boolean(
        string="Apply FBA Adjustments",
        tracking=True,
        help="Apply the inventory adjustments that bring the Amazon location to "
        "Amazon's fulfillable quantities. Off: they are only proposed as counted "
        "quantities in Inventory > Physical Inventory, to be applied by hand.",
    )
    fba_stock_last_sync = fields.Datetime(
        string="Last FBA Stock Read", readonly=True, copy=False
    )
    fba_unknown_skus = fields.Text(
        string="FBA SKUs Not Matched",
        readonly=True,
        copy=False,
        help="SKUs of the last FBA inventory read that no FBA offer of this account "
        "places (unknown SKU, FBM-only offer, default product or a product that is "
        "not storable): their stock was left alone.",
    )

    # === COMPUTE METHODS === #

    def _compute_stock_error_count(self):
        counts = dict(
            self.env["amazon.offer.marketplace"]._read_group(
                [("account_id", "in", self.ids), ("stock_state", "=", "error")],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.stock_error_count = counts.get(account, 0)

    # === ACTION METHODS === #

    def action_sync_fbm_stock(self):
        """SYNC FBM STOCK button (developer mode): follow the listings feeds in
        flight, then push the changed FBM quantities now (:meth:`_sync_fbm_stock`).

        :return: a notification with the counts.
        :raise UserError: the account does not push FBM stock.
        """
        self.check_access("read")
        totals = defaultdict(int)
        for account in self.sudo():
            if not account.stock_sync_enabled:
                raise UserError(
                    _(
                        "%s does not push FBM stock: switch on Push FBM Stock first.",
                        account.name,
                    )
                )
            for key, value in account._sync_fbm_stock().items():
                totals[key] += value
        return self._amazon_notification(
            _(
                "%(sent)s quantity(ies) sent in %(feeds)s feed(s); %(done)s "
                "accepted by Amazon, %(error)s in error, %(waiting)s waiting for "
                "Amazon.",
                sent=totals["sent"],
                feeds=totals["feeds"],
                done=totals["done"],
                error=totals["error"],
                waiting=totals["waiting"],
            ),
            title=_("Amazon FBM stock"),
            kind="warning" if totals["error"] else "success",
        )

    def action_amazon_mark_fbm_offers(self):
        """*Mark FBM Offers* button: mark ``stock_sync`` every offer of the
        account that is FBM on a marketplace and sells a storable product (not the
        default one). Offers are never marked by themselves: an offer the order
        import creates waits for this button or *Sync FBM Stock* on the offers.

        :return: a notification with the count, then a reload.
        """
        offers = (
            self.env["amazon.offer.marketplace"]
            .search([("account_id", "in", self.ids), ("channel", "=", "fbm")])
            .offer_id
        )
        return offers.action_amazon_stock_sync_mark()

    @api.model
    def _cron_sync_fbm_stock(self):
        """Cron entry point (hourly): :meth:`_sync_fbm_stock` for every account that
        pushes FBM stock. Errors land on the offers; anything else is logged, so
        that Odoo never deactivates the cron."""
        for account in self.search([("stock_sync_enabled", "=", True)]):
            try:
                account._sync_fbm_stock()
            except Exception:
                _logger.exception(
                    "Amazon FBM stock push of account %s failed", account.id
                )
                if not self._amazon_in_test():
                    self.env.cr.rollback()

    def action_sync_fba_stock(self):
        """SYNC FBA STOCK button (developer mode): read Amazon's FBA inventory now
        (:meth:`_sync_fba_stock`).

        :return: a notification with the counts.
        :raise UserError: the account does not read FBA stock, marketplaces of one
            network have different Amazon locations, or Amazon refused the read.
        """
        self.check_access("read")
        totals = defaultdict(int)
        for account in self.sudo():
            if not account.fba_stock_sync_enabled:
                raise UserError(
                    _(
                        "%s does not read FBA stock: switch on Read FBA Stock first.",
                        account.name,
                    )
                )
            try:
                result = account._sync_fba_stock()
            except AmazonApiError as error:
                raise UserError(
                    _("Amazon refused the FBA inventory read: %s", error)
                ) from error
            for key, value in result.items():
                if isinstance(value, int):
                    totals[key] += value
        return self._amazon_notification(
            _(
                "%(skus)s SKU(s) read; %(adjusted)s product(s) %(how)s; "
                "%(unknown)s SKU(s) not matched (listed on the account).",
                skus=totals["skus"],
                adjusted=totals["adjusted"],
                how=_("adjusted")
                if all(self.sudo().mapped("fba_stock_apply"))
                else _("proposed for adjustment"),
                unknown=totals["unknown"],
            ),
            title=_("Amazon FBA stock"),
            kind="warning" if totals["unknown"] else "success",
        )

    @api.model
    def _cron_sync_fba_stock(self):
        """Cron entry point (daily): :meth:`_sync_fba_stock` for every account that
        reads FBA stock; a failure is logged and the next account goes on (a
        refused configuration is also posted on the account)."""
        for account in self.search([("fba_stock_sync_enabled", "=", True)]):
            try:
                account._sync_fba_stock()
            except UserError as error:
                _logger.warning(
                    "Amazon FBA stock read of account %s refused: %s",
                    account.id,
                    error,
                )
                if not self._amazon_in_test():
                    self.env.cr.rollback()
                account.message_post(
                    body=_("FBA inventory not read: %s", error.args[0])
                )
                self._amazon_commit()
            except Exception:
                _logger.exception(
                    "Amazon FBA stock read of account %s failed", account.id
                )
                if not self._amazon_in_test():
                    self.env.cr.rollback()

    # === BUSINESS METHODS - FBM QUANTITIES === #

    def _amazon_fba_locations(self):
        """Every Amazon (FBA) stock location of the account: its own, the
        marketplace lines' overrides and the company's default one."""
        self.ensure_one()
        locations = self.location_id | self.account_marketplace_ids.location_id
        default = (
            self.env["stock.location"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("usage", "=", "internal"),
                    ("name", "=", "Amazon"),
                    (
                        "location_id",
                        "=",
                        self.env.ref("stock.stock_location_locations").id,
                    ),
                ],
                limit=1,
            )
        )
        return (locations | default).sudo()

    def _amazon_fbm_lines(self):
        """The offer marketplace lines whose quantity the account pushes: FBM, offer
        marked for stock sync, storable product, marketplace synchronized."""
        self.ensure_one()
        marketplaces = self._get_synced_marketplaces()
        return (
            self.env["amazon.offer.marketplace"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("channel", "=", "fbm"),
                    ("marketplace_id", "in", marketplaces.ids),
                    ("offer_id.stock_sync", "=", True),
                    ("offer_id.product_id.is_storable", "=", True),
                ]
            )
        )

    def _amazon_fbm_quantities(self, lines):
        """The quantity to show on Amazon for each line.

        Free quantity of the product in the line's FBM warehouse (its marketplace's
        override, else the account's), minus the free quantity of the account's
        Amazon locations that lie inside that warehouse, rounded down to whole
        units, minus the safety buffer, at least 0.

        :param lines: ``amazon.offer.marketplace`` records of this account.
        :return: ``{line id: int}``.
        :rtype: dict
        """
        self.ensure_one()
        by_warehouse = defaultdict(lambda: lines.browse())
        for line in lines:
            by_warehouse[self._get_warehouse(line.marketplace_id)] |= line
        fba_locations = self._amazon_fba_locations()
        quantities = {}
        for warehouse, wh_lines in by_warehouse.items():
            products = wh_lines.offer_id.product_id.with_company(self.company_id)
            # non-stored quantities cached earlier in this transaction may be stale
            products.invalidate_recordset(["free_qty"])
            free = {}
            if warehouse:
                free = dict(
                    zip(
                        products.ids,
                        products.with_context(warehouse_id=warehouse.id).mapped(
                            "free_qty"
                        ),
                        strict=True,
                    )
                )
                inside = fba_locations.filtered(
                    lambda loc, wh=warehouse: loc.parent_path.startswith(
                        wh.view_location_id.parent_path
                    )
                )
                for location in inside:
                    in_location = products.with_context(location=location.id)
                    for product_id, qty in zip(
                        products.ids, in_location.mapped("free_qty"), strict=True
                    ):
                        free[product_id] -= qty
            for line in wh_lines:
                units = math.floor(free.get(line.offer_id.product_id.id, 0.0) + 1e-6)
                quantities[line.id] = max(0, units - max(self.stock_safety_buffer, 0))
        return quantities

    @api.model
    def _amazon_stock_needs_sending(self, line, quantity, stale):
        """Whether ``quantity`` must be sent for ``line``: never sent, queued
        (Retry, throttling), changed since Amazon's last acceptance, changed since
        a refused attempt, or a claim left by a crash."""
        state = line.stock_state
        if not state or state == "pending":
            return True
        if state == "done":
            return quantity != line.stock_quantity_amazon
        if state == "error":
            return quantity != line.stock_quantity_sent
        # processing: only a claim without a feed, left by a crash
        return not line.stock_feed_ref and (
            not line.stock_date or line.stock_date < stale
        )

    # === BUSINESS METHODS - FBM PUSH === #

    def _sync_fbm_stock(self, client=None):
        """Follow this account's listings feeds in flight, then push its changed FBM
        quantities (Feeds ``createFeedDocument``, upload, ``createFeed`` with
        ``JSON_LISTINGS_FEED``; ``getFeed`` and the processing report for the feeds
        sent before). Each step is committed on its own (except under tests).

        :param client: an ``SpApiClient`` to use (tests); default: a new one.
        :return: ``{"sent": lines sent, "feeds": feeds created, "done": lines
            accepted, "error": lines refused, "waiting": lines in feeds Amazon has
            not finished, "unchanged": lines whose quantity Amazon already has}``.
        :rtype: dict
        :raise odoo.exceptions.ValidationError: the account has no credentials.
        """
        self.ensure_one()
        own_client = client is None
        client = client or self._get_sp_api_client()
        try:
            counts = self._amazon_follow_stock_feeds(client)
            counts.update(self._amazon_push_fbm_stock(client))
        finally:
            if own_client:
                client.close()
        counts["waiting"] = self.env["amazon.offer.marketplace"].search_count(
            [
                ("account_id", "=", self.id),
                ("stock_state", "=", "processing"),
                ("stock_feed_ref", "!=", False),
            ]
        )
        if counts["waiting"]:
            cron = self.env.ref(
                "sale_amazon_connector.ir_cron_amazon_sync_fbm_stock",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger(at=fields.Datetime.now() + FEED_FOLLOW_DELAY)
        _logger.info("Amazon account %s: FBM stock push %s", self.id, counts)
        return counts

    def _amazon_push_fbm_stock(self, client):
        """Claim the lines whose quantity changed (committed), then send them, one
        feed per marketplace and batch.

        :return: ``{"sent", "feeds", "unchanged"}`` counts.
        """
        lines = self._amazon_fbm_lines()
        quantities = self._amazon_fbm_quantities(lines)
        stale = fields.Datetime.now() - PROCESSING_TIMEOUT
        to_send = lines.filtered(
            lambda line: self._amazon_stock_needs_sending(
                line, quantities[line.id], stale
            )
        )
        claimed = self._amazon_claim_stock_lines(to_send, quantities)
        self._amazon_commit()
        counts = {"sent": 0, "feeds": 0, "unchanged": len(lines) - len(to_send)}
        by_marketplace = defaultdict(lambda: lines.browse())
        for line in claimed:
            by_marketplace[line.marketplace_id] |= line
        for marketplace, mp_lines in by_marketplace.items():
            for start in range(0, len(mp_lines), LISTINGS_FEED_BATCH):
                batch = mp_lines[start : start + LISTINGS_FEED_BATCH]
                if batch._amazon_run_stock(
                    lambda b=batch, m=marketplace: self._amazon_send_listings_feed(
                        client, m, b
                    )
                ):
                    counts["sent"] += len(batch)
                    counts["feeds"] += 1
                self._amazon_commit()
        return counts

    def _amazon_claim_stock_lines(self, lines, quantities):
        """Lock ``lines`` (rows another transaction holds are skipped) and mark them
        processing with the quantity to send. Not committed here.

        :return: the claimed lines (empty when a concurrent run got there first).
        """
        if not lines:
            return lines
        self.env.flush_all()
        now = fields.Datetime.now()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM amazon_offer_marketplace WHERE id = ANY(%s) "
                        "ORDER BY id FOR UPDATE SKIP LOCKED",
                        lines.ids,
                    )
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.Error as error:
            if error.pgcode not in CONCURRENCY_ERRORS:
                raise
            _logger.info("Amazon FBM stock push: lines taken by a concurrent run")
            return lines.browse()
        claimed = lines.browse(ids)
        by_quantity = defaultdict(lambda: lines.browse())
        for line in claimed:
            by_quantity[quantities[line.id]] |= line
        for quantity, group in by_quantity.items():
            group.write(
                {
                    "stock_state": "processing",
                    "stock_quantity_sent": quantity,
                    "stock_date": now,
                    "stock_feed_ref": False,
                    "stock_feed_message": 0,
                }
            )
        return claimed

    def _amazon_listings_feed(self, lines):
        """The ``JSON_LISTINGS_FEED`` document (v2.0) setting the quantity sent of
        each line: one PATCH message per line, numbered from 1 in ``lines`` order.

        :return: the UTF-8 JSON document.
        :rtype: bytes
        """
        self.ensure_one()
        messages = [
            {
                "messageId": number,
                "sku": line.offer_id.sku,
                "operationType": "PATCH",
                "productType": line.offer_id._get_amazon_product_type(),
                "patches": [
                    {
                        "op": "merge",
                        "path": QUANTITY_PATH,
                        "value": [
                            {
                                "fulfillment_channel_code": "DEFAULT",
                                "quantity": line.stock_quantity_sent,
                            }
                        ],
                    }
                ],
            }
            for number, line in enumerate(lines, start=1)
        ]
        document = {
            "header": {"sellerId": self.seller_ref, "version": "2.0"},
            "messages": messages,
        }
        return json.dumps(document, separators=(",", ":")).encode()

    def _amazon_send_listings_feed(self, client, marketplace, lines):
        """Submit one listings feed for ``lines`` (one marketplace) and record the
        feed id and each line's message number.

        :raise AmazonApiError: the document, the upload or the feed was refused.
        """
        content = self._amazon_listings_feed(lines)
        feed_ref, _document = client.submit_feed(
            LISTINGS_FEED_TYPE,
            content,
            JSON_CONTENT_TYPE,
            [marketplace.marketplace_ref],
        )
        for number, line in enumerate(lines, start=1):
            line.write({"stock_feed_ref": feed_ref, "stock_feed_message": number})

    def _amazon_follow_stock_feeds(self, client):
        """``getFeed`` for each listings feed of the account in flight; a finished
        one's processing report marks each of its lines accepted or refused.

        :return: ``{"done": n, "error": n}`` lines settled.
        """
        lines = self.env["amazon.offer.marketplace"].search(
            [
                ("account_id", "=", self.id),
                ("stock_state", "=", "processing"),
                ("stock_feed_ref", "!=", False),
            ]
        )
        counts = {"done": 0, "error": 0}
        for feed_ref in sorted(set(lines.mapped("stock_feed_ref"))):
            batch = lines.filtered(lambda line, f=feed_ref: line.stock_feed_ref == f)
            batch._amazon_run_stock(
                lambda b=batch, f=feed_ref: self._amazon_read_stock_feed(client, f, b)
            )
            self._amazon_commit()
            counts["done"] += len(batch.filtered(lambda ln: ln.stock_state == "done"))
            counts["error"] += len(batch.filtered(lambda ln: ln.stock_state == "error"))
        return counts

    def _amazon_read_stock_feed(self, client, feed_ref, lines):
        """Settle the lines of one feed from Amazon's answer: nothing while the feed
        waits; back in the queue when it was cancelled; else, per message, the
        report's ERROR issues (or the feed's own failure) put the line in error and
        the others are accepted."""
        feed = client.get_feed(feed_ref)
        status = feed.get("processingStatus")
        if status in FEED_WAITING:
            return
        if status == "CANCELLED":
            lines.write({"stock_state": "pending", "stock_feed_ref": False})
            return
        report = (
            client.get_listings_feed_report(feed)
            if status in ("DONE", "FATAL")
            else None
        )
        issues = (report or {}).get("issues") or []
        errors = defaultdict(list)
        for issue in issues:
            if issue["severity"] == "ERROR":
                errors[issue["message_id"]].append(
                    f"{issue['code']}: {issue['message']}".strip(": ")
                )
        for line in lines:
            messages = errors.get(line.stock_feed_message, []) + errors.get(None, [])
            if status != "DONE" and not messages:
                messages = [
                    _(
                        "Amazon ended feed %(feed)s %(status)s.",
                        feed=feed_ref,
                        status=status,
                    )
                ]
            if messages:
                line._amazon_set_stock_error(
                    _(
                        "Feed %(feed)s: %(errors)s",
                        feed=feed_ref,
                        errors="; ".join(messages),
                    )
                )
            else:
                line._amazon_set_stock_done()

    # === BUSINESS METHODS - FBA READ === #

    @api.model
    def _amazon_fba_network(self, marketplace):
        """The FBA fulfillment network of ``marketplace``, whose marketplaces share
        (pool) one stock: here its SP-API region (NA, EU, FE), as the sandbox has
        it. Amazon's real pools are finer (e.g. the UK apart from the EU without
        Pan-European FBA): override to split them."""
        return marketplace.region

    def _amazon_fba_marketplaces(self):
        """One marketplace per FBA network of the account's synchronized
        marketplaces: the home marketplace for its network, else the first one
        where an offer is FBA, else the first one.

        :return: ``{network: amazon.marketplace}``.
        :rtype: dict
        """
        self.ensure_one()
        fba_marketplaces = (
            self.env["amazon.offer.marketplace"]
            .sudo()
            .search([("account_id", "=", self.id), ("channel", "=", "fba")])
            .marketplace_id
        )
        chosen = {}
        marketplaces = self._get_synced_marketplaces().sorted("id")
        for marketplace in marketplaces:
            network = self._amazon_fba_network(marketplace)
            current = chosen.get(network)
            if (
                current is None
                or marketplace == self.home_marketplace_id
                or (
                    current != self.home_marketplace_id
                    and current not in fba_marketplaces
                    and marketplace in fba_marketplaces
                )
            ):
                chosen[network] = marketplace
        return chosen

    def _sync_fba_stock(self, client=None):
        """Read Amazon's FBA inventory (FBA Inventory ``getInventorySummaries``, one
        marketplace per network, every page read first) and bring the Amazon
        location of each network to Amazon's quantities (see
        :meth:`_amazon_fba_targets`): inventory counts proposed, or applied with
        ``fba_stock_apply``. The Amazon location of a network is the one of its
        synchronized marketplaces (:meth:`_amazon_fba_network_locations`).

        The quantity of a product is the sum over its FBA SKUs in the network (two
        SKUs of one product are two stocks at Amazon); a product with an FBA offer
        in the network that Amazon no longer reports counts 0. SKUs without an FBA
        offer of the account in that network, on the default product or on a
        product that is not storable are listed in ``fba_unknown_skus`` and left
        alone.

        :param client: an ``SpApiClient`` to use (tests); default: a new one.
        :return: ``{"networks": n, "skus": summaries read, "adjusted": products
            whose count changed, "unknown": SKUs not matched, "unknown_skus":
            [str]}``.
        :rtype: dict
        :raise AmazonApiError: Amazon refused or failed the read (nothing is
            written then).
        :raise UserError: marketplaces of one network have different Amazon
            locations (before any call).
        """
        self.ensure_one()
        locations = self._amazon_fba_network_locations()
        own_client = client is None
        client = client or self._get_sp_api_client()
        result = {"networks": 0, "skus": 0, "adjusted": 0, "unknown": 0}
        unknown = []
        try:
            for network, marketplace in sorted(self._amazon_fba_marketplaces().items()):
                summaries = [
                    summary
                    for page in client.get_inventory_summaries(
                        marketplace.marketplace_ref
                    )
                    for summary in page
                ]
                result["networks"] += 1
                result["skus"] += len(summaries)
                targets, missing = self._amazon_fba_targets(network, summaries)
                unknown += missing
                result["adjusted"] += self._amazon_count_fba_stock(
                    locations[network], targets
                )
        finally:
            if own_client:
                client.close()
        result["unknown"] = len(unknown)
        result["unknown_skus"] = unknown
        self.write(
            {
                "fba_stock_last_sync": fields.Datetime.now(),
                "fba_unknown_skus": "\n".join(unknown) or False,
            }
        )
        self.message_post(
            body=_(
                "FBA inventory read: %(skus)s SKU(s), %(adjusted)s product(s) "
                "%(how)s, %(unknown)s SKU(s) not matched.",
                skus=result["skus"],
                adjusted=result["adjusted"],
                how=_("adjusted") if self.fba_stock_apply else _("proposed"),
                unknown=result["unknown"],
            )
        )
        self._amazon_commit()
        return result

    def _amazon_fba_network_locations(self):
        """The Amazon location of each FBA network of the synchronized marketplaces:
        the one FBA orders of its marketplaces move stock out of (the marketplace's
        override, else the account's, else the company's *Amazon* location, as
        ``sale.order._amazon_create_fba_moves``).

        Amazon pools a network's stock: one count cannot be split between
        locations, so the marketplaces of a network must share one.

        :return: ``{network: stock.location}``.
        :rtype: dict
        :raise UserError: marketplaces of one network resolve to different
            locations.
        """
        self.ensure_one()
        by_network = defaultdict(dict)
        default = None
        for marketplace in self._get_synced_marketplaces().sorted("id"):
            location = self._get_location(marketplace)
            if not location:
                default = default or self._amazon_default_location()
                location = default
            by_network[self._amazon_fba_network(marketplace)][marketplace] = location
        locations = {}
        for network, per_marketplace in sorted(by_network.items()):
            distinct = set(per_marketplace.values())
            if len(distinct) > 1:
                raise UserError(
                    _(
                        "%(account)s: Amazon pools the FBA stock of the %(network)s "
                        "network, but its marketplaces use different Amazon stock "
                        "locations (%(locations)s). Give them the same Amazon Stock "
                        "Location on the account's marketplaces before reading FBA "
                        "stock.",
                        account=self.name,
                        network=network,
                        locations=", ".join(
                            f"{marketplace.name}: {location.display_name}"
                            for marketplace, location in per_marketplace.items()
                        ),
                    )
                )
            locations[network] = distinct.pop()
        return locations

    def _amazon_fba_targets(self, network, summaries):
        """Amazon's quantity per product for one network: the units in Odoo's
        Amazon location as long as Odoo is in step.

        That is ``fulfillableQuantity`` plus
        ``reservedQuantity.pendingCustomerOrderQuantity``: Amazon's fulfillable
        quantity already excludes the units reserved for customer orders not yet
        shipped, but Odoo still holds them: FBA orders are imported once SHIPPED,
        and that import moves them out of the Amazon location. Counting only the
        fulfillable units would take them out twice (the count now, the order's
        move later), leaving Odoo short until the next count. The other reserved
        units (transshipment, FC processing), inbound, researching and
        unfulfillable units are not counted.

        :param str network: the network the summaries are of.
        :param list summaries: Amazon's ``InventorySummary`` dicts (with details).
        :return: ``({product.product: int}, [str])``: the counted quantities, and
            the SKUs not matched, each with the reason.
        """
        self.ensure_one()
        offers = {
            offer.sku: offer
            for offer in self.env["amazon.offer"]
            .sudo()
            .search([("account_id", "=", self.id)])
        }
        targets = defaultdict(int)
        unknown = []
        fba_products = self.env["product.product"]
        for offer in offers.values():
            if offer.is_default_product or not offer.product_id.is_storable:
                continue
            if any(
                line.channel == "fba"
                and self._amazon_fba_network(line.marketplace_id) == network
                for line in offer.marketplace_line_ids
            ):
                fba_products |= offer.product_id
        for product in fba_products:
            targets[product] = 0
        for summary in summaries:
            sku = summary.get("sellerSku") or ""
            offer = offers.get(sku)
            reason = None
            if not offer:
                reason = _("no offer")
            elif not any(
                line.channel == "fba"
                and self._amazon_fba_network(line.marketplace_id) == network
                for line in offer.marketplace_line_ids
            ):
                reason = _("not FBA in Odoo on network %s", network)
            elif offer.is_default_product:
                reason = _("default product")
            elif not offer.product_id.is_storable:
                reason = _("product not storable")
            if reason:
                unknown.append(f"{sku} ({reason})")
                continue
            details = summary.get("inventoryDetails") or {}
            reserved = details.get("reservedQuantity") or {}
            targets[offer.product_id] += int(
                details.get("fulfillableQuantity") or 0
            ) + int(reserved.get("pendingCustomerOrderQuantity") or 0)
        return dict(targets), unknown

    def _amazon_count_fba_stock(self, location, targets):
        """Make the quantity of each product in ``location`` equal its target: a
        counted quantity on the product's quant there (created when missing; lots,
        packages and owners are counted in the total), applied when the account
        applies FBA adjustments.

        :param location: the Amazon ``stock.location``.
        :param dict targets: ``{product.product: int}``.
        :return: the number of products whose quantity differed.
        :rtype: int
        """
        self.ensure_one()
        if not targets:
            return 0
        Quant = self.env["stock.quant"].sudo()
        products = self.env["product.product"].union(*targets)
        quants = Quant.search(
            [("location_id", "=", location.id), ("product_id", "in", products.ids)]
        )
        by_product = defaultdict(lambda: Quant)
        for quant in quants:
            by_product[quant.product_id] |= quant
        counted = Quant
        user = self.user_id or self.env.ref("base.user_admin", raise_if_not_found=False)
        for product, target in targets.items():
            product_quants = by_product[product]
            difference = target - sum(product_quants.mapped("quantity"))
            plain = product_quants.filtered(
                lambda q: not q.lot_id and not q.package_id and not q.owner_id
            )[:1]
            if float_is_zero(difference, precision_rounding=product.uom_id.rounding):
                if plain.inventory_quantity_set and not float_is_zero(
                    plain.inventory_quantity - plain.quantity,
                    precision_rounding=product.uom_id.rounding,
                ):
                    plain.action_clear_inventory_quantity()
                continue
            if not plain:
                plain = Quant.create(
                    {"product_id": product.id, "location_id": location.id}
                )
            plain.write(
                {
                    "inventory_quantity": plain.quantity + difference,
                    "user_id": user.id if user else False,
                }
            )
            counted |= plain
        if counted and self.fba_stock_apply:
            counted.with_context(
                inventory_name=_("Amazon FBA stock (%s)", self.name)
            )._apply_inventory()
            counted.inventory_quantity_set = False
        return len(counted)


class AmazonOfferMarketplace(models.Model):
    _inherit = "amazon.offer.marketplace"

    def _amazon_run_stock(self, step):
        """Run ``step()`` in a savepoint; an error puts the lines back in the queue
        (throttling, Amazon failing: up to :data:`MAX_TRANSIENT_ATTEMPTS` times) or
        in error. Never raises: one feed never stops the others.

        :return: whether the step succeeded.
        :rtype: bool
        """
        try:
            with self.env.cr.savepoint():
                step()
            return True
        except (AmazonThrottledError, AmazonServerError) as error:
            for line in self:
                attempts = line.stock_attempts + 1
                if attempts >= MAX_TRANSIENT_ATTEMPTS:
                    line._amazon_set_stock_error(str(error))
                else:
                    line.write(
                        {
                            "stock_state": "pending",
                            "stock_attempts": attempts,
                            "stock_error": str(error),
                        }
                    )
        except (AmazonApiError, UserError) as error:
            for line in self:
                line._amazon_set_stock_error(str(error))
        # Anything else is a bug, recorded on the lines rather than stopping the run.
        except Exception as error:
            _logger.exception("Amazon FBM stock push of lines %s failed", self.ids)
            for line in self:
                line._amazon_set_stock_error(f"{type(error).__name__}: {error}")
        return False

    def _amazon_set_stock_done(self):
        self.ensure_one()
        self.write(
            {
                "stock_state": "done",
                "stock_quantity_amazon": self.stock_quantity_sent,
                "stock_error": False,
                "stock_attempts": 0,
                "stock_feed_ref": False,
                "stock_feed_message": 0,
            }
        )
        self.offer_id._amazon_close_stock_activity()

    def _amazon_set_stock_error(self, message):
        """Error state with Amazon's message, a note on the offer and an activity
        for the account's salesperson (one open activity per offer)."""
        self.ensure_one()
        _logger.info(
            "Amazon stock update of offer %s on %s failed: %s",
            self.offer_id.sku,
            self.marketplace_id.marketplace_ref,
            message,
        )
        self.write(
            {
                "stock_state": "error",
                "stock_error": message,
                "stock_attempts": self.stock_attempts + 1,
                "stock_feed_ref": False,
            }
        )
        note = _(
            "Amazon refused the quantity %(quantity)s of %(sku)s on %(marketplace)s: "
            "%(message)s",
            quantity=self.stock_quantity_sent,
            sku=self.offer_id.sku,
            marketplace=self.marketplace_id.name,
            message=message,
        )
        self.offer_id.message_post(body=note)
        self.offer_id._amazon_schedule_stock_activity(note)
