"""FBM shipment confirmations: an Amazon order's delivery, once validated, is queued
and confirmed to Amazon by :meth:`StockPicking._amazon_sync_pickings` (cron and the
account's SYNC PICKINGS button), never inside the user's transaction.

Flow of a picking (``amazon_sync_state``)::

    validated -> pending -> (claim) processing -> confirmShipment -> done
                                    processing -> feed (untracked) -> getFeed -> done
                                    processing -> Amazon refused (or failed 5 times)
                                               -> error -> Retry -> pending

A *claim* locks the pending rows (``FOR UPDATE SKIP LOCKED``) and marks them
processing in a transaction committed before any call, so a second run (cron and
button at once) skips them; a row left in processing by a crash is claimed again
after :data:`PROCESSING_TIMEOUT`. The claim date is a lease: the run renews it at
each picking's commit for the pickings it has not reached yet, so a long run keeps
them. Amazon treats a re-sent ``packageReferenceId``
as an edit of that package, so a confirmation sent twice (crash between the call
and the commit) never ships twice.

A picking waiting for its feed's result (processing, with a feed id) is claimed
again to read the result (``getFeed``) only once its last claim is
:data:`FEED_POLL_INTERVAL` old: the claim stamps ``amazon_sync_date``, so runs close
together (a cron triggered by every validation, SYNC PICKINGS) neither call getFeed
for it each time nor follow the same feed at once (which would confirm the picking
twice, or fail one of the two runs on a serialization error); it is never sent again.

Amazon refusing the account's credentials (``AmazonAuthError``), or a client that
cannot be built (missing secrets), is the account's failure, not the pickings': the
pickings not sent go back to pending, untouched, and the run reports the error (the
account's run row fails, see ``amazon.account._amazon_export_run``).
"""

import logging
import re
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, float_is_zero, float_round

from ..exceptions import (
    AmazonApiError,
    AmazonAuthError,
    AmazonServerError,
    AmazonThrottledError,
    AmazonUserError,
)
from ..services.sp_api import TSV_CONTENT_TYPE, CallLog, request_sent
from ..utils import format_amazon_datetime
from .amazon_sync_run import claim_records, error_text, log_error, renew_claims

_logger = logging.getLogger(__name__)

