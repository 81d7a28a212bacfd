"""Run rows of the syncs (``amazon.sync.run``), failed orders
(``amazon.sync.failure``), and two helpers the flows share: the claim of queued
records (:func:`claim_records`, :func:`renew_claims`), the text of an error a run
row may keep (:func:`error_text`) and what a log says of it (:func:`log_text`,
:func:`log_error`)."""

import logging
import traceback

import psycopg2
from psycopg2 import errorcodes

from odoo import _, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..exceptions import AmazonApiError, AmazonUserError

_logger = logging.getLogger(__name__)

# What a concurrent claim of the same rows may raise (REPEATABLE READ: a row another
# transaction changed after this one began cannot be locked).
CONCURRENCY_ERRORS = (
    errorcodes.SERIALIZATION_FAILURE,
    errorcodes.LOCK_NOT_AVAILABLE,
    errorcodes.DEADLOCK_DETECTED,
)


def claim_records(model, condition, values, limit=None):
    """Claim the rows of ``model`` that match ``condition``: lock them (``SELECT ...
    FOR UPDATE SKIP LOCKED``, in id order) and set ``values`` on them, in one
    savepoint. Rows another transaction holds are skipped; when a concurrent run
    changed them after this transaction began (a serialization failure), nothing is
    claimed: they are that run's.

    The claim is not committed here: the caller commits it before calling Amazon,
    which ends the row locks. What keeps a second run away from the claimed rows
    afterwards is what ``values`` writes (a state, a claim date that the next
    ``condition`` tests), so ``condition`` must leave freshly claimed rows out.

    The exports of shipments (``stock.picking._amazon_claim``) and of cancellations
    (``sale.order._amazon_claim_cancellations``) both claim through here.

    :param model: the model (an empty recordset) whose table is claimed from.
    :param SQL condition: the ``WHERE`` clause.
    :param dict values: ``{column: value}`` written on the claimed rows, in SQL
        (the cache of these fields is invalidated).
    :param int limit: rows claimed at most (default: all).
    :return: the claimed records (empty when a concurrent run got there first).
    """
    env = model.env
    env.flush_all()
    table = SQL.identifier(model._table)
    query = SQL(
        "SELECT id FROM %s WHERE %s ORDER BY id %s FOR UPDATE SKIP LOCKED",
        table,
        condition,
        SQL("LIMIT %s", limit) if limit else SQL(),
    )
    try:
        with env.cr.savepoint(flush=False):
            env.cr.execute(query)
            ids = [row[0] for row in env.cr.fetchall()]
            if ids:
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s WHERE id = ANY(%s)",
                        table,
                        SQL(", ").join(
                            SQL("%s = %s", SQL.identifier(column), value)
                            for column, value in values.items()
                        ),
                        ids,
                    )
                )
    except psycopg2.Error as error:
        if error.pgcode not in CONCURRENCY_ERRORS:
            raise
        _logger.info("Amazon %s claim: rows taken by a concurrent run", model._name)
        return model.browse()
    records = model.browse(ids)
    records.invalidate_recordset(list(values))
    return records


def renew_claims(records, state_column, stamp_column, stamps):
    """Renew the lease of claimed ``records``: stamp again (``stamp_column``, a
    fresh claim date) those still processing *and still stamped by this run*
    (``stamps``: ``{id: the stamp this run last wrote}``), through
    :func:`claim_records` (row locks, in a savepoint). The claim date is a lease:
    another run takes a record again once it is older than the flow's timeout,
    so a run renews it at each record's commit, and a long run keeps what it has
    not reached yet. A record whose stamp is no longer this run's was taken by
    another run: it is not renewed (both runs would keep it), and is left to it.

    ``stamps`` is updated in place: the renewed records get the new stamp, the
    lost ones are removed (it holds what this run still holds).

    Not committed here: the caller's commit ends the step.

    :param records: the records of one model this run claimed and still works on
        (those missing from ``stamps`` are not this run's any more: left out).
    :param str state_column: the state column, ``'processing'`` while claimed.
    :param str stamp_column: the claim date column.
    :param dict stamps: ``{id: datetime}``, the stamp this run last wrote.
    :return: the records renewed, in the order of ``records``; one that is missing
        was taken by a concurrent run (its lease had expired), or is locked or was
        changed by another transaction: this run leaves it (taken again once its
        claim is stale).
    """
    records = records.filtered(lambda record: record.id in stamps)
    if not records:
        return records
    now = fields.Datetime.now()

    def renew(ids):
        return claim_records(
            records.browse(),
            SQL(
                "id = ANY(%s) AND %s = 'processing' AND (id, %s) IN %s",
                ids,
                SQL.identifier(state_column),
                SQL.identifier(stamp_column),
                tuple((record_id, stamps[record_id]) for record_id in ids),
            ),
            {stamp_column: now},
        )

    renewed = renew(list(records.ids))
    if not renewed and len(records) > 1:
        # one row changed by another transaction fails the whole statement:
        # renew the others one by one
        for record in records:
            renewed |= renew([record.id])
    lost = records - renewed
    for record in renewed:
        stamps[record.id] = now
    for record in lost:
        stamps.pop(record.id, None)
    if lost:
        _logger.warning(
            "Amazon %s %s: claim not renewed (taken, locked or changed by another "
            "transaction), left to a later run",
            records._name,
            lost.ids,
        )
    return records & renewed


