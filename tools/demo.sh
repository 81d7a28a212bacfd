#!/usr/bin/env bash
# make demo: see tools/demo.py and README.md. NO_SERVE=1 stops after the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO_START=${DEMO_START:-$(date +%s)}
source tools/odoo_env.sh
DB=${DEMO_DB:-amazon_demo}
CONF=$BUILD/demo.conf
OUT=$BUILD/demo
write_odoo_conf "$CONF" "$DB"
mkdir -p "$OUT"
echo "demo: creating the database $DB with the module (a fresh one each run)"
"$PY" - "$DB" <<'PY'
import sys, psycopg2
c = psycopg2.connect(dbname="postgres"); c.autocommit = True
c.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
rm -rf "$BUILD/data/filestore/$DB"
"$PY" -m odoo -c "$CONF" -d "$DB" -i sale_amazon_connector --stop-after-init \
  --log-level=warn > "$OUT/install.log" 2>&1 || { tail -30 "$OUT/install.log"; exit 1; }
status=0
"$PY" tools/demo.py "$CONF" "$DB" "$OUT" || status=$?
if [ "${NO_SERVE:-0}" != 0 ] || [ $status != 0 ]; then
  exit $status
fi
PORT=${ODOO_PORT:-8069}
echo "demo: Odoo on http://127.0.0.1:$PORT  (login admin / password admin; Ctrl-C stops)"
exec "$PY" -m odoo -c "$CONF" -d "$DB" --http-interface 127.0.0.1 --http-port "$PORT" \
  --log-level=warn
