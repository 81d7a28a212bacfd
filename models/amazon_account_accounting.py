from odoo import _, api, fields, models

# Vendor partner (Amazon's billing entity) of each SP-API region: its commission bills
# are paid from the Amazon Payments journal.
REGION_VENDORS = {
    "NA": "sale_amazon_connector.partner_amazon_na",
    "EU": "sale_amazon_connector.partner_amazon_eu",
    "FE": "sale_amazon_connector.partner_amazon_fe",
}


class AmazonAccount(models.Model):
    """Accounting settings of an Amazon account (invoices, payments, payouts, vendor).

    Kept apart from ``amazon_account.py``: the same model, extended in this module.
    """

    _inherit = "amazon.account"

    payment_journal_id = fields.Many2one(
        "account.journal",
        string="Amazon Payments Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        compute="_compute_payment_journal_id",
        store=True,
        readonly=False,
        help="Journal of the payments of this account's invoices and commission "
        "bills (by default the company's Amazon Payments journal, whose receipts go "
        "to the Amazon intermediary account).",
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        string="Payout Bank Journal",
        check_company=True,
        domain="[('type', '=', 'bank'), ('id', '!=', payment_journal_id)]",
        help="Bank journal that receives Amazon's payouts (default of the Amazon "
        "payout wizard).",
    )
    vendor_id = fields.Many2one(
        "res.partner",
        string="Amazon Vendor",
        compute="_compute_vendor_id",
        store=True,
        readonly=False,
        help="Amazon's billing entity for this region: the vendor of the commission "
        "and fee bills.",
    )
    auto_invoice = fields.Boolean(
        string="Invoice Automatically",
        help="Create and post the invoice of each order once it is delivered: FBA "
        "orders at import, FBM orders when their delivery is validated. Replacement "
        "orders are never invoiced.",
    )
    auto_payment = fields.Boolean(
        string="Register Payments Automatically",
        help="Register the payment of each automatic invoice on the Amazon Payments "
        "journal (the buyer paid Amazon).",
    )

    @api.depends("company_id")
    def _compute_payment_journal_id(self):
        for account in self:
            if account.payment_journal_id.company_id != account.company_id:
                account.payment_journal_id = (
                    account.company_id.sudo().amazon_payment_journal_id
                )

    @api.depends("region")
    def _compute_vendor_id(self):
        for account in self:
            account.vendor_id = self.env.ref(
                REGION_VENDORS.get(account.region, ""), raise_if_not_found=False
            )

    @api.model_create_multi
    def create(self, vals_list):
        """Create the accounts, then their company's Amazon accounting records when
        missing (see :meth:`_amazon_setup_accounting`)."""
        accounts = super().create(vals_list)
        accounts._amazon_setup_accounting()
        return accounts

    def _amazon_setup_accounting(self):
        """Give these accounts their company's Amazon records, created when missing
        (see ``res.company._amazon_setup_accounting``): the Amazon Payments journal,
        the marketplace-facilitator tax account and, when the account has none, the
        shared *Amazon* sales team. The vendor's default payment method becomes the
        journal's outbound one, so *Pay* on a commission bill proposes that journal.

        :return: None
        """
        self.company_id._amazon_setup_accounting()
        for account in self:
            company = account.company_id.sudo()
            values = {}
            if not account.team_id and company.amazon_team_id:
                values["team_id"] = company.amazon_team_id.id
            if not account.payment_journal_id and company.amazon_payment_journal_id:
                values["payment_journal_id"] = company.amazon_payment_journal_id.id
            if values:
                account.sudo().write(values)
            journal = account.payment_journal_id.sudo()
            vendor = account.vendor_id.sudo().with_company(company)
            outbound = journal.outbound_payment_method_line_ids[:1]
            if (
                vendor
                and outbound
                and not vendor.property_outbound_payment_method_line_id
            ):
                vendor.property_outbound_payment_method_line_id = outbound

    def action_setup_accounting(self):
        """Button *Set Up Accounting*: create the missing accounting records (the
        company's may have been installed after the account was created)."""
        self._amazon_setup_accounting()
        return True

    def action_open_payout(self):
        """Button *Amazon Payout*: the payout wizard for this account's journals.

        :return: an ``ir.actions.act_window`` of ``amazon.payout``.
        """
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Amazon Payout"),
            "res_model": "amazon.payout",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_amazon_account_id": self.id,
                "default_company_id": self.company_id.id,
                "default_journal_id": self.payment_journal_id.id,
                "default_bank_journal_id": self.payout_journal_id.id,
            },
        }

    def action_new_commission_bill(self):
        """Button *Commission Bill*: a new vendor bill from the account's Amazon
        vendor (Amazon's fees of the period, to pay from the Amazon Payments journal).

        :return: an ``ir.actions.act_window`` on a new ``account.move``.
        """
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Amazon Commission Bill"),
            "res_model": "account.move",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_move_type": "in_invoice",
                "default_partner_id": self.vendor_id.id,
                "default_company_id": self.company_id.id,
            },
        }
