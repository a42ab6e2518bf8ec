"""The notebooks use the library's layers (``bnlab.nn``), never its fast engine
(``bnlab.nn.kernel``): what a reader sees is the mathematics and the layers' settings, and the
engine may change without touching a chapter. Checked over every course notebook (both editions,
and the assignment), code cells only.
"""
from __future__ import annotations

import re

import nbformat
import pytest

import notebooks as nbrun

ASSIGNMENTS = sorted((nbrun.NOTEBOOKS / "assignments" / "source").glob("*/*.ipynb"))
ENGINE = re.compile(r"\bbnlab\.nn\.kernel\b")


def engine_uses(nb) -> list[str]:
    return [f"cell {cell.get('id')}, line {n}: {line.strip()}"
            for cell in nb.cells if cell.cell_type == "code"
            for n, line in enumerate(cell.source.splitlines(), 1) if ENGINE.search(line)]


def test_an_engine_import_is_found():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import bnlab.nn.*;\nimport bnlab.nn.kernel.Normalization;"),
        nbformat.v4.new_code_cell("var t = bnlab.nn.kernel.Parallel.THREADS;")])
    assert len(engine_uses(nb)) == 2
    assert not engine_uses(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import bnlab.nn.*;")]))


@pytest.mark.parametrize("path", nbrun.notebooks() + ASSIGNMENTS,
                         ids=lambda p: p.relative_to(nbrun.NOTEBOOKS).as_posix())
def test_notebooks_do_not_use_the_engine(path):
    found = engine_uses(nbformat.read(path, as_version=4))
    assert not found, f"{path.name} uses bnlab.nn.kernel (use the layers of bnlab.nn):\n  " + "\n  ".join(found)
