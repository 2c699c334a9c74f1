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

# Printing checks: a CJK font for Chinese pages (fonts-noto-cjk), pdftotext to read printed PDFs
# (poppler-utils) and LibreOffice Calc to print the workbook. Installed quietly when missing and root.
missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc)
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "could not install ${missing[*]}: the tests that need them are skipped with the reason" >&2
  else
    echo "not installed: ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]}); the printing and Chinese-font tests are skipped" >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
