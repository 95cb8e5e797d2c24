#!/usr/bin/env bash
# Installs Chalkface and runs the whole test suite (SQLite unless DATABASE_URL says otherwise).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
