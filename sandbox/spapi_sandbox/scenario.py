"""Scenario files (``"format": "spapi-sandbox/scenario@1"``): loading and checking.

A scenario holds the LWA applications, the sellers (marketplaces, roles,
usage-plan overrides), the orders as Orders v2026-01-01 ``Order`` objects, timed
events and faults. Every problem found is reported at once in a
``ScenarioError``. Orders are checked against the model's ``Order`` schema when
the models folder is available (see ``models.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import events as scenario_events
from . import faults as fault_module
from . import inventory as inventory_module
from . import listings as listings_module
from . import models
from .clock import parse_datetime
from .marketplaces import MARKETPLACES
from .ratelimit import UsagePlan

FORMAT = "spapi-sandbox/scenario@1"
REGIONS = ("NA", "EU", "FE")
PII_ROLE = "PII"


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        """Keep the list of problems."""
        super().__init__("invalid scenario:\n- " + "\n- ".join(problems))
        self.problems = problems


@dataclass
class Application:
    """An LWA application (client)."""

    client_id: str
    client_secret: str


@dataclass
class Seller:
    """A selling partner authorised for one application."""

    seller_id: str
    name: str
    region: str
    client_id: str
    refresh_token: str
    marketplace_ids: list[str]
    roles: list[str] = field(default_factory=list)
    usage_plans: dict[str, UsagePlan] = field(default_factory=dict)
    store_name: str | None = None

    @property
    def pii(self) -> bool:
        """Whether the seller's application holds the PII role."""
        return PII_ROLE in self.roles


@dataclass
class Scenario:
    """A checked scenario, ready to seed the sandbox state."""

    name: str
    seed: object
    start: datetime
    applications: list[Application]
    sellers: list[Seller]
    orders: list[tuple[str, dict]]
    events: list[dict]
    faults: list[dict]
    inventory: list
    listings: list


# Required keys checked when the models folder is missing.
_FALLBACK_REQUIRED = {
    "Order": (
        "orderId",
        "createdTime",
        "lastUpdatedTime",
        "salesChannel",
        "orderItems",
    ),
    "OrderPackage": ("packageReferenceId",),
}


def _schema_check(definition: str, instance) -> list[str]:
    if not models.models_available():
        if not isinstance(instance, dict):
            return [f"(root): {definition} must be an object"]
        return [
            f"(root): {key!r} is a required property"
            for key in _FALLBACK_REQUIRED[definition]
            if key not in instance
        ]
    validator = models.definition_validator(models.ORDERS_2026, definition)
    return models.validation_errors(validator, instance)


def _text(obj: dict, key: str, where: str, problems: list[str]) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    return value


def _applications(data: dict, problems: list[str]) -> list[Application]:
    result = []
    for index, app in enumerate(data.get("applications") or []):
        where = f"applications[{index}]"
        if not isinstance(app, dict):
            problems.append(f"{where}: must be an object")
            continue
        result.append(
            Application(
                _text(app, "clientId", where, problems),
                _text(app, "clientSecret", where, problems),
            )
        )
    if not result:
        problems.append("'applications' must list at least one application")
    return result


def _usage_plans(raw, where: str, problems: list[str]) -> dict[str, UsagePlan]:
    plans = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'usagePlans' must be an object")
        return plans
    for operation, plan in raw.items():
        try:
            rate, burst = float(plan["rate"]), int(plan["burst"])
            if rate <= 0 or burst < 1:
                raise ValueError
        except (TypeError, KeyError, ValueError):
            problems.append(
                f"{where}: usagePlans.{operation} needs rate > 0 and burst >= 1"
            )
            continue
        plans[operation] = UsagePlan(rate, burst)
    return plans


