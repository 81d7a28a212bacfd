"""A local, stateful, schema-checked Amazon SP-API sandbox.

``SandboxApp`` is the WSGI application (with a Python control API),
``serve`` runs it on 127.0.0.1 in a thread, and the pytest plugin
``spapi_sandbox.pytest_plugin`` provides the ``spapi_sandbox`` fixture.
"""

from .app import SandboxApp
from .scenario import ScenarioError, load_scenario, parse_scenario
from .server import serve

__all__ = ["SandboxApp", "ScenarioError", "load_scenario", "parse_scenario", "serve"]
__version__ = "0.1.0"
