"""make chaos: the order sync under injected faults and under SIGKILL (issue 8).

Two parts, each on a database of its own (copied from a template database that
tools/chaos.sh installs), against the SP-API sandbox started as a subprocess on
127.0.0.1 with an accelerated clock (``CHAOS_SPEED`` sandbox seconds per second):

(a) faults: ``CHAOS_ORDERS`` generated orders (5,000); about ``CHAOS_FAULT_RATE``
    (20 %) of the SP-API calls, LWA included, answer 429, 500 or 503 or time out.
    The sandbox has no probabilistic fault, so a seeded plan draws, for each call
    number 1, 2, 3..., whether it fails and how; each failing call becomes one
    count-1 fault on operation ``*`` whose ``skip`` places it on that call (a
    pending fault's ``skip`` goes down on every call that passes it, and not on the
    call another fault takes, so fault i of the plan fires on call
    ``skip_i + i``). The order-sync cron runs (``ir.cron.method_direct_trigger``)
    in an Odoo process until every account's run is done (a run stopped by
    Amazon's errors is resumed by the next tick, as the 15-minute cron would).
(b) kills: ``CHAOS_KILL_ORDERS`` generated orders (2,000), no faults. The Odoo
    process running the cron is killed with SIGKILL at ``CHAOS_KILLS`` (10) points
    drawn with a seeded RNG (printed): once the committed Amazon orders reach a
    drawn count, after a drawn delay; then restarted, until a run completes.

Then Odoo is compared with the generator's expected-outcome manifest (per seller
``manifest.compare``, every expected order exactly once counted in SQL, no other
Amazon order, totals per currency as numerics: ``tools/demo.py``), every
account's last order run must be done, no order may have failed (no
``amazon.sync.failure`` row), and (b) must have resumed: the pages the sandbox
served (its call log) minus the pages of the window and the new empty windows
are the pages read again, at most one per kill. Figures are printed and written
to ``.build/chaos/result.json``; the exit code is 1 on any difference.

The Odoo process is ``python tools/chaos.py worker ...``: Odoo's registry on the
part's database and the cron's own ``ir.cron`` record. Its SP-API clients run on
the sandbox's accelerated clock (their clock is ``time.monotonic() * speed`` and
their sleep ``time.sleep(seconds / speed)``, through the ``clock``/``sleep``
parameters the adapter has for this), with a client timeout of ``CHAOS_TIMEOUT``
real seconds; timeout faults hold the answer that long (+0.5 s).

Usage (from tools/chaos.sh): python tools/chaos.py CONF DB_PREFIX OUTDIR
Settings: CHAOS_PART (all | faults | kills), CHAOS_ORDERS (5000), CHAOS_KILL_ORDERS
(2000), CHAOS_SEED (42), CHAOS_KILLS (10), CHAOS_FAULT_RATE (0.2), CHAOS_SPEED
(10), CHAOS_TIMEOUT (30 s of sandbox time: 3 at x10).
"""

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo
from spapi_sandbox import generator, manifest

demo.LABEL = "chaos"
PART = os.environ.get("CHAOS_PART", "all")
ORDERS = int(os.environ.get("CHAOS_ORDERS", "5000"))
KILL_ORDERS = int(os.environ.get("CHAOS_KILL_ORDERS", "2000"))
SEED = int(os.environ.get("CHAOS_SEED", "42"))
KILLS = int(os.environ.get("CHAOS_KILLS", "10"))
FAULT_RATE = float(os.environ.get("CHAOS_FAULT_RATE", "0.2"))
SPEED = float(os.environ.get("CHAOS_SPEED", "10"))
# The adapter's default timeout, 30 s, in sandbox time: 3 real seconds at x10.
TIMEOUT = float(os.environ.get("CHAOS_TIMEOUT") or 30 / SPEED)
# The cron's interval (15 min) in sandbox seconds: the pause between two ticks.
CRON_INTERVAL = 900
MAX_TICKS = 12
FAULT_KINDS = ("429", "500", "503", "timeout")
ORDER_SYNC_CRON = "sale_amazon_connector.ir_cron_amazon_sync_orders"

log = demo.log


# === THE ODOO PROCESS === #


