#!/usr/bin/env bash
# make lint: ruff (check + format), pylint-odoo with the OCA 18.0 mandatory checks and
# oca-checks-odoo-module, on the addon reached through its technical name.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LINT=${VENV:-$ROOT/.venv}/lint/bin
[ -x "$LINT/ruff" ] || { echo "lint tools missing: run 'make setup'" >&2; exit 1; }
mkdir -p .build/addons && ln -sfn "$ROOT" .build/addons/sale_amazon_connector
status=0
echo "lint: ruff check"; "$LINT/ruff" check . || status=1
echo "lint: ruff format --check"; "$LINT/ruff" format --check . || status=1
echo "lint: pylint-odoo (mandatory checks)"
(cd .build/addons && "$LINT/pylint" --rcfile="$ROOT/.pylintrc-mandatory" sale_amazon_connector) || status=1
echo "lint: oca-checks-odoo-module"
(cd .build/addons && "$LINT/oca-checks-odoo-module" sale_amazon_connector/__manifest__.py) || status=1
[ $status = 0 ] && echo "lint: clean" || echo "lint: FAILED" >&2
exit $status
