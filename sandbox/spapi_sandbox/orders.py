"""Orders API v2026-01-01: searchOrders and getOrder over the sandbox state.

Request rules enforced (each breach is a 400 InvalidInput with Amazon's generic
message and the rule in ``details``):

- exactly one of ``createdAfter`` / ``lastUpdatedAfter``; created* and
  lastUpdated* filters are not mixed;
- dates are ISO 8601; an "after" bound is at least two minutes before sandbox
  now; a "before" bound is >= its "after" bound and at least two minutes before
  sandbox now; without a "before" bound the sandbox uses now - 2 minutes and
  echoes it (``createdBefore`` or ``lastUpdatedBefore``);
- ``fulfillmentStatuses``, ``fulfilledBy`` and ``includedData`` take the model's
  enum values; ``marketplaceIds`` (at most 50) must be the caller's marketplaces;
- ``maxResultsPerPage`` is an integer 1..100 (default 100);
- ``paginationToken`` must be one this sandbox issued, for this seller, less than
  24 hours (sandbox time) old; date and status filters sent with it must equal
  the ones it was issued for.

List parameters are accepted comma-joined and/or repeated. Unknown query keys
are ignored (python-amazon-sp-api adds ``MarketplaceId``, ``MarketplaceIds`` and
``marketplace_ids``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .clock import format_datetime, parse_datetime
from .errors import fault_error, invalid_input, not_found
from .events import FULFILLMENT_STATUSES

FULFILLED_BY = ("MERCHANT", "AMAZON")
INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
ORDER_ALWAYS = (
    "orderId",
    "orderAliases",
    "createdTime",
    "lastUpdatedTime",
    "programs",
    "associatedOrders",
    "salesChannel",
)
ORDER_DATASETS = {
    "buyer": "BUYER",
    "recipient": "RECIPIENT",
    "proceeds": "PROCEEDS",
    "payment": "PAYMENT",
    "tax": "TAX",
    "fulfillment": "FULFILLMENT",
    "packages": "PACKAGES",
    "fulfillmentOrders": "FULFILLMENT_ORDERS",
}
ITEM_ALWAYS = (
    "orderItemId",
    "quantityOrdered",
    "measurement",
    "associatedOrderItems",
    "programs",
    "product",
)
ITEM_DATASETS = {
    "proceeds": "PROCEEDS",
    "expense": "EXPENSE",
    "promotion": "PROMOTION",
    "cancellation": "CANCELLATION",
    "fulfillment": "FULFILLMENT",
    "tax": "TAX",
}
BUYER_PII = ("buyerName", "buyerEmail")
ADDRESS_KEPT_WITHOUT_PII = (
    "city",
    "stateOrRegion",
    "postalCode",
    "countryCode",
    "addressType",
)
MIN_DELAY = timedelta(minutes=2)
TOKEN_LIFETIME = timedelta(hours=24)
DEFAULT_PAGE_SIZE = 100
MAX_MARKETPLACES = 50
ORDER_ID_PATTERN = re.compile(r"^\d{3}-\d{7}-\d{7}$")
DATE_KEYS = ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")


def query_list(args, key: str) -> list[str]:
    """All values of a list parameter, repeated and/or comma-joined."""
    values = []
    for raw in args.getlist(key):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return values


def _enum_list(args, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = query_list(args, key)
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise invalid_input(
            f"Invalid {key} value(s) {', '.join(wrong)}; "
            f"allowed values are {', '.join(allowed)}."
        )
    return tuple(dict.fromkeys(values))


def included_data(args) -> frozenset[str]:
    """The ``includedData`` datasets asked for (checked against the enum)."""
    return frozenset(_enum_list(args, "includedData", INCLUDED_DATA))


def _strip_pii(projected: dict) -> None:
    buyer = projected.get("buyer")
    if buyer:
        projected["buyer"] = {k: v for k, v in buyer.items() if k not in BUYER_PII}
    recipient = projected.get("recipient")
    if recipient and recipient.get("deliveryAddress"):
        address = recipient["deliveryAddress"]
        projected["recipient"] = {
            **recipient,
            "deliveryAddress": {
                k: v for k, v in address.items() if k in ADDRESS_KEPT_WITHOUT_PII
            },
        }


def project_order(order: dict, included: frozenset[str], pii: bool) -> dict:
    """The order as Amazon returns it for ``includedData`` and the caller's roles.

    Identity fields, sales channel, programs, associated orders and the items'
    ids, quantities and products are always present; each dataset only when
    asked. Without the PII role, buyer names/emails and the delivery address's
    personal lines are removed.
    """
    projected = {key: order[key] for key in ORDER_ALWAYS if key in order}
    for key, dataset in ORDER_DATASETS.items():
        if dataset in included and key in order:
            projected[key] = order[key]
    items = []
    for item in order.get("orderItems", []):
        shown = {key: item[key] for key in ITEM_ALWAYS if key in item}
        for key, dataset in ITEM_DATASETS.items():
            if dataset in included and key in item:
                shown[key] = item[key]
        items.append(shown)
    projected["orderItems"] = items
    if not pii:
        _strip_pii(projected)
    return projected


@dataclass(frozen=True)
class SearchQuery:
    """A checked searchOrders query (the part a pagination token carries)."""

    by_created: bool
    after: datetime
    before: datetime
    statuses: tuple[str, ...]
    fulfilled_by: tuple[str, ...]
    marketplace_ids: tuple[str, ...]
    included: tuple[str, ...]
    page_size: int

    def to_json(self) -> dict:
        """JSON form stored in pagination tokens."""
        return {
            "c": self.by_created,
            "a": self.after.isoformat(),
            "b": self.before.isoformat(),
            "s": list(self.statuses),
            "f": list(self.fulfilled_by),
            "m": list(self.marketplace_ids),
            "i": list(self.included),
            "n": self.page_size,
        }

    @classmethod
    def from_json(cls, data: dict) -> SearchQuery:
        """Rebuild a query from ``to_json`` output."""
        return cls(
            by_created=data["c"],
            after=datetime.fromisoformat(data["a"]),
            before=datetime.fromisoformat(data["b"]),
            statuses=tuple(data["s"]),
            fulfilled_by=tuple(data["f"]),
            marketplace_ids=tuple(data["m"]),
            included=tuple(data["i"]),
            page_size=data["n"],
        )


def _date(args, key: str) -> datetime | None:
    raw = args.get(key)
    if raw is None or raw == "":
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        raise invalid_input(f"{key} must be an ISO 8601 date-time.") from None


def _page_size(args) -> int | None:
    raw = args.get("maxResultsPerPage")
    if raw is None or raw == "":
        return None
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise invalid_input("maxResultsPerPage must be an integer from 1 to 100.")
    return size


def _marketplaces(args, seller_marketplaces: list[str]) -> tuple[str, ...]:
    requested = tuple(dict.fromkeys(query_list(args, "marketplaceIds")))
    if len(requested) > MAX_MARKETPLACES:
        raise invalid_input("marketplaceIds takes at most 50 values.")
    foreign = [m for m in requested if m not in seller_marketplaces]
    if foreign:
        raise invalid_input(
            f"Invalid marketplaceIds {', '.join(foreign)}: the seller does not "
            "participate in them."
        )
    return requested or tuple(seller_marketplaces)


def parse_search_query(args, now: datetime, seller_marketplaces: list[str]):
    """Check a first-page searchOrders query; return a ``SearchQuery``."""
    dates = {key: _date(args, key) for key in DATE_KEYS}
    created = dates["createdAfter"] or dates["createdBefore"]
    updated = dates["lastUpdatedAfter"] or dates["lastUpdatedBefore"]
    if (dates["createdAfter"] is None) == (dates["lastUpdatedAfter"] is None):
        raise invalid_input(
            "Exactly one of createdAfter and lastUpdatedAfter is required."
        )
    if created and updated:
        raise invalid_input(
            "createdAfter/createdBefore cannot be combined with "
            "lastUpdatedAfter/lastUpdatedBefore."
        )
    prefix = "created" if dates["createdAfter"] else "lastUpdated"
    after, before = dates[f"{prefix}After"], dates[f"{prefix}Before"]
    latest = now - MIN_DELAY
    if after > latest:
        raise invalid_input(
            f"{prefix}After must be at least 2 minutes before the time of the request."
        )
    if before is None:
        # Amazon echoes this bound (whole seconds); the query (and its page tokens) must
        # use the same instant, or a client resending the echo with a token is refused.
        before = latest.replace(microsecond=0)
    elif before > latest:
        raise invalid_input(
            f"{prefix}Before must be at least 2 minutes before the time of the request."
        )
    elif before < after:
        raise invalid_input(f"{prefix}Before must be equal to or after {prefix}After.")
    return SearchQuery(
        by_created=prefix == "created",
        after=after,
        before=before,
        statuses=_enum_list(args, "fulfillmentStatuses", FULFILLMENT_STATUSES),
        fulfilled_by=_enum_list(args, "fulfilledBy", FULFILLED_BY),
        marketplace_ids=_marketplaces(args, seller_marketplaces),
        included=tuple(sorted(included_data(args))),
        page_size=_page_size(args) or DEFAULT_PAGE_SIZE,
    )


class PageTokens:
    """Signs and reads opaque pagination tokens (query + cursor + issue time)."""

    def __init__(self, secret: bytes):
        """Use ``secret`` to sign tokens."""
        self._secret = secret

    def _sign(self, data: bytes) -> str:
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()[:24]

    def issue(self, payload: dict) -> str:
        """Encode ``payload`` into a token."""
        data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        return (
            base64.urlsafe_b64encode(data).decode().rstrip("=") + "." + self._sign(data)
        )

    def read(self, token: str) -> dict:
        """Decode a token this instance issued; raise 400 otherwise."""
        try:
            encoded, signature = token.rsplit(".", 1)
            data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            if not hmac.compare_digest(signature, self._sign(data)):
                raise ValueError
            return json.loads(data)
        except (ValueError, TypeError):
            raise invalid_input("Invalid paginationToken.") from None


def _check_token_filters(args, query: SearchQuery, seller_marketplaces) -> None:
    """Filters sent along with a pagination token must be the token's own."""
    dates = {key: _date(args, key) for key in DATE_KEYS}
    prefix = "created" if query.by_created else "lastUpdated"
    other = "lastUpdated" if query.by_created else "created"
    mismatch = (
        dates[f"{other}After"] is not None
        or dates[f"{other}Before"] is not None
        or dates[f"{prefix}After"] not in (None, query.after)
        or dates[f"{prefix}Before"] not in (None, query.before)
    )
    for key, expected in (
        ("fulfillmentStatuses", query.statuses),
        ("fulfilledBy", query.fulfilled_by),
    ):
        allowed = FULFILLMENT_STATUSES if key == "fulfillmentStatuses" else FULFILLED_BY
        sent = _enum_list(args, key, allowed)
        mismatch = mismatch or (bool(sent) and set(sent) != set(expected))
    _marketplaces(args, seller_marketplaces)
    if mismatch:
        raise invalid_input(
            "paginationToken was issued for other filters; send it alone or with "
            "the same filters."
        )


