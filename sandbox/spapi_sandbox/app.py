"""The sandbox WSGI application: LWA, SP-API operations and the control API.

``SP_API_ROUTES`` is the extension point: each ``Route`` maps a path and method
to an operationId (used for usage plans, faults and the call log) and a handler
``handler(app, request, seller, now, **path_args) -> (status, body | None)``.
Feeds 2021-06-30 (``feeds.py``) and FBA Inventory (``inventory.py``) are
served this way; ``DOCUMENT_ROUTES`` serve the pre-signed feed document URLs.

Every answer carries ``x-amzn-RequestId``; SP-API answers that passed the rate
limiter carry ``x-amzn-RateLimit-Limit``; 429 answers do not. Error bodies are
always JSON.
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import feeds, inventory, listings, orders, shipments
from .clock import SandboxClock, format_datetime, parse_datetime
from .errors import (
    ACCESS_DENIED_MESSAGE,
    TOKEN_EXPIRED_MESSAGE,
    TOKEN_INVALID_MESSAGE,
    ApiError,
    error_body,
    fault_error,
    invalid_input,
    quota_exceeded,
    unauthorized,
)
from .faults import FaultError, FaultPlan
from .marketplaces import MARKETPLACES
from .ratelimit import RateLimiter
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from .state import ACCESS_TOKEN_LIFETIME, SandboxState

_log = logging.getLogger(__name__)

GRANTLESS_SCOPES = (
    "sellingpartnerapi::notifications",
    "sellingpartnerapi::client_credential:rotation",
)
LWA_OPERATION = "lwaToken"
# OAuth error codes the LWA endpoint answers for injected status faults.
LWA_FAULT_ERRORS = {
    403: "access_denied",
    429: "slow_down",
    500: "server_error",
    503: "temporarily_unavailable",
}
CALL_LOG_SIZE = 100_000


@dataclass(frozen=True)
class Route:
    """One SP-API operation: path rule, HTTP method, operationId and handler."""

    rule: str
    method: str
    operation: str
    handler: Callable


def _search_orders(app, request, seller, now):
    body = orders.search_orders(
        app.state, seller, request.args, now, app.page_tokens, app.faults
    )
    return 200, body


def _get_order(app, request, seller, now, order_id):
    return 200, orders.get_order(app.state, seller, order_id, request.args, now)


def _confirm_shipment(app, request, seller, now, order_id):
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        raise invalid_input("The request body is not valid JSON.") from None
    shipments.confirm_shipment(app.state, seller, order_id, body, now)
    return 204, None


def _marketplace_participations(app, request, seller, now):
    store = seller.store_name or seller.name
    payload = [
        {
            "marketplace": MARKETPLACES[marketplace_id].to_sellers_json(),
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
            "storeName": store,
        }
        for marketplace_id in seller.marketplace_ids
    ]
    return 200, {"payload": payload}


SP_API_ROUTES: list[Route] = [
    Route("/sellers/v1/marketplaceParticipations", "GET",
          "getMarketplaceParticipations", _marketplace_participations),
    Route("/orders/2026-01-01/orders", "GET", "searchOrders", _search_orders),
    Route("/orders/2026-01-01/orders/<order_id>", "GET", "getOrder", _get_order),
    Route("/orders/v0/orders/<order_id>/shipmentConfirmation", "POST",
          "confirmShipment", _confirm_shipment),
    Route("/feeds/2021-06-30/documents", "POST", "createFeedDocument",
          feeds.create_feed_document),
    Route("/feeds/2021-06-30/documents/<document_id>", "GET", "getFeedDocument",
          feeds.get_feed_document),
    Route("/feeds/2021-06-30/feeds", "POST", "createFeed", feeds.create_feed),
    Route("/feeds/2021-06-30/feeds", "GET", "getFeeds", feeds.get_feeds),
    Route("/feeds/2021-06-30/feeds/<feed_id>", "GET", "getFeed", feeds.get_feed),
    Route("/feeds/2021-06-30/feeds/<feed_id>", "DELETE", "cancelFeed",
          feeds.cancel_feed),
    Route("/fba/inventory/v1/summaries", "GET", "getInventorySummaries",
          inventory.get_inventory_summaries),
]  # fmt: skip

# The pre-signed document URLs (S3 on Amazon): no SP-API auth and no usage
# plan; faults and the call log apply under these operation names.
DOCUMENT_ROUTES = [
    ("/_sandbox/uploads/<document_id>", "PUT", "uploadFeedDocument", feeds.upload),
    ("/_sandbox/documents/<document_id>", "GET", "downloadFeedDocument",
     feeds.download),
]  # fmt: skip


class CallLog:
    """Counts per operation, 429s served, and the last calls (bounded)."""

    def __init__(self):
        """Start empty."""
        self.clear()

    def clear(self) -> None:
        """Forget every call."""
        self.counts: Counter = Counter()
        self.throttled: Counter = Counter()
        self.entries: deque = deque(maxlen=CALL_LOG_SIZE)

    def add(self, entry: dict) -> None:
        """Record one answered call."""
        self.counts[entry["operation"]] += 1
        if entry["status"] == 429:
            self.throttled[entry["operation"]] += 1
        self.entries.append(entry)

    def to_json(self) -> dict:
        """The log for the control API."""
        return {
            "counts": dict(self.counts),
            "throttled": sum(self.throttled.values()),
            "throttledByOperation": dict(self.throttled),
            "calls": list(self.entries),
        }


def _json_response(status: int, body, headers: dict | None = None) -> Response:
    data = "" if body is None else json.dumps(body, separators=(",", ":"))
    response = Response(data, status=status, headers=headers or {})
    if body is not None:
        response.content_type = "application/json"
    else:
        response.headers.pop("Content-Type", None)
    return response


class SandboxApp:
    """The SP-API sandbox as a WSGI application, with a Python control API.

    ``scenario`` is a scenario dict, a ``Scenario`` or a path to a scenario file.
    ``sleep`` performs the real waits of ``timeout`` faults (tests may replace it).
    """

    def __init__(
        self,
        scenario: dict | Scenario | str | Path | None = None,
        speed: float = 1.0,
        rate_limits: bool = True,
        frozen: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        validate_orders: bool = True,
    ):
        """Create the app and seed ``scenario`` when given."""
        self.clock = SandboxClock(speed=speed, frozen=frozen)
        self.limiter = RateLimiter(self.clock, enabled=rate_limits)
        self.faults = FaultPlan()
        self.state = SandboxState()
        self.calls = CallLog()
        self.page_tokens = orders.PageTokens(secrets.token_bytes(32))
        self.sleep = sleep
        self._lock = threading.RLock()
        self._routes = {route.operation: route for route in SP_API_ROUTES}
        self._document_handlers = {name: h for _, _, name, h in DOCUMENT_ROUTES}
        self.url_map = Map(
            [
                Rule(r.rule, methods=[r.method], endpoint=r.operation)
                for r in SP_API_ROUTES
            ]
            + [Rule("/auth/o2/token", methods=["POST"], endpoint=LWA_OPERATION)]
            + [
                Rule(rule, methods=[method], endpoint=f"document:{name}")
                for rule, method, name, _ in DOCUMENT_ROUTES
            ]
            + [
                Rule(f"/_sandbox/{rule}", methods=methods, endpoint=f"control:{name}")
                for rule, methods, name in _CONTROL_RULES
            ],
            strict_slashes=False,
        )
        if scenario is not None:
            self.seed(scenario, validate_orders=validate_orders)

    # ----------------------------------------------------------- control API
    def seed(
        self, scenario: dict | Scenario | str | Path, validate_orders: bool = True
    ) -> Scenario:
        """Load a scenario: state, clock start, usage-plan overrides, faults.

        Access tokens, buckets, faults and the call log start afresh.
        """
        if isinstance(scenario, (str, Path)):
            scenario = load_scenario(scenario, validate_orders)
        elif isinstance(scenario, dict):
            scenario = parse_scenario(scenario, validate_orders)
        with self._lock:
            self.state.load(scenario)
            self.clock.set(scenario.start)
            self.limiter.reset()
            for seller in scenario.sellers:
                for operation, plan in seller.usage_plans.items():
                    self.limiter.set_override(seller.seller_id, operation, plan)
            self.faults.clear()
            self.faults.add(scenario.faults)
            self.calls.clear()
            self.state.apply_due_events(self.clock.now())
        return scenario

    def reset(self, empty: bool = False) -> None:
        """Reload the seeded scenario from scratch (``empty``: clear all state)."""
        with self._lock:
            if self.state.scenario is not None and not empty:
                self.seed(self.state.scenario)
                return
            self.state = SandboxState()
            self.limiter.reset()
            self.faults.clear()
            self.calls.clear()

    def now(self) -> datetime:
        """Current sandbox time."""
        return self.clock.now()

    def advance(self, seconds: float) -> datetime:
        """Move sandbox time forward and apply the events that became due."""
        with self._lock:
            now = self.clock.advance(seconds)
            self.state.apply_due_events(now)
            return now

    def set_time(self, instant: datetime | str) -> datetime:
        """Set sandbox time (ISO string or datetime) and apply due events."""
        if isinstance(instant, str):
            instant = parse_datetime(instant)
        with self._lock:
            now = self.clock.set(instant)
            self.state.apply_due_events(now)
            return now

    def freeze(self, frozen: bool = True) -> None:
        """Stop or restart sandbox time."""
        self.clock.freeze(frozen)

    def set_speed(self, speed: float) -> None:
        """Set how many sandbox seconds pass per real second."""
        self.clock.set_speed(speed)

    def add_faults(self, spec: dict | list) -> list[dict]:
        """Plan one fault or a list of faults (see ``faults.py``)."""
        return [fault.to_json() for fault in self.faults.add(spec)]

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        self.faults.clear()

    def call_log(self) -> dict:
        """Counts per operation, 429s served and every call (operation, status,
        time, sellerId, method, path)."""
        with self._lock:
            return self.calls.to_json()

    def clear_calls(self) -> None:
        """Forget the call log."""
        with self._lock:
            self.calls.clear()

    def order_state(self, order_id: str) -> dict | None:
        """The full current state of an order (no projection), or ``None``."""
        with self._lock:
            self.state.apply_due_events(self.clock.now())
            record = self.state.order(order_id)
            if record is None:
                return None
            return {"sellerId": record.seller_id, "order": record.order}

    def set_rate_limits(self, enabled: bool) -> None:
        """Switch usage-plan enforcement on or off."""
        self.limiter.enabled = enabled

    # ------------------------------------------- feeds, listings, inventory
    def feed_settings(self, **settings) -> dict:
        """Read or change feed processing: ``queue_seconds`` (IN_QUEUE time,
        default 30), ``processing_seconds`` (IN_PROGRESS time, default 30),
        ``gzip_results`` (store result documents gzipped)."""
        with self._lock:
            return self.state.set_feeds_settings(**settings)

    def feeds(self, seller_id: str | None = None) -> list[dict]:
        """Every feed (``Feed`` JSON plus ``sellerId``), oldest first."""
        with self._lock:
            self.state.apply_due_events(self.clock.now())
            return [
                {"sellerId": feed.seller_id, **copy.deepcopy(feed.json)}
                for feed in self.state.feeds.feeds.values()
                if seller_id is None or feed.seller_id == seller_id
            ]

    def add_feed_document(
        self,
        seller_id: str,
        content: bytes | str | None,
        content_type: str,
        document_id: str | None = None,
    ) -> str:
        """Store an input feed document (as if uploaded); return its id."""
        if isinstance(content, str):
            content = content.encode("utf-8")
        with self._lock:
            seller = self.state.sellers[seller_id]
            document = self.state.feeds.new_document(
                seller_id,
                content_type,
                self.clock.now(),
                content,
                region=seller.region,
                document_id=document_id,
            )
            return document.document_id

    def add_feed(self, seller_id: str, feed: dict) -> dict:
        """Store a feed given as a ``Feed`` object, as is: it never changes
        status by itself (cancelFeed still cancels an IN_QUEUE one)."""
        with self._lock:
            if seller_id not in self.state.sellers:
                raise KeyError(f"unknown seller {seller_id!r}")
            created = parse_datetime(feed["createdTime"])
            record = feeds.Feed(
                str(feed["feedId"]), seller_id, copy.deepcopy(feed), created
            )
            self.state.feeds.add_feed(record)
            return copy.deepcopy(record.json)

    def feed_document(self, document_id: str) -> bytes | None:
        """A feed document's content (result documents gunzipped), or ``None``."""
        with self._lock:
            self.state.apply_due_events(self.clock.now())
            document = self.state.feeds.documents.get(document_id)
            return None if document is None else feeds.result_content(document)

    def listings(self, seller_id: str | None = None, sku: str | None = None):
        """The current listings, optionally of one seller and/or SKU."""
        with self._lock:
            self.state.apply_due_events(self.clock.now())
            return copy.deepcopy(listings.listings_of(self.state, seller_id, sku))

    def inventory(self, seller_id: str | None = None) -> list[dict]:
        """The current FBA inventory records, optionally of one seller."""
        with self._lock:
            return copy.deepcopy(
                [
                    r
                    for r in self.state.inventory
                    if seller_id is None or r["sellerId"] == seller_id
                ]
            )

    def set_inventory(
        self, seller_id: str, seller_sku: str, network: str | None = None, **fields
    ) -> dict:
        """Create or update an FBA inventory record (see ``inventory.py``);
        ``lastUpdatedTime`` becomes sandbox now unless given."""
        with self._lock:
            return copy.deepcopy(
                inventory.set_inventory(
                    self.state,
                    seller_id,
                    seller_sku,
                    self.clock.now(),
                    network=network,
                    **fields,
                )
            )

    def issue_access_token(self, seller_id: str) -> str:
        """An access token for ``seller_id`` without the LWA round trip."""
        with self._lock:
            seller = self.state.sellers[seller_id]
            return self.state.issue_token(
                seller.client_id, seller_id, None, self.clock.now()
            ).value

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ, start_response):
        """WSGI entry point."""
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        request_id = str(uuid.uuid4())
        adapter = self.url_map.bind("sandbox", url_scheme="http")
        try:
            endpoint, args = adapter.match(request.path, method=request.method)
        except MethodNotAllowed:
            response = _json_response(
                405, error_body("MethodNotAllowed", "Method not allowed.", "")
            )
        except NotFound:
            response = _json_response(
                404, error_body("NotFound", "Resource not found.", "")
            )
        except HTTPException as error:  # redirects of strict slashes and the like
            response = _json_response(
                error.code or 400, error_body("InvalidInput", error.description, "")
            )
        else:
            if endpoint.startswith("control:"):
                response = self._control(endpoint[len("control:") :], request, args)
            elif endpoint == LWA_OPERATION:
                response = self._serve_call(LWA_OPERATION, request, self._lwa, request)
            elif endpoint.startswith("document:"):
                name = endpoint[len("document:") :]
                response = self._serve_call(
                    name,
                    request,
                    self._document_handlers[name],
                    self,
                    request,
                    args["document_id"],
                )
            else:
                response = self._serve_call(
                    endpoint, request, self._operation, endpoint, request, args
                )
        response.headers["x-amzn-RequestId"] = request_id
        return response

    def _serve_call(self, operation: str, request: Request, handler, *args) -> Response:
        """Run an LWA/SP-API handler: status/timeout faults, lock, log, malformed."""
        fault = self.faults.take(operation, ("timeout", "status"))
        if fault is not None and fault.kind == "timeout":
            self.sleep(fault.delay)
            fault = None
        with self._lock:
            now = self.clock.now()
            self.state.apply_due_events(now)
            seller_id = None
            if fault is not None and operation == LWA_OPERATION:
                response = _json_response(
                    fault.status,
                    {
                        "error": LWA_FAULT_ERRORS[fault.status],
                        "error_description": "Injected sandbox fault.",
                    },
                )
            elif fault is not None:
                error = fault_error(fault.status)
                response = _json_response(error.status, error.body)
            else:
                try:
                    response, seller_id = handler(*args)
                except Exception:  # a sandbox bug must still answer Amazon-style
                    _log.exception("%s failed", operation)
                    error = fault_error(500)
                    response = _json_response(error.status, error.body)
            self.calls.add(
                {
                    "operation": operation,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "time": format_datetime(now),
                    "sellerId": seller_id,
                }
            )
        if self.faults.take(operation, ("malformed",)) is not None:
            data = response.get_data()
            response.set_data(data[: len(data) // 2])
        return response

    def _operation(self, operation: str, request: Request, path_args: dict):
        """Authenticate, rate-limit and run one SP-API operation."""
        now = self.clock.now()
        token = self.state.tokens.get(request.headers.get("x-amz-access-token", ""))
        seller = None
        try:
            if token is None:
                raise unauthorized(TOKEN_INVALID_MESSAGE)
            if now >= token.expires_at:
                raise unauthorized(TOKEN_EXPIRED_MESSAGE)
            seller = self.state.sellers.get(token.seller_id)
            if seller is None:
                raise unauthorized(ACCESS_DENIED_MESSAGE)
            allowed, plan = self.limiter.acquire(seller.seller_id, operation)
            if not allowed:
                raise quota_exceeded()
            headers = {"x-amzn-RateLimit-Limit": plan.header} if plan else {}
            try:
                status, body = self._routes[operation].handler(
                    self, request, seller, now, **path_args
                )
            except ApiError as error:
                return _json_response(
                    error.status, error.body, headers
                ), seller.seller_id
            return _json_response(status, body, headers), seller.seller_id
        except ApiError as error:
            return _json_response(error.status, error.body), getattr(
                seller, "seller_id", None
            )

    def _lwa(self, request: Request):
        """``POST /auth/o2/token``: refresh_token and client_credentials grants."""
        form = request.form

        def oauth_error(error: str, description: str):
            return _json_response(
                400, {"error": error, "error_description": description}
            ), None

        grant = form.get("grant_type")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if grant not in ("refresh_token", "client_credentials"):
            return oauth_error(
                "unsupported_grant_type", f"Unsupported grant_type {grant!r}."
            )
        if not client_id or not secret:
            return oauth_error(
                "invalid_request", "client_id and client_secret are required."
            )
        application = self.state.applications.get(client_id)
        if application is None or application.client_secret != secret:
            return oauth_error("invalid_grant", "Client authentication failed.")
        now = self.clock.now()
        if grant == "client_credentials":
            scope = form.get("scope")
            if scope not in GRANTLESS_SCOPES:
                return oauth_error("invalid_scope", f"Unknown scope {scope!r}.")
            token = self.state.issue_token(client_id, None, scope, now)
            body = {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
                "scope": scope,
            }
            return _json_response(200, body), None
        refresh = form.get("refresh_token")
        seller = self.state.sellers_by_refresh_token.get(refresh or "")
        if seller is None or seller.client_id != client_id:
            return oauth_error(
                "invalid_grant",
                "The request has an invalid grant parameter: refresh_token.",
            )
        token = self.state.issue_token(client_id, seller.seller_id, None, now)
        body = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "refresh_token": refresh,
        }
        return _json_response(200, body), seller.seller_id

    # ------------------------------------------------------- control routes
    def _control(self, name: str, request: Request, args: dict) -> Response:
        """Run a ``/_sandbox/...`` control call; answers are JSON."""
        try:
            body = request.get_json(force=True, silent=True) if request.data else None
            if request.data and body is None:
                raise ValueError("the body is not valid JSON")
            body = body or {}
            if request.method == "GET" and isinstance(body, dict):
                body = {**request.args.to_dict(), **body}
            status, result = _CONTROL_HANDLERS[name](self, body, **args)
        except ScenarioError as error:
            status, result = 400, {"errors": error.problems}
        except (FaultError, ValueError, TypeError, KeyError) as error:
            status, result = 400, {"errors": [str(error)]}
        return _json_response(status, result)


def _control_seed(app: SandboxApp, body: dict):
    scenario = app.seed(body)
    return 200, {
        "name": scenario.name,
        "orders": len(scenario.orders),
        "clock": app.clock.to_json(),
    }


def _control_reset(app: SandboxApp, body: dict):
    app.reset(empty=bool(body.get("empty")))
    return 200, {"clock": app.clock.to_json()}


def _control_clock_get(app: SandboxApp, body: dict):
    return 200, app.clock.to_json()


def _control_clock_post(app: SandboxApp, body: dict):
    known = {"advance", "set", "freeze", "speed"}
    if not body or set(body) - known:
        raise ValueError(f"clock takes one or more of {sorted(known)}")
    if "speed" in body:
        app.set_speed(float(body["speed"]))
    if "freeze" in body:
        app.freeze(bool(body["freeze"]))
    if "set" in body:
        app.set_time(body["set"])
    if "advance" in body:
        app.advance(float(body["advance"]))
    return 200, app.clock.to_json()


def _control_faults_get(app: SandboxApp, body: dict):
    return 200, {"faults": app.faults.pending()}


def _control_faults_post(app: SandboxApp, body):
    added = app.add_faults(body.get("faults", body) if isinstance(body, dict) else body)
    return 200, {"added": added, "faults": app.faults.pending()}


def _control_faults_delete(app: SandboxApp, body: dict):
    app.clear_faults()
    return 200, {"faults": []}


def _control_calls_get(app: SandboxApp, body: dict):
    return 200, app.call_log()


def _control_calls_delete(app: SandboxApp, body: dict):
    app.clear_calls()
    return 200, app.call_log()


def _control_order(app: SandboxApp, body: dict, order_id: str):
    found = app.order_state(order_id)
    if found is None:
        return 404, {"errors": [f"unknown order {order_id}"]}
    return 200, found


def _control_ratelimits(app: SandboxApp, body: dict):
    if not isinstance(body.get("enabled"), bool):
        raise ValueError("ratelimits takes {'enabled': true|false}")
    app.set_rate_limits(body["enabled"])
    return 200, {"enabled": app.limiter.enabled}


def _control_listings(app: SandboxApp, body: dict):
    return 200, {"listings": app.listings(body.get("sellerId"), body.get("sku"))}


def _control_inventory_get(app: SandboxApp, body: dict):
    return 200, {"inventory": app.inventory(body.get("sellerId"))}


def _control_inventory_post(app: SandboxApp, body):
    records = body.get("records", body) if isinstance(body, dict) else body
    records = records if isinstance(records, list) else [records]
    updated = []
    for record in records:
        if not isinstance(record, dict):
            raise ValueError("an inventory record must be an object")
        fields = dict(record)
        seller_id, sku = fields.pop("sellerId", None), fields.pop("sellerSku", None)
        if not seller_id or not sku:
            raise ValueError("inventory records need sellerId and sellerSku")
        updated.append(
            app.set_inventory(seller_id, sku, fields.pop("network", None), **fields)
        )
    return 200, {"updated": updated}


def _control_feeds_get(app: SandboxApp, body: dict):
    return 200, {
        "settings": app.feed_settings(),
        "feeds": app.feeds(body.get("sellerId")),
    }


def _control_feeds_post(app: SandboxApp, body: dict):
    known = {"queueSeconds", "processingSeconds", "gzipResults"}
    if not body or set(body) - known:
        raise ValueError(f"feeds takes one or more of {sorted(known)}")
    settings = app.feed_settings(
        queue_seconds=body.get("queueSeconds"),
        processing_seconds=body.get("processingSeconds"),
        gzip_results=body.get("gzipResults"),
    )
    return 200, {"settings": settings}


_CONTROL_RULES = [
    ("seed", ["POST"], "seed"),
    ("reset", ["POST"], "reset"),
    ("clock", ["GET"], "clock_get"),
    ("clock", ["POST"], "clock_post"),
    ("faults", ["GET"], "faults_get"),
    ("faults", ["POST"], "faults_post"),
    ("faults", ["DELETE"], "faults_delete"),
    ("calls", ["GET"], "calls_get"),
    ("calls", ["DELETE"], "calls_delete"),
    ("orders/<order_id>", ["GET"], "order"),
    ("ratelimits", ["POST"], "ratelimits"),
    ("listings", ["GET"], "listings"),
    ("inventory", ["GET"], "inventory_get"),
    ("inventory", ["POST"], "inventory_post"),
    ("feeds", ["GET"], "feeds_get"),
    ("feeds", ["POST"], "feeds_post"),
]
_CONTROL_HANDLERS = {
    "seed": _control_seed,
    "reset": _control_reset,
    "clock_get": _control_clock_get,
    "clock_post": _control_clock_post,
    "faults_get": _control_faults_get,
    "faults_post": _control_faults_post,
    "faults_delete": _control_faults_delete,
    "calls_get": _control_calls_get,
    "calls_delete": _control_calls_delete,
    "order": _control_order,
    "ratelimits": _control_ratelimits,
    "listings": _control_listings,
    "inventory_get": _control_inventory_get,
    "inventory_post": _control_inventory_post,
    "feeds_get": _control_feeds_get,
    "feeds_post": _control_feeds_post,
}
