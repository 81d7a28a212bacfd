from odoo import Command, _, fields, models

# Journal code of the company's Amazon Payments journal (a suffix is added when taken).
AMAZON_JOURNAL_CODE = "AMZ"


class ResCompany(models.Model):
    """Per-company accounting records of the Amazon connector.

    They are created by :meth:`_amazon_setup_accounting` when the company's first Amazon
    account is created (or from the account's *Set Up Accounting* button), and stay
    editable: the accountant may rename, renumber or replace any of them here.
    """

    _inherit = "res.company"

    amazon_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Amazon Payments Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Journal of the payments Amazon collects for the seller: customer "
        "receipts and the payment of Amazon's bills go to its intermediary account, "
        "which Amazon's payouts clear.",
    )
    amazon_facilitator_account_id = fields.Many2one(
        "account.account",
        string="Marketplace Facilitator Tax Account",
        check_company=True,
        help="Clearing account of the tax Amazon collects and remits itself as "
        "marketplace facilitator (US, CA...): credited by the invoices, debited by "
        "the payouts. It carries no tax grid: the seller never declares this tax.",
    )
    amazon_team_id = fields.Many2one(
        "crm.team",
        string="Amazon Sales Team",
        check_company=True,
        help="Default sales team of this company's Amazon accounts.",
    )

    def _amazon_setup_accounting(self):
        """Create what is missing of the company's Amazon accounting records.

        - an *Amazon* intermediary account (current asset, reconcilable): what Amazon
          owes the seller;
        - an *Amazon Payments* bank journal whose default account and whose inbound and
          outbound payment method lines' payment (outstanding) account are that
          intermediary account, so a payment registered on it moves the amount from the
          receivable (or payable) to the intermediary account;
        - an *Amazon Marketplace Facilitator Tax* clearing account (current liability,
          reconcilable, no tax), set as the income account of the *Amazon Marketplace
          Facilitator Tax* product for the company;
        - a shared *Amazon* sales team.

        Companies without a chart of accounts only get the team. Idempotent; runs as
        superuser (Amazon managers need no accounting rights to set an account up).

        :return: None
        """
        for company in self.sudo():
            if not company.amazon_team_id:
                company.amazon_team_id = (
                    self.env["crm.team"]
                    .sudo()
                    .create({"name": _("Amazon"), "company_id": company.id})
                )
            if not company.chart_template:
                continue
            if not company.amazon_payment_journal_id:
                company.amazon_payment_journal_id = company._amazon_create_journal()
            if not company.amazon_facilitator_account_id:
                company.amazon_facilitator_account_id = company._amazon_create_account(
                    _("Amazon Marketplace Facilitator Tax"), "liability_current"
                )
            product = self.env["sale.order"]._amazon_default_product("facilitator_tax")
            product = product.with_company(company).sudo()
            if not product.property_account_income_id:
                product.property_account_income_id = (
                    company.amazon_facilitator_account_id
                )

    def _amazon_create_account(self, name, account_type):
        """A new reconcilable account of ``account_type`` for this company, numbered
        after the company's first account of that type."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        sibling = Account.search(
            [
                *Account._check_company_domain(self),
                ("account_type", "=", account_type),
            ],
            order="code",
            limit=1,
        )
        return Account.create(
            {
                "name": name,
                "code": Account._search_new_account_code(sibling.code or "999000"),
                "account_type": account_type,
                "reconcile": True,
                "company_ids": [Command.set(self.ids)],
            }
        )

    def _amazon_create_journal(self):
        """The *Amazon Payments* journal and its *Amazon* intermediary account."""
        self.ensure_one()
        intermediary = self._amazon_create_account(_("Amazon"), "asset_current")
        Journal = self.env["account.journal"].sudo().with_company(self)
        code, suffix = AMAZON_JOURNAL_CODE, 1
        while Journal.search_count(
            [*Journal._check_company_domain(self), ("code", "=", code)]
        ):
            suffix += 1
            code = f"{AMAZON_JOURNAL_CODE}{suffix}"
        journal = Journal.create(
            {
                "name": _("Amazon Payments"),
                "code": code,
                "type": "bank",
                "company_id": self.id,
                "default_account_id": intermediary.id,
            }
        )
        (
            journal.inbound_payment_method_line_ids
            | journal.outbound_payment_method_line_ids
        ).payment_account_id = intermediary
        return journal
