"""Decimal money helpers shared by the scenario generator and the manifest.

Amounts in the Orders v2026-01-01 model are ``Money`` objects
``{"amount": "<decimal string>", "currencyCode": "EUR"}``. Everything here uses
:class:`decimal.Decimal` (never floats) and formats amounts with the currency's
number of decimals (JPY 0, every other currency 2).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Currencies without minor units; every other currency has 2 decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})

#: Canonical order of proceeds breakdown types in an order or item.
BREAKDOWN_ORDER = (
    "ITEM",
    "SHIPPING",
    "GIFT_WRAP",
    "COD_FEE",
    "OTHER",
    "DISCOUNT",
    "TAX",
)


def decimals(currency: str) -> int:
    """Number of decimals of ``currency`` (0 for JPY, 2 otherwise)."""
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


def quantum(currency: str) -> Decimal:
    """Smallest unit of ``currency`` as a Decimal (``Decimal("1")`` or ``"0.01"``)."""
    return Decimal(1).scaleb(-decimals(currency))


def rnd(value: Decimal | int | str, currency: str) -> Decimal:
    """Round ``value`` half-up (away from zero) to the currency's decimals.

    A negative zero is normalised to zero, so ``fmt`` never yields ``"-0.00"``.
    """
    result = Decimal(value).quantize(quantum(currency), rounding=ROUND_HALF_UP)
    if result == 0:
        result = abs(result)
    return result


def fmt(value: Decimal | int | str, currency: str) -> str:
    """Format ``value`` as a decimal string with the currency's decimals."""
    return str(rnd(value, currency))


def money(value: Decimal | int | str, currency: str) -> dict:
    """Build a model ``Money`` object: ``{"amount": "12.34", "currencyCode": cur}``."""
    return {"amount": fmt(value, currency), "currencyCode": currency}


def amount(money_obj: dict | None) -> Decimal:
    """Decimal value of a ``Money`` object (``Decimal(0)`` when it is ``None``)."""
    if not money_obj:
        return Decimal(0)
    return Decimal(money_obj["amount"])


def breakdown_sums(breakdowns: list[dict] | None) -> dict[str, Decimal]:
    """Sum ``breakdowns[].subtotal`` per ``type`` (a dict type -> Decimal)."""
    sums: dict[str, Decimal] = {}
    for entry in breakdowns or []:
        sums[entry["type"]] = sums.get(entry["type"], Decimal(0)) + amount(
            entry["subtotal"]
        )
    return sums


def sort_types(types) -> list[str]:
    """Sort breakdown types in :data:`BREAKDOWN_ORDER` (unknown types last, by name)."""
    rank = {name: index for index, name in enumerate(BREAKDOWN_ORDER)}
    return sorted(types, key=lambda name: (rank.get(name, len(rank)), name))


def grand_total(sums: dict[str, Decimal], tax_included: bool) -> Decimal:
    """Grand total from per-type sums.

    Additive reading (``tax_included=False``): the sum of every type.
    VAT-inside reading (``tax_included=True``): the sum of every type but TAX.
    """
    return sum(
        (value for key, value in sums.items() if not (tax_included and key == "TAX")),
        Decimal(0),
    )


def tax_arithmetic(order: dict) -> str:
    """Which money reading an order follows, judged from its own numbers.

    Returns ``"ADDITIVE"`` when the order breakdowns sum to ``grandTotal`` (this
    includes every order whose TAX is zero), ``"INCLUDED"`` when they do so
    without TAX, ``"NONE"`` when the order has no proceeds (pending orders) and
    ``"MISMATCH"`` when neither holds.
    """
    proceeds = order.get("proceeds") or {}
    if "grandTotal" not in proceeds:
        return "NONE"
    total = amount(proceeds["grandTotal"])
    sums = breakdown_sums(proceeds.get("breakdowns"))
    if grand_total(sums, tax_included=False) == total:
        return "ADDITIVE"
    if grand_total(sums, tax_included=True) == total:
        return "INCLUDED"
    return "MISMATCH"


def recompute_order_proceeds(order: dict, tax_included: bool | None = None) -> None:
    """Rebuild ``order["proceeds"]`` in place from its items' proceeds.

    Each item's ``proceedsTotal`` is reset to the sum of its breakdowns (without
    TAX when ``tax_included``); the order's ``breakdowns`` become the per-type
    sums over the items and ``grandTotal`` their sum (same TAX rule). When
    ``tax_included`` is ``None`` the reading is taken from the order as it is
    (see :func:`tax_arithmetic`; additive when undecidable). Used after an item
    cancellation. Orders whose items carry no proceeds (pending) are left alone.
    """
    items = [item for item in order.get("orderItems", []) if item.get("proceeds")]
    if not items:
        return
    if tax_included is None:
        tax_included = tax_arithmetic(order) == "INCLUDED"
    currency = None
    totals: dict[str, Decimal] = {}
    for item in items:
        sums = breakdown_sums(item["proceeds"].get("breakdowns"))
        for entry in item["proceeds"].get("breakdowns") or []:
            currency = currency or entry["subtotal"]["currencyCode"]
        currency = currency or item["proceeds"]["proceedsTotal"]["currencyCode"]
        for key, value in sums.items():
            totals[key] = totals.get(key, Decimal(0)) + value
        item["proceeds"]["proceedsTotal"] = money(
            grand_total(sums, tax_included), currency
        )
    order["proceeds"] = {
        "grandTotal": money(grand_total(totals, tax_included), currency),
        "breakdowns": [
            {"type": key, "subtotal": money(totals[key], currency)}
            for key in sort_types(totals)
        ],
    }


def zero_item_proceeds(item: dict, currency: str) -> None:
    """Set a cancelled item's proceeds to zero: one ``ITEM`` breakdown of 0."""
    item["proceeds"] = {
        "proceedsTotal": money(0, currency),
        "breakdowns": [{"type": "ITEM", "subtotal": money(0, currency)}],
    }
