"""Listings in the sandbox state and the ``JSON_LISTINGS_FEED`` that changes them.

A listing is ``{sellerId, sku, marketplaceId, productType, fulfillmentChannel,
quantity?, lastUpdatedTime?}``: ``fulfillmentChannel`` ``DEFAULT`` (seller
fulfilled, with ``quantity``) or ``AMAZON_NA`` / ``AMAZON_EU`` / ``AMAZON_FE``
(FBA; its stock is in ``inventory``). Scenarios carry them in ``listings``.

``JSON_LISTINGS_FEED`` processing (``process_listings_feed``):

- the document is checked against Amazon's ``listings-feed-schema-v2.json``;
  unreadable JSON or a broken header/messages list ends the feed FATAL;
- ``header.sellerId`` must be the caller's seller id, else every message is
  rejected (``SELLER_ID_MISMATCH``);
- each message is checked against the message schema (``productType`` is
  required for UPDATE, PARTIAL_UPDATE and PATCH, ``patches`` for PATCH, ...),
  and message ids must be unique;
- ``/attributes/fulfillment_availability`` (PATCH add/replace/merge/delete, or
  the attribute in UPDATE/PARTIAL_UPDATE) sets the listing's channel and, for
  ``DEFAULT``, its quantity (an integer >= 0, else ``INVALID_QUANTITY``) in each
  of the feed's marketplaces; other attributes are accepted and not stored;
- DELETE removes the SKU's listings in the feed's marketplaces;
- when the seller has listings in the state, PATCH, PARTIAL_UPDATE and DELETE of
  an SKU without a listing in the feed's marketplaces are rejected
  (``UNKNOWN_SKU``); a seller without listings gets them created. UPDATE
  always creates or replaces.

The report is the JSON processing report v2 (header, issues, summary).
"""

from __future__ import annotations

import json
from datetime import datetime

from . import models
from .clock import format_datetime

DEFAULT_CHANNEL = "DEFAULT"
FBA_CHANNELS = ("AMAZON_NA", "AMAZON_EU", "AMAZON_FE")
QUANTITY_PATH = "/attributes/fulfillment_availability"
ATTRIBUTE = "fulfillment_availability"
_BRANCHES = {"UPDATE": 0, "DELETE": 1, "PARTIAL_UPDATE": 2, "PATCH": 3}


