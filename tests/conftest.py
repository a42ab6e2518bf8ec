"""Shared set-up for the cross-cutting tests: import scripts/notebooks.py, quick profile."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# Tests execute the notebooks in the quick profile unless told otherwise (lib reads this).
os.environ.setdefault("BNLAB_PROFILE", "quick")
