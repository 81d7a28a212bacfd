"""Changes to a stored v2026-01-01 ``Order`` that keep its datasets consistent.

Used by the timed scenario events and by confirmShipment: packages and item
quantities, cancellations and the recomputed proceeds, and the order status
that follows from them.
"""

from __future__ import annotations

from decimal import Decimal

SHIPPED = "SHIPPED"
PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
CANCELLED = "CANCELLED"


def currency_decimals(currency: str) -> int:
    """Decimals of a currency's amounts (JPY 0, all others 2)."""
    return 0 if currency == "JPY" else 2


def format_amount(value: Decimal, currency: str) -> str:
    """A Decimal string with the currency's decimals."""
    return str(value.quantize(Decimal(1).scaleb(-currency_decimals(currency))))


def zero_money(currency: str) -> dict:
    """A ``Money`` of zero in ``currency``."""
    return {"amount": format_amount(Decimal(0), currency), "currencyCode": currency}


def status_of(order: dict) -> str | None:
    """The order's ``fulfillment.fulfillmentStatus``."""
    return (order.get("fulfillment") or {}).get("fulfillmentStatus")


def set_status(order: dict, status: str) -> None:
    """Set the order's ``fulfillment.fulfillmentStatus``."""
    order.setdefault("fulfillment", {})["fulfillmentStatus"] = status


def is_cancelled(item: dict) -> bool:
    """Whether the item carries a cancellation execution."""
    return bool((item.get("cancellation") or {}).get("cancellationExecution"))


def find_item(order: dict, order_item_id: str) -> dict | None:
    """The order item with ``order_item_id``, or ``None``."""
    for item in order.get("orderItems", []):
        if item.get("orderItemId") == order_item_id:
            return item
    return None


def _counts(package: dict) -> bool:
    return (package.get("packageStatus") or {}).get("status") != CANCELLED


def shipped_quantities(order: dict, exclude_package: str | None = None) -> dict:
    """Quantity in (non-cancelled) packages per orderItemId.

    ``exclude_package`` leaves out the package with that packageReferenceId.
    """
    shipped: dict[str, int] = {}
    for package in order.get("packages") or []:
        if not _counts(package) or package.get("packageReferenceId") == exclude_package:
            continue
        for entry in package.get("packageItems") or []:
            item_id = entry.get("orderItemId")
            shipped[item_id] = shipped.get(item_id, 0) + int(entry.get("quantity", 0))
    return shipped


def unshipped_quantity(
    order: dict, item: dict, exclude_package: str | None = None
) -> int:
    """What of the item may still ship: 0 when cancelled, else ordered - packed."""
    if is_cancelled(item):
        return 0
    shipped = shipped_quantities(order, exclude_package).get(item["orderItemId"], 0)
    return max(0, int(item["quantityOrdered"]) - shipped)


def refresh_item_fulfillment(order: dict) -> None:
    """Recompute every item's ``fulfillment.quantityFulfilled/Unfulfilled``."""
    shipped = shipped_quantities(order)
    for item in order.get("orderItems", []):
        done = shipped.get(item["orderItemId"], 0)
        fulfillment = item.setdefault("fulfillment", {})
        fulfillment["quantityFulfilled"] = done
        fulfillment["quantityUnfulfilled"] = unshipped_quantity(order, item)


def recompute_status(order: dict) -> None:
    """Derive the status from cancellations and packages.

    No active item left: CANCELLED. Every active item fully packed: SHIPPED.
    Some quantity packed: PARTIALLY_SHIPPED. Otherwise the status is kept.
    """
    active = [item for item in order.get("orderItems", []) if not is_cancelled(item)]
    if not active:
        set_status(order, CANCELLED)
        return
    shipped = shipped_quantities(order)
    if all(shipped.get(i["orderItemId"], 0) >= i["quantityOrdered"] for i in active):
        set_status(order, SHIPPED)
    elif any(shipped.get(item["orderItemId"], 0) for item in active):
        set_status(order, PARTIALLY_SHIPPED)


