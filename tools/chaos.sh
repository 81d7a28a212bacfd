#!/usr/bin/env bash
# make chaos: the order sync under injected SP-API faults and under SIGKILL (issue 8),
# each part on a database of its own copied from a template database installed here.
# See tools/chaos.py and README.md ("Chaos run"). Not part of .ci/run.
# Settings: CHAOS_PART (all | faults | kills), CHAOS_ORDERS (5000), CHAOS_KILL_ORDERS
# (2000), CHAOS_SEED (42), CHAOS_KILLS (10), CHAOS_FAULT_RATE (0.2), CHAOS_SPEED (60),
# CHAOS_TIMEOUT (5), CHAOS_DB (amazon_chaos: databases amazon_chaos_template,
# amazon_chaos_faults and amazon_chaos_kills, kept for inspection), CHAOS_REUSE_TEMPLATE=1
# (keep an existing template database instead of installing the module again).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHAOS_START=${CHAOS_START:-$(date +%s)}
source tools/odoo_env.sh
DB=${CHAOS_DB:-amazon_chaos}
CONF=$BUILD/$DB.conf
OUT=$BUILD/chaos
write_odoo_conf "$CONF" "$DB"
mkdir -p "$OUT"
install_template "$CONF" "${DB}_template" "$OUT/install.log" "${CHAOS_REUSE_TEMPLATE:-0}" \
  "${DB}_faults" "${DB}_kills"
exec "$PY" tools/chaos.py "$CONF" "$DB" "$OUT"
