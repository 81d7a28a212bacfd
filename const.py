"""Constants of the Amazon Selling Partner API as the connector uses them.

Sources: Amazon's SP-API documentation pages "SP-API endpoints" and "Marketplace IDs"
(developer-docs.amazon.com/sp-api/docs/sp-api-endpoints, .../marketplace-ids), and the
Seller Central URL table of "Authorizing Selling Partner API applications"; summarised in
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
# Amazon shows tax-inclusive prices everywhere except the United States and Canada, where
# sales tax is added at checkout.
MARKETPLACES = [
    ("ca", "A2EUQ1WTGCTBG2", "Amazon.ca", "CA", "NA", "CAD", False,
     "https://sellercentral.amazon.ca"),
    ("us", "ATVPDKIKX0DER", "Amazon.com", "US", "NA", "USD", False,
     "https://sellercentral.amazon.com"),
    ("mx", "A1AM78C64UM0Y8", "Amazon.com.mx", "MX", "NA", "MXN", True,
     "https://sellercentral.amazon.com.mx"),
    ("br", "A2Q3Y263D00KWC", "Amazon.com.br", "BR", "NA", "BRL", True,
     "https://sellercentral.amazon.com.br"),
    ("ie", "A28R8C7NBKEWEA", "Amazon.ie", "IE", "EU", "EUR", True,
     "https://sellercentral.amazon.ie"),
    ("es", "A1RKKUPIHCS9HS", "Amazon.es", "ES", "EU", "EUR", True,
     "https://sellercentral-europe.amazon.com"),
    ("uk", "A1F83G8C2ARO7P", "Amazon.co.uk", "GB", "EU", "GBP", True,
     "https://sellercentral-europe.amazon.com"),
    ("fr", "A13V1IB3VIYZZH", "Amazon.fr", "FR", "EU", "EUR", True,
     "https://sellercentral-europe.amazon.com"),
    ("be", "AMEN7PMS3EDWL", "Amazon.com.be", "BE", "EU", "EUR", True,
     "https://sellercentral.amazon.com.be"),
    ("nl", "A1805IZSGTT6HS", "Amazon.nl", "NL", "EU", "EUR", True,
     "https://sellercentral.amazon.nl"),
    ("de", "A1PA6795UKMFR9", "Amazon.de", "DE", "EU", "EUR", True,
     "https://sellercentral-europe.amazon.com"),
    ("it", "APJ6JRA9NG5V4", "Amazon.it", "IT", "EU", "EUR", True,
     "https://sellercentral-europe.amazon.com"),
    ("se", "A2NODRKZP88ZB9", "Amazon.se", "SE", "EU", "SEK", True,
     "https://sellercentral.amazon.se"),
    ("za", "AE08WJ6YKNBMC", "Amazon.co.za", "ZA", "EU", "ZAR", True,
     "https://sellercentral.amazon.co.za"),
    ("pl", "A1C3SOZRARQ6R3", "Amazon.pl", "PL", "EU", "PLN", True,
     "https://sellercentral.amazon.pl"),
    ("eg", "ARBP9OOSHTCHU", "Amazon.eg", "EG", "EU", "EGP", True,
     "https://sellercentral.amazon.eg"),
    ("tr", "A33AVAJ2PDY3EV", "Amazon.com.tr", "TR", "EU", "TRY", True,
     "https://sellercentral.amazon.com.tr"),
    ("sa", "A17E79C6D8DWNP", "Amazon.sa", "SA", "EU", "SAR", True,
     "https://sellercentral.amazon.sa"),
    ("ae", "A2VIGQ35RCS4UG", "Amazon.ae", "AE", "EU", "AED", True,
     "https://sellercentral.amazon.ae"),
    ("in", "A21TJRUUN4KGV", "Amazon.in", "IN", "EU", "INR", True,
     "https://sellercentral.amazon.in"),
    ("sg", "A19VAU5U5O7RUS", "Amazon.sg", "SG", "FE", "SGD", True,
     "https://sellercentral.amazon.sg"),
    ("au", "A39IBJ37TRP1C6", "Amazon.com.au", "AU", "FE", "AUD", True,
     "https://sellercentral.amazon.com.au"),
    ("jp", "A1VC38T7YXB528", "Amazon.co.jp", "JP", "FE", "JPY", True,
     "https://sellercentral.amazon.co.jp"),
]