def _sellers(data: dict, client_ids: set[str], problems: list[str]) -> list[Seller]:
    result = []
    for index, raw in enumerate(data.get("sellers") or []):
        where = f"sellers[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object")
            continue
        seller = Seller(
            seller_id=_text(raw, "sellerId", where, problems),
            name=_text(raw, "name", where, problems),
            region=raw.get("region"),
            client_id=_text(raw, "clientId", where, problems),
            refresh_token=_text(raw, "refreshToken", where, problems),
            marketplace_ids=raw.get("marketplaceIds"),
            roles=raw.get("roles", []),
            usage_plans=_usage_plans(raw.get("usagePlans", {}), where, problems),
            store_name=raw.get("storeName"),
        )
        if seller.region not in REGIONS:
            problems.append(f"{where}: 'region' must be one of {', '.join(REGIONS)}")
        if seller.client_id and seller.client_id not in client_ids:
            problems.append(f"{where}: unknown application {seller.client_id!r}")
        if not isinstance(seller.marketplace_ids, list) or not seller.marketplace_ids:
            problems.append(f"{where}: 'marketplaceIds' must be a non-empty list")
            seller.marketplace_ids = []
        for marketplace_id in seller.marketplace_ids:
            if marketplace_id not in MARKETPLACES:
                problems.append(f"{where}: unknown marketplace {marketplace_id!r}")
        if not isinstance(seller.roles, list):
            problems.append(f"{where}: 'roles' must be a list")
            seller.roles = []
        result.append(seller)
    if not result:
        problems.append("'sellers' must list at least one seller")
    seen_ids = [s.seller_id for s in result]
    seen_tokens = [s.refresh_token for s in result]
    if len(set(seen_ids)) != len(seen_ids):
        problems.append("sellerId values must be unique")
    if len(set(seen_tokens)) != len(seen_tokens):
        problems.append("refreshToken values must be unique")
    return result


def _orders(
    data: dict, sellers: dict[str, Seller], validate: bool, problems: list[str]
) -> list[tuple[str, dict]]:
    result = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("orders") or []):
        where = f"orders[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("order"), dict):
            problems.append(f"{where}: must be {{'sellerId', 'order'}}")
            continue
        seller = sellers.get(entry.get("sellerId"))
        order = entry["order"]
        if seller is None:
            problems.append(f"{where}: unknown sellerId {entry.get('sellerId')!r}")
        messages = _schema_check("Order", order) if validate else []
        problems += [f"{where}.order/{message}" for message in messages]
        if messages:
            continue
        order_id = order.get("orderId")
        if order_id in seen:
            problems.append(f"{where}: duplicate orderId {order_id!r}")
        seen.add(order_id)
        marketplace = (order.get("salesChannel") or {}).get("marketplaceId")
        if seller is not None and marketplace not in seller.marketplace_ids:
            problems.append(
                f"{where}: marketplace {marketplace!r} is not one of the seller's"
            )
        for key in ("createdTime", "lastUpdatedTime"):
            try:
                parse_datetime(order.get(key))
            except (TypeError, ValueError):
                problems.append(f"{where}: '{key}' must be an ISO 8601 date-time")
        if seller is not None:
            result.append((seller.seller_id, order))
    return result


def parse_scenario(data: dict, validate_orders: bool = True) -> Scenario:
    """Check a scenario document and build a ``Scenario``.

    ``validate_orders=False`` skips the per-order schema check (faster for big
    generated scenarios that were checked when written).
    """
    if not isinstance(data, dict):
        raise ScenarioError(["a scenario must be a JSON object"])
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(f"'format' must be {FORMAT!r}")
    try:
        start = parse_datetime((data.get("clock") or {}).get("start"))
    except (TypeError, ValueError):
        problems.append("'clock.start' must be an ISO 8601 date-time")
        start = None
    applications = _applications(data, problems)
    sellers = _sellers(data, {a.client_id for a in applications}, problems)
    orders = _orders(data, {s.seller_id: s for s in sellers}, validate_orders, problems)

    known = {order["orderId"]: order for _, order in orders}
    events = data.get("events") or []
    validate = _schema_check if validate_orders else (lambda _d, _i: [])
    for index, event in enumerate(events):
        problems += [
            f"events[{index}]: {problem}"
            for problem in scenario_events.check_event(event, known, validate)
        ]
    faults = data.get("faults") or []
    for index, spec in enumerate(faults):
        try:
            fault_module.parse_fault(spec)
        except fault_module.FaultError as error:
            problems.append(f"faults[{index}]: {error}")
    by_id = {s.seller_id: s for s in sellers}
    for key, check in (
        ("inventory", inventory_module.check_inventory),
        ("listings", listings_module.check_listings),
    ):
        if not isinstance(data.get(key, []), list):
            problems.append(f"'{key}' must be a list")
        else:
            problems += check(data.get(key, []), by_id)
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        name=data.get("name", ""),
        seed=data.get("seed"),
        start=start,
        applications=applications,
        sellers=sellers,
        orders=orders,
        events=events,
        faults=faults,
        inventory=data.get("inventory", []),
        listings=data.get("listings", []),
    )


def load_scenario(path: str | Path, validate_orders: bool = True) -> Scenario:
    """Read and check a scenario file."""
    with open(path, encoding="utf-8") as handle:
        return parse_scenario(json.load(handle), validate_orders)
