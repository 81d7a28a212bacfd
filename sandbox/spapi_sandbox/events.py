"""Timed scenario events: checking them and applying them to stored orders.

Each event is ``{"at": ISO, "orderId": ..., "type": ..., ...}`` and, when the
sandbox clock passes ``at``, changes the order and sets its ``lastUpdatedTime``
to ``at``. Types (see the scenario contract in the README):
``status_change``, ``buyer_cancellation_request``, ``item_cancellation``,
``order_cancellation``, ``package_shipped``, ``replacement_order``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from . import mutations
from .clock import format_datetime, parse_datetime

FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
EVENT_TYPES = (
    "status_change",
    "buyer_cancellation_request",
    "item_cancellation",
    "order_cancellation",
    "package_shipped",
    "replacement_order",
)


def check_event(
    event: dict,
    orders: dict[str, dict],
    validate: Callable[[str, object], list[str]],
) -> list[str]:
    """Problems with ``event`` given the orders known so far (by orderId).

    ``validate(definition, instance)`` returns schema messages for a model
    definition. A valid ``replacement_order`` adds its order to ``orders``.
    """
    problems = []
    if not isinstance(event, dict):
        return ["an event must be a JSON object"]
    try:
        parse_datetime(event.get("at"))
    except (TypeError, ValueError):
        problems.append("'at' must be an ISO 8601 date-time")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        return problems + [f"'type' must be one of {', '.join(EVENT_TYPES)}"]
    order = orders.get(event.get("orderId"))
    if order is None:
        return problems + [f"unknown orderId {event.get('orderId')!r}"]
    if kind == "status_change":
        if event.get("fulfillmentStatus") not in FULFILLMENT_STATUSES:
            problems.append("'fulfillmentStatus' must be a FulfillmentStatus value")
    elif kind in ("buyer_cancellation_request", "item_cancellation"):
        if mutations.find_item(order, event.get("orderItemId")) is None:
            problems.append(f"unknown orderItemId {event.get('orderItemId')!r}")
        if kind == "buyer_cancellation_request" and not isinstance(
            event.get("cancelReason"), str
        ):
            problems.append("'cancelReason' must be a string")
    elif kind == "package_shipped":
        package = event.get("package")
        problems += validate("OrderPackage", package)
        for entry in (package or {}).get("packageItems") or []:
            if mutations.find_item(order, entry.get("orderItemId")) is None:
                problems.append(f"unknown orderItemId {entry.get('orderItemId')!r}")
    elif kind == "replacement_order":
        replacement = event.get("order")
        messages = validate("Order", replacement)
        problems += messages
        if not messages:
            if replacement["orderId"] in orders:
                problems.append(f"duplicate orderId {replacement['orderId']!r}")
            else:
                orders[replacement["orderId"]] = replacement
    return problems


def apply_event(event: dict, order: dict) -> dict | None:
    """Apply ``event`` to ``order`` (in place).

    Returns the new order of a ``replacement_order`` event, else ``None``.
    """
    at = format_datetime(parse_datetime(event["at"]))
    kind = event["type"]
    if kind == "replacement_order":
        replacement = copy.deepcopy(event["order"])
        association = {
            "orderId": order["orderId"],
            "associationType": "REPLACEMENT_ORIGINAL_ID",
        }
        associated = replacement.setdefault("associatedOrders", [])
        if association not in associated:
            associated.append(association)
        replacement["lastUpdatedTime"] = at
        return replacement
    if kind == "status_change":
        mutations.set_status(order, event["fulfillmentStatus"])
    elif kind == "buyer_cancellation_request":
        item = mutations.find_item(order, event["orderItemId"])
        item.setdefault("cancellation", {})["cancellationRequest"] = {
            "requester": "BUYER",
            "cancelReason": event["cancelReason"],
        }
    elif kind == "item_cancellation":
        item = mutations.find_item(order, event["orderItemId"])
        mutations.cancel_item(
            order, item, event.get("cancelledBy", "BUYER"), event.get("cancelReason")
        )
        mutations.recompute_status(order)
    elif kind == "order_cancellation":
        shipped = mutations.shipped_quantities(order)
        for item in order.get("orderItems", []):
            if not mutations.is_cancelled(item) and not shipped.get(
                item["orderItemId"]
            ):
                mutations.cancel_item(
                    order,
                    item,
                    event.get("cancelledBy", "BUYER"),
                    event.get("cancelReason"),
                )
        mutations.set_status(order, mutations.CANCELLED)
    elif kind == "package_shipped":
        mutations.upsert_package(order, copy.deepcopy(event["package"]))
    order["lastUpdatedTime"] = at
    return None
