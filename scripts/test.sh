#!/usr/bin/env bash
# Installs Chalkface and runs the whole test suite (SQLite unless DATABASE_URL says otherwise).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's Chromium with Playwright (a test tool's own browser download is not used).
bash scripts/system-packages.sh chromium
exec .venv/bin/python -m pytest "$@"
