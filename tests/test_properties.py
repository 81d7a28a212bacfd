"""Property-based tests of the order importer: arbitrary Orders v2026-01-01 ``Order``
objects, valid against Amazon's own JSON schema, go through the sync's per-order
import (``amazon.account._import_one_order`` on a run row). Whatever the order, the
run goes on: the order is imported with its total equal to ``proceeds.grandTotal``,
skipped (a status the sync does not import), or recorded as failed with a message.

The strategy is written by hand (small, and closer to Amazon's data than a generic
schema walker): consistent orders on VAT (gross or net prices) and sales-tax style
arithmetic, with or without buyer data, gift messages, shipping, discounts, unknown
SKUs, then at most one hostile change (no proceeds, a grand total neither arithmetic
explains, an amount that is not a number, an unknown currency or marketplace, zero or
huge quantities, no items, a duplicated item id...). Each generated order is validated
against the schema in ``../shared/sp-api/models`` before use. A fixed, derandomized
budget keeps ``make test`` fast.
"""

import itertools
import json
from decimal import Decimal

import jsonschema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from spapi_sandbox.models import models_dir

from odoo.tests import tagged

from .common import AmazonCommon

# Amazon's models, found as the sandbox finds them (SPAPI_MODELS_DIR, else ../shared).
SCHEMA_PATH = models_dir() / "orders-api-model" / "orders_2026-01-01.json"
MARKETPLACES = {
    # reference: (currency, VAT market)
    "A1PA6795UKMFR9": ("EUR", True),  # DE
    "A1F83G8C2ARO7P": ("GBP", True),  # UK
    "A1C3SOZRARQ6R3": ("PLN", True),  # PL
}
KNOWN_SKUS = ("PROP-MUG", "PROP-LAMP", "PROP-BOOK")
CENT = Decimal("0.01")
_order_numbers = itertools.count(1)


def _money(amount, currency):
    return {"amount": str(amount), "currencyCode": currency}