# A picking claimed this long ago and still processing was left by a crash (the
# adapter gives up on a call after 2 minutes).
PROCESSING_TIMEOUT = timedelta(minutes=30)
# A picking waiting for its feed's result is claimed (getFeed) at most this often.
FEED_POLL_INTERVAL = timedelta(minutes=5)
# Throttling or Amazon failures put a picking back in the queue this many times,
# then it is in error.
MAX_TRANSIENT_ATTEMPTS = 5
# Pickings claimed per run (the cron comes back every 15 minutes).
SYNC_BATCH_SIZE = 200
FULFILLMENT_FEED_TYPE = "POST_FLAT_FILE_FULFILLMENT_DATA"
FULFILLMENT_FEED_COLUMNS = (
    "order-id",
    "order-item-id",
    "quantity",
    "ship-date",
    "carrier-code",
    "carrier-name",
    "tracking-number",
    "ship-method",
)
FEED_WAITING = ("IN_QUEUE", "IN_PROGRESS")
ERROR_ACTIVITY_SUMMARY = "Amazon shipment confirmation failed"
ELSEWHERE_ACTIVITY_SUMMARY = "Amazon reports this order shipped"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        related="sale_id.amazon_account_id",
        store=True,
        index="btree_not_null",
    )
    amazon_is_fbm = fields.Boolean(
        string="Amazon FBM Delivery",
        compute="_compute_amazon_is_fbm",
        help="A delivery to the customer of a merchant-fulfilled Amazon order: its "
        "shipment is confirmed to Amazon when it is validated.",
    )
    amazon_sync_state = fields.Selection(
        [
            ("pending", "Pending"),
            ("processing", "Processing"),
            ("done", "Confirmed"),
            ("error", "Error"),
        ],
        string="Amazon Sync",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Pending: queued for the next synchronization (every 15 minutes, or "
        "SYNC PICKINGS on the account). Processing: being sent, or waiting for "
        "Amazon's feed result. Confirmed: Amazon knows the shipment. Error: Amazon "
        "refused it (see the message); fix and Retry.",
    )
    amazon_sync_error = fields.Text(string="Amazon Error", readonly=True, copy=False)
    amazon_sync_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the shipment was last claimed for sending, or to read its feed's "
        "result (UTC).",
    )
    amazon_sync_attempts = fields.Integer(readonly=True, copy=False)
    amazon_package_refs = fields.Char(
        string="Amazon Package References",
        readonly=True,
        copy=False,
        help="packageReferenceId of each package Amazon accepted, comma-separated.",
    )
    amazon_feed_ref = fields.Char(
        string="Amazon Feed ID",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The fulfillment feed that carries this shipment (untracked carriers).",
    )
    amazon_feed_messages = fields.Char(
        readonly=True,
        copy=False,
        help="The feed's message (row) numbers of this shipment, comma-separated.",
    )
    amazon_shipped_elsewhere = fields.Boolean(
        string="Shipped Elsewhere",
        readonly=True,
        copy=False,
        help="Amazon reports the order shipped while this delivery is still open in "
        "Odoo: check what left. Validating it will not confirm anything to Amazon.",
    )

    # === COMPUTE METHODS === #

    @api.depends(
        "sale_id.amazon_channel", "picking_type_code", "location_dest_id.usage"
    )
    def _compute_amazon_is_fbm(self):
        for picking in self:
            picking.amazon_is_fbm = (
                picking.sale_id.amazon_channel == "fbm"
                and picking.picking_type_code == "outgoing"
                and picking.location_dest_id.usage == "customer"
            )

    # === ACTION METHODS === #

    def action_amazon_retry(self):
        """Retry button: put pickings in error back in the queue (the cron is
        triggered; nothing is sent in this transaction)."""
        failed = self.filtered(lambda p: p.amazon_sync_state == "error")
        if not failed:
            raise AmazonUserError(
                _("No Amazon confirmation of these transfers failed.")
            )
        failed.write(
            {
                "amazon_sync_state": "pending",
                "amazon_sync_attempts": 0,
                "amazon_sync_date": False,
            }
        )
        self._amazon_trigger_sync()
        return True

    # === BUSINESS METHODS - VALIDATION === #

    def _pre_action_done_hook(self):
        """Refuse an Amazon FBM delivery Amazon could not be told about, before the
        backorder wizard."""
        self._amazon_check_buyer_cancel_request()
        self._amazon_check_shipment_details()
        return super()._pre_action_done_hook()

    def _amazon_check_buyer_cancel_request(self):
        """Warn before shipping an Amazon order whose buyer asked to cancel.

        :raise AmazonUserError: naming the order and the two ways on: accept the
            cancellation, or (the buyer changed their mind) *Ship Anyway* on the order.
        """
        for picking in self:
            order = picking.sale_id
            if (
                picking.picking_type_code == "outgoing"
                and order.amazon_buyer_cancel_requested
                and order.state != "cancel"
            ):
                raise AmazonUserError(
                    _(
                        "The buyer of Amazon order %(order)s asked to cancel it "
                        "(%(reason)s): do not ship it. On the sales order, use Accept "
                        "Buyer Cancellation, or Ship Anyway if the buyer withdrew the "
                        "request.",
                        order=order.amazon_order_ref,
                        reason=order.amazon_buyer_cancel_reason,
                    )
                )

    def _action_done(self):
        """Validate, then queue the Amazon FBM deliveries that left (the call to
        Amazon happens later, in :meth:`_amazon_sync_pickings`)."""
        amazon = self._amazon_to_confirm()
        amazon._amazon_check_shipment_details()
        result = super()._action_done()
        amazon.filtered(lambda p: p.state == "done")._amazon_queue()
        return result

    def _amazon_to_confirm(self):
        """The pickings whose validation is confirmed to Amazon: FBM deliveries to
        the customer of Amazon orders not shipped outside Odoo."""
        return self.filtered(
            lambda p: (
                p.amazon_is_fbm
                and not p.sale_id.amazon_shipped_outside
                and not p.amazon_sync_state
            )
        )

    def _amazon_check_shipment_details(self):
        """Amazon needs a carrier and, except for untracked carriers, a tracking
        number.

        :raise AmazonUserError: naming the transfer, the order and what is missing.
        """
        for picking in self._amazon_to_confirm():
            if picking._amazon_is_shipped_elsewhere():
                continue
            order_ref = picking.sale_id.amazon_order_ref
            if not picking.carrier_id:
                raise AmazonUserError(
                    _(
                        "%(picking)s ships Amazon order %(order)s: set its carrier "
                        "(Additional Info tab) before validating. Amazon is told the "
                        "carrier and the tracking number of every shipment.",
                        picking=picking.display_name,
                        order=order_ref,
                    )
                )
            refs = picking._amazon_tracking_refs()
            packages = len(picking.move_line_ids.result_package_id) or 1
            if len(refs) > 1 and len(refs) != packages:
                picking._amazon_tracking_numbers(packages)  # raises, saying why
            info = picking._amazon_carrier_info()
            if not info["untracked"] and not refs:
                raise AmazonUserError(
                    _(
                        "%(picking)s ships Amazon order %(order)s with %(carrier)s: "
                        "enter the tracking number before validating. Amazon "
                        "requires one (mark the carrier as untracked in Amazon > "
                        "Configuration > Carriers if it never has one).",
                        picking=picking.display_name,
                        order=order_ref,
                        carrier=picking.carrier_id.name,
                    )
                )

    def _amazon_is_shipped_elsewhere(self):
        self.ensure_one()
        return self.amazon_shipped_elsewhere or self.sale_id.amazon_status in (
            "SHIPPED",
            "CANCELLED",
        )

    def _amazon_queue(self):
        """Queue the validated pickings (state pending) and trigger the cron; the
        ones Amazon already reports shipped are flagged instead, never sent."""
        for picking in self:
            if picking._amazon_is_shipped_elsewhere():
                picking.amazon_shipped_elsewhere = True
                picking.message_post(
                    body=_(
                        "Not confirmed to Amazon: Amazon reports order %s as "
                        "shipped or canceled.",
                        picking.sale_id.amazon_order_ref,
                    )
                )
                continue
            picking.write(
                {
                    "amazon_sync_state": "pending",
                    "amazon_sync_error": False,
                    "amazon_sync_attempts": 0,
                    "amazon_sync_date": False,
                }
            )
        self._amazon_trigger_sync()

    def _amazon_trigger_sync(self):
        cron = self.env.ref(
            "sale_amazon_connector.ir_cron_amazon_sync_pickings",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger()

    # === BUSINESS METHODS - SHIPPED ELSEWHERE === #

    def _amazon_flag_shipped_elsewhere(self, order_data=None):
        """Amazon reports the order SHIPPED while these pickings are still open in
        Odoo (shipped from Seller Central or another tool): flag them, tell the
        responsible; never validate them silently.

        Meant for the order importer when an update brings status ``SHIPPED``:
        ``order.picking_ids._amazon_flag_shipped_elsewhere(order_data)``.

        :param dict order_data: the Orders v2026-01-01 ``Order`` (its ``packages``
            are listed in the message), optional.
        :return: the pickings newly flagged.
        :rtype: stock.picking
        """
        pickings = self.filtered(
            lambda p: (
                p.amazon_is_fbm
                and p.state not in ("done", "cancel")
                and not p.amazon_shipped_elsewhere
            )
        )
        if not pickings:
            return pickings
        ours = {
            ref
            for refs in self.sale_id.picking_ids.mapped("amazon_package_refs")
            for ref in (refs or "").split(",")
            if ref
        }
        packages = [
            f"{p.get('carrier') or '-'} {p.get('trackingNumber') or ''}".strip()
            for p in (order_data or {}).get("packages") or []
            if p.get("packageReferenceId") not in ours
        ]
        for picking in pickings:
            picking.amazon_shipped_elsewhere = True
            picking.message_post(
                body=_(
                    "Amazon reports order %(order)s as shipped while this transfer "
                    "is open in Odoo (Amazon's packages: %(packages)s). Check what "
                    "left the warehouse; validating it will not confirm anything to "
                    "Amazon.",
                    order=picking.sale_id.amazon_order_ref,
                    packages=", ".join(packages) or "-",
                )
            )
            picking._amazon_schedule_activity(
                _(ELSEWHERE_ACTIVITY_SUMMARY),
                _("Amazon reports the order shipped; this transfer is still open."),
            )
        return pickings

    # === BUSINESS METHODS - SYNC === #

    @api.model
    def _amazon_sync_pickings(
        self,
        accounts=None,
        client=None,
        limit=SYNC_BATCH_SIZE,
        client_options=None,
    ):
        """Send the queued shipment confirmations to Amazon (cron and SYNC PICKINGS).

        Claims the pending pickings (and those left processing), committing the
        claim before any call, then per picking: Orders v0 ``confirmShipment`` once
        per package, or the ``POST_FLAT_FILE_FULFILLMENT_DATA`` feed for untracked
        carriers (one feed per account and marketplace); feeds already sent are
        followed with ``getFeed`` and their processing report. Each picking's
        outcome is committed on its own (except under tests).

        :param accounts: ``amazon.account`` records to sync (default: every one).
        :param client: an ``SpApiClient`` to use for every account (tests).
        :param int limit: pickings claimed at most.
        :param dict client_options: more arguments of the clients built here
            (``max_wait``... for a button that must answer in time).
        :return: ``{"claimed": n, "sent": n, "attempted": n, "throttled": n,
            "skipped": n, "done": n, "error": n, "pending": n, "processing": n,
            "queued": n, "api_calls": n, "failure": str or False}``: pickings
            claimed; those a request reached Amazon for, those tried, those put
            back because Amazon throttled or the rate limiter left no call in time
            (a refused call is neither sent nor an attempt), and those settled
            without a call (the order already shipped); the states the claimed pickings
            ended in, the pending pickings left for a later run (beyond ``limit``),
            the HTTP requests sent to Amazon, and the error that stopped an account
            (credentials refused, no client), as ``"<error type>: <message>"``.
        :rtype: dict
        """
        claimed = self._amazon_claim(accounts, limit)
        Account = self.env["amazon.account"]
        Account._amazon_commit()
        call_log = CallLog()
        calls_before = client.call_log.total() if client else 0
        progress, failures = claimed._amazon_process(
            client, call_log=call_log, client_options=client_options
        )
        counts = {
            "claimed": len(claimed),
            **progress,
            "api_calls": call_log.total()
            + (client.call_log.total() - calls_before if client else 0),
        }
        for state in ("done", "error", "pending", "processing"):
            counts[state] = len(
                claimed.filtered(lambda p, s=state: p.amazon_sync_state == s)
            )
        domain = [("amazon_sync_state", "=", "pending"), ("id", "not in", claimed.ids)]
        if accounts is not None:
            domain.append(("amazon_account_id", "in", accounts.ids))
        counts["queued"] = self.search_count(domain)
        counts["failure"] = "\n".join(failures) or False
        return counts

    @api.model
    def _amazon_claim(self, accounts=None, limit=SYNC_BATCH_SIZE):
        """Lock and mark as processing the pickings to send now: pending ones,
        those left processing longer than :data:`PROCESSING_TIMEOUT`, and those
        waiting for a feed result claimed more than :data:`FEED_POLL_INTERVAL` ago.
        Rows another transaction holds are skipped (see
        ``amazon_sync_run.claim_records``, shared with the cancellations).

        Not committed here: the caller commits before calling Amazon.

        :return: the claimed pickings (empty when a concurrent run got there
            first).
        :rtype: stock.picking
        """
        now = fields.Datetime.now()
        account_filter = SQL("TRUE")
        if accounts is not None:
            account_filter = SQL(
                "amazon_account_id = ANY(%s)", list(accounts.ids) or [0]
            )
        condition = SQL(
            """%(accounts)s
               AND (amazon_sync_state = 'pending'
                    OR (amazon_sync_state = 'processing'
                        AND (amazon_sync_date IS NULL
                             OR amazon_sync_date < CASE
                                WHEN amazon_feed_ref IS NOT NULL THEN %(poll)s
                                ELSE %(stale)s END)))""",
            accounts=account_filter,
            stale=now - PROCESSING_TIMEOUT,
            poll=now - FEED_POLL_INTERVAL,
        )
        return claim_records(
            self,
            condition,
            {"amazon_sync_state": "processing", "amazon_sync_date": now},
            limit=limit,
        )

    def _amazon_process(self, client=None, call_log=None, client_options=None):
        """Send what the claimed pickings need, account by account.

        Each step's commit renews the claim of every picking the run still holds
        (those of its next accounts too, see :meth:`_amazon_step_done`); an
        account starts with those still held only, and its failure releases only
        those (one another run took meanwhile is left to it).

        :return: ``(progress, failures)``: ``progress`` counts the pickings
            ``sent`` (a request reached Amazon for them), ``attempted`` (their
            confirmation or feed was tried), ``throttled`` (back in the queue
            because Amazon throttled the call or the rate limiter left no call in
            time) and ``skipped`` (settled without a call: the order already
            shipped, nothing to confirm); ``failures`` holds one ``"<error
            type>: <message>"`` per account stopped by Amazon refusing its
            credentials or by a client that cannot be built (its pickings not sent
            are back in the queue).
        :rtype: tuple[dict, list[str]]
        """
        Account = self.env["amazon.account"]
        by_account = defaultdict(lambda: self.browse())
        for picking in self:
            by_account[picking.amazon_account_id] |= picking
        progress = {"sent": 0, "attempted": 0, "throttled": 0, "skipped": 0}
        failures = []
        # the claim stamp this run wrote: renewed only while it is still there
        stamps = {picking.id: picking.amazon_sync_date for picking in self}
        for account, account_pickings in by_account.items():
            # each step's commit renews the claims of the whole run: those lost
            # meanwhile (taken by another run) are left to it
            pickings = account_pickings.filtered(lambda p: p.id in stamps)
            if not pickings:
                continue
            options = dict(client_options or {})
            if call_log is not None:
                options["call_log"] = call_log
            # Amazon refusing the account's credentials, or secrets missing: the
            # pickings are not at fault. Any other error is the picking's (see
            # _amazon_process_account).
            failure = account._amazon_with_client(
                lambda account_client, pickings=pickings: (
                    pickings._amazon_process_account(account_client, progress, stamps)
                ),
                client=client,
                client_options=options,
            )
            if failure is not None:
                _logger.warning(
                    "Amazon shipment confirmations of account %s stopped: %s",
                    account.id,
                    type(failure).__name__,
                )
                # only the pickings this run still holds
                pickings.filtered(lambda p: p.id in stamps)._amazon_release()
                failures.append(f"{type(failure).__name__}: {failure}")
                Account._amazon_commit()
            for picking in pickings:
                stamps.pop(picking.id, None)
        return progress, failures

    def _amazon_release(self):
        """Put back in the queue the claimed pickings nothing was sent for (still
        processing without a feed); those waiting for a feed keep waiting."""
        self.filtered(
            lambda p: p.amazon_sync_state == "processing" and not p.amazon_feed_ref
        ).write({"amazon_sync_state": "pending", "amazon_sync_date": False})

    def _amazon_process_account(self, client, progress, stamps):
        """Send the claimed pickings of one account; ``progress`` counts them (see
        :meth:`_amazon_process`).

        Each picking (each feed of untracked pickings) is one savepoint and one
        commit: an error of the connector or of Amazon is handled by
        :meth:`_amazon_run`; any other error (a bug, another module's constraint,
        while reading the picking or recording its outcome) rolls back that
        savepoint and puts that picking (that feed's pickings) in error, with the
        error's type only, and the others go on (:meth:`_amazon_fail_unexpected`).
        Each commit renews the claim of the pickings not reached yet
        (``amazon_sync_date``, a lease of :data:`PROCESSING_TIMEOUT`), so a long run
        keeps them; one another run took meanwhile is left to it.

        :raise AmazonAuthError: Amazon refused the account's credentials (the
            picking concerned is back in the queue; the caller releases the rest).
        """
        held = self
        waiting = self.filtered("amazon_feed_ref")
        to_send = self - waiting
        untracked = self.browse()
        for picking in to_send:
            if picking not in held:
                continue
            outcome = picking._amazon_guarded(
                lambda picking=picking: picking._amazon_process_one(client, progress)
            )
            if outcome == "untracked":
                untracked |= picking
                continue
            if outcome == "skipped":
                progress["skipped"] += 1
            held = held._amazon_step_done(picking, stamps)
        untracked &= held
        for marketplace in untracked.sale_id.amazon_marketplace_id:
            batch = untracked.filtered(
                lambda p, m=marketplace: p.sale_id.amazon_marketplace_id == m
            )
            batch._amazon_guarded(
                lambda batch=batch: batch._amazon_run(
                    batch._amazon_send_fulfillment_feed, client, progress
                )
            )
            held = held._amazon_step_done(batch, stamps)
        for feed_ref in sorted(set(waiting.mapped("amazon_feed_ref"))):
            batch = waiting.filtered(lambda p, f=feed_ref: p.amazon_feed_ref == f)
            batch &= held
            if not batch:
                continue
            batch._amazon_guarded(
                lambda batch=batch: batch._amazon_run(batch._amazon_follow_feed, client)
            )
            held = held._amazon_step_done(batch, stamps)

    def _amazon_process_one(self, client, progress):
        """One claimed picking without feed: set aside when the order already
        shipped, in error when it cannot be confirmed as it is (no carrier...),
        confirmed (``confirmShipment``) when its carrier is tracked.

        :return: ``"skipped"``, ``"error"``, ``"untracked"`` (sent with the feed
            of its marketplace) or ``"sent"``.
        """
        self.ensure_one()
        if self.state != "done" or self._amazon_is_shipped_elsewhere():
            self.write({"amazon_sync_state": False, "amazon_sync_error": False})
            self.message_post(
                body=_("Not confirmed to Amazon: the order is already shipped.")
            )
            return "skipped"
        try:
            with self.env.cr.savepoint():
                info = self._amazon_carrier_info()
        # The picking cannot be confirmed as it is (no carrier...): its error. Any
        # other error is no such answer (see _amazon_guarded).
        except AmazonUserError as error:
            self._amazon_set_error(str(error))
            return "error"
        if info["untracked"]:
            return "untracked"
        self._amazon_run(self._amazon_confirm_packages, client, progress)
        return "sent"

    def _amazon_guarded(self, step):
        """Run ``step()`` for these pickings in a savepoint; an error that is not
        Amazon refusing the credentials rolls it back and puts them in error
        (:meth:`_amazon_fail_unexpected`).

        :return: what ``step`` returned, or ``"error"``.
        :raise AmazonAuthError: the account's failure (the packages Amazon
            accepted before stay recorded).
        """
        try:
            try:
                with self.env.cr.savepoint():
                    return step()
            except Exception as error:
                # Amazon accepted a feed before the error: it stays recorded
                if not self._amazon_keep_accepted_feed(error):
                    raise
                return "sent"
        except AmazonAuthError as error:
            # the savepoint undid what _amazon_run recorded
            self._amazon_keep_accepted(error)
            raise
        except Exception as error:  # noqa: BLE001
            self._amazon_fail_unexpected(error)
            return "error"

    def _amazon_fail_unexpected(self, error):
        """An error that is neither Amazon's nor the connector's (a bug, another
        module's constraint) stopped these pickings: log their ids, the error's
        type and traceback (its message may quote buyer data), and put them in
        error with the error's type only (``amazon_sync_run.error_text``: the
        picking's error is never erased).

        When recording the error fails too (the same cause), the state and text
        are written alone; failing again, the error propagates (the run fails).
        """
        log_error(
            _logger,
            "Amazon shipment confirmation of pickings %s failed",
            self.ids,
            error=error,
        )
        text = error_text(self.env, error)
        for picking in self:
            try:
                with self.env.cr.savepoint():
                    picking._amazon_set_error(text)
            except Exception:  # noqa: BLE001
                picking.write(
                    {
                        "amazon_sync_state": "error",
                        "amazon_sync_error": text,
                        "amazon_sync_attempts": picking.amazon_sync_attempts + 1,
                    }
                )

    def _amazon_step_done(self, done, stamps):
        """End a step: renew the claim of every picking the run still holds
        (``stamps``: ``{id: stamp}``, updated; ``done`` leaves it), those of its
        other accounts too, when their claim date is still the one this run
        wrote, and commit.

        :return: the pickings of ``self`` still held (see
            ``amazon_sync_run.renew_claims``).
        """
        for picking in done:
            stamps.pop(picking.id, None)
        # every picking the run still holds, those of its other accounts too
        held = renew_claims(
            self.browse(list(stamps)), "amazon_sync_state", "amazon_sync_date", stamps
        )
        self.env["amazon.account"]._amazon_commit()
        return self & held

    def _amazon_run(self, step, client, progress=None):
        """Run ``step(client)`` in a savepoint; an error puts the pickings back in
        the queue (throttling, Amazon failing: up to :data:`MAX_TRANSIENT_ATTEMPTS`
        times) or in error. One picking never stops the others.

        A call the rate limiter refused to wait for (nothing reached Amazon) is no
        attempt: the pickings go back to the queue with their attempts unchanged.

        :param dict progress: when given, the pickings are counted in it as
            ``attempted``, ``sent`` (when a request of the step reached Amazon)
            and ``throttled`` (see :meth:`_amazon_process`).
        :raise AmazonAuthError: Amazon refused the account's credentials: the
            pickings are back in the queue (no attempt counted), and the account's
            other pickings would meet the same answer.
        """
        calls_before = client.call_log.total()
        throttled = False
        try:
            try:
                with self.env.cr.savepoint():
                    step(client)
            except Exception as error:
                # Amazon accepted a feed before the error: it stays recorded
                if not self._amazon_keep_accepted_feed(error):
                    raise
        except AmazonAuthError as error:
            self._amazon_keep_accepted(error)
            self.filtered(lambda p: not p.amazon_feed_ref).write(
                {"amazon_sync_state": "pending", "amazon_sync_date": False}
            )
            raise
        except (AmazonThrottledError, AmazonServerError) as error:
            self._amazon_keep_accepted(error)
            throttled = isinstance(error, AmazonThrottledError)
            counted = request_sent(error)
            for picking in self:
                attempts = picking.amazon_sync_attempts + (1 if counted else 0)
                if attempts >= MAX_TRANSIENT_ATTEMPTS:
                    picking._amazon_set_error(str(error))
                else:
                    picking.write(
                        {
                            "amazon_sync_state": "pending",
                            "amazon_sync_attempts": attempts,
                            "amazon_sync_error": str(error),
                        }
                    )
        except (AmazonApiError, AmazonUserError) as error:
            self._amazon_keep_accepted(error)
            for picking in self:
                picking._amazon_set_error(str(error))
        # Anything else (a bug, Odoo's own UserError) is recorded on the pickings
        # rather than stopping the run, by its type only: its message may quote
        # buyer data, and the picking's error is never erased.
        except Exception as error:  # noqa: BLE001
            self._amazon_fail_unexpected(error)
        finally:
            if progress is not None:
                progress["attempted"] += len(self)
                if client.call_log.total() > calls_before:
                    progress["sent"] += len(self)
                if throttled:
                    progress["throttled"] += len(self)

    def _amazon_keep_accepted(self, error):
        """The packages Amazon accepted before ``error`` stay recorded (the
        savepoint of the step rolled them back)."""
        accepted = getattr(error, "amazon_accepted_refs", None)
        if accepted is not None and len(self) == 1:
            self.amazon_package_refs = accepted or False

    # === BUSINESS METHODS - CONFIRMSHIPMENT === #

    def _amazon_carrier_info(self):
        """The Amazon carrier of the picking (``amazon.carrier._amazon_carrier_info``).

        :raise AmazonUserError: the picking has no carrier.
        """
        self.ensure_one()
        if not self.carrier_id:
            raise AmazonUserError(_("%s has no carrier.", self.display_name))
        # stock users validate pickings without reading Amazon accounts
        return (
            self.env["amazon.carrier"]
            .sudo()
            ._amazon_carrier_info(self.carrier_id, self.sudo().amazon_account_id.region)
        )

    def _amazon_package_ref(self, package):
        """The deterministic ``packageReferenceId`` of one package of the picking.

        Amazon only takes positive numbers, unique within the order: the number of
        digits of the picking id, the picking id, then the package id (nothing when
        the picking has no package), e.g. picking 42, package 7 → ``2427``; picking
        42 without package → ``242``. Distinct pickings and packages never meet.
        """
        self.ensure_one()
        picking_id = str(self.id)
        return f"{len(picking_id)}{picking_id}{package.id if package else ''}"

    def _amazon_packages(self):
        """What left, package by package.

        :return: ``[(package_ref, package, [{"orderItemId": str, "quantity":
            int}])]`` for the done move lines of the picking, grouped by
            destination package (one group when the picking has none); lines not
            from an Amazon item (a product added in Odoo) are left out.
        :raise AmazonUserError: a quantity Amazon cannot take (not a whole number), or
            nothing of the order left.
        """
        self.ensure_one()
        groups = defaultdict(lambda: defaultdict(float))
        for line in self.move_line_ids.sorted("id"):
            move = line.move_id
            item_ref = move.sale_line_id.amazon_item_ref
            if move.state != "done" or not item_ref:
                continue
            quantity = line.product_uom_id._compute_quantity(
                line.quantity, move.sale_line_id.product_uom
            )
            groups[line.result_package_id][item_ref] += quantity
        packages = []
        for package in sorted(groups, key=lambda p: p.id or 0):
            items = []
            for item_ref, quantity in groups[package].items():
                if float_is_zero(quantity, precision_digits=3):
                    continue
                whole = float_round(quantity, precision_digits=0)
                if not float_is_zero(quantity - whole, precision_digits=3):
                    raise AmazonUserError(
                        _(
                            "%(picking)s: Amazon takes whole quantities only "
                            "(%(quantity)s for item %(item)s).",
                            picking=self.display_name,
                            quantity=quantity,
                            item=item_ref,
                        )
                    )
                items.append({"orderItemId": item_ref, "quantity": int(whole)})
            if items:
                packages.append((self._amazon_package_ref(package), package, items))
        if not packages:
            raise AmazonUserError(
                _("%s: nothing of the Amazon order left.", self.display_name)
            )
        return packages

    def _amazon_tracking_refs(self):
        """The picking's tracking numbers: its tracking reference split on commas,
        semicolons and line breaks (a tracking number may contain spaces)."""
        self.ensure_one()
        return [
            ref.strip()
            for ref in re.split(r"[,;\n]+", self.carrier_tracking_ref or "")
            if ref.strip()
        ]

    def _amazon_tracking_numbers(self, count):
        """``count`` tracking numbers, one per package: the picking's tracking
        numbers when there are as many, or its only one for every package.

        :raise AmazonUserError: several tracking numbers, but not one per package.
        """
        self.ensure_one()
        refs = self._amazon_tracking_refs()
        if len(refs) == count:
            return refs
        if len(refs) <= 1:
            return [refs[0] if refs else ""] * count
        raise AmazonUserError(
            _(
                "%(picking)s has %(refs)s tracking numbers for %(count)s package(s): "
                "give one per package, in the order of the packages, or a single one.",
                picking=self.display_name,
                refs=len(refs),
                count=count,
            )
        )

    def _amazon_confirm_packages(self, client):
        """Orders v0 ``confirmShipment``, one call per package not yet accepted;
        then the picking is done.

        :raise AmazonApiError: Amazon refused a package or failed (the packages
            accepted before stay recorded in ``amazon_package_refs``).
        :raise AmazonUserError: see :meth:`_amazon_packages`.
        """
        self.ensure_one()
        order = self.sale_id
        info = self._amazon_carrier_info()
        packages = self._amazon_packages()
        trackings = self._amazon_tracking_numbers(len(packages))
        accepted = [ref for ref in (self.amazon_package_refs or "").split(",") if ref]
        sent = []
        for (ref, package, items), tracking in zip(packages, trackings, strict=True):
            if ref in accepted:
                continue
            detail = {
                "packageReferenceId": ref,
                "carrierCode": info["code"],
                "trackingNumber": tracking,
                "shipDate": self.date_done,
                "orderItems": items,
            }
            if info["name"]:
                detail["carrierName"] = info["name"]
            if info["shipping_method"]:
                detail["shippingMethod"] = info["shipping_method"]
            try:
                client.confirm_shipment(
                    order.amazon_order_ref,
                    marketplace_id=order.amazon_marketplace_id.marketplace_ref,
                    package_detail=detail,
                )
            except AmazonApiError as error:
                error.amazon_accepted_refs = ",".join(accepted)
                raise
            accepted.append(ref)
            sent.append(
                _(
                    "package %(ref)s%(name)s: %(carrier)s %(tracking)s",
                    ref=ref,
                    name=f" ({package.name})" if package else "",
                    carrier=info["name"] or info["code"],
                    tracking=tracking,
                )
            )
        self.amazon_package_refs = ",".join(accepted) or False
        self._amazon_set_done(
            _("Shipment confirmed to Amazon: %s.", "; ".join(sent) or "-")
        )

    # === BUSINESS METHODS - FULFILLMENT FEED === #

    def _amazon_send_fulfillment_feed(self, client):
        """One ``POST_FLAT_FILE_FULFILLMENT_DATA`` feed for these pickings (one
        account, one marketplace): a row per item and package; the pickings stay
        processing with the feed id and their row numbers until
        :meth:`_amazon_follow_feed` reads the result. Once ``submit_feed``
        returned, Amazon has the feed: an error recording it carries it
        (``amazon_accepted_feed``, recorded again after the rollback by
        :meth:`_amazon_keep_accepted_feed`), and the chatter note is posted in a
        savepoint of its own whose failure is only logged.

        :raise AmazonApiError: the document, upload or feed was refused.
        """
        rows, messages = [], {}
        for picking in self:
            info = picking._amazon_carrier_info()
            packages = picking._amazon_packages()
            trackings = picking._amazon_tracking_numbers(len(packages))
            numbers = []
            for (_ref, _package, items), tracking in zip(
                packages, trackings, strict=True
            ):
                for item in items:
                    rows.append(
                        (
                            picking.sale_id.amazon_order_ref,
                            item["orderItemId"],
                            str(item["quantity"]),
                            format_amazon_datetime(picking.date_done),
                            info["code"],
                            info["name"] or "",
                            tracking,
                            info["shipping_method"] or "",
                        )
                    )
                    numbers.append(len(rows))
            messages[picking] = numbers
        content = "\t".join(FULFILLMENT_FEED_COLUMNS) + "\n"
        content += "".join(
            "\t".join(_tsv_value(value) for value in row) + "\n" for row in rows
        )
        marketplace = self.sale_id.amazon_marketplace_id
        feed_ref, _document = client.submit_feed(
            FULFILLMENT_FEED_TYPE,
            content,
            TSV_CONTENT_TYPE,
            [marketplace.marketplace_ref],
        )
        # Amazon has the feed: from here on, an error must not roll its id back
        # (the pickings would be sent again). The error carries the feed, which
        # _amazon_run and _amazon_guarded record again after their rollback.
        accepted = {
            picking.id: ",".join(map(str, numbers))
            for picking, numbers in messages.items()
        }
        try:
            for picking in self:
                picking.write(
                    {
                        "amazon_feed_ref": feed_ref,
                        "amazon_feed_messages": accepted[picking.id],
                    }
                )
            self.env.flush_all()
        except Exception as error:
            error.amazon_accepted_feed = (feed_ref, accepted)
            raise
        self._amazon_post_feed_sent(feed_ref)

    def _amazon_post_feed_sent(self, feed_ref):
        """Say in each picking's chatter that it left in fulfillment feed
        ``feed_ref`` (in a savepoint of its own: a note that cannot be posted is
        logged, it changes nothing of the shipment Amazon took)."""
        try:
            with self.env.cr.savepoint():
                for picking in self:
                    picking.message_post(
                        body=_(
                            "Shipment sent to Amazon in fulfillment feed %s "
                            "(untracked carrier); waiting for Amazon's result.",
                            feed_ref,
                        )
                    )
        except Exception as error:  # noqa: BLE001
            log_error(
                _logger,
                "Amazon fulfillment feed %s: note not posted on pickings %s",
                feed_ref,
                self.ids,
                error=error,
            )

    def _amazon_keep_accepted_feed(self, error):
        """When ``error`` came after Amazon accepted a fulfillment feed for these
        pickings (``amazon_accepted_feed``: its id and each picking's rows), record
        that feed again (the savepoint of the step rolled it back): the pickings
        keep waiting for its result instead of going to error or back to the
        queue (sent again). The error is logged.

        :return: whether the feed was recorded (the error is then handled).
        """
        accepted = getattr(error, "amazon_accepted_feed", None)
        if not accepted:
            return False
        feed_ref, messages = accepted
        pickings = self.filtered(lambda p: p.id in messages)
        for picking in pickings:
            picking.write(
                {
                    "amazon_sync_state": "processing",
                    "amazon_feed_ref": feed_ref,
                    "amazon_feed_messages": messages[picking.id],
                }
            )
        self.env.flush_all()
        log_error(
            _logger,
            "Amazon fulfillment feed %s of pickings %s: accepted by Amazon, kept "
            "after an error",
            feed_ref,
            pickings.ids,
            error=error,
        )
        return True

    def _amazon_follow_feed(self, client):
        """``getFeed`` for the pickings of one feed; once Amazon is done, its
        processing report decides, row by row, which pickings are done and which
        are in error."""
        feed_ref = self[:1].amazon_feed_ref
        feed = client.get_feed(feed_ref)
        status = feed.get("processingStatus")
        if status in FEED_WAITING:
            return
        report = client.get_feed_report(feed) if status in ("DONE", "FATAL") else None
        results = (report or {}).get("results") or []
        for picking in self:
            numbers = {
                int(n) for n in (picking.amazon_feed_messages or "").split(",") if n
            }
            errors = [
                r["description"] or r["message_code"]
                for r in results
                if r["result_code"] == "Error"
                and (r["message_id"] in numbers or r["message_id"] == 0)
            ]
            if status != "DONE" and not errors:
                errors = [
                    _(
                        "Amazon ended feed %(feed)s %(status)s.",
                        feed=feed_ref,
                        status=status,
                    )
                ]
            if errors:
                picking.write({"amazon_feed_ref": False, "amazon_feed_messages": False})
                picking._amazon_set_error(
                    _(
                        "Feed %(feed)s: %(errors)s",
                        feed=feed_ref,
                        errors="; ".join(errors),
                    )
                )
            else:
                picking._amazon_set_done(
                    _("Shipment confirmed to Amazon by fulfillment feed %s.", feed_ref)
                )

    # === BUSINESS METHODS - OUTCOME === #

    def _amazon_set_done(self, message):
        self.ensure_one()
        self.write(
            {
                "amazon_sync_state": "done",
                "amazon_sync_error": False,
                "amazon_sync_date": fields.Datetime.now(),
            }
        )
        self.message_post(body=message)
        self.activity_ids.filtered(
            lambda a: a.summary == _(ERROR_ACTIVITY_SUMMARY)
        ).action_feedback(feedback=_("Confirmed to Amazon."))

    def _amazon_set_error(self, message):
        """Error state with Amazon's message, a chatter note and an activity for
        the responsible (one open activity per picking)."""
        self.ensure_one()
        _logger.info(
            "Amazon shipment confirmation of picking %s failed: %s", self.id, message
        )
        self.write(
            {
                "amazon_sync_state": "error",
                "amazon_sync_error": message,
                "amazon_sync_attempts": self.amazon_sync_attempts + 1,
            }
        )
        self.message_post(body=_("Amazon shipment confirmation failed: %s", message))
        self._amazon_schedule_activity(_(ERROR_ACTIVITY_SUMMARY), message)

    def _amazon_schedule_activity(self, summary, note):
        self.ensure_one()
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        user = (
            self.user_id
            or self.sale_id.user_id
            or self.amazon_account_id.user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
        )


def _tsv_value(value):
    """A flat-file cell: no tab or line break inside."""
    return re.sub(r"[\t\r\n]+", " ", str(value or ""))
