#!/usr/bin/env bash
# Every test: set up, then the lib's JUnit tests (Maven) and the cross-cutting Python tests
# (every notebook executed under IJava and JJava in the quick profile, handouts, JupyterLab in
# Debian's Chromium via Playwright, environment.yml/postBuild, pins, runner checks).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup.sh
export OMP_WAIT_POLICY=PASSIVE
mvn -B -ntp test
BNLAB_PROFILE="${BNLAB_PROFILE:-quick}" .venv/bin/pytest tests -v -p no:cacheprovider "$@"
echo "test: all passed in $(( $(date +%s) - started )) s"