def amazon_order(
    order_id,
    marketplace="A1PA6795UKMFR9",
    channel="FBM",
    status="UNSHIPPED",
    items=(("PROP-MUG", 1, Decimal("19.99"), Decimal("4.99"), Decimal(0)),),
    tax_rate=Decimal(19),
    vat_inside_item=False,
    buyer=None,
    gift_message=None,
    created="2026-10-01T10:00:00Z",
):
    """A consistent Orders v2026-01-01 ``Order``.

    :param items: ``(sku, quantity, unit price, shipping, discount)`` per item; prices
        are gross (VAT included) on VAT markets, as Amazon shows them.
    :param bool vat_inside_item: whether the ITEM/SHIPPING breakdowns include the VAT
        (the grand total then leaves TAX out) or not (TAX added on top).
    :param dict buyer: ``{"name", "email", "street", "phone", "city", "zip"}``, or
        ``None`` for an order without buyer data.
    """
    currency, vat = MARKETPLACES.get(marketplace, ("EUR", True))
    rate = Decimal(tax_rate)
    order_items = []
    for index, (sku, quantity, unit, shipping, discount) in enumerate(items):
        parts = {"ITEM": unit * quantity, "SHIPPING": shipping, "DISCOUNT": -discount}
        tax, shown = {}, {}
        for key, value in parts.items():
            if vat:
                tax[key] = (value * rate / (100 + rate)).quantize(CENT)
                shown[key] = value if vat_inside_item else value - tax[key]
            else:
                tax[key] = (value * rate / 100).quantize(CENT)
                shown[key] = value
        breakdowns = [{"type": "ITEM", "subtotal": _money(shown["ITEM"], currency)}]
        if shipping:
            breakdowns.append(
                {"type": "SHIPPING", "subtotal": _money(shown["SHIPPING"], currency)}
            )
        if discount:
            breakdowns.append(
                {
                    "type": "DISCOUNT",
                    "subtotal": _money(shown["DISCOUNT"], currency),
                    "detailedBreakdowns": [
                        {
                            "subtype": "ITEM",
                            "value": _money(shown["DISCOUNT"], currency),
                        }
                    ],
                }
            )
        breakdowns.append(
            {
                "type": "TAX",
                "subtotal": _money(sum(tax.values()), currency),
                "detailedBreakdowns": [
                    {
                        "subtype": "ITEM",
                        "value": _money(tax["ITEM"] + tax["DISCOUNT"], currency),
                    },
                    {"subtype": "SHIPPING", "value": _money(tax["SHIPPING"], currency)},
                ],
            }
        )
        total = sum(
            Decimal(entry["subtotal"]["amount"])
            for entry in breakdowns
            if not (vat and vat_inside_item and entry["type"] == "TAX")
        )
        item = {
            "orderItemId": f"{order_id.replace('-', '')[-10:]}{index:04d}",
            "quantityOrdered": quantity,
            "product": {
                "asin": f"B0PROP{index:04d}",
                "title": f"Property item {sku}",
                "sellerSku": sku,
                "price": {"unitPrice": _money(unit, currency)},
            },
            "proceeds": {
                "proceedsTotal": _money(total, currency),
                "breakdowns": breakdowns,
            },
            "fulfillment": {
                "quantityFulfilled": quantity if status == "SHIPPED" else 0,
                "quantityUnfulfilled": 0 if status == "SHIPPED" else quantity,
            },
        }
        if gift_message is not None and index == 0:
            item["fulfillment"]["packing"] = {
                "giftOption": {"giftMessage": gift_message, "giftWrapLevel": "CLASSIC"}
            }
        order_items.append(item)
    totals = {}
    for item in order_items:
        for entry in item["proceeds"]["breakdowns"]:
            totals[entry["type"]] = totals.get(entry["type"], Decimal(0)) + Decimal(
                entry["subtotal"]["amount"]
            )
    grand = sum(
        (
            value
            for key, value in totals.items()
            if not (vat and vat_inside_item and key == "TAX")
        ),
        Decimal(0),
    )
    address = {"city": "Berlin", "postalCode": "10115", "countryCode": "DE"}
    order = {
        "orderId": order_id,
        "createdTime": created,
        "lastUpdatedTime": created,
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace},
        "proceeds": {
            "grandTotal": _money(grand, currency),
            "breakdowns": [
                {"type": key, "subtotal": _money(value, currency)}
                for key, value in totals.items()
            ],
        },
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": "AMAZON" if channel == "FBA" else "MERCHANT",
        },
        "orderItems": order_items,
    }
    if channel == "FBM" and status == "SHIPPED":
        order["packages"] = [
            {
                "packageReferenceId": "1",
                "carrier": "DHL",
                "trackingNumber": f"TRK{order_id.replace('-', '')}",
                "packageItems": [
                    {
                        "orderItemId": item["orderItemId"],
                        "quantity": item["quantityOrdered"],
                    }
                    for item in order_items
                ],
            }
        ]
    if buyer:
        address = {
            "name": buyer["name"],
            "addressLine1": buyer["street"],
            "city": buyer.get("city", "Berlin"),
            "postalCode": buyer.get("zip", "10115"),
            "countryCode": "DE",
            "phone": buyer["phone"],
        }
        order["buyer"] = {"buyerName": buyer["name"], "buyerEmail": buyer["email"]}
    order["recipient"] = {"deliveryAddress": address}
    return order


# === STRATEGY === #

_amounts = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)
_items = st.lists(
    st.tuples(
        st.sampled_from((*KNOWN_SKUS, "PROP-UNKNOWN")),
        st.integers(min_value=1, max_value=5),
        _amounts,
        st.sampled_from((Decimal(0), Decimal("4.99"), Decimal("0.01"))),
        st.sampled_from((Decimal(0), Decimal(0), Decimal("1.00"))),
    ),
    min_size=1,
    max_size=3,
)
_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=40,
)
_buyers = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "name": _text,
            "email": st.just("x7yz@marketplace.amazon.de"),
            "street": _text,
            "phone": st.from_regex(r"\+49 [0-9]{6,10}", fullmatch=True),
        }
    ),
)


def _break(order, change, draw):
    """Apply one hostile change to a consistent order (in place)."""
    items = order["orderItems"]
    if change == "no_proceeds":
        order.pop("proceeds")
        for item in items:
            item.pop("proceeds")
    elif change == "grand_total_off":
        grand = order["proceeds"]["grandTotal"]
        grand["amount"] = str(
            Decimal(grand["amount"])
            + draw(
                st.sampled_from((Decimal("0.01"), Decimal("-0.01"), Decimal("7.50")))
            )
        )
    elif change == "not_a_number":
        items[0]["proceeds"]["breakdowns"][0]["subtotal"]["amount"] = "12,50"
    elif change == "unknown_currency":
        order["proceeds"]["grandTotal"]["currencyCode"] = "XXQ"
    elif change == "unknown_marketplace":
        order["salesChannel"]["marketplaceId"] = "AZZZZZZZZZZZZZ"
    elif change == "zero_quantity":
        items[0]["quantityOrdered"] = 0
    elif change == "huge_quantity":
        items[0]["quantityOrdered"] = 10**9
    elif change == "no_items":
        order["orderItems"] = []
    elif change == "duplicate_item":
        items.append(json.loads(json.dumps(items[0])))
    elif change == "no_item_proceeds":
        items[0].pop("proceeds")
    elif change == "no_status":
        order["fulfillment"].pop("fulfillmentStatus")
    elif change == "no_grand_total":
        order["proceeds"].pop("grandTotal")


