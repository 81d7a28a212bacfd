"""FBA Inventory v1 ``getInventorySummaries`` over the scenario's ``inventory``.

An inventory record is ``{sellerId, sellerSku, fnSku, asin, condition,
productName, network, fulfillableQuantity, inboundWorkingQuantity,
inboundShippedQuantity, inboundReceivingQuantity, reservedQuantity?,
researchingQuantity?, unfulfillableQuantity?, lastUpdatedTime}``; ``network``
(``NA``, ``EU`` or ``FE``) is the fulfillment network holding the stock and the
three optional objects have the model's ``InventoryDetails`` shapes. Amazon
pools FBA stock across the marketplaces of a network, so every marketplace of
that network (a marketplace's network is its region) reports the same
quantities.

``GET /fba/inventory/v1/summaries`` rules (400 InvalidInput otherwise):
``granularityType=Marketplace``; ``granularityId`` and ``marketplaceIds``
(exactly one) name the same marketplace, one of the seller's; ``details``
true/false; ``startDateTime`` ISO 8601 (summaries updated at or after it; the
SKU filters are then ignored); ``sellerSkus`` at most 50 (comma-joined or
repeated; ``sellerSku`` is ignored with it). Pages hold 50 summaries sorted by
``sellerSku``; ``pagination.nextToken`` is signed, expires 30 sandbox seconds
after it was issued, and is sent with the same granularity and filters (other
filters -> 400). python-amazon-sp-api's extra marketplace keys are ignored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import orders
from .clock import format_datetime, parse_datetime
from .errors import ApiError, invalid_input
from .marketplaces import MARKETPLACES

PAGE_SIZE = 50
MAX_SKUS = 50
TOKEN_LIFETIME = timedelta(seconds=30)
NETWORKS = ("NA", "EU", "FE")
QUANTITY_FIELDS = (
    "fulfillableQuantity",
    "inboundWorkingQuantity",
    "inboundShippedQuantity",
    "inboundReceivingQuantity",
)
RESERVED_FIELDS = (
    "pendingCustomerOrderQuantity",
    "pendingTransshipmentQuantity",
    "fcProcessingQuantity",
)
UNFULFILLABLE_FIELDS = (
    "customerDamagedQuantity",
    "warehouseDamagedQuantity",
    "distributorDamagedQuantity",
    "carrierDamagedQuantity",
    "defectiveQuantity",
    "expiredQuantity",
)
TEXT_FIELDS = ("fnSku", "asin", "condition", "productName")
FILTER_KEYS = ("startDateTime", "sellerSkus", "sellerSku")


def _is_quantity(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_inventory(raw, sellers: dict) -> list[str]:
    """Problems with a scenario's ``inventory`` (``sellers``: id -> Seller)."""
    problems, seen = [], set()
    for index, entry in enumerate(raw):
        where = f"inventory[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        if entry.get("sellerId") not in sellers:
            problems.append(f"{where}: unknown sellerId {entry.get('sellerId')!r}")
        if not isinstance(entry.get("sellerSku"), str) or not entry.get("sellerSku"):
            problems.append(f"{where}: 'sellerSku' must be a non-empty string")
        if entry.get("network") not in NETWORKS:
            problems.append(f"{where}: 'network' must be one of NA, EU, FE")
        for key in TEXT_FIELDS:
            if key in entry and not isinstance(entry[key], str):
                problems.append(f"{where}: '{key}' must be a string")
        for key in QUANTITY_FIELDS:
            if not _is_quantity(entry.get(key, 0)):
                problems.append(f"{where}: '{key}' must be an integer >= 0")
        for key in ("reservedQuantity", "researchingQuantity", "unfulfillableQuantity"):
            if key in entry and not isinstance(entry[key], dict):
                problems.append(f"{where}: '{key}' must be an object")
        if "lastUpdatedTime" in entry:
            try:
                parse_datetime(entry["lastUpdatedTime"])
            except (TypeError, ValueError):
                problems.append(f"{where}: 'lastUpdatedTime' must be ISO 8601")
        key = (entry.get("sellerId"), entry.get("sellerSku"), entry.get("network"))
        if key in seen:
            problems.append(f"{where}: duplicate record {key}")
        seen.add(key)
    return problems


