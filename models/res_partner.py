from odoo import api, fields, models

ANONYMOUS_NAME = "Amazon Customer"


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_buyer = fields.Boolean(
        readonly=True, help="Created by the Amazon connector for an Amazon buyer."
    )
    amazon_buyer_erased = fields.Boolean(
        readonly=True,
        copy=False,
        help="The buyer's personal data were erased (retention period of the Amazon "
        "account): never matched for a new order.",
    )

    @api.model
    def _amazon_find_or_create(self, account, order_data, marketplace):
        """Customer and delivery contact of an Amazon order.

        With buyer data (the seller's PII role): the buyer (name, e-mail alias, company,
        tax registration) and a delivery contact (recipient name, address, phone),
        matched on all those details and never updated in place — a changed address
        makes a new contact, so earlier invoices keep theirs. Without: an anonymous
        *Amazon Customer*
        holding only the non-personal location (country, state, city, zip).

        :return: ``(customer, delivery contact)``
        :rtype: tuple
        """
        buyer = order_data.get("buyer") or {}
        address = (order_data.get("recipient") or {}).get("deliveryAddress") or {}
        country = (
            self.env["res.country"].search(
                [
                    (
                        "code",
                        "=",
                        address.get("countryCode") or marketplace.country_id.code,
                    )
                ],
                limit=1,
            )
            or marketplace.country_id
        )
        state = self._amazon_state(country, address.get("stateOrRegion"))
        location = {
            "country_id": country.id,
            "state_id": state.id,
            "city": address.get("city") or False,
            "zip": address.get("postalCode") or False,
        }
        has_pii = bool(buyer.get("buyerName") or address.get("name"))
        if not has_pii:
            customer = self._amazon_match_or_create(
                {
                    **location,
                    "name": ANONYMOUS_NAME,
                    "company_id": account.company_id.id,
                    "amazon_buyer": True,
                    "is_company": False,
                }
            )
            return customer, customer
        vat = self._amazon_vat(order_data)
        company_name = buyer.get("buyerCompanyName") or address.get("companyName")
        customer_values = {
            "name": company_name or buyer.get("buyerName") or address.get("name"),
            "email": buyer.get("buyerEmail") or False,
            "is_company": bool(company_name),
            "vat": vat or False,
            "company_id": account.company_id.id,
            "amazon_buyer": True,
            **location,
        }
        # Amazon gives the recipient's address, not the buyer's: the customer keeps only
        # the location, the street stays on the delivery contact.
        customer = self._amazon_match_or_create(
            {**customer_values, "parent_id": False, "type": "contact"}
        )
        delivery = self._amazon_match_or_create(
            {
                "parent_id": customer.id,
                "type": "delivery",
                "name": address.get("name") or customer.name,
                "street": address.get("addressLine1") or False,
                "street2": " ".join(
                    filter(
                        None, [address.get("addressLine2"), address.get("addressLine3")]
                    )
                )
                or False,
                "phone": address.get("phone") or False,
                "company_id": account.company_id.id,
                "amazon_buyer": True,
                **location,
            }
        )
        return customer, delivery

    @api.model
    def _amazon_match_or_create(self, values):
        """The partner with exactly these values, created when there is none; a
        contact whose buyer data were erased is never reused."""
        domain = [(key, "=", value) for key, value in values.items()]
        domain.append(("amazon_buyer_erased", "=", False))
        partner = self.search(domain, limit=1)
        return partner or self.with_context(mail_create_nolog=True).create(values)

    @api.model
    def _amazon_state(self, country, state_name):
        if not (country and state_name):
            return self.env["res.country.state"]
        return self.env["res.country.state"].search(
            [
                ("country_id", "=", country.id),
                "|",
                ("code", "=ilike", state_name),
                ("name", "=ilike", state_name),
            ],
            limit=1,
        )

    @api.model
    def _amazon_vat(self, order_data):
        for registration in (order_data.get("tax") or {}).get("taxRegistrations") or []:
            if registration.get("taxRegistrationNumber"):
                return registration["taxRegistrationNumber"]
        return False
