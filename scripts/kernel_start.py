"""Starts a Java kernel (IJava or JJava) for a notebook of any edition of the course.

Jupyter starts a kernel in its notebook's folder. The Chinese edition lives in ``notebooks/zh/``
and shares its code cells with the English notebooks in ``notebooks/``, whose relative paths
(``../lib/target/...``, ``../build/results/...``) are written for ``notebooks/``. So for a
notebook in an edition folder, ``notebooks/LANG/``, this starts the kernel in ``notebooks/``
instead and sets ``BNLAB_LANG=LANG``, which puts figures and tables in that language
(``bnlab.viz.Labels``). The same holds for the graded assignment's course folder,
``notebooks/assignments/`` (nbgrader's ``source/A/``, ``release/A/``, ``autograded/STUDENT/A/``
...): its notebooks share the first cell with the chapters, so they start in ``notebooks/`` too,
in Chinese when the assignment's folder name ends with ``-zh``. Anywhere else it starts the kernel
unchanged.

``scripts/install_kernels.py`` writes it in front of both kernels' command lines:
``python scripts/kernel_start.py java ... {connection_file}``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EDITIONS = ("zh",)  # the languages other than English; scripts/translations.py has their files
COURSE = "assignments"  # nbgrader's course folder inside notebooks/ (scripts/assignment.py)


def edition(cwd: Path) -> str | None:
    """The edition whose folder ``cwd`` is (``.../notebooks/zh`` -> ``zh``), else None. Any
    ``notebooks`` folder counts, so a copy of the course (e.g. the browser test's) works too."""
    return cwd.name if cwd.name in EDITIONS and cwd.parent.name == NOTEBOOKS.name else None


def start(cwd: Path) -> tuple[Path, str | None]:
    """Where a kernel asked to start in ``cwd`` starts, and the edition's language (None: English)."""
    language = edition(cwd)
    if language is not None:
        return cwd.parent, language
    parts = cwd.parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == COURSE and parts[i - 1] == NOTEBOOKS.name:
            inside = parts[i + 1:]
            language = next((e for e in EDITIONS for p in inside if p.endswith(f"-{e}")), None)
            return Path(*parts[:i]), language
    return cwd, None


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("kernel_start: give the kernel's command line, e.g. "
                 "`python scripts/kernel_start.py java -jar ijava.jar {connection_file}`.")
    folder, language = start(Path.cwd())
    if folder != Path.cwd():
        os.chdir(folder)
    if language is not None:
        os.environ["BNLAB_LANG"] = language
    os.execvp(argv[0], argv)  # the kernel replaces this process: same pid for Jupyter


if __name__ == "__main__":
    main(sys.argv[1:])