def upsert_package(order: dict, package: dict) -> None:
    """Add ``package``, or replace the one with the same packageReferenceId."""
    packages = order.setdefault("packages", [])
    for index, existing in enumerate(packages):
        if existing.get("packageReferenceId") == package["packageReferenceId"]:
            packages[index] = package
            break
    else:
        packages.append(package)
    refresh_item_fulfillment(order)
    recompute_status(order)


def order_currency(order: dict) -> str | None:
    """The currency of the order's proceeds (or its first priced item)."""
    grand_total = (order.get("proceeds") or {}).get("grandTotal")
    if grand_total:
        return grand_total["currencyCode"]
    for item in order.get("orderItems", []):
        total = (item.get("proceeds") or {}).get("proceedsTotal")
        if total:
            return total["currencyCode"]
    return None


def _zero_item_proceeds(item: dict) -> None:
    proceeds = item.get("proceeds")
    if not proceeds:
        return
    for breakdown in proceeds.get("breakdowns") or []:
        currency = breakdown["subtotal"]["currencyCode"]
        breakdown["subtotal"] = zero_money(currency)
        for detail in breakdown.get("detailedBreakdowns") or []:
            if detail.get("value"):
                detail["value"] = zero_money(detail["value"]["currencyCode"])
    if proceeds.get("proceedsTotal"):
        proceeds["proceedsTotal"] = zero_money(
            proceeds["proceedsTotal"]["currencyCode"]
        )


def recompute_order_proceeds(order: dict) -> None:
    """Rebuild the order's proceeds breakdowns and grandTotal from its items.

    Breakdown types found on items become per-type sums; other order-level
    breakdowns (e.g. DELIVERY_TIP) are kept. The tax reading is preserved: when
    the old grandTotal left TAX out (VAT included in the amounts), so does the new.
    """
    proceeds = order.get("proceeds")
    currency = order_currency(order)
    if not proceeds or not proceeds.get("grandTotal") or currency is None:
        return
    old = proceeds.get("breakdowns") or []
    old_total = Decimal(proceeds["grandTotal"]["amount"])
    with_tax = sum((Decimal(b["subtotal"]["amount"]) for b in old), Decimal(0))
    without_tax = sum(
        (Decimal(b["subtotal"]["amount"]) for b in old if b["type"] != "TAX"),
        Decimal(0),
    )
    tax_included = old_total == without_tax and old_total != with_tax

    sums: dict[str, Decimal] = {}
    for item in order.get("orderItems", []):
        for breakdown in (item.get("proceeds") or {}).get("breakdowns") or []:
            amount = Decimal(breakdown["subtotal"]["amount"])
            sums[breakdown["type"]] = sums.get(breakdown["type"], Decimal(0)) + amount
    new = []
    for breakdown in old:
        if breakdown["type"] in sums:
            amount = sums.pop(breakdown["type"])
            breakdown = {
                **breakdown,
                "subtotal": {
                    "amount": format_amount(amount, currency),
                    "currencyCode": currency,
                },
            }
        new.append(breakdown)
    for kind, amount in sums.items():
        new.append(
            {
                "type": kind,
                "subtotal": {
                    "amount": format_amount(amount, currency),
                    "currencyCode": currency,
                },
            }
        )
    total = sum(
        (
            Decimal(b["subtotal"]["amount"])
            for b in new
            if not (tax_included and b["type"] == "TAX")
        ),
        Decimal(0),
    )
    proceeds["breakdowns"] = new
    proceeds["grandTotal"] = {
        "amount": format_amount(total, currency),
        "currencyCode": currency,
    }


def cancel_item(
    order: dict, item: dict, cancelled_by: str = "BUYER", reason: str | None = None
) -> None:
    """Cancel the whole item: cancellation execution, zero proceeds, new totals."""
    execution = {"cancelledBy": cancelled_by}
    if reason:
        execution["cancelReason"] = reason
    item.setdefault("cancellation", {})["cancellationExecution"] = execution
    item.setdefault("fulfillment", {})["quantityUnfulfilled"] = 0
    _zero_item_proceeds(item)
    recompute_order_proceeds(order)