def _sum(obj: dict, fields: tuple[str, ...]) -> int:
    return sum(int(obj.get(key, 0)) for key in fields)


def inventory_details(record: dict) -> dict:
    """The model's ``InventoryDetails`` of a record (missing parts are 0)."""
    reserved = dict(record.get("reservedQuantity") or {})
    researching = dict(record.get("researchingQuantity") or {})
    unfulfillable = dict(record.get("unfulfillableQuantity") or {})
    reserved_out = {key: int(reserved.get(key, 0)) for key in RESERVED_FIELDS}
    reserved_out = {
        "totalReservedQuantity": int(
            reserved.get("totalReservedQuantity", _sum(reserved_out, RESERVED_FIELDS))
        ),
        **reserved_out,
    }
    breakdown = list(researching.get("researchingQuantityBreakdown") or [])
    researching_out = {
        "totalResearchingQuantity": int(
            researching.get(
                "totalResearchingQuantity", sum(e["quantity"] for e in breakdown)
            )
        ),
        "researchingQuantityBreakdown": breakdown,
    }
    unfulfillable_out = {
        key: int(unfulfillable.get(key, 0)) for key in UNFULFILLABLE_FIELDS
    }
    unfulfillable_out = {
        "totalUnfulfillableQuantity": int(
            unfulfillable.get(
                "totalUnfulfillableQuantity",
                _sum(unfulfillable_out, UNFULFILLABLE_FIELDS),
            )
        ),
        **unfulfillable_out,
    }
    return {
        **{key: int(record.get(key, 0)) for key in QUANTITY_FIELDS},
        "reservedQuantity": reserved_out,
        "researchingQuantity": researching_out,
        "unfulfillableQuantity": unfulfillable_out,
    }


