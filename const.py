"""Constants of the Amazon Selling Partner API as the connector uses them.

Sources: Amazon's SP-API documentation pages "SP-API endpoints" and "Marketplace IDs"
(developer-docs.amazon.com/sp-api/docs/sp-api-endpoints, .../marketplace-ids), and the
Seller Central URL table of "Authorizing Selling Partner API applications"; summarised
in
``../shared/docs/sp-api-brief.md`` §2.
"""

# Login with Amazon (LWA) token endpoint, the same for every region.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

# Production endpoint of each SP-API region.
REGION_ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}

REGION_SELECTION = [
    ("NA", "North America"),
    ("EU", "Europe"),
    ("FE", "Far East"),
]

# One entry per SP-API marketplace:
#   (xml id suffix, marketplace id, name, country code, region, currency code,
#    prices include tax, Seller Central URL)
# Amazon shows tax-inclusive prices everywhere except the United States and Canada,
# where
# sales tax is added at checkout.
MARKETPLACES = [
    (
        "ca",
        "A2EUQ1WTGCTBG2",
        "Amazon.ca",
        "CA",
        "NA",
        "CAD",
        False,
        "https://sellercentral.amazon.ca",
    ),
    (
        "us",
        "ATVPDKIKX0DER",
        "Amazon.com",
        "US",
        "NA",
        "USD",
        False,
        "https://sellercentral.amazon.com",
    ),
    (
        "mx",
        "A1AM78C64UM0Y8",
        "Amazon.com.mx",
        "MX",
        "NA",
        "MXN",
        True,
        "https://sellercentral.amazon.com.mx",
    ),
    (
        "br",
        "A2Q3Y263D00KWC",
        "Amazon.com.br",
        "BR",
        "NA",
        "BRL",
        True,
        "https://sellercentral.amazon.com.br",
    ),
    (
        "ie",
        "A28R8C7NBKEWEA",
        "Amazon.ie",
        "IE",
        "EU",
        "EUR",
        True,
        "https://sellercentral.amazon.ie",
    ),
    (
        "es",
        "A1RKKUPIHCS9HS",
        "Amazon.es",
        "ES",
        "EU",
        "EUR",
        True,
        "https://sellercentral-europe.amazon.com",
    ),
    (
        "uk",
        "A1F83G8C2ARO7P",
        "Amazon.co.uk",
        "GB",
        "EU",
        "GBP",
        True,
        "https://sellercentral-europe.amazon.com",
    ),
    (
        "fr",
        "A13V1IB3VIYZZH",
        "Amazon.fr",
        "FR",
        "EU",
        "EUR",
        True,
        "https://sellercentral-europe.amazon.com",
    ),
    (
        "be",
        "AMEN7PMS3EDWL",
        "Amazon.com.be",
        "BE",
        "EU",
        "EUR",
        True,
        "https://sellercentral.amazon.com.be",
    ),
    (
        "nl",
        "A1805IZSGTT6HS",
        "Amazon.nl",
        "NL",
        "EU",
        "EUR",
        True,
        "https://sellercentral.amazon.nl",
    ),
    (
        "de",
        "A1PA6795UKMFR9",
        "Amazon.de",
        "DE",
        "EU",
        "EUR",
        True,
        "https://sellercentral-europe.amazon.com",
    ),
    (
        "it",
        "APJ6JRA9NG5V4",
        "Amazon.it",
        "IT",
        "EU",
        "EUR",
        True,
        "https://sellercentral-europe.amazon.com",
    ),
    (
        "se",
        "A2NODRKZP88ZB9",
        "Amazon.se",
        "SE",
        "EU",
        "SEK",
        True,
        "https://sellercentral.amazon.se",
    ),
    (
        "za",
        "AE08WJ6YKNBMC",
        "Amazon.co.za",
        "ZA",
        "EU",
        "ZAR",
        True,
        "https://sellercentral.amazon.co.za",
    ),
    (
        "pl",
        "A1C3SOZRARQ6R3",
        "Amazon.pl",
        "PL",
        "EU",
        "PLN",
        True,
        "https://sellercentral.amazon.pl",
    ),
    (
        "eg",
        "ARBP9OOSHTCHU",
        "Amazon.eg",
        "EG",
        "EU",
        "EGP",
        True,
        "https://sellercentral.amazon.eg",
    ),
    (
        "tr",
        "A33AVAJ2PDY3EV",
        "Amazon.com.tr",
        "TR",
        "EU",
        "TRY",
        True,
        "https://sellercentral.amazon.com.tr",
    ),
    (
        "sa",
        "A17E79C6D8DWNP",
        "Amazon.sa",
        "SA",
        "EU",
        "SAR",
        True,
        "https://sellercentral.amazon.sa",
    ),
    (
        "ae",
        "A2VIGQ35RCS4UG",
        "Amazon.ae",
        "AE",
        "EU",
        "AED",
        True,
        "https://sellercentral.amazon.ae",
    ),
    (
        "in",
        "A21TJRUUN4KGV",
        "Amazon.in",
        "IN",
        "EU",
        "INR",
        True,
        "https://sellercentral.amazon.in",
    ),
    (
        "sg",
        "A19VAU5U5O7RUS",
        "Amazon.sg",
        "SG",
        "FE",
        "SGD",
        True,
        "https://sellercentral.amazon.sg",
    ),
    (
        "au",
        "A39IBJ37TRP1C6",
        "Amazon.com.au",
        "AU",
        "FE",
        "AUD",
        True,
        "https://sellercentral.amazon.com.au",
    ),
    (
        "jp",
        "A1VC38T7YXB528",
        "Amazon.co.jp",
        "JP",
        "FE",
        "JPY",
        True,
        "https://sellercentral.amazon.co.jp",
    ),
]

