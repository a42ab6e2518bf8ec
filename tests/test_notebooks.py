"""Every notebook in notebooks/ executes headlessly under IJava and under JJava without errors,
and every one in notebooks/zh/ (the Chinese edition) under IJava.

A notebook added to either folder is picked up with no change here (tests/test_translations.py
fails until a new English notebook has its Chinese edition). BNLAB_KERNELS (space
separated, default "java jjava") narrows the kernels for a local run.
"""
import json
import os
import re

import nbformat
import pytest

import notebooks as nbrun

KERNELS = os.environ.get("BNLAB_KERNELS", " ".join(nbrun.KERNELS)).split()
NOTEBOOKS = nbrun.notebooks()


def test_there_are_notebooks():
    assert nbrun.notebooks("en"), f"no .ipynb files in {nbrun.NOTEBOOKS}"
    assert nbrun.notebooks("zh"), f"no .ipynb files in {nbrun.NOTEBOOKS / 'zh'}"


def notebook_id(path):
    return path.name if nbrun.edition_of(path) == "en" else f"{nbrun.edition_of(path)}/{path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "java"
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; commit notebooks cleared"


# English notebooks under every kernel; the Chinese edition, whose code cells are the English
# ones, under the first kernel (IJava, which the main command and the handouts use): the only
# kernel-side difference of an edition is its language, set by scripts/kernel_start.py for every
# kernel alike (tests/test_translations.py). One pass fewer keeps the test command under 25 min.
RUNS = [(path, kernel) for path in NOTEBOOKS for kernel in KERNELS
        if nbrun.edition_of(path) == "en" or kernel == KERNELS[0]]


@pytest.mark.parametrize(("path", "kernel"), RUNS,
                         ids=[f"{notebook_id(p)}-{k}" for p, k in RUNS])
def test_notebook_executes(path, kernel):
    result = nbrun.execute(path, kernel, out_dir=nbrun.BUILD / "test-executed" / kernel)
    print(f"{notebook_id(path)} under {kernel}: {result.seconds:.1f} s")
    assert result.executed.exists()
    if nbrun.edition_of(path) == "zh":
        assert_chinese_tables(result.executed)


def assert_chinese_tables(executed):
    """The kernel ran the Chinese edition in Chinese (BNLAB_LANG set by scripts/kernel_start.py):
    its outputs speak Chinese (the code cells are the English ones, so only the kernel's language
    can put Chinese there), and every table shows Chinese column headers (strict labels already
    fail on a missing one)."""
    nb = nbformat.read(executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    texts = [str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs]
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), f"{executed}: no output in Chinese"
    tables = [str(o.get("data", {}).get("text/html", "")) for o in outputs
              if "<table" in str(o.get("data", {}).get("text/html", ""))]
    for table in tables:
        headers = re.findall(r"<th>(.*?)</th>", table)
        assert any(re.search(r"[\u4e00-\u9fff]", h) for h in headers), \
            f"{executed}: a table with English headers only: {headers}"
