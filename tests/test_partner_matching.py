"""Customers and delivery contacts of a page of orders, matched and created at once
(``res.partner._amazon_find_or_create_many``): the same buyer and address give the
same partners, within a page and across pages; a changed address makes a new
delivery contact of the same customer; a contact whose buyer data were erased is
never reused; an order without buyer data gets the anonymous customer of its place.
"""

from odoo.tests import tagged

from ..models.res_partner import ANONYMOUS_NAME
from .common import AmazonCommon
from .test_properties import amazon_order

ALICE = {
    "name": "Alice Liddell",
    "email": "alice123@marketplace.amazon.de",
    "street": "Kaninchenbau 1",
    "phone": "+49 301234567",
}


@tagged("post_install", "-at_install")
class TestPartnerMatching(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account()
        cls.Partner = cls.env["res.partner"]

    def _find(self, *orders):
        return self.Partner._amazon_find_or_create_many(
            self.account, [(order, self.marketplace_de) for order in orders]
        )

    def test_one_page_one_partner_per_buyer_and_address(self):
        moved = {**ALICE, "street": "Spiegelgasse 2"}
        before = self.Partner.search_count([])
        pairs = self._find(
            amazon_order("302-0000001-0000001", buyer=ALICE),
            amazon_order("302-0000001-0000002", buyer=ALICE),
            amazon_order("302-0000001-0000003", buyer=moved),
            amazon_order("302-0000001-0000004"),
        )
        (c1, d1), (c2, d2), (c3, d3), (c4, d4) = pairs
        # one customer, two delivery contacts, one anonymous customer
        self.assertEqual(self.Partner.search_count([]) - before, 4)
        self.assertEqual((c1, d1), (c2, d2))
        self.assertEqual(c3, c1)
        self.assertNotEqual(d3, d1)
        self.assertEqual(
            (c1.name, c1.email, c1.street), (ALICE["name"], ALICE["email"], False)
        )
        self.assertEqual(
            (d1.parent_id, d1.type, d1.street, d1.phone),
            (c1, "delivery", ALICE["street"], ALICE["phone"]),
        )
        self.assertEqual(d3.street, "Spiegelgasse 2")
        self.assertEqual((c4.name, c4.street, d4), (ANONYMOUS_NAME, False, c4))
        self.assertTrue(all(p.amazon_buyer for p in (c1, d1, d3, c4)))

    def test_later_page_and_single_order_reuse_the_partners(self):
        ((customer, delivery),) = self._find(
            amazon_order("302-0000002-0000001", buyer=ALICE)
        )
        before = self.Partner.search_count([])
        again = self._find(amazon_order("302-0000002-0000002", buyer=ALICE))
        single = self.Partner._amazon_find_or_create(
            self.account,
            amazon_order("302-0000002-0000003", buyer=ALICE),
            self.marketplace_de,
        )
        self.assertEqual(again, [(customer, delivery)])
        self.assertEqual(single, (customer, delivery))
        self.assertEqual(self.Partner.search_count([]), before)

    def test_erased_contact_is_never_reused(self):
        ((customer, delivery),) = self._find(
            amazon_order("302-0000003-0000001", buyer=ALICE)
        )
        (customer | delivery).write({"amazon_buyer_erased": True})
        ((new_customer, new_delivery),) = self._find(
            amazon_order("302-0000003-0000002", buyer=ALICE)
        )
        self.assertNotEqual(new_customer, customer)
        self.assertNotEqual(new_delivery, delivery)
        self.assertEqual(new_delivery.parent_id, new_customer)

    def _business_order(self, order_ref, vat):
        order = amazon_order(order_ref, buyer=ALICE)
        order["buyer"]["buyerCompanyName"] = "Wunderland GmbH"
        order["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": vat,
                }
            ]
        }
        return order

    def test_business_buyer_matches_whatever_the_vat_spelling(self):
        """A business buyer's VAT number is stored as Amazon gave it (whitespace
        trimmed) and compared normalized on both sides (separators, case, the
        country prefix of a number written without it): Amazon's ``de
        123.456-789``, ``DE123456789`` and, for a German address, ``123 456 789``
        are one number, so the buyer keeps one contact; an existing contact whose
        number was stored with spaces matches too."""
        ((customer, delivery),) = self._find(
            self._business_order("302-0000004-0000001", " de 123.456-789 ")
        )
        self.assertEqual(customer.name, "Wunderland GmbH")
        self.assertEqual(customer.vat, "de 123.456-789", "as Amazon gave it")
        for index, spelling in enumerate(("DE123456789", "123 456 789"), start=2):
            ((again, again_delivery),) = self._find(
                self._business_order(f"302-0000004-000000{index}", spelling)
            )
            self.assertEqual((again, again_delivery), (customer, delivery), spelling)
        # A contact stored with another spelling (an earlier import, a hand edit)
        # matches.
        self.env.cr.execute(
            "UPDATE res_partner SET vat = %s WHERE id = %s",
            ["DE 123 456 789", customer.id],
        )
        customer.invalidate_recordset(["vat"])
        ((again, _delivery),) = self._find(
            self._business_order("302-0000004-0000004", "DE-123-456-789")
        )
        self.assertEqual(again, customer)
        # Another number is another buyer.
        ((other, _delivery),) = self._find(
            self._business_order("302-0000004-0000005", "DE 987 654 321")
        )
        self.assertNotEqual(other, customer)
        self.assertEqual(other.vat, "DE 987 654 321")

    def test_two_spellings_in_one_page_make_one_contact(self):
        """Two orders of one page, one business buyer, two spellings of its VAT
        number: one contact, holding the first spelling."""
        before = self.Partner.search_count([])
        (first, _d1), (second, _d2) = self._find(
            self._business_order("302-0000005-0000001", "DE123456780"),
            self._business_order("302-0000005-0000002", "de 123 456 780"),
        )
        self.assertEqual(first, second)
        self.assertEqual(first.vat, "DE123456780")
        # one customer and one delivery contact
        self.assertEqual(self.Partner.search_count([]) - before, 2)

    def _foreign_business_order(self, order_ref, vat, country_code):
        order = self._business_order(order_ref, vat)
        order["recipient"]["deliveryAddress"]["countryCode"] = country_code
        return order

    def test_vat_numbers_outside_the_eu_are_stored_as_given(self):
        """A tax number of a country without VAT prefix (India's GSTIN, Japan's
        T number) is stored as Amazon gave it: no ISO code in front (a GSTIN
        starts with the state's digits, a Japanese number with T); it still
        matches whatever the spelling, and a contact an earlier version stored
        with the ISO code in front is the same buyer."""
        cases = (
            ("IN", "27AAPFU0939F1ZV", "27 AAPFU 0939 F1ZV"),
            ("JP", "T1234567890123", "t-1234567890123"),
        )
        for index, (country, number, spelling) in enumerate(cases):
            ((customer, delivery),) = self._find(
                self._foreign_business_order(
                    f"302-0000006-000000{index}", number, country
                )
            )
            self.assertEqual(customer.country_id.code, country)
            self.assertEqual(customer.vat, number, country)
            ((again, again_delivery),) = self._find(
                self._foreign_business_order(
                    f"302-0000006-000001{index}", spelling, country
                )
            )
            self.assertEqual((again, again_delivery), (customer, delivery), country)
            self.assertEqual(customer.vat, number, "the first spelling stays")
            # stored by the earlier version with the ISO code in front
            self.env.cr.execute(
                "UPDATE res_partner SET vat = %s WHERE id = %s",
                [country + number, customer.id],
            )
            customer.invalidate_recordset(["vat"])
            ((again, _delivery),) = self._find(
                self._foreign_business_order(
                    f"302-0000006-000002{index}", number, country
                )
            )
            self.assertEqual(again, customer, country)
