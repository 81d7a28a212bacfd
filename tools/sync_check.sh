#!/usr/bin/env bash
# make sync-check: issue 4's acceptance run. A generated 1,000-order scenario (seed 42)
# synced into a fresh database of its own through the order-sync cron, compared with the
# generator's expected-outcome manifest: every expected order exactly once, totals per
# currency equal, 0 unexpected orders. Prints orders, searchOrders calls (the sandbox's
# call log) and wall time; exits 1 on any difference. Nothing is served.
# Settings: SYNC_CHECK_ORDERS (1000), SYNC_CHECK_SEED (42), SYNC_CHECK_DB
# (amazon_sync_check); the database is kept for inspection and recreated by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO_ORDERS=${SYNC_CHECK_ORDERS:-1000} DEMO_SEED=${SYNC_CHECK_SEED:-42}
export DEMO_DB=${SYNC_CHECK_DB:-amazon_sync_check} DEMO_OUT=$PWD/.build/sync-check
export DEMO_LABEL=sync-check NO_SERVE=1 SCREENSHOTS=0
exec bash tools/demo.sh
