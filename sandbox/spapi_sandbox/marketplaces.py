"""Marketplace facts used by the Sellers API and the scenario checks.

Source: developer docs "Marketplace IDs" (``/docs/marketplace-ids``) for the ids,
regions and country codes, as listed in ``shared/docs/sp-api-brief.md`` section 2;
names, domains, currencies and languages are the marketplaces' public ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace."""

    id: str
    region: str
    country_code: str
    name: str
    domain: str
    currency: str
    language: str

    def to_sellers_json(self) -> dict:
        """The Sellers API ``Marketplace`` object."""
        return {
            "id": self.id,
            "countryCode": self.country_code,
            "name": self.name,
            "defaultCurrencyCode": self.currency,
            "defaultLanguageCode": self.language,
            "domainName": self.domain,
        }


_ROWS = [
    ("A2EUQ1WTGCTBG2", "NA", "CA", "Amazon.ca", "www.amazon.ca", "CAD", "en_CA"),
    ("ATVPDKIKX0DER", "NA", "US", "Amazon.com", "www.amazon.com", "USD", "en_US"),
    (
        "A1AM78C64UM0Y8",
        "NA",
        "MX",
        "Amazon.com.mx",
        "www.amazon.com.mx",
        "MXN",
        "es_MX",
    ),
    (
        "A2Q3Y263D00KWC",
        "NA",
        "BR",
        "Amazon.com.br",
        "www.amazon.com.br",
        "BRL",
        "pt_BR",
    ),
    ("A28R8C7NBKEWEA", "EU", "IE", "Amazon.ie", "www.amazon.ie", "EUR", "en_IE"),
    ("A1RKKUPIHCS9HS", "EU", "ES", "Amazon.es", "www.amazon.es", "EUR", "es_ES"),
    ("A1F83G8C2ARO7P", "EU", "GB", "Amazon.co.uk", "www.amazon.co.uk", "GBP", "en_GB"),
    ("A13V1IB3VIYZZH", "EU", "FR", "Amazon.fr", "www.amazon.fr", "EUR", "fr_FR"),
    ("AMEN7PMS3EDWL", "EU", "BE", "Amazon.com.be", "www.amazon.com.be", "EUR", "fr_BE"),
    ("A1805IZSGTT6HS", "EU", "NL", "Amazon.nl", "www.amazon.nl", "EUR", "nl_NL"),
    ("A1PA6795UKMFR9", "EU", "DE", "Amazon.de", "www.amazon.de", "EUR", "de_DE"),
    ("APJ6JRA9NG5V4", "EU", "IT", "Amazon.it", "www.amazon.it", "EUR", "it_IT"),
    ("A2NODRKZP88ZB9", "EU", "SE", "Amazon.se", "www.amazon.se", "SEK", "sv_SE"),
    ("AE08WJ6YKNBMC", "EU", "ZA", "Amazon.co.za", "www.amazon.co.za", "ZAR", "en_ZA"),
    ("A1C3SOZRARQ6R3", "EU", "PL", "Amazon.pl", "www.amazon.pl", "PLN", "pl_PL"),
    ("ARBP9OOSHTCHU", "EU", "EG", "Amazon.eg", "www.amazon.eg", "EGP", "ar_EG"),
    (
        "A33AVAJ2PDY3EV",
        "EU",
        "TR",
        "Amazon.com.tr",
        "www.amazon.com.tr",
        "TRY",
        "tr_TR",
    ),
    ("A17E79C6D8DWNP", "EU", "SA", "Amazon.sa", "www.amazon.sa", "SAR", "ar_SA"),
    ("A2VIGQ35RCS4UG", "EU", "AE", "Amazon.ae", "www.amazon.ae", "AED", "en_AE"),
    ("A21TJRUUN4KGV", "EU", "IN", "Amazon.in", "www.amazon.in", "INR", "en_IN"),
    ("A19VAU5U5O7RUS", "FE", "SG", "Amazon.sg", "www.amazon.sg", "SGD", "en_SG"),
    (
        "A39IBJ37TRP1C6",
        "FE",
        "AU",
        "Amazon.com.au",
        "www.amazon.com.au",
        "AUD",
        "en_AU",
    ),
    ("A1VC38T7YXB528", "FE", "JP", "Amazon.co.jp", "www.amazon.co.jp", "JPY", "ja_JP"),
]

MARKETPLACES: dict[str, Marketplace] = {row[0]: Marketplace(*row) for row in _ROWS}
