"""pytest plugin of `make test` (loaded with ``-p pytest_amazon``).

- A skipped browser test (Odoo ``HttpCase``) is a failed check, never a silent skip.
- The wall time of the whole command is printed just before pytest's summary line.
"""

import os
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and _is_http_case(item):
        report.outcome = "failed"
        reason = call.excinfo.value if call.excinfo else ""
        report.longrepr = f"HttpCase skipped, a failure for make test: {reason}"
    return report


def _is_http_case(item):
    instance = getattr(item, "instance", None)
    if instance is None:
        return False
    from odoo.tests.common import HttpCase  # Odoo is loaded by then

    return isinstance(instance, HttpCase)


def pytest_terminal_summary(terminalreporter):
    start = os.environ.get("AMAZON_TEST_START")
    if not start:
        return
    wall = time.time() - int(start)
    install = os.environ.get("AMAZON_TEST_INSTALL_SECONDS", "?")
    terminalreporter.write_line(
        f"make test: wall time {wall:.0f} s (module install {install} s)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path, parent):
    """Collect the repository's own directory (the addon, reached by its real path when
    pytest resolves the sandbox's tests) as a plain directory, not as a Python package:
    it is imported as ``odoo.addons.sale_amazon_connector``, never under its own
    name."""
    root = os.environ.get("AMAZON_REPO_ROOT")
    if root and os.path.realpath(path) == os.path.realpath(root):
        return pytest.Dir.from_parent(parent, path=path)
    return None
