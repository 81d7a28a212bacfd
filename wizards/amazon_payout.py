from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class AmazonPayout(models.TransientModel):
    """Book one Amazon payout (a disbursement of a settlement period).

    Amazon pays the seller what the buyers paid it, minus the marketplace-facilitator
    tax it remits itself, minus its fees (the commission bills, paid from the Amazon
    Payments journal). By then the *Amazon* intermediary account holds the invoices'
    payments (debit) and the paid bills (credit), and the marketplace-facilitator tax
    account the tax of the invoices (credit). The wizard proposes those open items (in
    the payout's currency, dated up to the payout), computes what Amazon should have
    paid, and posts one entry in the bank journal:

    - bank account: debit the amount received;
    - marketplace-facilitator tax account: debit its open balance (Amazon remitted it);
    - intermediary account: credit its open balance;
    - the difference, if any: on the write-off account when one is given, otherwise
      left on the intermediary account (its balance then shows it).

    Then it reconciles the open items of both accounts with the entry. When the
    figures agree both accounts are left at zero.
    """

    _name = "amazon.payout"
    _description = "Amazon Payout"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    amazon_account_id = fields.Many2one(
        "amazon.account",
        check_company=True,
        help="For information: the account whose settlement this payout is.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Amazon Payments Journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
    )
    intermediary_account_id = fields.Many2one(
        "account.account",
        compute="_compute_intermediary_account_id",
    )
    facilitator_account_id = fields.Many2one(
        "account.account",
        string="Marketplace Facilitator Tax Account",
        check_company=True,
        compute="_compute_facilitator_account_id",
        store=True,
        readonly=False,
    )
    bank_journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank'), ('id', '!=', journal_id)]",
        help="The bank journal that received the payout.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(help="Amazon's settlement or disbursement id.")
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        help="Currency of the payout: only the open items in this currency are "
        "settled (Amazon pays each marketplace currency separately).",
    )
    amount = fields.Monetary(
        string="Amount Received",
        currency_field="currency_id",
        help="What Amazon paid into the bank account, in the payout's currency.",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        string="Open Items",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        help="Open items of the intermediary and marketplace-facilitator tax accounts "
        "settled by this payout. Remove those Amazon has not paid yet.",
    )
    expected_amount = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_amounts",
        store=True,
        help="What Amazon should have paid: the open balance of the intermediary "
        "account minus the marketplace-facilitator tax it kept.",
    )
    facilitator_amount = fields.Monetary(
        string="Facilitator Tax Withheld",
        currency_field="currency_id",
        compute="_compute_amounts",
        store=True,
    )
    difference = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_amounts",
        store=True,
        help="Amount received minus amount expected.",
    )
    writeoff_account_id = fields.Many2one(
        "account.account",
        string="Book Difference On",
        check_company=True,
        help="Leave empty to keep the difference open on the intermediary account "
        "(to be explained later); or choose an account to book it on.",
    )
    move_id = fields.Many2one("account.move", string="Payout Entry", readonly=True)

    # === COMPUTE METHODS === #

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            if not wizard.journal_id:
                wizard.journal_id = wizard.company_id.amazon_payment_journal_id

    @api.depends("journal_id")
    def _compute_intermediary_account_id(self):
        for wizard in self:
            wizard.intermediary_account_id = (
                wizard.journal_id._amazon_intermediary_account()
                if wizard.journal_id
                else False
            )

    @api.depends("company_id")
    def _compute_facilitator_account_id(self):
        for wizard in self:
            wizard.facilitator_account_id = (
                wizard.company_id.amazon_facilitator_account_id
            )

    @api.depends("bank_journal_id", "company_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = (
                wizard.bank_journal_id.currency_id or wizard.company_id.currency_id
            )

    @api.depends("journal_id", "facilitator_account_id", "currency_id", "date")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = wizard._get_open_items()

    @api.depends("line_ids", "amount", "currency_id")
    def _compute_amounts(self):
        for wizard in self:
            facilitator = wizard.line_ids.filtered(
                lambda line, w=wizard: line.account_id == w.facilitator_account_id
            )
            wizard.facilitator_amount = -wizard._residual(facilitator)
            wizard.expected_amount = wizard._residual(wizard.line_ids)
            wizard.difference = wizard.currency_id.round(
                wizard.amount - wizard.expected_amount
            )

    # === BUSINESS METHODS === #

    def _get_open_items(self):
        """Posted, unreconciled items of the intermediary and facilitator accounts in
        the payout's currency, dated up to the payout.

        :rtype: account.move.line
        """
        self.ensure_one()
        accounts = self.intermediary_account_id | self.facilitator_account_id
        if not (accounts and self.currency_id):
            return self.env["account.move.line"]
        return self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("currency_id", "=", self.currency_id.id),
                ("date", "<=", self.date or fields.Date.context_today(self)),
            ],
            order="date, id",
        )

    def _is_company_currency(self):
        return self.currency_id == self.company_id.currency_id

    def _residual(self, lines):
        """Open amount of ``lines`` in the payout's currency (debit positive)."""
        if self._is_company_currency():
            return sum(lines.mapped("amount_residual"))
        return sum(lines.mapped("amount_residual_currency"))

    def _prepare_move_values(self):
        """The payout entry's values (see the class docstring for its lines)."""
        self.ensure_one()
        company_currency = self.company_id.currency_id
        bank_account = self.bank_journal_id.default_account_id
        label = _("Amazon payout %s", self.reference or "").strip()
        difference_company = self.currency_id._convert(
            self.difference, company_currency, self.company_id, self.date
        )
        lines, total_company = [], 0.0
        for account in self.line_ids.account_id:
            items = self.line_ids.filtered(lambda line, a=account: line.account_id == a)
            amount = -self._residual(items)
            balance = -sum(items.mapped("amount_residual"))
            if account == self.intermediary_account_id and not self.writeoff_account_id:
                # The difference stays open on the intermediary account.
                amount -= self.difference
                balance -= difference_company
            lines.append((account, amount, balance))
            total_company += balance
        if self.writeoff_account_id and not self.currency_id.is_zero(self.difference):
            lines.append(
                (self.writeoff_account_id, -self.difference, -difference_company)
            )
            total_company -= difference_company
        lines.insert(0, (bank_account, self.amount, -total_company))
        return {
            "move_type": "entry",
            "journal_id": self.bank_journal_id.id,
            "date": self.date,
            "ref": label,
            "currency_id": self.currency_id.id,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "currency_id": self.currency_id.id,
                        "amount_currency": company_currency.round(amount)
                        if self._is_company_currency()
                        else self.currency_id.round(amount),
                        "balance": company_currency.round(balance),
                    }
                )
                for account, amount, balance in lines
                if not (
                    self.currency_id.is_zero(amount)
                    and company_currency.is_zero(balance)
                )
            ],
        }

    def action_confirm(self):
        """Post the payout entry and reconcile the open items with it.

        Only the wizard's own open items are settled (see :meth:`_get_open_items`):
        ``line_ids`` is editable, so any other line given to it (another account or
        company, a draft or reconciled item, another currency, a later date) is
        refused rather than reconciled.

        :return: an ``ir.actions.act_window`` on the payout entry.
        :raise UserError: no open item, items that are not this payout's open items,
            a receivable or payable account to settle, no amount, or a bank journal
            without account.
        """
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("There is no open Amazon item to settle."))
        foreign = self.line_ids - self._get_open_items()
        if foreign:
            raise UserError(
                _(
                    "Only open items of the Amazon intermediary and marketplace "
                    "facilitator tax accounts, posted, unreconciled, in %(currency)s "
                    "and dated up to the payout can be settled. Remove: %(lines)s",
                    currency=self.currency_id.name,
                    lines=", ".join(
                        f"{line.move_name} ({line.account_id.code})"
                        for line in foreign[:10]
                    ),
                )
            )
        partner_accounts = self.line_ids.account_id.filtered(
            lambda a: a.account_type in ("asset_receivable", "liability_payable")
        )
        if partner_accounts:
            raise UserError(
                _(
                    "A payout never settles a receivable or payable account (%s): "
                    "check the Amazon Payments journal and the marketplace "
                    "facilitator tax account.",
                    ", ".join(partner_accounts.mapped("display_name")),
                )
            )
        if self.currency_id.is_zero(self.amount):
            raise UserError(_("Enter the amount Amazon paid."))
        if not self.bank_journal_id.default_account_id:
            raise UserError(_("The bank journal has no account."))
        items = self.line_ids
        move = self.env["account.move"].create(self._prepare_move_values())
        move.action_post()
        for account in items.account_id:
            (
                items.filtered(lambda line, a=account: line.account_id == a)
                | move.line_ids.filtered(lambda line, a=account: line.account_id == a)
            ).reconcile()
        self.move_id = move
        if self.currency_id.is_zero(self.difference):
            where = _("the figures agree.")
        elif self.writeoff_account_id:
            where = _("booked on %s.", self.writeoff_account_id.display_name)
        else:
            where = _("left open on the intermediary account.")
        move.message_post(
            body=_(
                "Amazon payout: received %(received)s, expected %(expected)s (of which "
                "marketplace facilitator tax withheld %(facilitator)s); difference "
                "%(difference)s %(currency)s, %(where)s",
                received=self.amount,
                expected=self.expected_amount,
                facilitator=self.facilitator_amount,
                difference=self.difference,
                currency=self.currency_id.name,
                where=where,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Amazon Payout"),
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
