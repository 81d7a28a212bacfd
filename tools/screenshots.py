"""Screenshots of the demo database for README.md (``make demo SCREENSHOTS=1``).

Drives headless Chromium through the Chrome DevTools protocol (``websocket-client``,
installed with Odoo's test requirements) against an Odoo server on 127.0.0.1: logs in
through the login form as admin / admin, then saves

- ``amazon-account-form.png``: the form of the Amazon account with the most
  marketplaces, on its Runs tab (SCREENSHOT_TAB: another page name of the form);
- ``amazon-sales-orders.png``: the Sales Orders list with the "Amazon" filter.

Usage: python tools/screenshots.py http://127.0.0.1:PORT OUTDIR
Settings: SCREENSHOT_SIZE (1440x900), CHROMIUM (the browser binary).
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
# True once the web client is idle: no pending RPC, nothing blocking the UI.
IDLE = (
    "document.readyState === 'complete'"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)


def log(message):
    print(f"screenshots: {message}", flush=True)


class Browser:
    """One headless Chromium page driven over the DevTools protocol."""

    def __init__(self, width, height):
        binary = os.environ.get("CHROMIUM") or next(
            filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None
        )
        if not binary:
            raise SystemExit("screenshots: Chromium not found (set CHROMIUM)")
        self.profile = tempfile.mkdtemp(prefix="amazon-screenshots-")
        self.process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        self.ws = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _devtools_port(self):
        path = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("screenshots: Chromium exited at start")
            if path.exists() and path.read_text().strip():
                return int(path.read_text().split()[0])
            time.sleep(0.1)
        raise SystemExit("screenshots: Chromium's DevTools port never appeared")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        self.ws.send(json.dumps(message))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details
            raise RuntimeError(f"JavaScript error: {text}")
        return result["result"].get("value")

    def wait(self, condition, what, timeout=60):
        """Poll a JavaScript condition until it holds and the page stops changing."""
        deadline = time.monotonic() + timeout
        previous = None
        while time.monotonic() < deadline:
            if self.evaluate(f"!!({condition}) && {IDLE}"):
                size = self.evaluate("document.body.innerHTML.length")
                if size == previous:
                    return
                previous = size
            else:
                previous = None
            time.sleep(0.25)
        raise SystemExit(f"screenshots: timed out waiting for {what}")

    def goto(self, url):
        self.send("Page.navigate", url=url)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        log(f"saved {path}")


def wait_for_server(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"screenshots: Odoo does not answer on {url}")


def main(url, outdir):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    width, height = map(int, os.environ.get("SCREENSHOT_SIZE", "1440x900").split("x"))
    wait_for_server(url)
    browser = Browser(width, height)
    try:
        browser.goto(f"{url}/web/login")
        browser.wait("document.querySelector('form.oe_login_form #login')", "login")
        browser.evaluate(
            "document.querySelector('#login').value = 'admin';"
            "document.querySelector('#password').value = 'admin';"
            "document.querySelector('form.oe_login_form').submit();"
        )
        browser.wait(
            "location.pathname.startsWith('/odoo') && window.odoo"
            " && odoo.__WOWL_DEBUG__ && document.querySelector('.o_action_manager')",
            "the web client after login",
        )
        log("logged in as admin")
        env = "odoo.__WOWL_DEBUG__.root.env"
        accounts = browser.evaluate(
            f"{env}.services.orm.searchRead('amazon.account', [],"
            " ['name', 'account_marketplace_ids'])"
        )
        if not accounts:
            raise SystemExit("screenshots: no Amazon account in the database")
        account = max(accounts, key=lambda a: len(a["account_marketplace_ids"]))
        browser.goto(
            f"{url}/odoo/action-sale_amazon_connector.amazon_account_action/"
            f"{account['id']}"
        )
        page = os.environ.get("SCREENSHOT_TAB", "runs")
        tab = f".o_notebook_headers a[name='{page}']"
        browser.wait(f'document.querySelector("{tab}")', "the account form")
        browser.evaluate(f'document.querySelector("{tab}").click()')
        browser.wait(
            "document.querySelector('.o_form_view .o_field_x2many_list .o_data_row')",
            f"the lines of the {page} tab",
        )
        browser.screenshot(outdir / "amazon-account-form.png")

        # The Sales app's Sales Orders list, then its "Amazon" filter, as a user does.
        browser.goto(f"{url}/odoo/action-sale.action_orders")
        browser.wait(
            "document.querySelector('.o_list_view .o_data_row')"
            " && document.querySelector('.o_searchview_dropdown_toggler')",
            "the Sales Orders list",
        )
        browser.evaluate(
            "document.querySelector('.o_searchview_dropdown_toggler').click()"
        )
        browser.wait("document.querySelector('.o_filter_menu')", "the filter menu")
        clicked = browser.evaluate(
            "(() => { const item = [...document.querySelectorAll("
            "'.o_filter_menu .o-dropdown-item')].find("
            "i => i.textContent.trim() === 'Amazon');"
            " if (item) { item.click(); } return !!item; })()"
        )
        if not clicked:
            raise SystemExit("screenshots: no 'Amazon' filter on Sales Orders")
        browser.wait(
            "[...document.querySelectorAll('.o_searchview_facet')]"
            ".some(f => f.textContent.includes('Amazon'))",
            "the Amazon filter",
        )
        browser.evaluate(
            "document.querySelector('.o_searchview_dropdown_toggler').click()"
        )
        browser.wait(
            "!document.querySelector('.o_filter_menu')"
            " && document.querySelector('.o_list_view .o_data_row')",
            "the Sales Orders list with the Amazon filter",
        )
        browser.screenshot(outdir / "amazon-sales-orders.png")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
