"""Small, deterministic sample scenarios for tests and the page benchmark.

The realistic scenarios come from ``generator.py``; these are minimal and fast
to build: every order carries every dataset and validates against the model.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import format_datetime, parse_datetime

CLIENT_ID = "amzn1.application-oa2-client.sandboxtest"
CLIENT_SECRET = "sandbox-test-secret"
SELLER_PII = "A2EUPIIDEMO01"
SELLER_PLAIN = "A3NOPIIDEMO02"
REFRESH_PII = "Atzr|sandbox-refresh-pii"
REFRESH_PLAIN = "Atzr|sandbox-refresh-plain"
DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"
START = "2026-11-01T12:00:00Z"


def _money(amount: str, currency: str = "EUR") -> dict:
    return {"amount": amount, "currencyCode": currency}


def sample_order(
    index: int,
    created: datetime,
    *,
    marketplace: str = DE,
    fulfilled_by: str = "MERCHANT",
    status: str = "UNSHIPPED",
    quantities: tuple[int, ...] = (2, 1),
) -> dict:
    """An order with every dataset; item ``k`` costs 10.00 + k per unit, additive
    tax (19 % rounded) and 4.90 shipping on the first item."""
    order_id = f"302-{index:07d}-{(index * 7919) % 10_000_000:07d}"
    stamp = format_datetime(created)
    items, sums = [], {"ITEM": 0, "SHIPPING": 0, "TAX": 0}
    for position, quantity in enumerate(quantities):
        unit = 1000 + 100 * position
        item_cents, shipping_cents = unit * quantity, 490 if position == 0 else 0
        tax_cents = (item_cents + shipping_cents) * 19 // 100
        for key, cents in (
            ("ITEM", item_cents),
            ("SHIPPING", shipping_cents),
            ("TAX", tax_cents),
        ):
            sums[key] += cents
        breakdowns = [
            {"type": "ITEM", "subtotal": _money(_amount(item_cents))},
            {"type": "SHIPPING", "subtotal": _money(_amount(shipping_cents))},
            {
                "type": "TAX",
                "subtotal": _money(_amount(tax_cents)),
                "detailedBreakdowns": [
                    {"subtype": "ITEM", "value": _money(_amount(tax_cents))}
                ],
            },
        ]
        items.append(
            {
                "orderItemId": f"{index:07d}{position:07d}",
                "quantityOrdered": quantity,
                "programs": [],
                "product": {
                    "asin": f"B0{index % 100000:05d}{position:03d}",
                    "title": f"Sample product {position}",
                    "sellerSku": f"SKU-{position:03d}",
                    "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                    "price": {"unitPrice": _money(_amount(unit))},
                },
                "proceeds": {
                    "proceedsTotal": _money(
                        _amount(item_cents + shipping_cents + tax_cents)
                    ),
                    "breakdowns": breakdowns,
                },
                "expense": {},
                "promotion": {"breakdowns": []},
                "cancellation": {},
                "fulfillment": {
                    "quantityFulfilled": 0,
                    "quantityUnfulfilled": quantity,
                },
                "tax": {},
            }
        )
    return {
        "orderId": order_id,
        "createdTime": stamp,
        "lastUpdatedTime": stamp,
        "programs": [],
        "associatedOrders": [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": marketplace,
            "marketplaceName": "Amazon.de" if marketplace == DE else "Amazon.fr",
        },
        "buyer": {
            "buyerName": f"Buyer {index}",
            "buyerEmail": f"buyer{index}@marketplace.amazon.de",
            "buyerCompanyName": "Buyer GmbH",
        },
        "recipient": {
            "deliveryAddress": {
                "name": f"Recipient {index}",
                "addressLine1": f"Hauptstrasse {index % 200 + 1}",
                "city": "Berlin",
                "stateOrRegion": "BE",
                "postalCode": "10115",
                "countryCode": "DE",
                "phone": "+49 30 1234567",
                "addressType": "RESIDENTIAL",
            }
        },
        "proceeds": {
            "grandTotal": _money(_amount(sum(sums.values()))),
            "breakdowns": [
                {"type": key, "subtotal": _money(_amount(cents))}
                for key, cents in sums.items()
            ],
        },
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": "STANDARD",
        },
        "orderItems": items,
        "packages": [],
    }


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def sample_scenario(
    orders: int = 10, start: str = START, spacing_seconds: int = 60
) -> dict:
    """A scenario with two sellers (PII and plain) on DE/FR and ``orders`` FBM
    UNSHIPPED orders of the PII seller, created ``spacing_seconds`` apart and
    ending one hour before ``start``."""
    begin = parse_datetime(start) - timedelta(seconds=3600 + spacing_seconds * orders)
    return {
        "format": "spapi-sandbox/scenario@1",
        "name": f"sample-{orders}",
        "seed": 0,
        "clock": {"start": start},
        "applications": [{"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}],
        "sellers": [
            {
                "sellerId": SELLER_PII,
                "name": "Demo EU seller",
                "region": "EU",
                "clientId": CLIENT_ID,
                "refreshToken": REFRESH_PII,
                "marketplaceIds": [DE, FR],
                "roles": ["PII"],
            },
            {
                "sellerId": SELLER_PLAIN,
                "name": "Seller without PII role",
                "region": "EU",
                "clientId": CLIENT_ID,
                "refreshToken": REFRESH_PLAIN,
                "marketplaceIds": [DE],
                "roles": [],
            },
        ],
        "orders": [
            {
                "sellerId": SELLER_PII,
                "order": sample_order(
                    i, begin + timedelta(seconds=spacing_seconds * i)
                ),
            }
            for i in range(orders)
        ],
        "events": [],
        "faults": [],
        "inventory": [],
        "listings": [],
    }
