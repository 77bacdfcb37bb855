#!/usr/bin/env bash
# Installs kzprivacy and what it needs from the system, on Debian or Ubuntu.
#   ./setup.sh          the tool (and Chromium for browser mode)
#   ./setup.sh --test   the same, plus what the test suite needs
# Run it inside a virtualenv to keep the Python packages there.
set -euo pipefail
cd "$(dirname "$0")"

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
if [ $want_tests = 1 ]; then
  # The scale-out tests start a throw-away Redis and PostgreSQL of their own (docs/operations.md).
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || packages+=(postgresql)
  # The PDF tests read the printed reports back with pdftotext, pdfinfo and pdftoppm.
  command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: please install these system packages yourself: ${packages[*]}" >&2
  else
    echo "setup.sh: installing ${packages[*]} with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  fi
fi

if [ $want_tests = 1 ]; then
  python -m pip install -q -e '.[test,scale,datasette]'
else
  python -m pip install -q -e .
fi
