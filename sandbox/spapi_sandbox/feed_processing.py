"""What a feed does to the sandbox state when it reaches DONE, and its report.

``process(state, feed, at)`` returns ``(processingStatus, report bytes,
report content type)``. Supported feed types:

- ``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA`` (TSV: order-id,
  amazon-order-item-code, cancellation-reason-code) and
  ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` (XML ``AmazonEnvelope`` of
  ``OrderAcknowledgement`` messages): StatusCode Failure (every TSV row)
  cancels the listed items, or the whole order when no item is listed;
- ``POST_FLAT_FILE_FULFILLMENT_DATA`` (TSV: order-id, order-item-id, quantity,
  ship-date, carrier-code, carrier-name, tracking-number, ship-method): rows of
  one order with the same ship date, carrier, tracking number and method form
  one package, recorded as confirmShipment records it (tracking optional);
- ``JSON_LISTINGS_FEED``: see ``listings.process_listings_feed``.

Any other feed type ends FATAL. The report of the order feeds (flat file or
XML) is an XML ``ProcessingReport`` (layout in the README); the listings feed's
is the JSON processing report v2.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from . import money, mutations, shipments
from .carriers import OTHER
from .clock import format_datetime, parse_datetime
from .errors import ApiError

XML_REPORT_TYPE = "text/xml; charset=UTF-8"
JSON_REPORT_TYPE = "application/json; charset=UTF-8"

ORDER_ACK_FLAT = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
ORDER_ACK_XML = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
FULFILLMENT_FLAT = "POST_FLAT_FILE_FULFILLMENT_DATA"
LISTINGS_JSON = "JSON_LISTINGS_FEED"
SUPPORTED_FEED_TYPES = (ORDER_ACK_FLAT, ORDER_ACK_XML, FULFILLMENT_FLAT, LISTINGS_JSON)

#: Amazon's cancellation reasons (OrderAcknowledgement ``CancelReason``).
CANCEL_REASONS = (
    "NoInventory",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "BuyerCanceled",
    "GeneralAdjustment",
    "CarrierCreditDecision",
    "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure",
    "CustomerReturn",
    "MerchandiseNotReceived",
)

# Sandbox result message codes (ResultMessageCode), documented in the README.
ORDER_NOT_FOUND = "90101"
ITEM_NOT_FOUND = "90102"
ALREADY_SHIPPED = "90103"
INVALID_REASON = "90104"
ALREADY_CANCELLED = "90105"
NOT_MERCHANT_FULFILLED = "90106"
INVALID_ROW = "90107"
SHIPMENT_REJECTED = "90108"
UNREADABLE_DOCUMENT = "90198"
UNSUPPORTED_FEED_TYPE = "90199"


@dataclass
class Result:
    """One ``Result`` of an XML processing report."""

    message_id: int
    code: str  # "Error" | "Warning"
    message_code: str
    description: str
    order_id: str | None = None


class FatalFeed(Exception):
    """The document cannot be processed at all: the feed ends FATAL."""

    def __init__(self, message_code: str, description: str):
        """Keep the result code and description for the report."""
        super().__init__(description)
        self.message_code = message_code
        self.description = description


def process(state, feed, at: datetime) -> tuple[str, bytes, str]:
    """Apply ``feed`` at ``at``; return (status, report, report content type)."""
    feed_type = feed.json["feedType"]
    if feed_type == LISTINGS_JSON:
        from .listings import process_listings_feed

        status, report = process_listings_feed(state, feed, at)
        return status, json.dumps(report, indent=1).encode(), JSON_REPORT_TYPE
    try:
        if feed_type not in SUPPORTED_FEED_TYPES:
            raise FatalFeed(
                UNSUPPORTED_FEED_TYPE,
                f"Feed type {feed_type} is not supported by the sandbox.",
            )
        if feed.input is None:
            raise FatalFeed(
                UNREADABLE_DOCUMENT,
                "The input feed document was never uploaded.",
            )
        if feed_type == ORDER_ACK_FLAT:
            count, results = _order_ack_flat(state, feed, at)
        elif feed_type == ORDER_ACK_XML:
            count, results = _order_ack_xml(state, feed, at)
        else:
            count, results = _fulfillment_flat(state, feed, at)
    except FatalFeed as fatal:
        report = xml_report(
            feed, 0, [Result(0, "Error", fatal.message_code, fatal.description)]
        )
        return "FATAL", report, XML_REPORT_TYPE
    return "DONE", xml_report(feed, count, results), XML_REPORT_TYPE


# ------------------------------------------------------------------ report
def xml_report(feed, processed: int, results: list[Result]) -> bytes:
    """The XML ``ProcessingReport`` of an order feed."""
    envelope = ET.Element("AmazonEnvelope")
    envelope.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
    envelope.set("xsi:noNamespaceSchemaLocation", "amzn-envelope.xsd")
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.02"
    ET.SubElement(header, "MerchantIdentifier").text = feed.seller_id
    ET.SubElement(envelope, "MessageType").text = "ProcessingReport"
    message = ET.SubElement(envelope, "Message")
    ET.SubElement(message, "MessageID").text = "1"
    report = ET.SubElement(message, "ProcessingReport")
    ET.SubElement(report, "DocumentTransactionID").text = feed.feed_id
    ET.SubElement(report, "StatusCode").text = "Complete"
    # Document-level results (MessageID 0) count for no message.
    with_error = {r.message_id for r in results if r.code == "Error"} - {0}
    with_warning = {r.message_id for r in results if r.code == "Warning"} - {0}
    summary = ET.SubElement(report, "ProcessingSummary")
    for tag, value in (
        ("MessagesProcessed", processed),
        ("MessagesSuccessful", processed - len(with_error)),
        ("MessagesWithError", len(with_error)),
        ("MessagesWithWarning", len(with_warning)),
    ):
        ET.SubElement(summary, tag).text = str(max(0, value))
    for result in results:
        node = ET.SubElement(report, "Result")
        ET.SubElement(node, "MessageID").text = str(result.message_id)
        ET.SubElement(node, "ResultCode").text = result.code
        ET.SubElement(node, "ResultMessageCode").text = result.message_code
        ET.SubElement(node, "ResultDescription").text = result.description
        if result.order_id:
            info = ET.SubElement(node, "AdditionalInfo")
            ET.SubElement(info, "AmazonOrderID").text = result.order_id
    ET.indent(envelope)
    text = ET.tostring(envelope, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode()


def parse_xml_report(data: bytes) -> dict:
    """Read an XML processing report back (tests, tools): ``{"statusCode",
    "summary": {tag: int}, "results": [{messageId, resultCode,
    resultMessageCode, description, amazonOrderId}]}``."""
    root = ET.fromstring(data)
    report = root.find("Message/ProcessingReport")
    return {
        "documentTransactionId": report.findtext("DocumentTransactionID"),
        "statusCode": report.findtext("StatusCode"),
        "summary": {
            child.tag: int(child.text) for child in report.find("ProcessingSummary")
        },
        "results": [
            {
                "messageId": int(node.findtext("MessageID")),
                "resultCode": node.findtext("ResultCode"),
                "resultMessageCode": node.findtext("ResultMessageCode"),
                "description": node.findtext("ResultDescription"),
                "amazonOrderId": node.findtext("AdditionalInfo/AmazonOrderID"),
            }
            for node in report.findall("Result")
        ],
    }


# ------------------------------------------------------------- flat files
def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def _tsv_rows(data: bytes, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(message id, row by lower-case header) for each non-empty data row."""
    lines = [
        line
        for line in _text(data).splitlines()
        if line.strip() and not line.startswith("TemplateType=")
    ]
    if not lines:
        raise FatalFeed(UNREADABLE_DOCUMENT, "The feed document is empty.")
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=3)
    rows = list(reader)
    header = [name.strip().lower().replace("_", "-") for name in rows[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise FatalFeed(
            UNREADABLE_DOCUMENT,
            "The header row lacks the column(s) " + ", ".join(missing) + ".",
        )
    return [
        (
            index,
            {
                name: (values[i].strip() if i < len(values) else "")
                for i, name in enumerate(header)
            },
        )
        for index, values in enumerate(rows[1:], start=1)
    ]


# ------------------------------------------------------- cancellations
def _merchant_order(state, seller_id: str, order_id: str, at: datetime):
    """(record, None) or (None, (result code, message code, description))."""
    record = state.order(order_id)
    if record is None or record.seller_id != seller_id or record.created > at:
        return None, (
            "Error",
            ORDER_NOT_FOUND,
            f"Order {order_id} was not found for this seller.",
        )
    if (record.order.get("fulfillment") or {}).get("fulfilledBy") != "MERCHANT":
        return None, (
            "Error",
            NOT_MERCHANT_FULFILLED,
            f"Order {order_id} is fulfilled by Amazon; it cannot be acknowledged "
            "or cancelled by the seller.",
        )
    return record, None


def _cancel_items(order: dict, items: list[dict], reason: str) -> None:
    """Cancel whole items: execution by MERCHANT, zero proceeds, new totals."""
    reading = money.tax_arithmetic(order)
    currency = mutations.order_currency(order)
    for item in items:
        item.setdefault("cancellation", {})["cancellationExecution"] = {
            "cancelledBy": "MERCHANT",
            "cancelReason": reason,
        }
        item.setdefault("fulfillment", {})["quantityUnfulfilled"] = 0
        if item.get("proceeds") and currency:
            money.zero_item_proceeds(item, currency)
    if currency and reading != "NONE":
        money.recompute_order_proceeds(order, tax_included=reading == "INCLUDED")
    mutations.recompute_status(order)


def cancel(
    state,
    seller_id: str,
    order_id: str,
    item_ids: list[str],
    reason: str | None,
    at: datetime,
    message_id: int,
) -> list[Result]:
    """Cancel items of an order (all of them when ``item_ids`` is empty).

    Returns the report results (empty when everything was cancelled).
    """

    def result(kind: str, code: str, description: str) -> Result:
        """A result of this message about this order."""
        return Result(message_id, kind, code, description, order_id)

    if reason not in CANCEL_REASONS:
        return [
            result(
                "Error",
                INVALID_REASON,
                f"Invalid cancellation reason {reason!r}; use one of "
                + ", ".join(CANCEL_REASONS)
                + ".",
            )
        ]
    record, problem = _merchant_order(state, seller_id, order_id, at)
    if problem:
        return [result(*problem)]
    order = record.order
    shipped = mutations.shipped_quantities(order)
    results, to_cancel = [], []
    if not item_ids:
        open_items = [i for i in order["orderItems"] if not mutations.is_cancelled(i)]
        if not open_items:
            return [
                result(
                    "Warning",
                    ALREADY_CANCELLED,
                    f"Order {order_id} is already cancelled; nothing was changed.",
                )
            ]
        if any(shipped.get(i["orderItemId"]) for i in open_items):
            return [
                result(
                    "Error",
                    ALREADY_SHIPPED,
                    f"Order {order_id} has shipped items and cannot be cancelled "
                    "as a whole; list the unshipped items to cancel.",
                )
            ]
        to_cancel = open_items
    for item_id in dict.fromkeys(item_ids):
        item = mutations.find_item(order, item_id)
        if item is None:
            results.append(
                result(
                    "Error",
                    ITEM_NOT_FOUND,
                    f"Order item {item_id} is not in order {order_id}.",
                )
            )
        elif mutations.is_cancelled(item):
            results.append(
                result(
                    "Warning",
                    ALREADY_CANCELLED,
                    f"Order item {item_id} of order {order_id} is already "
                    "cancelled; nothing was changed.",
                )
            )
        elif shipped.get(item_id):
            results.append(
                result(
                    "Error",
                    ALREADY_SHIPPED,
                    f"Order item {item_id} of order {order_id} has already "
                    "shipped and cannot be cancelled.",
                )
            )
        else:
            to_cancel.append(item)
    if to_cancel:
        _cancel_items(order, to_cancel, reason)
        order["lastUpdatedTime"] = format_datetime(at)
        record.refresh()
    return results


def _order_ack_flat(state, feed, at: datetime) -> tuple[int, list[Result]]:
    rows = _tsv_rows(feed.input, ("order-id", "cancellation-reason-code"))
    results = []
    for message_id, row in rows:
        order_id = row.get("order-id", "")
        if not order_id:
            results.append(
                Result(message_id, "Error", INVALID_ROW, "order-id is required.")
            )
            continue
        item_id = row.get("amazon-order-item-code", "")
        results += cancel(
            state,
            feed.seller_id,
            order_id,
            [item_id] if item_id else [],
            row.get("cancellation-reason-code") or None,
            at,
            message_id,
        )
    return len(rows), results


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, name: str):
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _children(node, name: str) -> list:
    return [child for child in node if _local(child.tag) == name]


def _child_text(node, name: str) -> str:
    child = _child(node, name)
    return (child.text or "").strip() if child is not None else ""


def _order_ack_xml(state, feed, at: datetime) -> tuple[int, list[Result]]:
    try:
        root = ET.fromstring(feed.input)
    except ET.ParseError as error:
        raise FatalFeed(UNREADABLE_DOCUMENT, f"XML parsing error: {error}") from None
    if _local(root.tag) != "AmazonEnvelope":
        raise FatalFeed(UNREADABLE_DOCUMENT, "The root element must be AmazonEnvelope.")
    message_type = _child_text(root, "MessageType")
    if message_type != "OrderAcknowledgement":
        raise FatalFeed(
            UNREADABLE_DOCUMENT,
            f"MessageType must be OrderAcknowledgement, not {message_type!r}.",
        )
    messages = _children(root, "Message")
    results = []
    for index, message in enumerate(messages, start=1):
        raw_id = _child_text(message, "MessageID")
        message_id = int(raw_id) if raw_id.isdigit() else index
        ack = _child(message, "OrderAcknowledgement")
        order_id = _child_text(ack, "AmazonOrderID") if ack is not None else ""
        status = _child_text(ack, "StatusCode") if ack is not None else ""
        if not order_id or status not in ("Success", "Failure"):
            results.append(
                Result(
                    message_id,
                    "Error",
                    INVALID_ROW,
                    "OrderAcknowledgement needs AmazonOrderID and StatusCode "
                    "Success or Failure.",
                    order_id or None,
                )
            )
            continue
        if status == "Success":
            _record, problem = _merchant_order(state, feed.seller_id, order_id, at)
            if problem:
                results.append(Result(message_id, *problem, order_id))
            continue
        order_reason = _child_text(ack, "CancelReason") or None
        items = _children(ack, "Item")
        if not items:
            results += cancel(
                state, feed.seller_id, order_id, [], order_reason, at, message_id
            )
            continue
        for item in items:
            item_id = _child_text(item, "AmazonOrderItemCode")
            reason = _child_text(item, "CancelReason") or order_reason
            if not item_id:
                results.append(
                    Result(
                        message_id,
                        "Error",
                        INVALID_ROW,
                        "Item needs AmazonOrderItemCode.",
                        order_id,
                    )
                )
                continue
            results += cancel(
                state, feed.seller_id, order_id, [item_id], reason, at, message_id
            )
    return len(messages), results


# ------------------------------------------------------------ fulfillment
FULFILLMENT_COLUMNS = ("order-id", "ship-date")


def _fulfillment_flat(state, feed, at: datetime) -> tuple[int, list[Result]]:
    rows = _tsv_rows(feed.input, FULFILLMENT_COLUMNS)
    seller = state.sellers[feed.seller_id]
    results: list[Result] = []
    packages: dict[tuple, list[tuple[int, dict]]] = {}
    for message_id, row in rows:
        order_id = row.get("order-id", "")
        problem = None
        if not order_id:
            problem = "order-id is required."
        elif not row.get("ship-date"):
            problem = "ship-date is required."
        else:
            try:
                parse_datetime(row["ship-date"])
            except ValueError:
                problem = f"ship-date {row['ship-date']!r} is not an ISO 8601 date."
        quantity = row.get("quantity", "")
        if problem is None and quantity and not quantity.isdigit():
            problem = f"quantity {quantity!r} is not a whole number."
        if problem is None and row.get("order-item-id") and not quantity:
            problem = "quantity is required with order-item-id."
        if problem:
            results.append(
                Result(message_id, "Error", INVALID_ROW, problem, order_id or None)
            )
            continue
        key = (
            order_id,
            row["ship-date"],
            row.get("carrier-code", ""),
            row.get("carrier-name", ""),
            row.get("tracking-number", ""),
            row.get("ship-method", ""),
        )
        packages.setdefault(key, []).append((message_id, row))
    for number, (key, members) in enumerate(packages.items(), start=1):
        order_id, ship_date, code, name, tracking, method = key
        record = state.order(order_id)
        lines = [
            {"orderItemId": row["order-item-id"], "quantity": int(row["quantity"])}
            for _, row in members
            if row.get("order-item-id")
        ]
        if not lines and record is not None and record.seller_id == seller.seller_id:
            order = record.order
            lines = [
                {"orderItemId": item["orderItemId"], "quantity": left}
                for item in order["orderItems"]
                if (left := mutations.unshipped_quantity(order, item)) > 0
            ]
        package = {
            "packageReferenceId": f"{feed.feed_id}-{number}",
            "carrierCode": code or (OTHER if name else ""),
            "shipDate": ship_date,
            "orderItems": lines,
        }
        for field_name, value in (
            ("carrierName", name),
            ("trackingNumber", tracking),
            ("shippingMethod", method),
        ):
            if value:
                package[field_name] = value
        marketplace = (
            record.order["salesChannel"].get("marketplaceId")
            if record is not None
            else feed.json["marketplaceIds"][0]
        )
        body = {"marketplaceId": marketplace, "packageDetail": package}
        try:
            shipments.confirm_shipment(
                state, seller, order_id, body, at, require_tracking=False
            )
        except ApiError as error:
            status = error.status
            details = (
                error.body["errors"][0].get("details")
                or error.body["errors"][0]["message"]
            )
            code_for = ORDER_NOT_FOUND if status == 404 else SHIPMENT_REJECTED
            results += [
                Result(message_id, "Error", code_for, details, order_id)
                for message_id, _ in members
            ]
    results.sort(key=lambda r: r.message_id)
    return len(rows), results
