"""Running the sandbox over HTTP on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from .app import SandboxApp
from .scenario import Scenario

HOST = "127.0.0.1"
POLL_SECONDS = 0.05  # how soon a stopped server notices (shutdown latency)


@dataclass
class RunningSandbox:
    """A sandbox being served: its base ``url`` (no trailing slash) and ``app``."""

    url: str
    app: SandboxApp
    port: int


@contextmanager
def serve(
    scenario: dict | Scenario | str | Path | None = None,
    port: int = 0,
    speed: float = 1.0,
    rate_limits: bool = True,
    frozen: bool = False,
    app: SandboxApp | None = None,
) -> Iterator[RunningSandbox]:
    """Serve a sandbox on 127.0.0.1 (``port`` 0: a free port) while in the block.

    Pass ``app`` to serve an existing ``SandboxApp``; otherwise one is built
    from ``scenario``, ``speed``, ``rate_limits`` and ``frozen`` (clock stopped).
    """
    if app is None:
        app = SandboxApp(scenario, speed=speed, rate_limits=rate_limits, frozen=frozen)
    server = make_server(HOST, port, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": POLL_SECONDS},
        name="spapi-sandbox",
    )
    thread.daemon = True
    thread.start()
    try:
        yield RunningSandbox(f"http://{HOST}:{server.port}", app, server.port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
