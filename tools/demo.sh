#!/usr/bin/env bash
# make demo / make sync-check: see tools/demo.py and README.md.
# NO_SERVE=1 stops after the comparison; SCREENSHOTS=1 then saves docs/screenshots/*.png
# from the Odoo server (tools/screenshots.py), which keeps serving unless NO_SERVE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO_START=${DEMO_START:-$(date +%s)}
source tools/odoo_env.sh
DB=${DEMO_DB:-amazon_demo}
LABEL=${DEMO_LABEL:-demo}
CONF=$BUILD/$DB.conf
OUT=${DEMO_OUT:-$BUILD/demo}
write_odoo_conf "$CONF" "$DB"
mkdir -p "$OUT"
echo "$LABEL: creating the database $DB with the module (a fresh one each run)"
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
if [ $status != 0 ]; then
  exit $status
fi
SERVE=1; [ "${NO_SERVE:-0}" != 0 ] && SERVE=0
SHOTS=1; [ "${SCREENSHOTS:-0}" = 0 ] && SHOTS=0
[ $SERVE = 0 ] && [ $SHOTS = 0 ] && exit 0

if [ $SERVE = 0 ] && [ -z "${ODOO_PORT:-}" ]; then
  # Only serving for the screenshots: a free port, so a running Odoo is no obstacle.
  PORT=$("$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
else
  PORT=${ODOO_PORT:-8069}
fi
SERVE_CMD=("$PY" -m odoo -c "$CONF" -d "$DB" --http-interface 127.0.0.1 --http-port "$PORT"
  --log-level=warn)
if [ $SHOTS = 0 ]; then
  echo "$LABEL: Odoo on http://127.0.0.1:$PORT  (login admin / password admin; Ctrl-C stops)"
  exec "${SERVE_CMD[@]}"
fi

"${SERVE_CMD[@]}" --logfile "$OUT/odoo-serve.log" 2>>"$OUT/odoo-serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
"$PY" tools/screenshots.py "http://127.0.0.1:$PORT" docs/screenshots || status=$?
if [ $status != 0 ]; then
  tail -20 "$OUT/odoo-serve.log" >&2 || true
  exit $status
fi
[ $SERVE = 0 ] && exit 0
echo "$LABEL: Odoo on http://127.0.0.1:$PORT  (login admin / password admin; Ctrl-C stops)"
wait $SERVER
