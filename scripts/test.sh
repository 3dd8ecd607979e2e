#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it all.
# The README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# The browser tests drive Debian's chromium (Playwright's own download is not reachable);
# tests/browser/test_proxy.py serves the app through Debian's haproxy (scripts/serve_class.sh).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
# Korean text in the browser tests' screenshots (headless chromium has no CJK font of its own).
[ -d /usr/share/fonts/truetype/nanum ] || missing+=(fonts-nanum)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
ruff check .
ruff format --check .
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"  # as the app runs (scripts/run_app.sh)
python -m pytest "$@"