def _matches(record, query: SearchQuery, marketplaces: frozenset[str]) -> bool:
    order = record.order
    stamp = record.created if query.by_created else record.updated
    if not query.after <= stamp <= query.before:
        return False
    if (order.get("salesChannel") or {}).get("marketplaceId") not in marketplaces:
        return False
    fulfillment = order.get("fulfillment") or {}
    if query.statuses and fulfillment.get("fulfillmentStatus") not in query.statuses:
        return False
    return not (
        query.fulfilled_by and fulfillment.get("fulfilledBy") not in query.fulfilled_by
    )


def _key(raw) -> tuple[float, str] | None:
    return (raw[0], raw[1]) if raw else None


def search_orders(state, seller, args, now: datetime, tokens: PageTokens, faults):
    """Handle searchOrders for ``seller``; return the response body.

    Orders are sorted by (lastUpdatedTime, orderId); a page token carries the
    sort key of the last order served, so orders changing between pages are
    neither lost nor shifted. ``faults`` may inject page errors and repeats.
    """
    raw_token = args.get("paginationToken")
    if raw_token:
        payload = tokens.read(raw_token)
        issued = datetime.fromisoformat(payload["t"])
        if payload["sid"] != seller.seller_id:
            raise invalid_input("Invalid paginationToken.")
        if now - issued > TOKEN_LIFETIME:
            raise invalid_input("The paginationToken has expired.")
        query = SearchQuery.from_json(payload["q"])
        _check_token_filters(args, query, seller.marketplace_ids)
        page_size = _page_size(args)
        if page_size:
            query = replace(query, page_size=page_size)
        if args.getlist("includedData"):
            query = replace(query, included=tuple(sorted(included_data(args))))
        cursor, previous = _key(payload["k"]), _key(payload["pk"])
        page = payload["p"]
    else:
        query = parse_search_query(args, now, seller.marketplace_ids)
        issued, cursor, page, previous = now, None, 1, None

    next_token = None
    fault = faults.take("searchOrders", ("page_error", "repeat_page"), page)
    if fault is not None and fault.kind == "page_error":
        raise fault_error(fault.status)
    if fault is not None:
        # Serve the previous page again; its token leads back to this page.
        cursor, next_token = previous, raw_token

    marketplaces = frozenset(query.marketplace_ids)
    selected = sorted(
        (
            (record.updated.timestamp(), record.order["orderId"], record)
            for record in state.orders_of(seller.seller_id)
            if record.created <= now and _matches(record, query, marketplaces)
        ),
        key=lambda row: (row[0], row[1]),
    )
    if cursor is not None:
        selected = [row for row in selected if (row[0], row[1]) > cursor]
    chunk = selected[: query.page_size]
    included = frozenset(query.included)
    body = {
        "orders": [project_order(row[2].order, included, seller.pii) for row in chunk]
    }
    if next_token is None and len(selected) > query.page_size:
        next_token = tokens.issue(
            {
                "sid": seller.seller_id,
                "t": issued.isoformat(),
                "q": query.to_json(),
                "k": [chunk[-1][0], chunk[-1][1]],
                "pk": list(cursor) if cursor else None,
                "p": page + 1,
            }
        )
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    echo = "createdBefore" if query.by_created else "lastUpdatedBefore"
    body[echo] = format_datetime(query.before)
    return body


def get_order(state, seller, order_id: str, args, now: datetime) -> dict:
    """Handle getOrder for ``seller``; return the response body."""
    if not ORDER_ID_PATTERN.match(order_id):
        raise invalid_input(f"Invalid orderId {order_id!r}: expected 3-7-7 digits.")
    included = included_data(args)
    record = state.order(order_id)
    if record is None or record.seller_id != seller.seller_id or record.created > now:
        raise not_found(f"Order {order_id} was not found.")
    return {"order": project_order(record.order, included, seller.pii)}
