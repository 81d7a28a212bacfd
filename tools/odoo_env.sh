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