# Value-added tax rates of the tax-inclusive marketplaces' countries, standard rate
# first, then the reduced rates, in percent (sources: the European Commission's "VAT
# rates in the EU" table, HMRC, and each country's tax authority, as of 2026). Amazon's
# order data gives tax amounts, never rates: the importer picks, per item, the rate of
# this list that reproduces Amazon's amount (see ``sale.order._amazon_find_vat_rate``).
VAT_RATES = {
    "AE": (5.0,),
    "AU": (10.0,),
    "BE": (21.0, 12.0, 6.0),
    "BR": (17.0, 12.0, 7.0),
    "DE": (19.0, 7.0),
    "EG": (14.0, 5.0),
    "ES": (21.0, 10.0, 4.0),
    "FR": (20.0, 10.0, 5.5, 2.1),
    "GB": (20.0, 5.0),
    "IE": (23.0, 13.5, 9.0),
    "IN": (18.0, 12.0, 5.0, 28.0),
    "IT": (22.0, 10.0, 5.0, 4.0),
    "JP": (10.0, 8.0),
    "MX": (16.0,),
    "NL": (21.0, 9.0),
    "PL": (23.0, 8.0, 5.0),
    "SA": (15.0,),
    "SE": (25.0, 12.0, 6.0),
    "SG": (9.0,),
    "TR": (20.0, 10.0, 1.0),
    "ZA": (15.0,),
}

# Amazon's seller cancellation reasons (order acknowledgement feeds, ``CancelReason`` /
# ``cancellation-reason-code``), as the Feeds API documentation lists them.
CANCEL_REASONS = [
    ("NoInventory", "No inventory"),
    ("ShippingAddressUndeliverable", "Shipping address undeliverable"),
    ("CustomerExchange", "Customer exchange"),
    ("BuyerCanceled", "Buyer canceled"),
    ("GeneralAdjustment", "General adjustment"),
    ("CarrierCreditDecision", "Carrier credit decision"),
    ("RiskAssessmentInformationNotValid", "Risk assessment information not valid"),
    ("CarrierCoverageFailure", "Carrier coverage failure"),
    ("CustomerReturn", "Customer return"),
    ("MerchandiseNotReceived", "Merchandise not received"),
]

# Feed type of the seller cancellation (order acknowledgement, flat file).
ORDER_ACK_FEED = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
