from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AmazonCommon

# Amazon's published marketplace ids per region (docs "Marketplace IDs"), written out
# here
# independently of const.py so that a wrong table fails this test.
EXPECTED_MARKETPLACES = {
    "NA": {
        "A2EUQ1WTGCTBG2": "CA",
        "ATVPDKIKX0DER": "US",
        "A1AM78C64UM0Y8": "MX",
        "A2Q3Y263D00KWC": "BR",
    },
    "EU": {
        "A28R8C7NBKEWEA": "IE",
        "A1RKKUPIHCS9HS": "ES",
        "A1F83G8C2ARO7P": "GB",
        "A13V1IB3VIYZZH": "FR",
        "AMEN7PMS3EDWL": "BE",
        "A1805IZSGTT6HS": "NL",
        "A1PA6795UKMFR9": "DE",
        "APJ6JRA9NG5V4": "IT",
        "A2NODRKZP88ZB9": "SE",
        "AE08WJ6YKNBMC": "ZA",
        "A1C3SOZRARQ6R3": "PL",
        "ARBP9OOSHTCHU": "EG",
        "A33AVAJ2PDY3EV": "TR",
        "A17E79C6D8DWNP": "SA",
        "A2VIGQ35RCS4UG": "AE",
        "A21TJRUUN4KGV": "IN",
    },
    "FE": {"A19VAU5U5O7RUS": "SG", "A39IBJ37TRP1C6": "AU", "A1VC38T7YXB528": "JP"},
}
ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}


@tagged("post_install", "-at_install")
class TestMarketplaceData(AmazonCommon):
    def test_every_marketplace_with_its_region(self):
        marketplaces = self.env["amazon.marketplace"].search([])
        found = {
            m.marketplace_ref: (m.region, m.country_id.code, m.api_endpoint)
            for m in marketplaces
        }
        expected = {
            ref: (region, country, ENDPOINTS[region])
            for region, refs in EXPECTED_MARKETPLACES.items()
            for ref, country in refs.items()
        }
        self.assertEqual(found, expected)

    def test_currency_and_tax_inclusion(self):
        self.assertEqual(self.marketplace_us.currency_id.name, "USD")
        self.assertFalse(
            self.marketplace_us.tax_included, "US prices exclude sales tax"
        )
        self.assertEqual(self.marketplace_de.currency_id.name, "EUR")
        self.assertTrue(self.marketplace_de.tax_included, "DE prices include VAT")
        uk = self.env.ref("sale_amazon_connector.marketplace_uk")
        self.assertEqual(uk.currency_id.name, "GBP")
        self.assertTrue(uk.seller_central_url.startswith("https://sellercentral"))

    def test_marketplaces_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.marketplace_de.unlink()
        self.assertTrue(self.marketplace_de.exists())
