"""Carrier codes accepted by confirmShipment's ``packageDetail.carrierCode``.

Source: Amazon's ``CarrierCode`` value list, the one Seller Central and the
order-fulfillment feeds use (enumeration ``CarrierCode`` of Amazon's XML base
schema ``amzn-base.xsd``; the developer docs' changelog "CarrierCode value
required in shipment confirmations" points to it). The schema itself is not in
the public models repository, so this is a hand-made subset of its values: the
carriers the connector is expected to meet. Codes are case-sensitive. ``Other``
requires ``carrierName``.
"""

OTHER = "Other"

CARRIER_CODES: frozenset[str] = frozenset(
    {
        # North America
        "UPS",
        "UPS Mail Innovations",
        "USPS",
        "FedEx",
        "FedEx SmartPost",
        "DHL",
        "DHL eCommerce",
        "OnTrac",
        "Lasership",
        "Canada Post",
        "Purolator",
        "Canpar",
        "Estafeta",
        # Europe
        "Deutsche Post",
        "DPD",
        "Hermes",
        "Hermes Logistik Gruppe",
        "GLS",
        "Royal Mail",
        "Parcelforce",
        "Yodel",
        "Colissimo",
        "Chronopost",
        "La Poste",
        "Mondial Relay",
        "Poste Italiane",
        "BRT",
        "SDA",
        "SEUR",
        "Correos",
        "MRW",
        "Nacex",
        "PostNL",
        "Bpost",
        "Austrian Post",
        "PostNord",
        "InPost",
        "TNT",
        # Far East
        "Japan Post",
        "Yamato Transport",
        "Sagawa Express",
        "Seino Transportation",
        "Australia Post",
        "Singapore Post",
        "India Post",
        "Blue Dart",
        "Amazon Shipping",
        OTHER,
    }
)
