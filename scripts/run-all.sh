#!/usr/bin/env bash
# The main job: set up, then execute every notebook in the full profile under IJava and write
#   build/executed/java/*.ipynb  (executed notebooks)
#   build/handouts/              (handouts: NN-name.html offline, NN-name.pdf, index.html)
# Options go to scripts/notebooks.py, e.g. `--kernel java --kernel jjava` to run both kernels.
# BNLAB_PROFILE=quick gives a fast smoke run instead of the full one.
# Finished training runs are kept in build/cache/runs (BNLAB_CACHE_DIR/runs) and loaded instead of
# trained again: the Chinese edition loads the English one's, a second run-all loads all of them.
# BNLAB_CACHE=off trains every run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_WAIT_POLICY=PASSIVE
started=$(date +%s)
.venv/bin/python scripts/notebooks.py "$@"
.venv/bin/python scripts/assignment.py release   # the assignment's students' version, beside the handouts
echo "run-all: done in $(( $(date +%s) - started )) s; open build/handouts/ for the handouts."
