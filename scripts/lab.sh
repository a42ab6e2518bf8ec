#!/usr/bin/env bash
# Open the notebooks in JupyterLab (project environment, 127.0.0.1 only, kernel 'java').
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_WAIT_POLICY=PASSIVE
exec .venv/bin/jupyter lab --ip 127.0.0.1 --no-browser --notebook-dir notebooks "$@"
