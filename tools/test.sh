#!/usr/bin/env bash
# make test: a throw-away database, the module installed with its dependencies, the whole
# suite (addon + sandbox, HttpCase in Chromium included) under pytest-odoo, the database
# dropped. Prints its wall time; pytest's own summary line ends the output.
# Development loop: KEEP_DB=name keeps that database between runs and only updates the
# module (-u) when it is already installed, e.g. KEEP_DB=amz_dev bash tools/test.sh -k tour
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/odoo_env.sh
start=$(date +%s)
DB=${KEEP_DB:-${TEST_DB:-amz_test_$(date +%s)_$$}}
CONF=$BUILD/test-$DB.conf
write_odoo_conf "$CONF" "$DB"
MODE=-i
if [ -n "${KEEP_DB:-}" ] && psql -d "$DB" -tAc \
    "SELECT 1 FROM ir_module_module WHERE name='$ADDON' AND state='installed'" 2>/dev/null | grep -q 1; then
  MODE=-u
fi
cleanup() {
  [ -n "${KEEP_DB:-}" ] && return 0
  "$PY" - "$DB" <<'PY' >/dev/null 2>&1 || true
import sys, psycopg2
c = psycopg2.connect(dbname="postgres"); c.autocommit = True
c.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
  rm -rf "$CONF" "$BUILD/data/filestore/$DB"
}
trap cleanup EXIT
echo "test: $([ $MODE = -u ] && echo updating || echo installing) $ADDON in database $DB"
"$PY" -m odoo -c "$CONF" -d "$DB" $MODE "$ADDON" --stop-after-init --log-level=warn \
  > "$BUILD/install-$DB.log" 2>&1 || { tail -50 "$BUILD/install-$DB.log"; echo "test: install failed" >&2; exit 1; }
if grep -E " (ERROR|CRITICAL) " "$BUILD/install-$DB.log" | grep -v "^$" >/dev/null; then
  grep -E " (ERROR|CRITICAL|WARNING) " "$BUILD/install-$DB.log" | head -30
  echo "test: the install logged errors" >&2; exit 1
fi
install_done=$(date +%s)
export AMAZON_TEST_START=$start AMAZON_TEST_INSTALL_SECONDS=$((install_done - start))
export AMAZON_REPO_ROOT=$ROOT PYTHONPATH=$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}
# pytest runs from the generated addons directory, so that the addon's tests import as
# odoo.addons.sale_amazon_connector.tests.* whatever the repository's own directory name.
cd "$BUILD/addons"
"$VENV/bin/pytest" -p pytest_amazon --rootdir=. -c "$ROOT/pyproject.toml" \
  --odoo-config "$CONF" --odoo-database "$DB" --odoo-http --odoo-log-level=warn \
  "$ADDON/tests" ${TEST_SANDBOX-$ADDON/sandbox/tests} "$@"