def worker(conf, dbname, stats_path):
    """Run the order-sync cron once in this process (the one that gets killed)."""
    import logging

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", conf, "-d", dbname, "--log-level=warn"])
    from odoo.addons.sale_amazon_connector.services import sp_api

    logging.getLogger().setLevel(logging.WARNING)
    registry = Registry(dbname)

    def clock():
        return time.monotonic() * SPEED

    def sleep(seconds):
        time.sleep(max(seconds, 0) / SPEED)

    # Clock and sleep are the adapter's parameters: one token cache, rate limiter
    # and call log for the process, as the adapter's own globals are in production.
    extra = {
        "clock": clock,
        "sleep": sleep,
        "timeout": TIMEOUT,
        "token_cache": sp_api.TokenCache(),
        "limiter": sp_api.RateLimiter(),
        "call_log": sp_api.CallLog(),
    }
    Account = registry["amazon.account"]
    original = Account._get_sp_api_client

    def _get_sp_api_client(self, **kwargs):
        return original(self, **{**extra, **kwargs})

    Account._get_sp_api_client = _get_sp_api_client
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.ref(ORDER_SYNC_CRON).method_direct_trigger()
        cr.commit()
    Path(stats_path).write_text(json.dumps(extra["call_log"].as_dict()))
    return 0


# === THE CONTROLLER === #


