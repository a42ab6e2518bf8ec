#!/usr/bin/env bash
# Every test: set up, then the lib's JUnit tests (Maven) and the cross-cutting Python tests
# (English notebooks under IJava and JJava, Chinese ones under IJava, quick profile; handouts, JupyterLab in
# Debian's Chromium via Playwright, environment.yml/postBuild, pins, runner checks), with the run
# cache off.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup.sh
export OMP_WAIT_POLICY=PASSIVE
# every run trains: the tests check training, not the run cache (RunCacheTest and
# ExperimentCacheTest give the cache a folder of their own)
export BNLAB_CACHE=off
mvn -B -ntp test
BNLAB_PROFILE="${BNLAB_PROFILE:-quick}" .venv/bin/pytest tests -v -p no:cacheprovider "$@"
echo "test: all passed in $(( $(date +%s) - started )) s"
