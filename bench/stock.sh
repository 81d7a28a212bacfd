#!/usr/bin/env bash
# make bench-stock: FBM quantities of 1,000 offers pushed to the SP-API sandbox
# (bench/stock.py). A fresh database of its own each run (BENCH_STOCK_DB,
# default amazon_bench_stock, kept for inspection); BENCH_STOCK_REUSE=1 reuses it
# when the module is installed (no install, ~1 minute less; the previous run's
# bench account is removed first).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/odoo_env.sh
start=$(date +%s)
DB=${BENCH_STOCK_DB:-amazon_bench_stock}
CONF=$BUILD/$DB.conf
OUT=$BUILD/bench-stock
write_odoo_conf "$CONF" "$DB"
mkdir -p "$OUT"
installed=0
if [ "${BENCH_STOCK_REUSE:-0}" != 0 ] && psql -d "$DB" -tAc \
    "SELECT 1 FROM ir_module_module WHERE name='$ADDON' AND state='installed'" 2>/dev/null | grep -q 1; then
  installed=1
fi
if [ $installed = 0 ]; then
  echo "bench-stock: creating the database $DB with the module"
  "$PY" - "$DB" <<'PY'
import sys, psycopg2
c = psycopg2.connect(dbname="postgres"); c.autocommit = True
c.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
  rm -rf "$BUILD/data/filestore/$DB"
  "$PY" -m odoo -c "$CONF" -d "$DB" -i "$ADDON" --stop-after-init --log-level=warn \
    > "$OUT/install.log" 2>&1 || { tail -30 "$OUT/install.log"; exit 1; }
else
  echo "bench-stock: reusing the database $DB"
  "$PY" - "$DB" <<'PY'
import sys, psycopg2
c = psycopg2.connect(dbname=sys.argv[1]); c.autocommit = True
cur = c.cursor()
cur.execute("DELETE FROM amazon_offer WHERE account_id IN (SELECT id FROM amazon_account WHERE name = 'Bench stock')")
cur.execute("DELETE FROM amazon_account WHERE name = 'Bench stock'")
PY
fi
status=0
"$PY" bench/stock.py "$CONF" "$DB" || status=$?
echo "bench-stock: wall time $(( $(date +%s) - start )) s (database included)"
exit $status
