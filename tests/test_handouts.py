"""The handout builder (scripts/handouts.py) on small notebooks made here: no kernel needed.

Headline results, chapter facts, the index in chapter order, page breaks that never split a
figure, output lines that wrap between numbers, and the two fallbacks (no Chromium, no MathJax).
test_browser.py covers notebook 1 end to end.
"""
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import handouts


def png(width: int, height: int, rgb=(40, 90, 220)) -> str:
    """A base64 PNG: coloured bars on white, like a small chart."""
    import base64
    rows = b"".join(b"\x00" + b"".join(
        bytes(rgb) if (x // 20) % 2 and y > height // 3 else b"\xff\xff\xff" for x in range(width))
        for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(raw).decode()


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def chapter_notebook(path: Path, title: str, lines: list[str], figures: int = 1,
                     tags=None) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java (IJava)", "language": "java"}
    nb.metadata["language_info"] = {"name": "java", "pygments_lexer": "java"}
    nb.cells = [new_markdown_cell(f"# {title}\n\nWhy $\\hat{{x}}$ matters, in one paragraph.\n\n"
                                  "## Setup\n\nMore text."),
                new_code_cell("bnlab.Lab.setup()", execution_count=1,
                              outputs=[new_output("execute_result", execution_count=1,
                                                  data={"text/plain": "BN Lab | profile quick"})]),
                new_markdown_cell("$$\\hat{x} = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}$$")]
    for i, line in enumerate(lines):
        cell = new_code_cell(f'System.out.println("{i}");', execution_count=2 + i,
                             outputs=[stdout(line + "\n")])
        if tags and i in tags:
            cell.metadata["tags"] = ["headline"]
        nb.cells.append(cell)
    for k in range(figures):
        nb.cells.append(new_markdown_cell("Some prose before a figure. " * 30))
        nb.cells.append(new_code_cell(f"Charts.image(chart{k})", execution_count=50 + k, outputs=[
            new_output("execute_result", execution_count=50 + k,
                       data={"image/png": png(640, 360), "text/plain": "BufferedImage"})]))
    rows = "".join(f"<tr><td>row{i:02d}</td><td>{1 / (i + 1):.4f}</td></tr>" for i in range(30))
    nb.cells.append(new_markdown_cell("A long table follows. " * 60))
    nb.cells.append(new_code_cell("render(table)", execution_count=99, outputs=[
        new_output("execute_result", execution_count=99,
                   data={"text/html": f"<table><tr><th>epoch</th><th>loss</th></tr>{rows}</table>",
                         "text/plain": "table"})]))
    nbformat.write(nb, path)
    return path


D2L = ["epoch 1, loss 0.912", "X, shape [4, 3]:", "loss 0.273, train acc 0.899, test acc 0.807",
       "3313.6 examples/sec on cpu", "mean of Y = [10.0, 0, -1.0]   (equals beta)"]


def test_headlines_are_the_d2l_style_result_lines(tmp_path):
    nb = nbformat.read(chapter_notebook(tmp_path / "a.ipynb", "4 · LeNet", D2L), 4)
    assert handouts.headlines(nb) == ["epoch 1, loss 0.912",
                                      "loss 0.273, train acc 0.899, test acc 0.807",
                                      "3313.6 examples/sec on cpu"]


def test_headlines_keep_only_the_last_few(tmp_path):
    lines = [f"epoch {i}, loss {1 / i:.3f}" for i in range(1, 11)]
    nb = nbformat.read(chapter_notebook(tmp_path / "a.ipynb", "t", lines), 4)
    assert handouts.headlines(nb) == lines[-handouts.MAX_HEADLINES:]


def test_tagged_cells_choose_the_headlines(tmp_path):
    nb = nbformat.read(chapter_notebook(tmp_path / "a.ipynb", "t", D2L, tags={1, 4}), 4)
    assert handouts.headlines(nb) == [D2L[1], D2L[4]]


@pytest.mark.parametrize("line", ["before: mean 3.0733, std 1.8527", "after:  mean -0.0000, std 1.0020",
                                  "test acc 0.807", "lr 1.0, batch 256, 10 epochs"])
def test_result_line_pattern_accepts(line):
    assert handouts.RESULT_LINE.match(line)


@pytest.mark.parametrize("line", ["batch mean     = [    4.000000,    2.000000]", "X_hat =",
                                  "feature 1 without eps: [NaN, NaN]", "BN Lab 0.1 | ND4J 1.0",
                                  "Exception in thread main"])
def test_result_line_pattern_rejects(line):
    assert not handouts.RESULT_LINE.match(line)


def test_chapter_facts(tmp_path):
    path = chapter_notebook(tmp_path / "04-lenet.ipynb", "4 · LeNet with `BatchNorm`", D2L, figures=2)
    nb = nbformat.read(path, 4)
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-01-02T10:00:00.000Z",
                                         "shell.execute_reply": "2026-01-02T10:00:01.000Z"}
    nb.cells[-1].metadata["execution"] = {"iopub.execute_input": "2026-01-02T10:01:00.000Z",
                                          "shell.execute_reply": "2026-01-02T10:01:30.500Z"}
    c = handouts.chapter(path, nb)
    assert c.title == "4 · LeNet with `BatchNorm`"
    assert c.summary == "Why $\\hat{x}$ matters, in one paragraph."
    assert (c.figures, c.tables) == (2, 1)
    assert c.run == "BN Lab | profile quick"
    assert c.kernel == "Java (IJava)"
    assert c.seconds == pytest.approx(90.5)
    assert c.executed_at  # local time of 10:00 UTC


@pytest.fixture
def two_chapters(tmp_path):
    src = tmp_path / "executed"
    src.mkdir()
    return [chapter_notebook(src / "01-formula.ipynb", "1 · The formula", ["before: mean 3.1, std 1.9"]),
            chapter_notebook(src / "04-lenet.ipynb", "4 · LeNet", D2L, figures=3)]


def test_build_writes_html_pdf_and_index_in_chapter_order(two_chapters, tmp_path):
    if not handouts.CHROMIUM.exists():
        pytest.fail(f"no Chromium at {handouts.CHROMIUM}: apt-get install chromium (scripts/setup.sh)")
    out = tmp_path / "handouts"
    out.mkdir()
    (out / "03-gone.html").write_text("left over from an earlier build")
    made = handouts.build(two_chapters, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "01-formula.html", "01-formula.pdf", "04-lenet.html", "04-lenet.pdf", "index.html"]
    index = (out / "index.html").read_text()
    assert index.index('href="01-formula.html"') < index.index('href="04-lenet.html"')
    assert 'href="04-lenet.pdf"' in index
    assert "loss 0.273, train acc 0.899, test acc 0.807" in index
    assert "before: mean 3.1, std 1.9" in index
    assert "BN Lab | profile quick" in index
    for h in made:
        text = h.html.read_text()
        assert "<script" not in text and "mjx-container" in text and h.formulas >= 2
        assert '<span class="n">System</span>' in text  # Pygments-coloured Java code
        assert h.pages >= 1 and h.pdf.stat().st_size > 5_000


def poppler(*args) -> str:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is missing: apt-get install poppler-utils (scripts/setup.sh)")
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_page_breaks_keep_figures_and_tables_whole(two_chapters, tmp_path):
    """Figures between long paragraphs and a 30-row table: every figure is drawn once (not cut in
    two) on the page of the code that made it, and the whole table is on one page."""
    [h] = handouts.build(two_chapters[1:], tmp_path / "out")
    assert h.pages >= 3  # otherwise there was no page break to get wrong
    rows = [r.split() for r in poppler("pdfimages", "-list", str(h.pdf)).splitlines()[2:]]
    images = [(int(r[0]), int(r[3]), int(r[4])) for r in rows if r[2] == "image"]
    assert [size for _, *size in images] == [[640, 360]] * 3, f"figures in the PDF: {rows}"
    pages = [poppler("pdftotext", "-f", str(n), "-l", str(n), str(h.pdf), "-")
             for n in range(1, h.pages + 1)]
    for k, (page, *_) in enumerate(images):
        code_pages = [n + 1 for n, text in enumerate(pages) if f"chart{k}" in text]
        assert code_pages == [page], f"figure {k} on page {page}, its code on {code_pages}"
    table_pages = {n + 1 for n, text in enumerate(pages) for i in range(30) if f"row{i:02d}" in text}
    assert len(table_pages) == 1, f"the table is split over pages {sorted(table_pages)}"


def test_without_chromium_html_carries_mathjax_and_there_is_no_pdf(two_chapters, tmp_path,
                                                                  monkeypatch, capsys):
    monkeypatch.setattr(handouts, "CHROMIUM", tmp_path / "no-chromium")
    out = tmp_path / "out"
    made = handouts.build(two_chapters, out)
    assert all(h.pdf is None for h in made)
    assert not list(out.glob("*.pdf"))
    html = made[0].html.read_text()
    assert '<script id="bnlab-mathjax">' in html and "MathJax" in html and "src=\"file:" not in html
    assert "No Chromium" in (out / "index.html").read_text()
    assert "no-chromium" in capsys.readouterr().err


def test_without_mathjax_math_stays_tex_source(two_chapters, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(handouts, "MATHJAX", tmp_path / "no-mathjax.js")
    monkeypatch.setattr(handouts, "CHROMIUM", tmp_path / "no-chromium")
    made = handouts.build(two_chapters[:1], tmp_path / "out")
    html = made[0].html.read_text()
    assert "<script" not in html
    assert "\\frac{x - \\mu}" in html
    assert "MathJax is missing" in capsys.readouterr().err


def test_editions_link_to_each_other_and_speak_their_language(two_chapters):
    chapters = [handouts.Handout(handouts.chapter(p), p.with_suffix(".html")) for p in two_chapters]
    english = handouts.index_html(chapters, [], False, "en", ["zh"])
    chinese = handouts.index_html(chapters, [], False, "zh", ["en"])
    assert '<html lang="en"' in english and 'href="zh/index.html"' in english and "中文版" in english
    assert '<html lang="zh-CN"' in chinese and 'href="../index.html"' in chinese
    assert "BN Lab 讲义" in chinese and "1 幅图" in chinese and "3 幅图" in chinese
    assert "figure" not in chinese.split("<body>")[1]
    assert "zh/index.html" not in handouts.index_html(chapters, [], False, "en")  # nothing to link
    nb = nbformat.read(two_chapters[0], as_version=4)
    page = handouts.notebook_html(nb, chapters[0].chapter, False, "zh")
    assert '<html lang="zh-CN"' in page and ">BN Lab 讲义</a>" in page
    with pytest.raises(handouts.HandoutError, match="no handout texts for language 'fr'"):
        handouts.build(two_chapters, two_chapters[0].parent / "fr", language="fr")


def test_long_output_lines_wrap_between_numbers(tmp_path):
    """A printed line longer than the page wraps at its spaces: no number is cut in two (JupyterLab's
    own CSS breaks output anywhere, which split -0.999995 into "-0.999" and "995]")."""
    numbers = [f"{-0.999995 * (i + 1) / 7:.6f}" for i in range(24)]
    line = "example 0 of the first output: [" + ",   ".join(numbers) + "]"
    path = chapter_notebook(tmp_path / "03-layer.ipynb", "3 · The layer", [line], figures=0)
    [h] = handouts.build([path], tmp_path / "out")
    text = poppler("pdftotext", "-layout", str(h.pdf), "-")
    printed = re.findall(r"-?\d+\.\d+", text.split("example 0 of the first output")[1])
    assert printed[:len(numbers)] == numbers, f"numbers cut at a line break: {printed}"
    wrapped = [ln for ln in text.splitlines() if any(n in ln for n in numbers)]
    assert len(wrapped) > 1, "the test line did not wrap: make it longer"


@pytest.mark.parametrize("language", handouts.LANGUAGES)
def test_the_teachers_page_lists_each_notebook_its_run_time_slides_and_the_exercises(
        tmp_path, language):
    path = chapter_notebook(tmp_path / "04-lenet.ipynb", "4 · LeNet", D2L)
    made = handouts.Handout(handouts.chapter(path), tmp_path / "04-lenet.html")
    made.chapter.seconds = 754.0
    made.slides = tmp_path / handouts.SLIDES / "04-lenet.slides.html"
    page = handouts.teachers_html([made], language)
    data = __import__("yaml").safe_load(handouts.TEACHERS.read_text(encoding="utf-8"))
    info = data["notebooks"]["04"][language]
    escape = __import__("html").escape
    assert escape(info["teaches"]) in page and escape(info["needs"]) in page
    assert "12.6 min" in page and 'href="slides/04-lenet.slides.html"' in page
    assignment = "assignment/batchnorm.ipynb" if language == "en" else "../assignment/batchnorm-zh.ipynb"
    assert f'href="{assignment}"' in page and "scripts/assignment.sh grade" in page
    assert page.count("<li>") == len(data["exercises"]) >= 7
    assert all(escape(e[language]["where"]) in page for e in data["exercises"])
    # the answers point at sections of the experiment notebooks and quote none of their results
    assert not any(__import__("re").search(r"\d\.\d", e[language]["answer"]) for e in data["exercises"])
