# Shared by the tools/*.sh scripts: the paths of the project's Odoo environment.
# Usage: source tools/odoo_env.sh  (from the repository root)
ROOT=${ROOT:-$PWD}
VENV=${VENV:-$ROOT/.venv}
BUILD=$ROOT/.build
ADDON=sale_amazon_connector
PY=$VENV/bin/python
[ -x "$PY" ] || { echo "The project virtualenv is missing: run 'make setup' first." >&2; exit 1; }
"$PY" -c 'import odoo' 2>/dev/null || { echo "Odoo cannot be imported in $VENV: run 'make setup'." >&2; exit 1; }
ODOO_SRC=$("$PY" -c 'import odoo,os;print(os.path.dirname(os.path.dirname(odoo.__file__)))')
# The repository may have any name: Odoo (and pytest-odoo) find the addon through a link
# named after its technical name.
mkdir -p "$BUILD/addons" "$BUILD/data"
ln -sfn "$ROOT" "$BUILD/addons/$ADDON"
ADDON_PATH=$BUILD/addons/$ADDON

# write_odoo_conf FILE DBNAME: an Odoo configuration bound to 127.0.0.1 only.
write_odoo_conf() {
  cat > "$1" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$BUILD/addons
data_dir = $BUILD/data
db_name = $2
dbfilter = ^$2\$
http_interface = 127.0.0.1
gevent_port = 0
without_demo = all
list_db = False
CONF
  # PostgreSQL: the local socket unless PGHOST/PGPORT/PGUSER say otherwise.
  [ -n "${PGHOST:-}" ] && echo "db_host = $PGHOST" >> "$1"
  [ -n "${PGPORT:-}" ] && echo "db_port = $PGPORT" >> "$1"
  [ -n "${PGUSER:-}" ] && echo "db_user = $PGUSER" >> "$1"
  return 0
}

# install_template CONF DB LOG REUSE [DERIVED...]: install the addon in the database DB
# (a template that benchmark or chaos runs copy), unless REUSE is 1 and DB exists. A
# fresh install first drops DB and the DERIVED databases made from an older template.
install_template() {
  local conf=$1 db=$2 log=$3 reuse=$4
  shift 4
  if [ "$reuse" = 1 ] && "$PY" -c "import psycopg2;psycopg2.connect(dbname='$db').close()" 2>/dev/null; then
    return 0
  fi
  echo "installing the module in the template database $db"
  "$PY" - "$db" "$@" <<'PY'
import sys, psycopg2
c = psycopg2.connect(dbname="postgres"); c.autocommit = True
for name in sys.argv[1:]:
    c.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
PY
  rm -rf "$BUILD/data/filestore/$db"
  "$PY" -m odoo -c "$conf" -d "$db" -i "$ADDON" --stop-after-init \
    --log-level=warn > "$log" 2>&1 || { tail -30 "$log"; exit 1; }
}
