"""Starts a Java kernel (IJava or JJava) for a notebook of any edition of the course.

Jupyter starts a kernel in its notebook's folder. The Chinese edition lives in ``notebooks/zh/``
and shares its code cells with the English notebooks in ``notebooks/``, whose relative paths
(``../lib/target/...``, ``../build/results/...``) are written for ``notebooks/``. So for a
notebook in an edition folder, ``notebooks/LANG/``, this starts the kernel in ``notebooks/``
instead and sets ``BNLAB_LANG=LANG``, which puts figures and tables in that language
(``bnlab.viz.Labels``). Anywhere else it starts the kernel unchanged.

``scripts/install_kernels.py`` writes it in front of both kernels' command lines:
``python scripts/kernel_start.py java ... {connection_file}``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EDITIONS = ("zh",)  # the languages other than English; scripts/translations.py has their files


def edition(cwd: Path) -> str | None:
    """The edition whose folder ``cwd`` is (``.../notebooks/zh`` -> ``zh``), else None. Any
    ``notebooks`` folder counts, so a copy of the course (e.g. the browser test's) works too."""
    return cwd.name if cwd.name in EDITIONS and cwd.parent.name == NOTEBOOKS.name else None


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("kernel_start: give the kernel's command line, e.g. "
                 "`python scripts/kernel_start.py java -jar ijava.jar {connection_file}`.")
    cwd = Path.cwd()
    language = edition(cwd)
    if language is not None:
        os.chdir(cwd.parent)
        os.environ["BNLAB_LANG"] = language
    os.execvp(argv[0], argv)  # the kernel replaces this process: same pid for Jupyter


if __name__ == "__main__":
    main(sys.argv[1:])