def total_quantity(details: dict) -> int:
    """Units inbound or in Amazon's fulfillment centres, in any state."""
    return (
        _sum(details, QUANTITY_FIELDS)
        + details["reservedQuantity"]["totalReservedQuantity"]
        + details["researchingQuantity"]["totalResearchingQuantity"]
        + details["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
    )


def summary(record: dict, with_details: bool) -> dict:
    """The model's ``InventorySummary`` of a record."""
    details = inventory_details(record)
    result = {
        key: record[key] for key in ("asin", "fnSku", "sellerSku") if key in record
    }
    result["condition"] = record.get("condition", "NewItem")
    if with_details:
        result["inventoryDetails"] = details
    if "lastUpdatedTime" in record:
        result["lastUpdatedTime"] = format_datetime(
            parse_datetime(record["lastUpdatedTime"])
        )
    if "productName" in record:
        result["productName"] = record["productName"]
    result["totalQuantity"] = total_quantity(details)
    if isinstance(record.get("stores"), list):
        result["stores"] = record["stores"]
    return result


def set_inventory(
    state,
    seller_id: str,
    seller_sku: str,
    now: datetime,
    network: str | None = None,
    **fields,
) -> dict:
    """Create or update the record of (seller, SKU, network); return it.

    ``network`` defaults to the seller's region. ``fields`` are record keys
    (quantities, ``fnSku``, ``asin``, ...); ``lastUpdatedTime`` becomes ``now``
    unless given.
    """
    seller = state.sellers.get(seller_id)
    if seller is None:
        raise ValueError(f"unknown seller {seller_id!r}")
    network = network or seller.region
    record = next(
        (
            r
            for r in state.inventory
            if r["sellerId"] == seller_id
            and r["sellerSku"] == seller_sku
            and r["network"] == network
        ),
        None,
    )
    candidate = dict(
        record or {"sellerId": seller_id, "sellerSku": seller_sku, "network": network}
    )
    candidate.update(fields)
    candidate.setdefault("condition", "NewItem")
    candidate["lastUpdatedTime"] = fields.get("lastUpdatedTime", format_datetime(now))
    problems = check_inventory([candidate], state.sellers)
    if problems:
        raise ValueError("; ".join(problems))
    if record is None:
        state.inventory.append(candidate)
    else:
        record.clear()
        record.update(candidate)
        candidate = record
    return candidate


# -------------------------------------------------------------- operation
def _bool(args, key: str) -> bool:
    raw = args.get(key, "false").lower()
    if raw not in ("true", "false"):
        raise invalid_input(f"{key} must be true or false.")
    return raw == "true"


def _filters(args) -> dict:
    start = args.get("startDateTime")
    if start is not None:
        try:
            start = format_datetime(parse_datetime(start))
        except ValueError:
            raise invalid_input(
                "startDateTime must be an ISO 8601 date-time."
            ) from None
    skus = orders.query_list(args, "sellerSkus")
    if len(skus) > MAX_SKUS:
        raise invalid_input(f"sellerSkus takes at most {MAX_SKUS} SKUs.")
    return {
        "startDateTime": start,
        "sellerSkus": skus or None,
        "sellerSku": args.get("sellerSku") or None,
    }


def get_inventory_summaries(app, request, seller, now: datetime):
    """``getInventorySummaries``: one page of pooled FBA summaries."""
    args = request.args
    if args.get("granularityType") != "Marketplace":
        raise invalid_input("granularityType is required and must be Marketplace.")
    granularity_id = args.get("granularityId")
    if not granularity_id:
        raise invalid_input("granularityId is required.")
    marketplaces = orders.query_list(args, "marketplaceIds")
    if len(marketplaces) != 1:
        raise invalid_input("marketplaceIds is required and takes exactly one id.")
    if marketplaces[0] not in seller.marketplace_ids:
        raise invalid_input(
            f"marketplaceIds {marketplaces[0]} is not one of the seller's."
        )
    if granularity_id != marketplaces[0]:
        raise invalid_input("granularityId must be the marketplace in marketplaceIds.")
    details = _bool(args, "details")
    filters = _filters(args)
    cursor = None
    if "nextToken" in args:
        try:
            token = app.page_tokens.read(args["nextToken"])
        except ApiError:
            raise invalid_input("Invalid nextToken.") from None
        if token.get("kind") != "inventory" or token.get("seller") != seller.seller_id:
            raise invalid_input("Invalid nextToken.")
        if now - parse_datetime(token["issued"]) > TOKEN_LIFETIME:
            raise invalid_input(
                "The nextToken has expired (it is valid for 30 seconds)."
            )
        if token["granularityId"] != granularity_id:
            raise invalid_input("granularityId differs from the nextToken's.")
        changed = [
            key
            for key in FILTER_KEYS
            if key in args and filters[key] != token["filters"][key]
        ]
        if changed:
            raise invalid_input(
                "Filters sent with nextToken must be the token's: "
                + ", ".join(changed)
                + "."
            )
        filters, cursor = token["filters"], token["cursor"]
    network = MARKETPLACES[granularity_id].region
    records = [
        r
        for r in app.state.inventory
        if r["sellerId"] == seller.seller_id and r["network"] == network
    ]
    if filters["startDateTime"]:
        start = parse_datetime(filters["startDateTime"])
        records = [
            r
            for r in records
            if "lastUpdatedTime" in r and parse_datetime(r["lastUpdatedTime"]) >= start
        ]
    elif filters["sellerSkus"]:
        wanted = set(filters["sellerSkus"])
        records = [r for r in records if r["sellerSku"] in wanted]
    elif filters["sellerSku"]:
        records = [r for r in records if r["sellerSku"] == filters["sellerSku"]]
    records.sort(key=lambda r: r["sellerSku"])
    if cursor is not None:
        records = [r for r in records if r["sellerSku"] > cursor]
    page = records[:PAGE_SIZE]
    body = {
        "payload": {
            "granularity": {
                "granularityType": "Marketplace",
                "granularityId": granularity_id,
            },
            "inventorySummaries": [summary(r, details) for r in page],
        }
    }
    if len(records) > len(page):
        body["pagination"] = {
            "nextToken": app.page_tokens.issue(
                {
                    "kind": "inventory",
                    "seller": seller.seller_id,
                    "issued": now.isoformat(),
                    "granularityId": granularity_id,
                    "filters": filters,
                    "cursor": page[-1]["sellerSku"],
                }
            )
        }
    return 200, body
