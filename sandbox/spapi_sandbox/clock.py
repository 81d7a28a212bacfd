"""The sandbox clock: sandbox time that can run faster than real time.

Every time-dependent rule of the sandbox (token expiry, the two-minute bound of
searchOrders, page-token expiry, usage plans, timed scenario events) reads this
clock, never the wall clock, so tests drive time instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

UTC = timezone.utc


def parse_datetime(value: str) -> datetime:
    """Parse an ISO 8601 date-time into an aware UTC datetime.

    Accepts a trailing ``Z``, an explicit offset, fractional seconds and a plain
    date (midnight UTC). A value without an offset is read as UTC. Raises
    ``ValueError`` for anything else.
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"not an ISO 8601 date-time: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SandboxClock:
    """Sandbox time: ``start`` plus real elapsed time multiplied by ``speed``.

    The clock can be frozen (sandbox time stands still until unfrozen or moved
    explicitly), advanced by a number of seconds, set to an instant, and sped up
    or slowed down. Changing the speed never makes time jump. Thread-safe.
    """

    def __init__(
        self,
        start: datetime | None = None,
        speed: float = 1.0,
        frozen: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        """Create a clock reading ``start`` (default: the wall clock) now."""
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor_sandbox = start or datetime.now(UTC)
        self._anchor_real = monotonic()
        self._speed = float(speed)
        self._frozen = frozen

    def _read(self) -> datetime:
        if self._frozen:
            return self._anchor_sandbox
        elapsed = (self._monotonic() - self._anchor_real) * self._speed
        return self._anchor_sandbox + timedelta(seconds=elapsed)

    def _rebase(self, sandbox_now: datetime) -> None:
        self._anchor_sandbox = sandbox_now
        self._anchor_real = self._monotonic()

    def now(self) -> datetime:
        """Return the current sandbox time (aware, UTC)."""
        with self._lock:
            return self._read()

    @property
    def speed(self) -> float:
        """How many sandbox seconds pass per real second."""
        return self._speed

    @property
    def frozen(self) -> bool:
        """Whether sandbox time currently stands still."""
        return self._frozen

    def advance(self, seconds: float) -> datetime:
        """Move sandbox time forward by ``seconds`` (>= 0); return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._rebase(self._read() + timedelta(seconds=seconds))
            return self._anchor_sandbox

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant`` (forward or backward); return it."""
        with self._lock:
            self._rebase(instant.astimezone(UTC))
            return self._anchor_sandbox

    def freeze(self, frozen: bool = True) -> None:
        """Stop (``True``) or restart (``False``) the passing of sandbox time."""
        with self._lock:
            self._rebase(self._read())
            self._frozen = frozen

    def set_speed(self, speed: float) -> None:
        """Change the speed factor without a jump in sandbox time."""
        if speed <= 0:
            raise ValueError("speed must be > 0")
        with self._lock:
            self._rebase(self._read())
            self._speed = float(speed)

    def to_json(self) -> dict:
        """Describe the clock for the control API."""
        return {
            "now": format_datetime(self.now()),
            "speed": self._speed,
            "frozen": self._frozen,
        }
