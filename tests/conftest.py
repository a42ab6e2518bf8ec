"""Shared set-up for the cross-cutting tests: import scripts/notebooks.py, quick profile."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# Tests execute the notebooks in the quick profile unless told otherwise (lib reads this).
os.environ.setdefault("BNLAB_PROFILE", "quick")
# The notebooks the tests execute save their runs' CSV files apart from the main command's
# (build/results/), and train every run: the run cache is not what they test.
os.environ.setdefault("BNLAB_RESULTS_DIR", str(ROOT / "build" / "test-results"))
os.environ.setdefault("BNLAB_CACHE", "off")
