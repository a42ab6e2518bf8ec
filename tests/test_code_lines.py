"""Every code line of every course notebook (both editions, and the assignment) is at most 100
characters long, the width a reader sees without scrolling in JupyterLab, on GitHub and in the
handouts.

A failure lists the offending lines of that notebook: cell id, line number in the cell, length,
and the line, so each can be wrapped where it stands (at a ``,`` or before a ``+``/``.``; a long
string literal splits into two joined with ``+``).
"""
from __future__ import annotations

import nbformat
import pytest

import notebooks as nbrun

MAX_CHARS = 100
ASSIGNMENTS = sorted((nbrun.NOTEBOOKS / "assignments" / "source").glob("*/*.ipynb"))


def notebook_id(path):
    return path.relative_to(nbrun.NOTEBOOKS).as_posix()


def long_lines(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for n, line in enumerate(cell.source.splitlines(), 1):
            if len(line) > MAX_CHARS:
                found.append(f"cell {cell.get('id')}, line {n}, {len(line)} chars: {line.strip()[:80]}…")
    return found


def test_long_lines_are_found():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1;\n" + "y" * 101)])
    assert long_lines(nb) == [f"cell {nb.cells[0].id}, line 2, 101 chars: {'y' * 80}…"]
    assert not long_lines(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("z" * 100)]))


@pytest.mark.parametrize("path", nbrun.notebooks() + ASSIGNMENTS, ids=notebook_id)
def test_code_lines_fit(path):
    found = long_lines(nbformat.read(path, as_version=4))
    assert not found, (f"{notebook_id(path)}: {len(found)} code line(s) longer than {MAX_CHARS} "
                       "characters:\n  " + "\n  ".join(found))
