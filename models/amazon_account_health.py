"""Health of an Amazon account: token, last successful run per flow, what waits for
someone, and one activity per failing flow (not one per cron tick).

Decisions:

- *Token valid* is the latest evidence about the account's credentials: a run that
  called Amazon and ended done, or a successful *Test connection*
  (``token_checked_at``), says valid; a run that ended on an ``AmazonAuthError`` says
  invalid; nothing yet says unknown, and missing secrets say missing.
- *Last successful run*: from the run rows of each flow (done). The shipment and
  cancellation exports write rows only for runs that sent or settled something
  (``amazon.account._amazon_export_run``); before their first row (a database from
  before the exports recorded runs) the records themselves stand in: the latest
  confirmed picking's ``amazon_sync_date``, the latest order canceled on Amazon's
  ``write_date``.
- A run that ends failed opens one *to do* activity on the account for its flow, or
  leaves the open one as it is; the next run of that flow that ends done marks it
  done. The activity is keyed by its summary, like the pickings' error activities.
"""

from odoo import _, api, fields, models

HEALTH_FLOWS = ("orders", "shipments", "cancel")
AUTH_ERROR_PREFIX = "AmazonAuthError"


class AmazonAccount(models.Model):
    _name = "amazon.account"
    _inherit = ["amazon.account", "mail.activity.mixin"]

    token_checked_at = fields.Datetime(
        string="Connection Tested On",
        readonly=True,
        copy=False,
        help="Last time Test connection obtained a token and an answer from Amazon.",
    )
    health_token_state = fields.Selection(
        [
            ("valid", "Valid"),
            ("invalid", "Refused by Amazon"),
            ("missing", "Missing"),
            ("unknown", "Not used yet"),
        ],
        string="Token",
        compute="_compute_health",
        help="Latest evidence about the credentials: a run that called Amazon and "
        "ended done or a successful Test connection (valid), a run that Amazon refused "
        "for authorization (refused).",
    )
    health_token_date = fields.Datetime(
        string="Token Checked", compute="_compute_health"
    )
    health_last_orders = fields.Datetime(
        string="Last Orders Run", compute="_compute_health"
    )
    health_last_shipments = fields.Datetime(
        string="Last Shipment Confirmed", compute="_compute_health"
    )
    health_last_cancellations = fields.Datetime(
        string="Last Cancellation Done", compute="_compute_health"
    )
    health_failed_orders = fields.Integer(
        string="Orders Waiting for Retry", compute="_compute_health"
    )
    health_picking_errors = fields.Integer(
        string="Shipments in Error", compute="_compute_health"
    )
    health_cancel_errors = fields.Integer(
        string="Cancellations in Error", compute="_compute_health"
    )
    health_failed_flows = fields.Char(
        string="Failing Flows",
        compute="_compute_health",
        help="Flows whose last finished run failed.",
    )
    health_state = fields.Selection(
        [("ok", "Healthy"), ("warning", "Needs attention"), ("error", "Failing")],
        string="Health",
        compute="_compute_health",
    )

    # === COMPUTE METHODS === #

    def _compute_health(self):
        Run = self.env["amazon.sync.run"].sudo()
        flow_labels = dict(Run._fields["flow"].selection)
        for account in self:
            account_sudo = account.sudo()
            runs = {}
            for flow in HEALTH_FLOWS:
                domain = [("account_id", "=", account.id), ("flow", "=", flow)]
                runs[flow] = {
                    "done": Run.search(
                        [*domain, ("state", "=", "done")],
                        limit=1,
                        order="ended_at desc, id desc",
                    ),
                    "last": Run.search(
                        [*domain, ("state", "!=", "running")], limit=1, order="id desc"
                    ),
                }
            account.health_last_orders = runs["orders"]["done"].ended_at
            account.health_last_shipments = runs["shipments"][
                "done"
            ].ended_at or account._health_last_record_date(
                "stock.picking",
                [("amazon_sync_state", "=", "done")],
                "amazon_sync_date",
            )
            account.health_last_cancellations = runs["cancel"][
                "done"
            ].ended_at or account._health_last_record_date(
                "sale.order", [("amazon_cancel_state", "=", "done")], "write_date"
            )
            account.health_failed_orders = (
                self.env["amazon.sync.failure"]
                .sudo()
                .search_count(
                    [("account_id", "=", account.id), ("state", "=", "pending")]
                )
            )
            account.health_picking_errors = (
                self.env["stock.picking"]
                .sudo()
                .search_count(
                    [
                        ("amazon_account_id", "=", account.id),
                        ("amazon_sync_state", "=", "error"),
                    ]
                )
            )
            account.health_cancel_errors = (
                self.env["sale.order"]
                .sudo()
                .search_count(
                    [
                        ("amazon_account_id", "=", account.id),
                        ("amazon_cancel_state", "=", "error"),
                    ]
                )
            )
            failing = [
                flow for flow in HEALTH_FLOWS if runs[flow]["last"].state == "failed"
            ]
            account.health_failed_flows = ", ".join(
                str(flow_labels[flow]) for flow in failing
            )
            state, date = account._health_token(account_sudo)
            account.health_token_state = state
            account.health_token_date = date
            if state == "invalid" or failing:
                account.health_state = "error"
            elif (
                state != "valid"
                or account.health_failed_orders
                or account.health_picking_errors
                or account.health_cancel_errors
            ):
                account.health_state = "warning"
            else:
                account.health_state = "ok"

    def _health_last_record_date(self, model, domain, date_field):
        """Latest ``date_field`` of the account's ``model`` records in ``domain``."""
        self.ensure_one()
        record = (
            self.env[model]
            .sudo()
            .search(
                [("amazon_account_id", "=", self.id), *domain],
                limit=1,
                order=f"{date_field} desc",
            )
        )
        return record[date_field] if record else False

    def _health_token(self, account_sudo):
        """``(state, date)`` of the token: the latest evidence wins."""
        if not (account_sudo.lwa_client_secret and account_sudo.refresh_token):
            return "missing", False
        Run = self.env["amazon.sync.run"].sudo()
        evidence = []
        used = Run.search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "done"),
                ("api_calls", ">", 0),
            ],
            limit=1,
            order="ended_at desc, id desc",
        )
        if used.ended_at:
            evidence.append((used.ended_at, "valid"))
        if self.token_checked_at:
            evidence.append((self.token_checked_at, "valid"))
        refused = Run.search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "failed"),
                ("error", "=like", f"{AUTH_ERROR_PREFIX}%"),
            ],
            limit=1,
            order="id desc",
        )
        if refused:
            evidence.append((refused.ended_at or refused.started_at, "invalid"))
        if not evidence:
            return "unknown", False
        date, state = max(evidence, key=lambda pair: (pair[0], pair[1] == "invalid"))
        return state, date

    # === ACTION METHODS === #

    def action_test_connection(self):
        """Test connection, remembering its success as evidence of a valid token."""
        action = super().action_test_connection()
        self.sudo().token_checked_at = fields.Datetime.now()
        return action

    def action_open_runs(self):
        """The run rows of the account, newest first."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Runs of %s", self.name),
            "res_model": "amazon.sync.run",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
        }

    # === BUSINESS METHODS === #

    def _health_run_ended(self, run):
        """Keep one open activity per failing flow: open it when ``run`` failed (unless
        one is already open), mark it done when ``run`` ended done."""
        self.ensure_one()
        account = self.sudo()
        summary = _(
            "Amazon sync failed: %(flow)s",
            flow=dict(run._fields["flow"].selection)[run.flow],
        )
        activities = account.activity_ids.filtered(lambda a: a.summary == summary)
        if run.state == "failed" and not activities:
            user = (
                account.user_id
                or self.env.ref("base.user_admin", raise_if_not_found=False)
                or self.env.user
            )
            account.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=_(
                    "Run #%(run)s failed: %(error)s. The next runs try again; this "
                    "activity is marked done when one of them succeeds.",
                    run=run.id,
                    error=run.error or "",
                ),
                user_id=user.id,
            )
        elif run.state == "done" and activities:
            activities.action_feedback(
                feedback=_("Run #%s ended successfully.", run.id)
            )


class AmazonSyncRun(models.Model):
    _inherit = "amazon.sync.run"

    @api.model_create_multi
    def create(self, vals_list):
        runs = super().create(vals_list)
        runs.filtered(lambda run: run.state != "running")._health_notify()
        return runs

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") in ("done", "failed"):
            self._health_notify()
        return result

    def _health_notify(self):
        for run in self:
            run.account_id._health_run_ended(run)
