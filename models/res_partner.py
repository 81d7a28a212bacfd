import re

from odoo import api, fields, models

ANONYMOUS_NAME = "Amazon Customer"
# Separators a VAT number may be written with (spaces, dots, dashes, slashes).
VAT_SEPARATORS = re.compile(r"[\s.\-/]+")
# The VAT prefix of a country whose ISO code is not its VAT prefix (VIES).
VAT_PREFIXES = {"GR": "EL"}
# Countries whose VAT numbers carry their country prefix: the EU's (VIES, Greece's
# as EL), the United Kingdom's (GB) and Northern Ireland's (XI). Elsewhere a tax
# number has no such prefix (India's GSTIN, Japan's T number, Australia's ABN...).
# fmt: off
VAT_PREFIXED_COUNTRIES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
    "SK", "GB", "XI",
))
# fmt: on


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

        :param account: the ``amazon.account``.
        :param dict order_data: an Orders v2026-01-01 ``Order`` (BUYER, RECIPIENT and
            TAX datasets read when present).
        :param marketplace: the order's ``amazon.marketplace``.
        :return: ``(customer, delivery contact)``
        :rtype: tuple
        """
        return self._amazon_find_or_create_many(account, [(order_data, marketplace)])[0]

    @api.model
    def _amazon_find_or_create_many(self, account, orders):
        """:meth:`_amazon_find_or_create` for the orders of a page at once: the
        customers matched with one search and the missing ones created with one
        ``create``, then the same for the delivery contacts (DESIGN §7). Two orders of
        the same buyer and address get the same partners.

        :param account: the ``amazon.account``.
        :param list orders: ``(order_data, marketplace)`` pairs.
        :return: one ``(customer, delivery contact)`` pair per order, in order.
        :rtype: list
        """
        lookups = {}
        values = [
            self._amazon_partner_values(account, order_data, marketplace, lookups)
            for order_data, marketplace in orders
        ]
        customers = self._amazon_match_or_create_many([c for c, _d in values])
        to_match = [
            (index, {"parent_id": customers[index].id, **delivery})
            for index, (_c, delivery) in enumerate(values)
            if delivery is not None
        ]
        deliveries = dict(
            zip(
                [index for index, _v in to_match],
                self._amazon_match_or_create_many([v for _i, v in to_match]),
                strict=True,
            )
        )
        return [
            (customer, deliveries.get(index, customer))
            for index, customer in enumerate(customers)
        ]

    @api.model
    def _amazon_partner_values(self, account, order_data, marketplace, lookups):
        """The matching values of an order's customer and delivery contact.

        :param account: the ``amazon.account`` (its company is the contacts').
        :param dict order_data: an Orders v2026-01-01 ``Order``; read: ``buyer``
            (``buyerName``, ``buyerEmail``, ``buyerCompanyName``),
            ``recipient.deliveryAddress`` (``name``, ``companyName``,
            ``addressLine1..3``, ``city``, ``stateOrRegion``, ``postalCode``,
            ``countryCode``, ``phone``) and ``tax.taxRegistrations[]``
            (``taxRegistrationNumber``), each optional.
        :param marketplace: the order's ``amazon.marketplace`` (its country when
            the address has none).
        :param dict lookups: a cache of country and state searches, shared by the
            orders of a page: ``{("country", code): res.country, ("state",
            country id, name): res.country.state}``, filled here.
        :return: ``(customer values, delivery values)``: dicts of ``res.partner``
            field values (ids for many2one fields, ``False`` for empty ones, the VAT
            number as Amazon gave it, whitespace trimmed); the delivery values are
            ``None`` for an anonymous customer (no buyer data), and lack
            ``parent_id`` (the customer).
        :rtype: tuple
        """
        buyer = order_data.get("buyer") or {}
        address = (order_data.get("recipient") or {}).get("deliveryAddress") or {}
        code = address.get("countryCode") or marketplace.country_id.code
        key = ("country", code)
        if key not in lookups:
            lookups[key] = (
                self.env["res.country"].search([("code", "=", code)], limit=1)
                or marketplace.country_id
            )
        country = lookups[key]
        key = ("state", country.id, address.get("stateOrRegion"))
        if key not in lookups:
            lookups[key] = self._amazon_state(country, address.get("stateOrRegion"))
        location = {
            "country_id": country.id,
            "state_id": lookups[key].id,
            "city": address.get("city") or False,
            "zip": address.get("postalCode") or False,
        }
        if not (buyer.get("buyerName") or address.get("name")):
            return {
                **location,
                "name": ANONYMOUS_NAME,
                "company_id": account.company_id.id,
                "amazon_buyer": True,
                "is_company": False,
            }, None
        company_name = buyer.get("buyerCompanyName") or address.get("companyName")
        name = company_name or buyer.get("buyerName") or address.get("name")
        # Amazon gives the recipient's address, not the buyer's: the customer keeps only
        # the location, the street stays on the delivery contact.
        customer = {
            "name": name,
            "email": buyer.get("buyerEmail") or False,
            "is_company": bool(company_name),
            # as Amazon gave it: normalized for comparison only (normalize_vat)
            "vat": (self._amazon_vat(order_data) or "").strip() or False,
            "company_id": account.company_id.id,
            "amazon_buyer": True,
            **location,
            "parent_id": False,
            "type": "contact",
        }
        delivery = {
            "type": "delivery",
            "name": address.get("name") or name,
            "street": address.get("addressLine1") or False,
            "street2": " ".join(
                filter(None, [address.get("addressLine2"), address.get("addressLine3")])
            )
            or False,
            "phone": address.get("phone") or False,
            "company_id": account.company_id.id,
            "amazon_buyer": True,
            **location,
        }
        return customer, delivery

    @api.model
    def _amazon_match_or_create(self, values):
        """The partner with exactly these values, created when there is none; a
        contact whose buyer data were erased is never reused.

        :param dict values: field values (ids for many2one fields, ``False`` for
            empty ones).
        :return: the ``res.partner``.
        """
        return self._amazon_match_or_create_many([values])[0]

    @api.model
    def _amazon_match_or_create_many(self, values_list):
        """:meth:`_amazon_match_or_create` for many value sets: one search of the
        candidates (same names, Amazon buyers not erased), compared in Python field by
        field; the oldest match wins; the value sets without a match are created in
        one ``create`` (equal sets once).

        A VAT number is compared normalized on both sides (:func:`normalize_vat`:
        ``DE 123.456.789``, ``de123456789`` and, for a German contact,
        ``123456789`` are one number), so a business buyer matches the contact
        created for it before, whatever the spelling (and with or without
        ``base_vat``, which reformats numbers on create).

        :param list values_list: dicts of field values, each with ``name`` and
            ``zip``.
        :return: one ``res.partner`` record per dict, in order (a list, not a
            recordset: the same partner may come several times).
        :rtype: list
        """
        if not values_list:
            return []

        Country = self.env["res.country"]

        def key(values):
            return tuple(
                (
                    name,
                    normalize_vat(value, Country.browse(values.get("country_id")).code)
                    if name == "vat"
                    else value,
                )
                for name, value in sorted(values.items())
            )

        candidates = self.search(
            [
                ("name", "in", list({values["name"] for values in values_list})),
                # every value set has a zip (False included): fewer candidates to
                # compare (the anonymous customers of a country share their name)
                ("zip", "in", list({values["zip"] for values in values_list})),
                ("amazon_buyer", "=", True),
                ("amazon_buyer_erased", "=", False),
            ],
            order="id",
        )
        found = {}
        for names in {tuple(sorted(values)) for values in values_list}:
            for partner in candidates:
                candidate_key = tuple(
                    (name, _amazon_value(partner, name)) for name in names
                )
                found.setdefault(candidate_key, partner)
        keys = [key(values) for values in values_list]
        missing = {}
        for values_key, values in zip(keys, values_list, strict=True):
            if values_key not in found:
                missing.setdefault(values_key, values)
        if missing:
            # copies: create() adds values of its own to the dicts it is given
            created = self.with_context(mail_create_nolog=True).create(
                [dict(values) for values in missing.values()]
            )
            found.update(zip(missing, created, strict=True))
        return [found[values_key] for values_key in keys]

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


def _amazon_value(partner, name):
    """A partner's value of ``name`` in the shape of the values matched: the id of a
    many2one, ``False`` for an empty field, a normalized VAT number."""
    value = partner[name]
    if isinstance(value, models.BaseModel):
        return value.id or False
    if name == "vat":
        return normalize_vat(value, partner.country_id.code)
    return value or False


def normalize_vat(vat, country_code=None):
    """A VAT number in the one spelling it is compared in (never stored: a
    partner keeps the number as Amazon gave it): without spaces, dots, dashes or
    slashes, upper case; for the countries whose numbers carry a country prefix
    (:data:`VAT_PREFIXED_COUNTRIES`: the EU's, VIES's ``EL`` for Greece, GB, XI),
    with it, a number written without it taking the one of ``country_code``.
    Elsewhere no prefix is added, and the country's own ISO code written in front
    is left out (``IN27AAPFU0939F1ZV`` and ``27AAPFU0939F1ZV`` are one Indian
    GSTIN). No check of the number itself (that is ``base_vat``'s, not a
    dependency).

    :param str vat: the number as written, or ``False``.
    :param str country_code: ISO code of the contact's country, if known.
    :return: e.g. ``"DE123456789"`` for ``"de 123.456.789"`` or, with ``"DE"``,
        ``"123 456 789"``; ``"T1234567890123"`` for ``"T-1234567890123"`` with
        ``"JP"``; ``False`` for an empty number.
    :rtype: str
    """
    number = VAT_SEPARATORS.sub("", vat or "").upper()
    if not number:
        return False
    country = (country_code or "").upper()
    if number[:2].isalpha() and number[:2] in VAT_PREFIXED_COUNTRIES | {"EL"}:
        # already prefixed (Greece's ISO code written instead of its VAT prefix)
        return VAT_PREFIXES.get(number[:2], number[:2]) + number[2:]
    if country in VAT_PREFIXED_COUNTRIES:
        return VAT_PREFIXES.get(country, country) + number
    if country and number.startswith(country) and len(number) > len(country) + 1:
        # a prefix some tool added to a number that has none
        return number[len(country) :]
    return number
