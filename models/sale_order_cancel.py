"""Cancellations of Amazon orders, both ways: canceled on Amazon (the order sync
calls :meth:`_amazon_cancel_from_amazon`), canceled in Odoo (the *Cancel on Amazon*
wizard queues the order; :meth:`_amazon_sync_cancellations` sends Amazon's
``POST_ORDER_ACKNOWLEDGEMENT_DATA`` feed and follows it)."""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.tools import SQL

from ..const import CANCEL_REASONS, ORDER_ACK_FEED
from ..exceptions import (
    AmazonApiError,
    AmazonAuthError,
    AmazonServerError,
    AmazonThrottledError,
    AmazonUserError,
)
from ..services.sp_api import TSV_CONTENT_TYPE, CallLog
from .amazon_sync_run import claim_records, error_text, log_error, renew_claims
from .sale_order import BUYER_CANCEL_SUMMARY

_logger = logging.getLogger(__name__)

CANCEL_FEED_COLUMNS = ("order-id", "amazon-order-item-code", "cancellation-reason-code")
FEED_WAITING = ("IN_QUEUE", "IN_PROGRESS")
# A cancellation claimed this long ago, still processing without a feed, was left by
# a crash between the claim and the feed.
CANCEL_CLAIM_TIMEOUT = timedelta(minutes=30)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _amazon_cancel_from_amazon(self):
        """Amazon canceled the order: cancel it (and its pickings) without e-mailing
        the buyer; if goods already left, flag it for review instead."""
        self.ensure_one()
        if (
            any(p.state == "done" for p in self.picking_ids)
            or self.amazon_channel == "fba"
        ):
            self.write(
                {
                    "amazon_needs_review": True,
                    "amazon_review_reason": _(
                        "Amazon canceled this order after goods left the warehouse."
                    ),
                }
            )
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Amazon canceled a shipped order"),
                user_id=(self.user_id or self.env.user).id,
            )
            return
        self.with_context(
            disable_cancel_warning=True, mail_notify_force_send=False
        )._action_cancel()
        self.write(
            {
                "amazon_canceled_origin": "amazon",
                "amazon_canceled_date": fields.Datetime.now(),
                "amazon_canceled_by_id": False,
            }
        )
        self.message_post(
            body=_("Canceled on Amazon."),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    # === ACTION METHODS - CANCELLATION === #

    def action_cancel(self):
        """Canceling an Amazon order asks for Amazon's cancel reason first (the
        *Cancel on Amazon* wizard), and never e-mails the buyer from Odoo. FBA orders
        cannot be canceled by the seller."""
        amazon = self.filtered(
            lambda order: order.amazon_account_id and order.state != "cancel"
        )
        if not amazon:
            return super().action_cancel()
        if amazon != self.filtered(lambda order: order.state != "cancel"):
            raise AmazonUserError(
                _(
                    "Cancel Amazon orders apart from other orders: Amazon is told "
                    "about them, with Amazon's cancel reason."
                )
            )
        amazon._amazon_check_cancellable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Cancel on Amazon"),
            "res_model": "amazon.order.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": amazon.ids},
        }

    def action_amazon_accept_buyer_cancellation(self):
        """Accept the buyer's cancellation request: cancel the order in Odoo and on
        Amazon with the reason *Buyer canceled*."""
        orders = self.filtered("amazon_buyer_cancel_requested")
        if not orders:
            raise AmazonUserError(_("No buyer asked to cancel these orders."))
        orders._amazon_cancel_from_odoo("BuyerCanceled")
        orders.activity_ids.filtered(
            lambda a: a.summary == BUYER_CANCEL_SUMMARY
        ).action_feedback(feedback=_("Buyer cancellation accepted."))
        return True

    def action_amazon_ship_anyway(self):
        """The buyer withdrew their cancellation request: clear the flag so that the
        delivery can be validated (said in the chatter)."""
        for order in self.filtered("amazon_buyer_cancel_requested"):
            order.amazon_buyer_cancel_requested = False
            order.activity_ids.filtered(
                lambda a: a.summary == BUYER_CANCEL_SUMMARY
            ).action_feedback(feedback=_("Shipped anyway."))
            order.message_post(
                body=_(
                    "Buyer cancellation request set aside by %s.", self.env.user.name
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_amazon_retry_cancellation(self):
        """Send a cancellation that failed again."""
        self.filtered(lambda o: o.amazon_cancel_state == "error").write(
            {"amazon_cancel_state": "pending", "amazon_cancel_error": False}
        )
        return True

    # === BUSINESS METHODS - CANCELLATION TO AMAZON === #

    def _amazon_check_cancellable(self):
        """:raise AmazonUserError: for an FBA order (Amazon ships it: only Amazon
        cancels it) or an order whose every item already shipped."""
        for order in self:
            if order.amazon_channel == "fba":
                raise AmazonUserError(
                    _(
                        "%s is fulfilled by Amazon (FBA): only Amazon can cancel it. "
                        "Ask Amazon through Seller Central.",
                        order.amazon_order_ref,
                    )
                )
            if not order._amazon_cancellable_items():
                raise AmazonUserError(
                    _(
                        "Every item of %s has already shipped: Amazon cannot cancel "
                        "it. Refund the buyer in Seller Central instead.",
                        order.amazon_order_ref,
                    )
                )

    def _amazon_cancellable_items(self):
        """The order's lines Amazon can cancel: items not shipped at all (Amazon
        cancels whole items only)."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: (
                line.amazon_item_ref and line.product_uom_qty and not line.qty_delivered
            )
        )

    def _amazon_cancel_from_odoo(self, reason):
        """Cancel FBM Amazon orders in Odoo and queue their seller cancellation.

        Amazon cancels whole unshipped items only. When nothing of the order has
        shipped, the order is canceled in Odoo at once (no e-mail to the buyer); when
        part of it has, the order stays confirmed and its wholly unshipped items go
        down to zero (their open deliveries follow), and the user is told to refund a
        partly shipped item's rest in Seller Central. The canceled items are queued
        for the order acknowledgement feed that :meth:`_amazon_sync_cancellations`
        sends (cron, SYNC CANCELLATIONS).

        :param str reason: one of Amazon's cancel reasons (:data:`CANCEL_REASONS`).
        :raise AmazonUserError: a locked order, an unknown reason, or see
            :meth:`_amazon_check_cancellable`.
        """
        if reason not in dict(CANCEL_REASONS):
            raise AmazonUserError(
                _("%s is not one of Amazon's cancel reasons.", reason)
            )
        if any(order.locked for order in self):
            raise AmazonUserError(
                _("You cannot cancel a locked order. Unlock it first.")
            )
        self._amazon_check_cancellable()
        for order in self:
            items = order._amazon_cancellable_items()
            amazon_lines = order.order_line.filtered("amazon_item_ref")
            shipped = amazon_lines.filtered("qty_delivered")
            partly = shipped.filtered(
                lambda line: line.qty_delivered < line.product_uom_qty
            )
            if shipped:
                order.with_context(mail_notrack=True).write(
                    {
                        "order_line": [
                            Command.update(line.id, {"product_uom_qty": 0})
                            for line in items
                        ]
                    }
                )
            else:
                order.with_context(
                    disable_cancel_warning=True, mail_notify_force_send=False
                )._action_cancel()
            order.write(
                {
                    "amazon_cancel_state": "pending",
                    "amazon_cancel_reason": reason,
                    "amazon_cancel_error": False,
                    "amazon_cancel_items": ",".join(items.mapped("amazon_item_ref")),
                    "amazon_cancel_feed_ref": False,
                    "amazon_cancel_messages": False,
                    "amazon_cancel_claimed_at": False,
                    "amazon_canceled_origin": "odoo",
                    "amazon_canceled_by_id": self.env.user.id,
                    "amazon_canceled_date": fields.Datetime.now(),
                }
            )
            if shipped:
                body = _(
                    "Unshipped items canceled in Odoo (%(reason)s): %(items)s will be "
                    "canceled on Amazon, which tells the buyer. The order stays "
                    "confirmed for what already shipped.",
                    reason=dict(CANCEL_REASONS)[reason],
                    items=", ".join(items.mapped("name")),
                )
            else:
                body = _(
                    "Canceled in Odoo (%(reason)s): %(count)s item(s) will be canceled "
                    "on Amazon, which tells the buyer.",
                    reason=dict(CANCEL_REASONS)[reason],
                    count=len(items),
                )
            if partly:
                body += " " + _(
                    "Partly shipped items cannot be canceled on Amazon: refund the "
                    "rest of %s in Seller Central.",
                    ", ".join(partly.mapped("name")),
                )
            order.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )

    @api.model
    def _amazon_sync_cancellations(self, account, client=None, client_options=None):
        """Send the account's pending seller cancellations in one order
        acknowledgement feed (``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA``: one row
        per item with ``cancellation-reason-code``) and follow the feeds sent before
        (``getFeed``, processing report) until Amazon has processed them.

        Orders are claimed (:meth:`_amazon_claim_cancellations`: ``FOR UPDATE SKIP
        LOCKED``, marked processing and stamped) and that claim committed before any
        call, so a concurrent run (the cron and SYNC CANCELLATIONS) neither sends
        nor follows them; the stamp is cleared when the run lets them go. A report
        Error marks the order in error with an activity; a Warning (e.g. already
        canceled) counts as done.

        Amazon refusing the account's credentials (``AmazonAuthError``) or a client
        that cannot be built (missing secrets) is the account's failure, not the
        orders': the claimed orders go back to pending, the feeds sent keep
        waiting, and ``failure`` says why (the run row fails). Any other error is
        the orders' of the step it happened in (see :meth:`_amazon_send_and_follow`):
        rolled back with the step's savepoint, those orders in error, the other
        steps go on. The claim stamp is a lease, renewed at each step's commit.

        :param account: the ``amazon.account``.
        :param client: an ``SpApiClient`` (tests); default: a new one.
        :param dict client_options: more arguments of the client built here
            (``max_wait``... for a button that must answer in time).
        :return: ``{"sent": n, "done": n, "error": n, "waiting": n, "attempted":
            n, "throttled": n, "api_calls": n, "failure": str or False}``: orders
            sent in a feed, canceled on Amazon, in error; orders taken by this run
            that still wait (feed not processed yet, or back in the queue after
            throttling); orders the run tried to send or follow, and those of them
            put back because Amazon throttled the call or the rate limiter left no
            call in time; HTTP requests sent; the account's failure as ``"<error
            type>: <message>"``.
        """
        Account = self.env["amazon.account"]
        counts = {
            "sent": 0,
            "done": 0,
            "error": 0,
            "waiting": 0,
            "attempted": 0,
            "throttled": 0,
            "api_calls": 0,
            "failure": False,
        }
        claimed = self._amazon_claim_cancellations(account)
        if not claimed:
            return counts
        # the stamp this run wrote: renewed only while it is still there
        stamps = {order.id: order.amazon_cancel_claimed_at for order in claimed}
        Account._amazon_commit()
        pending = claimed.filtered(lambda order: not order.amazon_cancel_feed_ref)
        waiting = claimed - pending
        own_client = client is None
        call_log = CallLog()
        calls_before = 0 if own_client else client.call_log.total()
        # Secrets missing or Amazon refusing the credentials: the orders are not at
        # fault.
        failure = account._amazon_with_client(
            lambda account_client: self._amazon_send_and_follow(
                account_client, pending, waiting, counts, stamps
            ),
            client=client,
            client_options={**(client_options or {}), "call_log": call_log},
        )
        if failure is not None:
            _logger.warning(
                "Amazon cancellations of account %s stopped: %s",
                account.id,
                type(failure).__name__,
            )
            claimed._amazon_release_cancellations()
            counts["failure"] = f"{type(failure).__name__}: {failure}"
            Account._amazon_commit()
        counts["api_calls"] = call_log.total() + (
            0 if own_client else client.call_log.total() - calls_before
        )
        counts["waiting"] = len(
            claimed.filtered(
                lambda o: o.amazon_cancel_state in ("pending", "processing")
            )
        )
        return counts

    @api.model
    def _amazon_send_and_follow(self, client, pending, waiting, counts, stamps):
        """Send the claimed ``pending`` orders in one feed, then follow the feeds of
        the claimed ``waiting`` orders, each step committed; ``counts`` is updated.

        Each step renews the claim of the orders not reached yet
        (:meth:`_amazon_renew_cancellation_claims`) with its commit, so a long run
        keeps them; an order whose claim another run took meanwhile is left to it.

        Following a feed: Amazon throttling or failing (``AmazonThrottledError``,
        ``AmazonServerError``) lets its orders go, followed by a later run; any
        other Amazon error (the feed not found, its report unreadable...) puts them
        in error with Amazon's message, and their feed is forgotten so that *Retry
        Amazon Cancellation* sends them again (an item already canceled is answered
        with a warning, which counts as done). Any other error (a bug, a constraint
        of another module) is rolled back with the feed's savepoint and puts that
        feed's orders in error with the error's type only (its message may quote
        buyer data; the log has their ids and the traceback), their feed kept for
        Retry to follow again; the other feeds go on.

        :raise AmazonAuthError: Amazon refused the account's credentials.
        """
        held = pending | waiting
        if pending:
            counts["attempted"] += len(pending)
            feed_ref = pending._amazon_send_cancellation_feed(client, counts)
            held = self._amazon_cancellation_step_done(held - pending, stamps)
            if feed_ref:
                pending._amazon_post_cancellation_sent(feed_ref)
                self.env["amazon.account"]._amazon_commit()
        for feed_ref in sorted(set(waiting.mapped("amazon_cancel_feed_ref"))):
            orders = waiting.filtered(
                lambda o, ref=feed_ref: o.amazon_cancel_feed_ref == ref
            )
            # taken by another run while this one was busy: left to it
            orders &= held
            if not orders:
                continue
            counts["attempted"] += len(orders)
            try:
                with self.env.cr.savepoint():
                    done, failed = orders._amazon_follow_cancellation_feed(client)
            except AmazonAuthError:
                raise
            # Amazon throttled or failed: the feed is followed by a later run.
            except (AmazonThrottledError, AmazonServerError) as error:
                _logger.warning("Amazon feed %s: %s", feed_ref, error)
                if isinstance(error, AmazonThrottledError):
                    counts["throttled"] += len(orders)
            # Amazon's answer about the feed is final (not found, unreadable
            # report...): following it again would fail the same way, forever.
            except AmazonApiError as error:
                _logger.warning(
                    "Amazon feed %s of orders %s: %s", feed_ref, orders.ids, error
                )
                orders.write({"amazon_cancel_feed_ref": False})
                orders._amazon_cancel_failed(
                    _("Feed %(feed)s: %(error)s", feed=feed_ref, error=error),
                    outcome_unknown=True,
                )
                counts["error"] += len(orders)
            # A bug or another module's constraint: this feed's orders only.
            except Exception as error:  # noqa: BLE001
                log_error(
                    _logger,
                    "Amazon cancellation feed %s of orders %s failed",
                    feed_ref,
                    orders.ids,
                    error=error,
                )
                orders._amazon_cancel_failed(
                    _(
                        "Feed %(feed)s: %(error)s",
                        feed=feed_ref,
                        error=error_text(self.env, error),
                    ),
                    outcome_unknown=True,
                )
                counts["error"] += len(orders)
            else:
                counts["done"] += done
                counts["error"] += failed
            orders._amazon_release_cancellations()
            held = self._amazon_cancellation_step_done(held - orders, stamps)

    @api.model
    def _amazon_cancellation_step_done(self, held, stamps):
        """End a step of the run: renew the claim of the orders ``held`` (not
        reached yet) and commit.

        :param dict stamps: ``{id: claim stamp this run last wrote}`` (updated).
        :return: the orders still held (see ``amazon_sync_run.renew_claims``).
        """
        held = self._amazon_renew_cancellation_claims(held, stamps)
        self.env["amazon.account"]._amazon_commit()
        return held

    @api.model
    def _amazon_renew_cancellation_claims(self, orders, stamps):
        """Stamp the claimed ``orders`` again (``amazon_cancel_claimed_at``: the
        lease :data:`CANCEL_CLAIM_TIMEOUT` counts from) when their stamp is still
        the one this run wrote (``stamps``, updated), not committed.

        :return: those still claimed by this run.
        """
        return renew_claims(
            orders, "amazon_cancel_state", "amazon_cancel_claimed_at", stamps
        )

    @api.model
    def _amazon_claim_cancellations(self, account):
        """Claim the account's cancellations to work on now (see
        ``amazon_sync_run.claim_records``): pending ones (to send), those waiting
        for their feed's result (to follow), and those a crash left claimed for
        longer than :data:`CANCEL_CLAIM_TIMEOUT` (sent again when they have no
        feed: Amazon answers an item already canceled with a warning, which counts
        as done). They are marked processing and stamped
        (``amazon_cancel_claimed_at``): a concurrent run skips them until the
        claiming run lets them go (:meth:`_amazon_release_cancellations`). Not
        committed here: the caller commits before calling Amazon.

        :return: the claimed ``sale.order`` records.
        """
        now = fields.Datetime.now()
        return claim_records(
            self,
            SQL(
                """amazon_account_id = %s
                   AND (amazon_cancel_state = 'pending'
                        OR (amazon_cancel_state = 'processing'
                            AND (amazon_cancel_claimed_at IS NULL
                                 OR amazon_cancel_claimed_at < %s)))""",
                account.id,
                now - CANCEL_CLAIM_TIMEOUT,
            ),
            {"amazon_cancel_state": "processing", "amazon_cancel_claimed_at": now},
        )

    def _amazon_release_cancellations(self):
        """Let claimed orders go: those still without a feed back to pending, those
        waiting for a feed unstamped (the next run follows them); orders done or in
        error stay as they are."""
        processing = self.filtered(lambda o: o.amazon_cancel_state == "processing")
        processing.filtered(lambda o: not o.amazon_cancel_feed_ref).write(
            {"amazon_cancel_state": "pending", "amazon_cancel_claimed_at": False}
        )
        processing.filtered("amazon_cancel_feed_ref").write(
            {"amazon_cancel_claimed_at": False}
        )

    def _amazon_send_cancellation_feed(self, client, counts):
        """Send one order acknowledgement feed for these claimed orders (rows
        numbered from 1 in the order of the file: Amazon's message ids in the
        report) and record its id on them; ``counts`` is updated (``sent``,
        ``throttled``, ``error``).

        Until ``submit_feed`` returns, anything that fails is the orders': Amazon
        throttling or failing lets them go (sent by a later run), Amazon refusing
        the feed puts them in error (Amazon did not cancel), any other error puts
        them in error too, saying whether Amazon canceled is not known (it may
        come from inside submit_feed after Amazon created the feed). Once
        ``submit_feed`` returned, Amazon is canceling them: the feed id is
        written and committed at once, outside that handling, so nothing after it
        can say otherwise (an error there stops the run, which keeps the orders
        claimed: taken again after :data:`CANCEL_CLAIM_TIMEOUT` and sent
        again, which Amazon answers with a warning that counts as done).

        :return: the feed id, or ``False`` when nothing was sent.
        :raise AmazonAuthError: Amazon refused the account's credentials.
        """
        rows, messages = ["\t".join(CANCEL_FEED_COLUMNS)], defaultdict(list)
        try:
            with self.env.cr.savepoint():
                for order in self:
                    for item_ref in (order.amazon_cancel_items or "").split(","):
                        if not item_ref:
                            continue
                        rows.append(
                            f"{order.amazon_order_ref}\t{item_ref}\t"
                            f"{order.amazon_cancel_reason}"
                        )
                        messages[order.id].append(len(rows) - 1)
                marketplaces = self.amazon_marketplace_id.mapped("marketplace_ref")
                feed_ref, _document = client.submit_feed(
                    ORDER_ACK_FEED,
                    ("\n".join(rows) + "\n").encode(),
                    TSV_CONTENT_TYPE,
                    marketplaces,
                )
        except (AmazonThrottledError, AmazonServerError) as error:
            # Transient: sent again by the next run.
            _logger.warning("Amazon cancellation feed not sent: %s", error)
            self._amazon_release_cancellations()
            if isinstance(error, AmazonThrottledError):
                counts["throttled"] += len(self)
            return False
        except AmazonAuthError:
            raise
        # Amazon refused the feed, or the connector could not make it: recorded on
        # the orders, never left processing.
        except Exception as error:  # noqa: BLE001
            # Amazon's refusal is an answer: it did not cancel. Any other error
            # may come from inside submit_feed after Amazon created the feed:
            # whether it cancels is not known.
            amazon_refused = isinstance(error, AmazonApiError)
            if amazon_refused:
                message = str(error)
            else:
                log_error(
                    _logger,
                    "Amazon cancellation feed of orders %s not sent",
                    self.ids,
                    error=error,
                )
                message = error_text(self.env, error)
            self._amazon_cancel_failed(message, outcome_unknown=not amazon_refused)
            counts["error"] += len(self)
            return False
        for order in self:
            order.write(
                {
                    "amazon_cancel_feed_ref": feed_ref,
                    "amazon_cancel_messages": ",".join(map(str, messages[order.id])),
                }
            )
        counts["sent"] += len(self)
        self._amazon_release_cancellations()
        self.env["amazon.account"]._amazon_commit()
        return feed_ref

    def _amazon_post_cancellation_sent(self, feed_ref):
        """Say in each order's chatter that its cancellation left in ``feed_ref``
        (after the feed id is committed: a note that cannot be posted is logged,
        it changes nothing of the cancellation)."""
        try:
            with self.env.cr.savepoint():
                for order in self:
                    order.message_post(
                        body=_("Cancellation sent to Amazon in feed %s.", feed_ref),
                        message_type="comment",
                        subtype_xmlid="mail.mt_note",
                    )
        except Exception as error:  # noqa: BLE001
            log_error(
                _logger,
                "Amazon cancellation feed %s: note not posted on orders %s",
                feed_ref,
                self.ids,
                error=error,
            )

    def _amazon_follow_cancellation_feed(self, client):
        """``getFeed`` for the orders of one feed; once DONE or FATAL, its report
        decides each order. :return: ``(done, failed)`` counts."""
        feed_ref = self[:1].amazon_cancel_feed_ref
        feed = client.get_feed(feed_ref)
        status = feed.get("processingStatus")
        if status in FEED_WAITING:
            return 0, 0
        report = client.get_feed_report(feed) if status in ("DONE", "FATAL") else None
        results = (report or {}).get("results") or []
        done = failed = 0
        for order in self:
            numbers = {
                int(n) for n in (order.amazon_cancel_messages or "").split(",") if n
            }
            mine = [
                r
                for r in results
                if r["message_id"] in numbers
                or r.get("order_ref") == order.amazon_order_ref
            ]
            errors = [r["description"] for r in mine if r["result_code"] == "Error"]
            if status != "DONE" and not errors:
                errors = [
                    _(
                        "Amazon ended feed %(feed)s %(status)s.",
                        feed=feed_ref,
                        status=status,
                    )
                ]
            if errors:
                order.write({"amazon_cancel_feed_ref": False})
                order._amazon_cancel_failed(
                    _(
                        "Feed %(feed)s: %(errors)s",
                        feed=feed_ref,
                        errors="; ".join(errors),
                    )
                )
                failed += 1
                continue
            order.write({"amazon_cancel_state": "done", "amazon_cancel_error": False})
            notes = "; ".join(r["description"] for r in mine)
            order.message_post(
                body=_("Canceled on Amazon (feed %s).", feed_ref)
                + (f" {notes}" if notes else ""),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            done += 1
        return done, failed

    def _amazon_cancel_failed(self, message, outcome_unknown=False):
        """Record a cancellation error on the orders, with an activity that says
        what to do: the order is canceled in Odoo but not on Amazon.

        :param str message: the error (Amazon's message, or a text that quotes no
            buyer data: ``amazon_sync_run.error_text``).
        :param bool outcome_unknown: the feed was sent, but its outcome could not
            be read or recorded: whether Amazon canceled is not known.
        """
        for order in self:
            order.write(
                {"amazon_cancel_state": "error", "amazon_cancel_error": message}
            )
            if outcome_unknown:
                note = _(
                    "%(message)s Whether Amazon canceled is not known: fix the "
                    "cause and use Retry Amazon Cancellation (an item Amazon "
                    "canceled already is answered with a warning), or check the "
                    "order in Seller Central.",
                    message=message,
                )
            else:
                note = _(
                    "%(message)s Amazon did not cancel: fix the cause and use Retry "
                    "Amazon Cancellation, or, if the goods must ship after all, set "
                    "the order back to quotation and confirm it, or refund the buyer "
                    "in Seller Central.",
                    message=message,
                )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Amazon cancellation failed"),
                note=note,
                user_id=(order.user_id or self.env.user).id,
            )
