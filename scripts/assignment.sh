#!/usr/bin/env bash
# The teacher's commands for the graded assignment (see README, "For teachers"):
#   scripts/assignment.sh release             the students' version (nbgrader generate_assignment)
#   scripts/assignment.sh grade SUBMISSIONS   autograde a folder of submissions: scores (CSV) and
#                                             each student's feedback (HTML) in build/grades/
# Sets up what is missing first (scripts/setup.sh: .venv with nbgrader, the lib, the kernels), so it
# works from a fresh clone; then runs scripts/assignment.py with the project's Python.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
export OMP_WAIT_POLICY=PASSIVE
exec .venv/bin/python scripts/assignment.py "$@"