# ------------------------------------------------------------------- state
def check_listings(raw, sellers: dict) -> list[str]:
    """Problems with a scenario's ``listings`` (``sellers``: id -> Seller)."""
    problems, seen = [], set()
    for index, entry in enumerate(raw):
        where = f"listings[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        seller = sellers.get(entry.get("sellerId"))
        if seller is None:
            problems.append(f"{where}: unknown sellerId {entry.get('sellerId')!r}")
        for key in ("sku", "marketplaceId", "productType"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                problems.append(f"{where}: '{key}' must be a non-empty string")
        if seller is not None and entry.get("marketplaceId") not in (
            seller.marketplace_ids
        ):
            problems.append(f"{where}: marketplace is not one of the seller's")
        channel = entry.get("fulfillmentChannel", DEFAULT_CHANNEL)
        if channel != DEFAULT_CHANNEL and channel not in FBA_CHANNELS:
            problems.append(
                f"{where}: 'fulfillmentChannel' must be DEFAULT or one of "
                + ", ".join(FBA_CHANNELS)
            )
        quantity = entry.get("quantity", 0)
        if not _is_quantity(quantity):
            problems.append(f"{where}: 'quantity' must be an integer >= 0")
        key = (entry.get("sellerId"), entry.get("sku"), entry.get("marketplaceId"))
        if key in seen:
            problems.append(f"{where}: duplicate listing {key}")
        seen.add(key)
    return problems


def _is_quantity(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def listings_of(state, seller_id: str | None = None, sku: str | None = None):
    """The stored listings, optionally of one seller and/or one SKU."""
    return [
        entry
        for entry in state.listings
        if (seller_id is None or entry["sellerId"] == seller_id)
        and (sku is None or entry["sku"] == sku)
    ]


# ------------------------------------------------------------- feed report
def _issue(
    message: dict | None,
    code: str,
    text: str,
    severity: str = "ERROR",
    attribute: str | None = None,
) -> dict:
    issue = {"code": code, "severity": severity, "message": text}
    if isinstance(message, dict):
        if _is_quantity(message.get("messageId")) and message["messageId"] >= 1:
            issue = {"messageId": message["messageId"]} | issue
        if isinstance(message.get("sku"), str) and message["sku"]:
            issue = {"sku": message["sku"]} | issue
    if attribute:
        issue["attributeName"] = attribute
    return issue


def _report(feed, header, issues: list[dict], processed: int) -> dict:
    invalid = {
        json.dumps([i.get("messageId"), i.get("sku")])
        for i in issues
        if i["severity"] == "ERROR" and "messageId" in i
    }
    header_out = {
        "sellerId": header.get("sellerId")
        if isinstance(header, dict) and isinstance(header.get("sellerId"), str)
        else feed.seller_id,
        "version": "2.0",
        "feedId": feed.feed_id,
    }
    if isinstance(header, dict) and isinstance(header.get("report"), dict):
        header_out["report"] = header["report"]
    return {
        "header": header_out,
        "issues": issues,
        "summary": {
            "errors": sum(1 for i in issues if i["severity"] == "ERROR"),
            "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
            "messagesProcessed": processed,
            "messagesAccepted": processed - len(invalid),
            "messagesInvalid": len(invalid),
        },
    }


def _document_problems(document) -> list[str]:
    """Schema problems outside the messages (they make the feed FATAL)."""
    if not models.schema_available(models.LISTINGS_FEED_SCHEMA):
        problems = []
        header = document.get("header") if isinstance(document, dict) else None
        if not isinstance(header, dict) or not isinstance(header.get("sellerId"), str):
            problems.append("header.sellerId is required")
        messages = document.get("messages") if isinstance(document, dict) else None
        if not isinstance(messages, list) or not messages:
            problems.append("messages must be a non-empty list")
        return problems
    validator = models.json_schema_validator(models.LISTINGS_FEED_SCHEMA)
    problems = []
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] == "messages":
            continue
        where = "/".join(str(p) for p in path) or "(root)"
        problems.append(f"{where}: {error.message}")
    return problems


def _message_problems(message) -> list[str]:
    """Schema problems of one message (the branch of its operationType)."""
    if not models.schema_available(models.LISTINGS_FEED_SCHEMA):
        if not isinstance(message, dict):
            return ["a message must be an object"]
        return [
            f"'{key}' is a required property"
            for key in ("messageId", "sku", "operationType")
            if key not in message
        ]
    validator = models.json_schema_validator(
        models.LISTINGS_FEED_SCHEMA, ("properties", "messages", "items")
    )
    branch = (
        _BRANCHES.get(message.get("operationType"))
        if isinstance(message, dict)
        else None
    )
    problems = []
    for error in validator.iter_errors(message):
        if error.validator == "oneOf" and branch is not None:
            for sub in error.context:
                if sub.schema_path and sub.schema_path[0] == branch:
                    where = "/".join(str(p) for p in sub.absolute_path)
                    text = sub.message
                    if sub.validator == "required":
                        text += f" for {message['operationType']}"
                    elif sub.validator is None:  # ``false`` property schemas
                        banned = validator.schema["oneOf"][branch]["properties"]
                        present = [
                            key
                            for key, rule in banned.items()
                            if rule is False and key in message
                        ]
                        text = (
                            f"{', '.join(present) or where} not allowed for "
                            f"{message['operationType']}"
                        )
                    problems.append(text)
            continue
        if error.validator == "oneOf":
            continue  # the enum error on operationType says it already
        where = "/".join(str(p) for p in error.absolute_path)
        problems.append(f"{where}: {error.message}" if where else error.message)
    return problems


def _availability(values, message) -> tuple[list[tuple[str, int | None]], list]:
    """(channel, quantity) pairs from a fulfillment_availability value."""
    pairs, issues = [], []
    if not isinstance(values, list) or not values:
        return [], [
            _issue(
                message,
                "INVALID_VALUE",
                "fulfillment_availability must be a non-empty list.",
                attribute=ATTRIBUTE,
            )
        ]
    for entry in values:
        channel = (
            entry.get("fulfillment_channel_code") if isinstance(entry, dict) else None
        )
        if channel != DEFAULT_CHANNEL and channel not in FBA_CHANNELS:
            issues.append(
                _issue(
                    message,
                    "INVALID_VALUE",
                    f"fulfillment_channel_code {channel!r} must be DEFAULT or one "
                    "of " + ", ".join(FBA_CHANNELS) + ".",
                    attribute=ATTRIBUTE,
                )
            )
            continue
        quantity = entry.get("quantity")
        if channel == DEFAULT_CHANNEL and not _is_quantity(quantity):
            issues.append(
                _issue(
                    message,
                    "INVALID_QUANTITY",
                    f"quantity {quantity!r} is not valid: use an integer >= 0.",
                    attribute=ATTRIBUTE,
                )
            )
            continue
        pairs.append((channel, quantity if channel == DEFAULT_CHANNEL else None))
    return pairs, issues


def _changes(message) -> tuple[list[tuple[str, int | None]] | None, list[dict]]:
    """The channel/quantity change a valid message asks for (None: none)."""
    operation = message["operationType"]
    if operation == "PATCH":
        wanted, issues = None, []
        for patch in message["patches"]:
            if patch.get("path") != QUANTITY_PATH:
                continue
            if patch["op"] == "delete":
                wanted = [(DEFAULT_CHANNEL, 0)]
                continue
            pairs, found = _availability(patch.get("value"), message)
            issues += found
            wanted = pairs or wanted
        return wanted, issues
    if operation in ("UPDATE", "PARTIAL_UPDATE") and ATTRIBUTE in message.get(
        "attributes", {}
    ):
        return _availability(message["attributes"][ATTRIBUTE], message)
    return None, []


def _apply(state, feed, message, at: datetime) -> list[dict]:
    """Apply one schema-valid message; return its issues."""
    changes, issues = _changes(message)
    if issues:
        return issues
    seller_id, sku = feed.seller_id, message["sku"]
    marketplaces = feed.json["marketplaceIds"]
    existing = [
        entry
        for entry in listings_of(state, seller_id, sku)
        if entry["marketplaceId"] in marketplaces
    ]
    strict = bool(listings_of(state, seller_id))
    operation = message["operationType"]
    if not existing and strict and operation != "UPDATE":
        return [
            _issue(
                message,
                "UNKNOWN_SKU",
                f"SKU {sku!r} has no listing in marketplace(s) "
                + ", ".join(marketplaces)
                + ".",
            )
        ]
    if operation == "DELETE":
        state.listings = [e for e in state.listings if e not in existing]
        return []
    stamp = format_datetime(at)
    if not existing:
        existing = []
        for marketplace_id in marketplaces:
            entry = {
                "sellerId": seller_id,
                "sku": sku,
                "marketplaceId": marketplace_id,
                "productType": message["productType"],
                "fulfillmentChannel": DEFAULT_CHANNEL,
                "quantity": 0,
            }
            state.listings.append(entry)
            existing.append(entry)
    for entry in existing:
        entry["productType"] = message.get("productType", entry.get("productType"))
        for channel, quantity in changes or []:
            entry["fulfillmentChannel"] = channel
            if quantity is None:
                entry.pop("quantity", None)
            else:
                entry["quantity"] = quantity
        entry["lastUpdatedTime"] = stamp
    return []


def process_listings_feed(state, feed, at: datetime) -> tuple[str, dict]:
    """Apply a ``JSON_LISTINGS_FEED``; return (processingStatus, report)."""
    try:
        document = json.loads((feed.input or b"").decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        issue = _issue(None, "INVALID_JSON", f"The feed is not valid JSON: {error}")
        return "FATAL", _report(feed, None, [issue], 0)
    problems = _document_problems(document)
    header = document.get("header") if isinstance(document, dict) else None
    if problems:
        issues = [_issue(None, "INVALID_DOCUMENT", text) for text in problems]
        return "FATAL", _report(feed, header, issues, 0)
    messages = document["messages"]
    issues: list[dict] = []
    if header["sellerId"] != feed.seller_id:
        for message in messages:
            issues.append(
                _issue(
                    message,
                    "SELLER_ID_MISMATCH",
                    f"header.sellerId {header['sellerId']!r} is not the seller "
                    "submitting the feed.",
                )
            )
        return "DONE", _report(feed, header, issues, len(messages))
    seen: set[int] = set()
    for message in messages:
        problems = _message_problems(message)
        if problems:
            issues += [_issue(message, "INVALID_MESSAGE", text) for text in problems]
            continue
        if message["messageId"] in seen:
            issues.append(
                _issue(
                    message,
                    "DUPLICATE_MESSAGE_ID",
                    f"messageId {message['messageId']} is used twice.",
                )
            )
            continue
        seen.add(message["messageId"])
        issues += _apply(state, feed, message, at)
    return "DONE", _report(feed, header, issues, len(messages))
