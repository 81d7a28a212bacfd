"""Injected faults: planned misbehaviour of the sandbox for chosen operations.

A fault is a JSON object::

    {"operation": "searchOrders", "status": 429, "count": 2}
    {"operation": "confirmShipment", "kind": "timeout", "seconds": 5}
    {"operation": "*", "kind": "malformed"}
    {"operation": "searchOrders", "kind": "repeat_page"}
    {"operation": "searchOrders", "kind": "page_error", "page": 3, "status": 500}

Kinds:

``status``
    Answer ``status`` (403, 429, 500 or 503) with Amazon's error body instead of
    handling the call (403 is the expired-token answer). Default when ``status``
    is given without ``page``.
``timeout``
    Hold the answer ``seconds`` + 0.5 real seconds (``seconds`` at most 30), so a
    client whose timeout is ``seconds`` gives up; the call is then handled
    normally (its effects happen, as on Amazon when a client times out).
``malformed``
    Handle the call, then send only the first half of the JSON body.
``repeat_page``
    searchOrders only: a call for page 2 or later gets the previous page again,
    with a nextToken leading back to the page asked for (duplicates, no loss).
``page_error``
    searchOrders only: the call for page ``page`` (1 = the first call, without a
    token) answers ``status`` (default 500).

Every fault fires ``count`` times (default 1), then disappears. With ``skip``
(default 0) the first ``skip`` matching calls pass it by (they may still meet
another pending fault). ``operation`` is an operationId
(``searchOrders``, ``getOrder``, ``confirmShipment``,
``getMarketplaceParticipations``, ``createFeedDocument``, ``createFeed``,
``getFeed``, ``getFeeds``, ``cancelFeed``, ``getFeedDocument``,
``getInventorySummaries``, ``lwaToken``, and ``uploadFeedDocument`` /
``downloadFeedDocument`` for the pre-signed document URLs) or ``*`` for all.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

FAULT_STATUSES = (403, 429, 500, 503)
KINDS = ("status", "timeout", "malformed", "repeat_page", "page_error")
PAGED_KINDS = ("repeat_page", "page_error")
MAX_TIMEOUT_SECONDS = 30.0
TIMEOUT_MARGIN_SECONDS = 0.5


class FaultError(ValueError):
    """A fault description that cannot be used."""


@dataclass
class Fault:
    """One planned fault (see the module docstring)."""

    operation: str
    kind: str
    count: int = 1
    skip: int = 0
    status: int | None = None
    seconds: float | None = None
    page: int | None = None

    def to_json(self) -> dict:
        """The fault as a JSON object, without unset fields."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @property
    def delay(self) -> float:
        """Real seconds a ``timeout`` fault holds the answer."""
        return float(self.seconds or 0) + TIMEOUT_MARGIN_SECONDS


def _int(spec: dict, key: str, default: int, minimum: int) -> int:
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise FaultError(f"fault {key!r} must be an integer >= {minimum}")
    return value


def parse_fault(spec: dict) -> Fault:
    """Check a fault description and build the ``Fault``."""
    if not isinstance(spec, dict):
        raise FaultError("a fault must be a JSON object")
    operation = spec.get("operation")
    if not isinstance(operation, str) or not operation:
        raise FaultError("fault 'operation' must be an operationId or '*'")
    status = spec.get("status")
    kind = spec.get("kind")
    if kind is None:
        if "page" in spec:
            kind = "page_error"
        elif status is not None:
            kind = "status"
        else:
            raise FaultError("fault needs 'kind' or 'status'")
    if kind not in KINDS:
        raise FaultError(f"fault 'kind' must be one of {', '.join(KINDS)}")
    fault = Fault(
        operation=operation,
        kind=kind,
        count=_int(spec, "count", 1, 1),
        skip=_int(spec, "skip", 0, 0),
    )
    if kind in ("status", "page_error"):
        fault.status = 500 if status is None and kind == "page_error" else status
        if fault.status not in FAULT_STATUSES:
            raise FaultError(f"fault 'status' must be one of {FAULT_STATUSES}")
    if kind == "timeout":
        seconds = spec.get("seconds")
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 <= seconds <= MAX_TIMEOUT_SECONDS
        ):
            limit = f"{MAX_TIMEOUT_SECONDS:g}"
            raise FaultError(f"timeout fault 'seconds' must be a number in 0..{limit}")
        fault.seconds = float(seconds)
    if kind in PAGED_KINDS and operation != "searchOrders":
        raise FaultError(f"{kind} faults apply to searchOrders only")
    if kind == "page_error":
        fault.page = _int(spec, "page", 1, 1)
    return fault


class FaultPlan:
    """The list of pending faults, consumed as calls match them. Thread-safe."""

    def __init__(self):
        """Start with no fault."""
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, spec: dict | list) -> list[Fault]:
        """Add one fault description or a list of them (all checked first)."""
        specs = spec if isinstance(spec, list) else [spec]
        faults = [parse_fault(item) for item in specs]
        with self._lock:
            self._faults.extend(faults)
        return faults

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict]:
        """The pending faults as JSON objects."""
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def take(
        self, operation: str, kinds: tuple[str, ...], page: int | None = None
    ) -> Fault | None:
        """Consume and return the first fault of ``kinds`` matching the call.

        ``page`` is the searchOrders page number (1 for a call without token).
        """
        with self._lock:
            for fault in self._faults:
                if fault.kind not in kinds or fault.operation not in (operation, "*"):
                    continue
                if fault.kind == "page_error" and fault.page != page:
                    continue
                if fault.kind == "repeat_page" and (page is None or page < 2):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    continue
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
                return fault
        return None
