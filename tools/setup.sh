#!/usr/bin/env bash
# make setup: idempotent preparation of this machine for the addon's commands.
#  - checks Python (3.10-3.12) and PostgreSQL;
#  - finds an Odoo 18.0 source tree (ODOO_SRC, an `odoo` importable by python3, ./.build/odoo),
#    or clones the official one at the pinned point when github.com is reachable;
#  - builds the project virtualenv (.venv) with Odoo, its pinned requirements and ours;
#  - checks for Chromium (installs Debian's package when it can).
# Every failure says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
VENV=${VENV:-$ROOT/.venv}
BUILD=$ROOT/.build
ODOO_REPO=${ODOO_REPO:-https://github.com/odoo/odoo.git}
# Odoo 18.0 as measured: the last commit of branch 18.0 before this instant (the tree the
# suite is measured on). Set ODOO_COMMIT=<sha> to pin another exact commit.
ODOO_PIN_DATE=${ODOO_PIN_DATE:-2024-11-27T13:45:45Z}
ODOO_COMMIT=${ODOO_COMMIT:-}

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# 1. Python
"$PYTHON" - <<'PY' || die "Python 3.10-3.12 is required (found $($PYTHON --version 2>&1)); set PYTHON=/path/to/python3.1x"
import sys
sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)
PY

# 2. PostgreSQL
command -v psql >/dev/null || die "psql not found: install PostgreSQL (Debian: apt-get install postgresql)"
psql -h "${PGHOST:-127.0.0.1}" -d postgres -Atc 'select 1' >/dev/null 2>&1 \
  || die "PostgreSQL does not answer on ${PGHOST:-127.0.0.1}:${PGPORT:-5432} for role ${PGUSER:-$USER} (database postgres): start it, or set PGHOST/PGPORT/PGUSER"

# 3. Odoo 18.0 source
find_odoo_src() {
  if [ -n "${ODOO_SRC:-}" ]; then echo "$ODOO_SRC"; return; fi
  if [ -x "$VENV/bin/python" ] && src=$("$VENV/bin/python" -c 'import odoo,os;print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null); then echo "$src"; return; fi
  if src=$(cd /tmp && "$PYTHON" -c 'import odoo,os;print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null); then echo "$src"; return; fi
  if [ -f "$BUILD/odoo/odoo-bin" ]; then echo "$BUILD/odoo"; return; fi
}
ODOO_SRC=$(find_odoo_src || true)
if [ -z "$ODOO_SRC" ]; then
  say "Odoo 18.0 is not importable; cloning it from $ODOO_REPO (branch 18.0)"
  if ! git ls-remote --exit-code "$ODOO_REPO" refs/heads/18.0 >/dev/null 2>&1; then
    die "Odoo 18.0 is not installed and $ODOO_REPO cannot be reached. Install Odoo 18.0 community
  (its source tree and requirements) so that 'python3 -c \"import odoo\"' works, or set ODOO_SRC=/path/to/odoo-18.0-source."
  fi
  mkdir -p "$BUILD"
  git clone --quiet --branch 18.0 --single-branch --shallow-since=2024-11-01 "$ODOO_REPO" "$BUILD/odoo"
  commit=${ODOO_COMMIT:-$(git -C "$BUILD/odoo" rev-list -1 --before="$ODOO_PIN_DATE" HEAD)}
  git -C "$BUILD/odoo" checkout --quiet "$commit"
  ODOO_SRC=$BUILD/odoo
fi
[ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC does not hold an Odoo source tree (odoo/release.py missing)"
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 18.0"
say "Odoo 18.0 source: $ODOO_SRC"

# 4. Debian build dependencies of Odoo's pinned requirements (python-ldap, psycopg2)
need_pkgs=()
for pair in "libldap2-dev:/usr/include/ldap.h" "libsasl2-dev:/usr/include/sasl/sasl.h" "libpq-dev:/usr/include/postgresql/libpq-fe.h"; do
  [ -e "${pair#*:}" ] || need_pkgs+=("${pair%%:*}")
done
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  need_pkgs+=(chromium)
fi
# A Japanese font, so that the JP marketplace's names render in screenshots (optional).
if [ ! -e /usr/share/fonts/opentype/ipafont-gothic ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need_pkgs+=(fonts-ipafont-gothic)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${need_pkgs[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null \
      || die "apt-get install ${need_pkgs[*]} failed"
  else
    die "missing system packages: ${need_pkgs[*]} (Debian: sudo apt-get install ${need_pkgs[*]})"
  fi
fi

# 5. The project virtualenv (idempotent: rebuilt only when an input changed)
stamp_src=$( { echo "$ODOO_SRC"; cat "$ODOO_SRC/requirements.txt" requirements.txt requirements-test.txt requirements-lint.txt sandbox/pyproject.toml tools/setup.sh 2>/dev/null; } | sha256sum | cut -c1-16)
if [ ! -f "$VENV/.stamp-$stamp_src" ]; then
  say "building the virtualenv $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade 'pip>=25.3'
  echo 'setuptools<70' > "$VENV/build-constraints.txt"
  # Odoo's own pins, built with an old setuptools as their setup.py files need.
  "$VENV/bin/pip" install -q --build-constraint "$VENV/build-constraints.txt" -r "$ODOO_SRC/requirements.txt"
  "$VENV/bin/pip" install -q --no-deps -e "$ODOO_SRC"
  "$VENV/bin/pip" install -q -r requirements.txt -r requirements-test.txt
  [ -f sandbox/pyproject.toml ] && "$VENV/bin/pip" install -q --config-settings editable_mode=compat -e sandbox
  # Amazon's own SDK, for the sandbox's conformance tests: outside site-packages, since
  # its pins (urllib3>=2, requests>=2.32.3) would move Odoo's (see sandbox/README.md).
  [ -f sandbox/pyproject.toml ] && "$VENV/bin/pip" install -q --no-deps --upgrade \
    --target sandbox/.sdk amzn-sp-api==1.13.0
  # Linters live in their own virtualenv: their pins must not move Odoo's.
  [ -x "$VENV/lint/bin/python" ] || "$PYTHON" -m venv "$VENV/lint"
  "$VENV/lint/bin/pip" install -q --upgrade pip
  "$VENV/lint/bin/pip" install -q -r requirements-lint.txt
  rm -f "$VENV"/.stamp-*
  touch "$VENV/.stamp-$stamp_src"
fi
"$VENV/bin/pip" check >/dev/null || { "$VENV/bin/pip" check; die "pip check failed in $VENV"; }
"$VENV/bin/python" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0)' \
  || die "the virtualenv cannot import Odoo 18.0"

# 6. Chromium
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || die "Chromium is missing (Debian: apt-get install chromium)"
say "ok: $("$VENV/bin/python" --version), Odoo $("$VENV/bin/python" -c 'import odoo.release as r;print(r.version)') from $ODOO_SRC, PostgreSQL $(psql -h "${PGHOST:-127.0.0.1}" -d postgres -Atc 'show server_version'), $("$CHROME" --version 2>/dev/null | head -1)"
