#!/usr/bin/env bash
# Installs Chalkface, then sets up and serves the demo on http://127.0.0.1:8000 (extra arguments go to
# `chalkface demo`, e.g. --reset).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/chalkface demo "$@"
