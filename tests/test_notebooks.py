"""Every notebook in notebooks/ executes headlessly under IJava and under JJava without errors.

A notebook added to the folder is picked up with no change here. BNLAB_KERNELS (space
separated, default "java jjava") narrows the kernels for a local run.
"""
import json
import os

import pytest

import notebooks as nbrun

KERNELS = os.environ.get("BNLAB_KERNELS", " ".join(nbrun.KERNELS)).split()
NOTEBOOKS = nbrun.notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no .ipynb files in {nbrun.NOTEBOOKS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "java"
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; commit notebooks cleared"


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, kernel):
    result = nbrun.execute(path, kernel, out_dir=nbrun.BUILD / "test-executed" / kernel)
    print(f"{path.name} under {kernel}: {result.seconds:.1f} s")
    assert result.executed.exists()
