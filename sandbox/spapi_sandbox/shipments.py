"""Orders v0 confirmShipment: ``POST /orders/v0/orders/{orderId}/shipmentConfirmation``.

Checks, each a 400 InvalidInput unless noted:

- the body is a ``ConfirmShipmentRequest``: ``marketplaceId`` and
  ``packageDetail`` with ``packageReferenceId``, ``carrierCode``,
  ``trackingNumber``, ``shipDate`` (ISO 8601) and ``orderItems``
  (``[{orderItemId, quantity >= 1}]``, each item once); ``codCollectionMethod``
  is ``DirectPayment`` when given;
- ``carrierCode`` is one of ``carriers.CARRIER_CODES``; ``Other`` needs
  ``carrierName``;
- the order exists for the caller (else 404 NotFound), is in ``marketplaceId``,
  is fulfilled by the merchant, and is UNSHIPPED or PARTIALLY_SHIPPED (a SHIPPED
  order accepts only an edit of one of its packages);
- every item belongs to the order, is not cancelled, and its quantity does not
  exceed what is still unshipped (packages other than the one being edited
  count as shipped).

Success records the package (re-sending a ``packageReferenceId`` replaces that
package), recomputes item quantities and the order status, and bumps
``lastUpdatedTime``.
"""

from __future__ import annotations

from datetime import datetime

from . import mutations
from .carriers import CARRIER_CODES, OTHER
from .clock import format_datetime, parse_datetime
from .errors import invalid_input, not_found

SHIPPABLE = ("UNSHIPPED", "PARTIALLY_SHIPPED")


def _required_text(obj: dict, key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid_input(f"{where}{key} is required and must be a non-empty string.")
    return value


def _check_request(
    body, require_tracking: bool = True
) -> tuple[dict, list[tuple[str, int, list | None]]]:
    if not isinstance(body, dict):
        raise invalid_input("The request body must be a ConfirmShipmentRequest object.")
    _required_text(body, "marketplaceId", "")
    if body.get("codCollectionMethod") not in (None, "DirectPayment"):
        raise invalid_input("codCollectionMethod must be DirectPayment.")
    package = body.get("packageDetail")
    if not isinstance(package, dict):
        raise invalid_input("packageDetail is required and must be an object.")
    for key in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate"):
        if key == "trackingNumber" and not require_tracking:
            if package.get(key) is not None and not isinstance(package[key], str):
                raise invalid_input("packageDetail.trackingNumber must be a string.")
            continue
        _required_text(package, key, "packageDetail.")
    for key in ("carrierName", "shippingMethod", "shipFromSupplySourceId"):
        if key in package and not isinstance(package[key], str):
            raise invalid_input(f"packageDetail.{key} must be a string.")
    try:
        parse_datetime(package["shipDate"])
    except ValueError:
        raise invalid_input(
            "packageDetail.shipDate must be an ISO 8601 date-time."
        ) from None
    if package["carrierCode"] not in CARRIER_CODES:
        raise invalid_input(
            f"Invalid carrierCode {package['carrierCode']!r}: use a value from "
            "Amazon's carrier code list, or Other with carrierName."
        )
    if (
        package["carrierCode"] == OTHER
        and not (package.get("carrierName") or "").strip()
    ):
        raise invalid_input("carrierName is required when carrierCode is Other.")
    entries = package.get("orderItems")
    if not isinstance(entries, list) or not entries:
        raise invalid_input("packageDetail.orderItems must be a non-empty list.")
    lines = []
    for index, entry in enumerate(entries):
        where = f"packageDetail.orderItems[{index}]."
        if not isinstance(entry, dict):
            raise invalid_input(f"{where[:-1]} must be an object.")
        item_id = _required_text(entry, "orderItemId", where)
        quantity = entry.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise invalid_input(f"{where}quantity must be an integer >= 1.")
        codes = entry.get("transparencyCodes")
        if codes is not None and not (
            isinstance(codes, list) and all(isinstance(c, str) for c in codes)
        ):
            raise invalid_input(f"{where}transparencyCodes must be a list of strings.")
        if any(line[0] == item_id for line in lines):
            raise invalid_input(f"orderItemId {item_id} is listed twice.")
        lines.append((item_id, quantity, codes))
    return package, lines


def confirm_shipment(
    state, seller, order_id: str, body, now: datetime, require_tracking: bool = True
) -> None:
    """Handle confirmShipment for ``seller``; raise ``ApiError`` on any breach.

    ``require_tracking=False`` (the flat-file fulfillment feed) makes
    ``trackingNumber`` optional; the package then has none.
    """
    package, lines = _check_request(body, require_tracking)
    record = state.order(order_id)
    if record is None or record.seller_id != seller.seller_id or record.created > now:
        raise not_found(f"Order {order_id} was not found.")
    order = record.order
    if body["marketplaceId"] != order["salesChannel"].get("marketplaceId"):
        raise invalid_input(
            f"marketplaceId {body['marketplaceId']} is not the order's marketplace."
        )
    if (order.get("fulfillment") or {}).get("fulfilledBy") != "MERCHANT":
        raise invalid_input(
            f"Order {order_id} is fulfilled by Amazon; only seller-fulfilled "
            "orders can be confirmed."
        )
    reference = package["packageReferenceId"]
    existing = next(
        (
            p
            for p in order.get("packages") or []
            if p.get("packageReferenceId") == reference
        ),
        None,
    )
    status = mutations.status_of(order)
    if status not in SHIPPABLE and not (status == mutations.SHIPPED and existing):
        raise invalid_input(f"Order {order_id} is {status} and cannot be confirmed.")
    for item_id, quantity, _codes in lines:
        item = mutations.find_item(order, item_id)
        if item is None:
            raise invalid_input(f"orderItemId {item_id} is not in order {order_id}.")
        if mutations.is_cancelled(item):
            raise invalid_input(f"orderItemId {item_id} is cancelled.")
        left = mutations.unshipped_quantity(order, item, exclude_package=reference)
        if quantity > left:
            raise invalid_input(
                f"quantity {quantity} for orderItemId {item_id} exceeds the "
                f"unshipped quantity {left}."
            )
    stamp = format_datetime(now)
    carrier = package["carrierCode"]
    new_package = {
        "packageReferenceId": reference,
        "createdTime": (existing or {}).get("createdTime", stamp),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": package["carrierName"] if carrier == OTHER else carrier,
        "shipTime": format_datetime(parse_datetime(package["shipDate"])),
        "packageItems": [
            {"orderItemId": item_id, "quantity": quantity}
            | ({"transparencyCodes": codes} if codes else {})
            for item_id, quantity, codes in lines
        ],
    }
    if package.get("trackingNumber"):
        new_package["trackingNumber"] = package["trackingNumber"]
    if package.get("shippingMethod"):
        new_package["shippingService"] = package["shippingMethod"]
    mutations.upsert_package(order, new_package)
    order["lastUpdatedTime"] = stamp
    record.refresh()
