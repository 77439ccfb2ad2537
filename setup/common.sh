# shellcheck shell=bash
# Shared settings and helpers of the setup scripts. Sourced, never run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-$HOME/odoo-18.0}"
VENV="${ITSM_VENV:-$ROOT/.venv}"
STATE_DIR="$VENV/.itsm"
ITSM_ADDONS="itsm_incident,itsm_change,itsm_billing,itsm_billing_timesheet"
ODOO_BRANCH_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"

say() { printf '\033[1m[itsm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[itsm] %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through password-less
# sudo otherwise; else stop with what to do.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        die "This step needs root ($*): run it once as root or with password-less sudo, then run this script again."
    fi
}

# Run a command as the PostgreSQL superuser.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        as_root runuser -u postgres -- "$@"
    fi
}

# The addons path: this checkout, then Odoo's community addons in either
# layout (upstream git: addons/ and odoo/addons; nightly: odoo/addons only).
# OCA addons installed with pip live in the virtualenv's odoo/addons and are
# found by Odoo's namespace package, so they need no entry here.
addons_path() {
    local path="$ROOT"
    [ -d "$ODOO_SRC/addons" ] && path="$path,$ODOO_SRC/addons"
    path="$path,$ODOO_SRC/odoo/addons"
    printf '%s' "$path"
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" "$@"
}

db_exists() {
    psql -XtAc "SELECT 1 FROM pg_database WHERE datname = '$1'" postgres 2>/dev/null | grep -q 1
}

# A fingerprint of everything whose change calls for a module update.
addons_fingerprint() {
    (cd "$ROOT" && find itsm_incident itsm_change itsm_billing itsm_billing_timesheet -type f \
        ! -name '*.pyc' ! -path '*/tests/*' -print0 | sort -z | xargs -0 sha1sum;
     sha1sum requirements.txt) | sha1sum | cut -d' ' -f1
}

ensure_installed() {
    if [ ! -f "$STATE_DIR/installed" ] || [ "$(cat "$STATE_DIR/installed")" != "$(install_fingerprint)" ] \
        || ! pg_isready -q 2>/dev/null || ! command -v chromium >/dev/null 2>&1; then
        "$ROOT/setup/install"
    fi
}

install_fingerprint() {
    # Contents only, so that every checkout sharing a virtualenv agrees.
    (cat "$ROOT/requirements.txt" "$ROOT/setup/install" "$ODOO_SRC/requirements.txt"; echo "$ODOO_SRC") \
        | sha1sum | cut -d' ' -f1
}