def sandbox_call(port, path, body=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method or ("POST" if data else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


class Part:
    """One part of the chaos run: its scenario, sandbox, database and checks."""

    def __init__(self, name, conf, db_prefix, outdir, orders):
        self.name, self.conf, self.outdir = name, conf, outdir
        self.db = f"{db_prefix}_{name}"
        self.template = f"{db_prefix}_template"
        self.orders = orders
        self.figures = {"part": name, "orders_generated": orders}
        self.differences = []
        self.workers = 0
        self.sandbox = None

    # --- setup ------------------------------------------------------------- #

    def setup(self):
        path = self.outdir / f"chaos-{self.orders}-{SEED}.json"
        if not path.exists():
            generator.write(path, generator.generate(self.orders, SEED, events=0))
        self.scenario = json.loads(path.read_text())
        self.expected = manifest.build(self.scenario)
        self.port = demo.free_port()
        (self.outdir / f"odoo-{self.name}.log").unlink(missing_ok=True)
        self.sandbox = demo.spawn_sandbox(
            self.port, path, self.outdir / f"sandbox-{self.name}.log", SPEED
        )
        self.copy_database()
        demo.wait_for_sandbox(self.port, self.sandbox)
        # The scenario loaded: the accounts' clock starts now.
        import odoo
        from odoo.modules.registry import Registry

        registry = Registry(self.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            demo.configure(env, self.scenario, self.port)
            self.listed = demo.expected_listed(self.scenario)
        odoo.sql_db.close_all()
        self.pages_in_window = {
            seller: max(1, math.ceil(count / 100))
            for seller, count in self.listed.items()
        }

    def copy_database(self):
        import psycopg2

        cnx = psycopg2.connect(dbname="postgres")
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            cr.execute(f'CREATE DATABASE "{self.db}" TEMPLATE "{self.template}"')
        cnx.close()
        data_dir = Path(self.conf).parent / "data" / "filestore"
        subprocess.run(["rm", "-rf", str(data_dir / self.db)], check=True)
        if (data_dir / self.template).exists():
            subprocess.run(
                ["cp", "-a", str(data_dir / self.template), str(data_dir / self.db)],
                check=True,
            )
        self.pg = psycopg2.connect(dbname=self.db)
        self.pg.autocommit = True

    def stop(self):
        if self.sandbox is not None:
            self.sandbox.terminate()
            self.sandbox.wait(timeout=10)
        if getattr(self, "pg", None) is not None:
            self.pg.close()

    # --- the Odoo process -------------------------------------------------- #

    def start_worker(self):
        self.workers += 1
        stats = self.outdir / f"worker-{self.name}-{self.workers}.json"
        stats.unlink(missing_ok=True)
        logfile = open(self.outdir / f"odoo-{self.name}.log", "a")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, __file__, "worker", self.conf, self.db, str(stats)],
            stdout=logfile,
            stderr=subprocess.STDOUT,
        )
        return process, stats

    def sql(self, query, params=()):
        with self.pg.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def committed_orders(self):
        return self.sql(
            "SELECT COUNT(*) FROM sale_order WHERE amazon_account_id IS NOT NULL"
        )[0][0]

    def wait_for_dead_sessions(self):
        """Wait until the killed process's PostgreSQL sessions are gone (their
        transactions rolled back, their advisory locks released)."""
        for _attempt in range(600):
            if not self.sql(
                "SELECT COUNT(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )[0][0]:
                return
            time.sleep(0.1)
        raise SystemExit("chaos: the killed process's sessions did not end")

    def all_done(self):
        """Every account's last order run is done and moved the cursor."""
        rows = self.sql(
            """
            SELECT a.id, (SELECT r.state FROM amazon_sync_run r
                           WHERE r.account_id = a.id AND r.flow = 'orders'
                           ORDER BY r.id DESC LIMIT 1)
              FROM amazon_account a WHERE a.active
            """
        )
        return all(state == "done" for _id, state in rows)

    def run_ticks(self, first=0):
        """Run the cron until every account's run is done; return the ticks run."""
        ticks = first
        while not self.all_done():
            if ticks >= MAX_TICKS:
                self.differences.append(f"runs not done after {ticks} cron ticks")
                break
            if ticks:
                time.sleep(CRON_INTERVAL / SPEED)  # the cron's interval
            process, stats = self.start_worker()
            if process.wait() != 0:
                self.differences.append(
                    f"the Odoo process exited with {process.returncode} "
                    f"(see odoo-{self.name}.log)"
                )
                break
            self.add_stats(stats)
            ticks += 1
        return ticks

    def add_stats(self, stats):
        if not stats.exists():
            return
        data = json.loads(stats.read_text())
        totals = self.figures.setdefault(
            "adapter", {"retries": 0, "throttled": 0, "token_refreshes": 0}
        )
        for key in totals:
            totals[key] += data.get(key, 0)

    # --- checks ------------------------------------------------------------ #

    def check(self):
        import odoo
        from odoo.modules.registry import Registry

        calls = sandbox_call(self.port, "/_sandbox/calls")
        self.calls = calls
        registry = Registry(self.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            for seller in self.scenario["sellers"]:
                seller_id = seller["sellerId"]
                account = env["amazon.account"].search([("seller_ref", "=", seller_id)])
                outcome = account._amazon_outcome()
                for line in manifest.compare(
                    self.expected["sellers"][seller_id], outcome
                ):
                    self.differences.append(f"{seller_id}: {line}")
            self.differences += demo.check_once_and_totals(
                env, self.scenario, self.expected
            )
            Failure = env["amazon.sync.failure"]
            failures = Failure.search([])
            for failure in failures:
                self.differences.append(
                    f"order {failure.amazon_order_ref} failed ({failure.state}): "
                    f"{failure.error}"
                )
            runs = env["amazon.sync.run"].search([("flow", "=", "orders")], order="id")
            for account in runs.account_id:
                last = runs.filtered(lambda r, a=account: r.account_id == a)[-1:]
                if last.state != "done":
                    self.differences.append(
                        f"{account.seller_ref}: last run {last.state}: {last.error}"
                    )
            self.figures.update(
                {
                    "orders": env["sale.order"].search_count(
                        [("amazon_account_id", "!=", False)]
                    ),
                    "expectedOrders": sum(
                        s["totals"]["orders"] for s in self.expected["sellers"].values()
                    ),
                    "ordersListed": sum(self.listed.values()),
                    "failedOrders": len(failures),
                    "runs": len(runs),
                    "runsFailed": len(runs.filtered(lambda r: r.state == "failed")),
                    "runErrors": sorted(
                        {(r.error or "").splitlines()[0][:160] for r in runs if r.error}
                    ),
                    "resumedRuns": len(runs.filtered("resumed_from_id")),
                    "callCounts": calls["counts"],
                    "sandboxThrottled": calls.get("throttled", 0),
                }
            )
            self.check_pages(env, runs, calls)
        odoo.sql_db.close_all()

    def check_pages(self, env, runs, calls):
        """Pages served by the sandbox (200 searchOrders in its call log) against the
        pages of the window and the new (empty) windows read after it."""
        served = Counter(
            call["sellerId"]
            for call in calls["calls"]
            if call["operation"] == "searchOrders" and call["status"] == 200
        )
        reread = {}
        for seller_id, pages in self.pages_in_window.items():
            account_runs = runs.filtered(
                lambda r, s=seller_id: r.account_id.seller_ref == s
            )
            first_end = account_runs.filtered("window_end")[:1].window_end
            new_windows = len(
                account_runs.filtered(
                    lambda r, end=first_end: (
                        end
                        and r.window_start
                        and r.window_start >= end
                        and not r.resumed_from_id
                        and r.pages
                    )
                )
            )
            reread[seller_id] = served[seller_id] - pages - new_windows
        self.figures["pagesInWindow"] = sum(self.pages_in_window.values())
        self.figures["pagesServed"] = sum(served.values())
        self.figures["pagesReread"] = sum(reread.values())

    # --- output ------------------------------------------------------------ #

    def summary(self, started):
        figures = self.figures
        figures["wallSeconds"] = round(time.monotonic() - started, 1)
        figures["match"] = not self.differences
        figures["differences"] = self.differences
        counts = ", ".join(
            f"{op} {n}" for op, n in sorted(figures.get("callCounts", {}).items())
        )
        log(
            f"{self.name}: orders {figures.get('orders')} "
            f"(expected {figures.get('expectedOrders')}, listed "
            f"{figures.get('ordersListed')} of {self.orders} generated), "
            f"failed orders {figures.get('failedOrders')}, runs "
            f"{figures.get('runs')} (failed {figures.get('runsFailed')}, resumed "
            f"{figures.get('resumedRuns')})"
        )
        log(f"{self.name}: SP-API calls (sandbox call log): {counts}")
        for error in figures.get("runErrors", []):
            log(f"{self.name}: a run stopped: {error}")


def part_faults(conf, db_prefix, outdir):
    started = time.monotonic()
    part = Part("faults", conf, db_prefix, outdir, ORDERS)
    try:
        part.setup()
        rng = random.Random(f"faults:{SEED}")
        # Enough planned calls for every retry: the unused tail stays pending.
        planned_calls = 4 * (sum(part.pages_in_window.values()) + 10) + 100
        plan = []
        for call in range(1, planned_calls + 1):
            if rng.random() < FAULT_RATE:
                kind = rng.choice(FAULT_KINDS)
                fault = {"operation": "*", "skip": call - len(plan) - 1}
                if kind == "timeout":
                    fault.update(kind="timeout", seconds=TIMEOUT)
                else:
                    fault["status"] = int(kind)
                plan.append((call, kind, fault))
        sandbox_call(part.port, "/_sandbox/faults", [f for _c, _k, f in plan])
        log(
            f"faults: {ORDERS} orders, {len(plan)} faults planned on the first "
            f"{planned_calls} SP-API calls (rate {FAULT_RATE:g}, seed {SEED}; kinds "
            f"{', '.join(FAULT_KINDS)}), sandbox clock x{SPEED:g}, client timeout "
            f"{TIMEOUT:g} s"
        )
        sync_started = time.monotonic()
        ticks = part.run_ticks()
        part.figures["syncSeconds"] = round(time.monotonic() - sync_started, 1)
        part.figures["cronTicks"] = ticks
        pending = len(sandbox_call(part.port, "/_sandbox/faults")["faults"])
        fired = plan[: len(plan) - pending]
        part.check()
        calls_made = sum(part.calls["counts"].values())
        part.figures["faultsInjected"] = len(fired)
        part.figures["faultsByKind"] = dict(Counter(kind for _c, kind, _f in fired))
        part.figures["callsMade"] = calls_made
        part.summary(started)
        adapter = part.figures.get("adapter", {})
        by_kind = ", ".join(
            f"{kind} {n}" for kind, n in sorted(part.figures["faultsByKind"].items())
        )
        log(
            f"faults: injected {len(fired)} on {calls_made} calls "
            f"({100 * len(fired) / max(calls_made, 1):.1f} %: {by_kind}); adapter "
            f"retries {adapter.get('retries')}, 429s received "
            f"{adapter.get('throttled')}, token refreshes "
            f"{adapter.get('token_refreshes')}; cron ticks {ticks}; sync "
            f"{part.figures['syncSeconds']} s, part {part.figures['wallSeconds']} s"
        )
    finally:
        part.stop()
    return part


def part_kills(conf, db_prefix, outdir):
    started = time.monotonic()
    part = Part("kills", conf, db_prefix, outdir, KILL_ORDERS)
    try:
        part.setup()
        expected = sum(s["totals"]["orders"] for s in part.expected["sellers"].values())
        rng = random.Random(f"kills:{SEED}")
        # A drawn count leaves at least 3 pages to import after it, and the delay
        # (under 3 s) is shorter than a page's import: every kill point is reached.
        points = sorted(
            (rng.randrange(max(expected - 300, 1)), round(rng.uniform(0, 3), 2))
            for _ in range(KILLS)
        )
        log(
            f"kills: {KILL_ORDERS} orders ({expected} to import), {KILLS} SIGKILLs "
            f"(seed {SEED}) once the committed orders reach N, after D s: "
            + ", ".join(f"{n}+{d}s" for n, d in points)
        )
        sync_started = time.monotonic()
        kills = []
        for number, (target, delay) in enumerate(points, 1):
            process, _stats = part.start_worker()
            reached = None
            while process.poll() is None:
                if reached is None and part.committed_orders() >= target:
                    reached = time.monotonic()
                if reached is not None and time.monotonic() - reached >= delay:
                    break
                time.sleep(0.05)
            if process.poll() is not None:
                # The run ended before the kill point: nothing left to interrupt.
                log(f"kills: kill {number}: the sync ended before {target}+{delay}s")
                part.add_stats(_stats)
                break
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            committed = part.committed_orders()
            kills.append((target, delay, committed))
            log(
                f"kills: kill {number}/{KILLS} (SIGKILL pid {process.pid}) at "
                f"{target}+{delay}s: {committed} orders committed"
            )
            part.wait_for_dead_sessions()
        ticks = part.run_ticks(first=0)
        part.figures["syncSeconds"] = round(time.monotonic() - sync_started, 1)
        part.figures["kills"] = len(kills)
        part.figures["killPoints"] = kills
        part.figures["restarts"] = part.workers - 1
        part.figures["cronTicksAfterKills"] = ticks
        part.check()
        if len(kills) < KILLS:
            part.differences.append(f"only {len(kills)} of {KILLS} kills happened")
        if part.figures["pagesReread"] > len(kills):
            part.differences.append(
                f"{part.figures['pagesReread']} pages read again for {len(kills)} "
                "kills: the runs did not resume where they stopped"
            )
        part.summary(started)
        log(
            f"kills: {len(kills)} kills, {part.figures['restarts']} restarts, "
            f"{part.figures['resumedRuns']} runs resumed from a killed one; pages "
            f"re-read {part.figures['pagesReread']} of {part.figures['pagesInWindow']} "
            f"pages in the window (sandbox served {part.figures['pagesServed']} "
            f"searchOrders pages); sync {part.figures['syncSeconds']} s, part "
            f"{part.figures['wallSeconds']} s"
        )
    finally:
        part.stop()
    return part


def main(conf, db_prefix, outdir):
    import odoo

    started = time.monotonic()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    parts = []
    if PART in ("all", "faults"):
        parts.append(part_faults(conf, db_prefix, outdir))
    if PART in ("all", "kills"):
        parts.append(part_kills(conf, db_prefix, outdir))
    total = time.time() - float(os.environ.get("CHAOS_START") or time.time())
    result = {
        "parts": [p.figures for p in parts],
        "wallSeconds": round(total),
        "match": all(not p.differences for p in parts),
    }
    (outdir / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    failed = False
    for part in parts:
        if part.differences:
            failed = True
            log(f"{part.name}: {len(part.differences)} difference(s):")
            for line in part.differences[:50]:
                print(f"  - {line}")
    log(
        f"wall time {total:.0f} s ({time.monotonic() - started:.0f} s after the "
        "template database)"
    )
    if failed:
        log("MISMATCH")
        return 1
    log(
        "match: every expected order exactly once, totals per currency equal, "
        "0 unexpected, 0 failed orders, every account's last run done"
        + (", runs resumed after each kill" if PART in ("all", "kills") else "")
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        sys.exit(worker(*sys.argv[2:5]))
    sys.exit(main(*sys.argv[1:4]))
