#!/usr/bin/env bash
# make bench: the benchmark of issue "Benchmark" (bench/bench.py; README "Benchmark").
# Installs the module once in ${BENCH_DB}_template (BENCH_REUSE_TEMPLATE=1 keeps an
# existing one), then bench/bench.py configures ${BENCH_DB}_base from it and copies that
# database for each measurement. Results: .build/bench/result.json and bench.png.
# Settings (see bench/bench.py): BENCH_DB (amazon_bench), BENCH_SIZES (100,1000),
# BENCH_FULL=1 (adds 10,000), BENCH_QUOTA_ORDERS (5000), BENCH_EXPORT_PICKINGS (1000),
# BENCH_PROFILE (1), BENCH_PARTS (all, or a comma list of floors,connector,quota,
# exports,page,stock).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_START=${BENCH_START:-$(date +%s)}
source tools/odoo_env.sh
# The benchmark's own tools (profiler, chart), beside Odoo's pins in the project venv.
if ! "$PY" -c 'import pyinstrument, matplotlib' 2>/dev/null; then
  echo "bench: installing requirements-bench.txt"
  "$VENV/bin/pip" install -q -r requirements-bench.txt
fi
DB=${BENCH_DB:-amazon_bench}
CONF=$BUILD/$DB.conf
OUT=$BUILD/bench
write_odoo_conf "$CONF" "$DB"
mkdir -p "$OUT"
install_template "$CONF" "${DB}_template" "$OUT/install.log" "${BENCH_REUSE_TEMPLATE:-0}" \
  "${DB}_base" "${DB}_run"
exec "$PY" bench/bench.py "$CONF" "$DB" "$OUT"