def _message_is_safe(error):
    """Whether the message of ``error`` is known never to quote buyer data: Amazon's
    (an ``AmazonApiError``) or the connector's own (an ``AmazonUserError``). Any
    other error may quote a record's data: a ``ValidationError``, an
    ``AccessError``, a database error quoting a value (``DETAIL: Key (...)=(...)``),
    and Odoo's own plain ``UserError`` too (``BaseModel._check_company`` names the
    records it refuses)."""
    return isinstance(error, (AmazonApiError, AmazonUserError))


def error_text(env, error):
    """The text of ``error`` that a run row (or a record's error field) keeps:
    ``"<type>: <message>"`` when the message is Amazon's or the connector's own,
    else the type only.

    Decision: run rows are not erased with the buyer's data (they belong to no
    order), so they never store a message that may quote it.

    :param env: the environment (language of the note).
    :param Exception error: what stopped the run.
    :rtype: str
    """
    name = type(error).__name__
    if _message_is_safe(error):
        return f"{name}: {error}"
    return env._("%s (message not kept: it may quote buyer data)", name)


def log_text(error):
    """What a log line says of ``error``: ``"<type>: <message>"`` when the message
    is Amazon's or the connector's own, else the type only (see
    :func:`error_text`)."""
    name = type(error).__name__
    return f"{name}: {error}" if _message_is_safe(error) else name


