"""The notebook runner fails on what must fail: an exception, a compile error, a skipped cell, a
number the prose quotes from an output that does not print it."""
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


def executed_with_quote(prose, printed, **quote):
    """A markdown cell quoting a number from the code cell above it, as executed."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("check()", execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=printed)])
    code.id = "the-check"
    text = nbformat.v4.new_markdown_cell(prose)
    text.metadata["bnlab"] = {"quotes": [{"cell": "the-check", **quote}]}
    nb.cells = [code, text]
    return nb


@pytest.mark.parametrize("prose, printed, value", [
    ("The largest error is 6.7e-10.", "largest relative error 6.7e-10 (limit 1e-9)\n", "6.7e-10"),
    ("The largest is $6.7 \\cdot 10^{-10}$.", "largest relative error 6.7e-10\n", "6.7e-10"),
    ("Accuracy 0.98 on the test points.", "train accuracy 0.985, test accuracy 0.981\n", "0.98"),
    ("A difference of 0.0007%.", "m = 147,456: 0.00068 % more\n", "0.0007"),
])
def test_quoted_numbers_that_match_the_output_pass(prose, printed, value):
    assert nbrun.problems(executed_with_quote(prose, printed, value=value), "full") == []


@pytest.mark.parametrize("prose, printed, value, complaint", [
    ("The largest error is 6.7e-10.", "largest relative error 7.1e-10\n", "6.7e-10", "does not print it"),
    ("The largest error is 7.1e-10.", "largest relative error 7.1e-10\n", "6.7e-10", "text does not contain"),
    ("Accuracy 0.98.", "test accuracy 0.974\n", "0.98", "does not print it"),
])
def test_a_quote_the_output_or_the_prose_no_longer_shows_is_a_problem(prose, printed, value, complaint):
    [problem] = nbrun.problems(executed_with_quote(prose, printed, value=value), "full")
    assert "quotes" in problem and complaint in problem


def test_a_quote_of_another_profile_is_not_checked():
    nb = executed_with_quote("In the full profile 0.847.", "test accuracy 0.801\n", value="0.847",
                             profile="full")
    assert nbrun.problems(nb, "quick") == []
    assert nbrun.problems(nb, "full") != []


def test_consecutive_stream_outputs_are_merged_and_nothing_else_moves():
    nb = nbformat.v4.new_notebook()
    fragments = ["batch size ", "2", ": ", "6,144", " steps\n"]
    cell = nbformat.v4.new_code_cell("printf", execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=t) for t in fragments] + [
        nbformat.v4.new_output("display_data", data={"text/plain": "figure"}),
        nbformat.v4.new_output("stream", name="stdout", text="after\n")])
    nb.cells = [cell]
    nbrun.coalesce_streams(nb)
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "display_data", "stream"]
    assert nb.cells[0].outputs[0].text == "batch size 2: 6,144 steps\n"


@pytest.mark.parametrize("kernel", nbrun.KERNELS)
def test_a_printf_reaches_the_executed_notebook_as_one_line(tmp_path, kernel):
    path = make_notebook(tmp_path,
                         'System.out.printf("batch size %d: %,d steps at lr %.4f%n", 2, 6144, 0.0078125);\n'
                         'System.out.println("and the next line");',
                         'System.out.println(System.getenv("JPY_SESSION_NAME"));')
    result = nbrun.execute(path, kernel, out_dir=tmp_path / "out", cell_timeout=60)
    nb = nbformat.read(result.executed, as_version=4)
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream"], outputs
    assert outputs[0].text == "batch size 2: 6,144 steps at lr 0.0078\nand the next line\n"
    assert str(path) in nb.cells[1].outputs[0].text, "the kernel knows its notebook, as under JupyterLab"
    assert result.peak_rss_mib is None or result.peak_rss_mib > 50, result.peak_rss_mib


def test_the_run_summary_gives_each_edition_and_the_share_of_the_chinese_one():
    en = nbrun.Result(nbrun.NOTEBOOKS / "06-x.ipynb", "java", 400.0, nbrun.BUILD / "06-x.ipynb")
    zh = nbrun.Result(nbrun.NOTEBOOKS / "zh" / "06-x.ipynb", "java", 40.0, nbrun.BUILD / "zh" / "06-x.ipynb")
    assert nbrun.summarize([en, zh]) == ["[java] en: 1 notebooks in 400 s; zh: 1 notebooks in 40 s; zh/en = 10 %"]
