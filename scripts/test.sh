#!/usr/bin/env bash
# Prepare a fresh checkout for testing and run the whole suite.
#   bash scripts/test.sh            # all tests
#   bash scripts/test.sh -k duals   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

# The HTML report is checked in a real headless Chromium. Debian's package is
# used (browsers cannot be downloaded by test tools on closed networks).
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed: install it (Debian/Ubuntu: apt-get install chromium) for the HTML report tests" >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