CHANGES = (
    None, None, None, None, "no_proceeds", "grand_total_off", "not_a_number",
    "unknown_currency", "unknown_marketplace", "zero_quantity", "huge_quantity",
    "no_items", "duplicate_item", "no_item_proceeds", "no_grand_total",
)  # fmt: skip


@st.composite
def amazon_orders(draw):
    """An Orders v2026-01-01 ``Order``: consistent, then at most one hostile change."""
    number = next(_order_numbers)
    channel = draw(st.sampled_from(("FBM", "FBA")))
    status = draw(
        st.sampled_from(
            ("UNSHIPPED", "SHIPPED", "SHIPPED", "PENDING", "CANCELLED")
            if channel == "FBM"
            else ("SHIPPED", "SHIPPED", "UNSHIPPED")
        )
    )
    order = amazon_order(
        f"{900 + number % 100:03d}-{number:07d}-{draw(st.integers(0, 9999999)):07d}",
        marketplace=draw(st.sampled_from(sorted(MARKETPLACES))),
        channel=channel,
        status=status,
        items=draw(_items),
        tax_rate=draw(
            st.sampled_from((Decimal(0), Decimal(7), Decimal(19), Decimal(23)))
        ),
        vat_inside_item=draw(st.booleans()),
        buyer=draw(_buyers),
        gift_message=draw(st.one_of(st.none(), _text)),
    )
    _break(order, draw(st.sampled_from(CHANGES)), draw)
    return order


@tagged("post_install", "-at_install")
class TestImporterProperties(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(SCHEMA_PATH, encoding="utf-8") as schema_file:
            schema = json.load(schema_file)
        cls.validator = jsonschema.Draft4Validator(
            {**schema["definitions"]["Order"], "definitions": schema["definitions"]}
        )
        cls.account = cls._create_account()
        for ref in MARKETPLACES:
            marketplace = cls.env["amazon.marketplace"].search(
                [("marketplace_ref", "=", ref)]
            )
            cls.account._ensure_marketplace_line(marketplace)
        cls.env["product.product"].create(
            [
                {"name": sku, "default_code": sku, "is_storable": True}
                for sku in KNOWN_SKUS
            ]
        )
        cls.sync_run = cls.env["amazon.sync.run"].create({"account_id": cls.account.id})

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(order_data=amazon_orders())
    def test_every_order_is_imported_balanced_skipped_or_failed(self, order_data):
        self.validator.validate(order_data)
        ref = order_data["orderId"]
        result = self.account._import_one_order(self.sync_run, order_data)
        self.assertIn(result, ("created", "skipped", "failed"), ref)
        event(result)
        order = self.env["sale.order"].search([("amazon_order_ref", "=", ref)])
        failure = self.env["amazon.sync.failure"].search(
            [("account_id", "=", self.account.id), ("amazon_order_ref", "=", ref)]
        )
        if result == "failed":
            self.assertFalse(order, "a failed order leaves nothing half-created")
            self.assertTrue(failure.error, "a failed order says why")
            return
        self.assertFalse(failure, ref)
        if result == "skipped":
            self.assertFalse(order)
            return
        self.assertEqual(len(order), 1)
        grand_total = order_data.get("proceeds", {}).get("grandTotal")
        if grand_total:
            self.assertEqual(
                Decimal(f"{order.amount_total:.{order.currency_id.decimal_places}f}"),
                Decimal(grand_total["amount"]),
                f"{ref}: {json.dumps(order_data)}",
            )
            self.assertEqual(order.currency_id.name, grand_total["currencyCode"])
        # importing the same order again changes nothing
        self.assertIn(
            self.account._import_one_order(self.sync_run, order_data),
            ("unchanged", "updated"),
        )
        self.assertEqual(
            self.env["sale.order"].search_count([("amazon_order_ref", "=", ref)]), 1
        )
