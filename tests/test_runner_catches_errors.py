"""The notebook runner fails on what must fail: an exception, a compile error, a skipped cell."""
import nbformat
import pytest

import notebooks as nbrun


def make_notebook(tmp_path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("kernel", nbrun.KERNELS)
def test_runtime_exception_fails_the_run(tmp_path, kernel):
    path = make_notebook(tmp_path, 'int answer = 42;',
                         'if (answer == 42) throw new IllegalStateException("deliberate");',
                         'System.out.println("never reached");')
    with pytest.raises(nbrun.NotebookFailed, match="deliberate"):
        nbrun.execute(path, kernel, out_dir=tmp_path / "out", cell_timeout=60)


def test_compile_error_fails_the_run(tmp_path):
    path = make_notebook(tmp_path, 'String s = 42;')
    with pytest.raises(nbrun.NotebookFailed, match="cell 0"):
        nbrun.execute(path, "java", out_dir=tmp_path / "out", cell_timeout=60)


def test_a_cell_over_the_timeout_fails_that_notebook_only(tmp_path):
    path = make_notebook(tmp_path, 'Thread.sleep(60_000);', 'System.out.println("after");')
    with pytest.raises(nbrun.NotebookFailed, match="longer than the cell timeout of 5 s"):
        nbrun.execute(path, "java", out_dir=tmp_path / "out", cell_timeout=5)
    assert (tmp_path / "out" / "broken.ipynb").exists()  # the executed copy is still written


def test_unexecuted_code_cell_is_a_problem():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("int x = 1;", execution_count=1),
                nbformat.v4.new_markdown_cell("text"),
                nbformat.v4.new_code_cell("int y = 2;")]
    assert nbrun.problems(nb) == ["cell 2 was not executed"]