def traceback_text(error):
    """The frames of ``error``'s traceback (file, line, function, source line),
    without its message line: what a log needs to find a bug, with nothing of the
    data the message may quote (``logging.exception`` would print it, and the
    messages of the errors it was chained to)."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


def log_error(logger, message, *args, error):
    """Log an unexpected ``error`` at level ERROR: ``message % args``, then
    :func:`log_text` and the frames of :func:`traceback_text`, never a message
    that may quote buyer data."""
    logger.error(
        "%s: %s\nTraceback (message left out):\n%s",
        message % args,
        log_text(error),
        traceback_text(error),
    )


class AmazonSyncRun(models.Model):
    """One synchronization run of an account: its window, progress and outcome.

    The order sync keeps here the window end and the next page token, committed page by
    page, so that a run that dies resumes where it stopped (Amazon's page tokens live
    24 h) instead of spending quota on pages already read.

    The shipment and cancellation exports (``flow`` ``shipments`` and ``cancel``) write
    one row per account at the end of a run that sent something, settled something or
    failed, with the ``records_*`` counts; their progress lives on the records
    themselves (claimed, processing, done), so they need no row while running.
    """

    _name = "amazon.sync.run"
    _description = "Amazon Synchronization Run"
    _order = "id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    flow = fields.Selection(
        [("orders", "Orders"), ("shipments", "Shipments"), ("cancel", "Cancellations")],
        required=True,
        default="orders",
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="running",
        index=True,
    )
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")], default="cron", required=True
    )
    window_start = fields.Datetime(help="Orders updated on Amazon after this moment.")
    window_end = fields.Datetime(
        help="Orders updated on Amazon before this moment (Amazon's lastUpdatedBefore)."
    )
    next_page_token = fields.Char(
        copy=False,
        groups="base.group_system",
        help="Amazon's paginationToken of the next page to read (lives 24 h): a run "
        "that stops before the window is done hands it to the next run.",
    )
    pages_done = fields.Boolean(
        help="Every page of the window was read and committed; the account's cursor "
        "moves to the window end."
    )
    resumed_from_id = fields.Many2one(
        "amazon.sync.run",
        string="Resumes",
        ondelete="set null",
        help="The run that stopped before its window was done and whose window and "
        "next page this run continues.",
    )
    pages = fields.Integer()
    orders_total = fields.Integer(string="Orders Listed")
    orders_created = fields.Integer(string="Created")
    orders_updated = fields.Integer(string="Updated")
    orders_unchanged = fields.Integer(string="Unchanged")
    orders_skipped = fields.Integer(string="Skipped")
    orders_failed = fields.Integer(string="Failed")
    orders_retried = fields.Integer(string="Retried")
    # Shipment (stock.picking) and cancellation (sale.order) exports: what the run
    # did with the records it took (see amazon.account._amazon_export_run).
    records_sent = fields.Integer(
        string="Sent",
        help="Shipments or cancellations this run sent (or tried to send) to Amazon.",
    )
    records_done = fields.Integer(
        string="Done",
        help="Shipments or cancellations Amazon accepted during this run.",
    )
    records_waiting = fields.Integer(
        string="Waiting",
        help="Records this run took that still wait: for Amazon's feed result, or "
        "back in the queue after Amazon throttled or failed (the next run goes on).",
    )
    records_error = fields.Integer(
        string="In Error",
        help="Records Amazon refused during this run: each holds the error and an "
        "activity, and waits for someone to fix it and press Retry.",
    )
    api_calls = fields.Integer(string="API Calls")
    started_at = fields.Datetime(default=fields.Datetime.now, required=True)
    ended_at = fields.Datetime()
    duration = fields.Float(string="Duration (s)", digits=(16, 1))
    error = fields.Text()
    notes = fields.Text(help="What the run did besides importing orders.")
    failure_ids = fields.One2many(
        "amazon.sync.failure",
        "run_id",
        string="Failures",
        help="Orders this run was the first to fail to import.",
    )

    def _add_note(self, note):
        """Append a line to the run's notes (kept unique)."""
        for run in self:
            lines = (run.notes or "").splitlines()
            if note not in lines:
                run.notes = "\n".join([*lines, note])


class AmazonSyncFailure(models.Model):
    """An Amazon order that failed to import: kept until it succeeds or is dismissed.

    Recorded (and committed) before the sync cursor may pass the order; later runs retry
    it through ``getOrder``.
    """

    _name = "amazon.sync.failure"
    _description = "Amazon Order Import Failure"
    _order = "id desc"

    run_id = fields.Many2one(
        "amazon.sync.run",
        string="Recorded by",
        ondelete="set null",
        index=True,
        help="The run that first failed to import the order.",
    )
    last_run_id = fields.Many2one(
        "amazon.sync.run",
        string="Last Attempt",
        ondelete="set null",
        index=True,
        help="The run that tried the order last (the first one, or a retry).",
    )
    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    amazon_order_ref = fields.Char(string="Amazon Order ID", required=True, index=True)
    error = fields.Text(required=True)
    attempts = fields.Integer(default=1)
    state = fields.Selection(
        [
            ("pending", "Waiting for retry"),
            ("resolved", "Resolved"),
            ("dismissed", "Dismissed"),
        ],
        default="pending",
        required=True,
        index=True,
    )

    _sql_constraints = [
        (
            "account_order_uniq",
            "unique(account_id, amazon_order_ref)",
            "This Amazon order is already recorded as failed.",
        ),
    ]

    def action_dismiss(self):
        """Stop retrying these orders: later runs no longer call ``getOrder`` for them
        (an order that Amazon lists again, because it changed, is still imported when it
        then succeeds)."""
        # Amazon Users read failures and may only dismiss them: they cannot write
        # their state, error or attempts otherwise.
        self.check_access("read")
        if not self.env.user.has_group("sale_amazon_connector.group_amazon_user"):
            raise AccessError(_("Only Amazon users can dismiss failed orders."))
        self.filtered(lambda failure: failure.state == "pending").sudo().write(
            {"state": "dismissed"}
        )
        return True
