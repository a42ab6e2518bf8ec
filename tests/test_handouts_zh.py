"""Chinese typography in the handouts: no line that starts with a comma after an inline formula,
emphasis without slanted glyphs, and table headers that keep their words whole."""
import random
import re

import nbformat
from nbformat.v4 import new_markdown_cell

import handouts
from test_handouts import chapter_notebook

# For every inline formula followed by Chinese punctuation: is the punctuation on a later line?
BROKEN = """() => {
  let broken = 0, total = 0;
  for (const m of document.querySelectorAll('mjx-container:not([display="true"])')) {
    const next = m.nextSibling;
    if (!next || next.nodeType !== Node.TEXT_NODE || !next.textContent.startsWith('，')) continue;
    total++;
    const r = document.createRange(); r.setStart(next, 0); r.setEnd(next, 1);
    if (r.getBoundingClientRect().top > m.getBoundingClientRect().bottom - 2) broken++;
  }
  return [broken, total];
}"""


def test_chinese_handout_keeps_punctuation_with_its_formula(tmp_path):
    path = chapter_notebook(tmp_path / "09-zh.ipynb", "9 · 批量规范化何时失效", ["loss 0.5"], figures=0)
    nb = nbformat.read(path, as_version=4)
    rng = random.Random(1)  # formulas at every position of a line, so some fall at its end
    text = "".join("字" * rng.randint(1, 30) + "$\\hat{\\mu}_\\mathcal{B}$，" for _ in range(200))
    nb.cells.insert(1, new_markdown_cell(text + "这是*强调*。"))
    nb.cells.insert(2, new_markdown_cell(
        "| 批量规范化的约定 | d2l-zh 和 BN Lab | PyTorch |\n|---|---|---|\n"
        "| 动量参数 | 0.9 | " + "很长的说明文字 " * 40 + "|"))
    nbformat.write(nb, path)
    [h] = handouts.build([path], tmp_path / "out", language="zh")
    page = h.html.read_text(encoding="utf-8")
    assert len(re.findall(r'<span class="bnlab-nobreak"><mjx-container', page)) == 200
    with handouts.Browser() as b:
        view = b.context.new_page()
        view.set_viewport_size({"width": 688, "height": 1000})  # A4's text width at 96 dpi
        view.emulate_media(media="print")
        view.goto(h.html.as_uri())
        broken, total = view.evaluate(BROKEN)
        assert total == 200 and broken == 0, f"{broken} of {total} commas start a line"
        style = view.evaluate("""() => { const s = getComputedStyle(document.querySelector('em'));
                                          return [s.fontStyle, s.textEmphasisStyle]; }""")
        assert style[0] == "normal" and "dot" in style[1], style
        widths = view.evaluate("""() => [...document.querySelectorAll('th')].map(
            th => [th.textContent, th.getClientRects().length, th.offsetHeight])""")
        heights = {text: h for text, _, h in widths}
        assert heights["批量规范化的约定"] <= heights["PyTorch"], f"a header wrapped: {widths}"
