"""Pytest plugin: the ``spapi_sandbox`` fixture (a served sandbox per test).

Installed as a ``pytest11`` entry point, so it is active wherever the package is
installed; or enable it with ``pytest_plugins = ["spapi_sandbox.pytest_plugin"]``.
Mark a test ``@pytest.mark.spapi_scenario(<dict or path>)`` to seed a scenario;
the yielded object has ``.url`` and ``.app`` (see ``server.RunningSandbox``).
"""

from __future__ import annotations

import pytest

from .server import serve


def pytest_configure(config):
    """Declare the ``spapi_scenario`` marker."""
    config.addinivalue_line(
        "markers", "spapi_scenario(scenario): scenario seeded into spapi_sandbox"
    )


@pytest.fixture
def spapi_sandbox(request):
    """A sandbox served on 127.0.0.1 for one test (rate limits on, clock frozen
    at the scenario start)."""
    marker = request.node.get_closest_marker("spapi_scenario")
    scenario = marker.args[0] if marker else None
    with serve(scenario, frozen=True) as running:
        yield running
