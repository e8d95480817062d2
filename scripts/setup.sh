#!/usr/bin/env bash
# Shared set-up for scripts/demo and scripts/test: system packages where we can install them,
# a virtual environment with Coprod and its dependencies, and compiled translations.
# Usage: scripts/setup.sh [--with-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=no
[ "${1:-}" = "--with-tests" ] && want_tests=yes

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages (Debian/Ubuntu) ------------------------------------------------------------
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "Please install these with your package manager: ${missing[*]}"; return 0; fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "Not a Debian/Ubuntu machine. Please install: ${missing[*]}"; return 0
  fi
  say "Installing ${missing[*]}"
  wait_for_apt
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
}

# Another program (automatic updates, a software centre) may be installing packages right now.
# Wait for it, up to 5 minutes, instead of failing at once; then say plainly what to do.
wait_for_apt() {
  command -v fuser >/dev/null 2>&1 || return 0  # then apt's own DPkg::Lock::Timeout does the waiting
  local waited=0 limit="${APT_WAIT_SECONDS:-300}"
  while $sudo fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1; do
    [ "$waited" -eq 0 ] && say "Another program is installing packages. Waiting for it to finish (up to $((limit / 60)) minutes)..."
    if [ "$waited" -ge "$limit" ]; then
      echo "Another program is still installing packages after $((limit / 60)) minutes." >&2
      echo "Wait until it has finished (or restart the computer), then run this command again." >&2
      exit 1
    fi
    sleep 5; waited=$((waited + 5))
  done
}

system_packages=(espeak-ng)
python3 -c 'import venv, ensurepip' 2>/dev/null || system_packages+=(python3-venv)
[ "$want_tests" = yes ] && system_packages+=(chromium libcairo2 fonts-nafees)  # an Urdu font for the browser tests
if command -v dpkg >/dev/null 2>&1; then apt_install "${system_packages[@]}"; fi

# --- Python ---------------------------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "Coprod needs Python 3.11 or newer." >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "Making a virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
extras=""
[ "$want_tests" = yes ] && extras="[test]"
stamp=".venv/.installed${extras:+-test}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "Installing Coprod and its Python packages"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING' || true
  .venv/bin/python -m pip install -q -e ".${extras}" 2>&1 | grep -v '^WARNING' || true
  .venv/bin/python -c 'import coprod, flask, huey' || { echo "Installing Python packages failed." >&2; exit 1; }
  touch "$stamp"
fi

# --- translations ---------------------------------------------------------------------------------
scripts/translations.sh compile >/dev/null

# --- the HTML checker (tests only) -----------------------------------------------------------------
# The Nu Html Checker (vnu) for tests/test_html_valid.py: npm's vnu-jar into .tools/ (not in git),
# run with Java.
if [ "$want_tests" = yes ]; then
  command -v java >/dev/null 2>&1 || { command -v dpkg >/dev/null 2>&1 && apt_install default-jre-headless; }
  if [ ! -f .tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
    command -v npm >/dev/null 2>&1 || { command -v dpkg >/dev/null 2>&1 && apt_install npm; }
    if command -v npm >/dev/null 2>&1; then
      say "Installing the Nu Html Checker (vnu-jar) into .tools"
      mkdir -p .tools
      npm install --prefix .tools --no-save --no-audit --no-fund --ignore-scripts vnu-jar >/dev/null
    else
      say "Please install npm (or put vnu.jar in .tools/node_modules/vnu-jar/build/dist/) for the HTML check"
    fi
  fi
fi
