"""Course handouts from executed notebooks: self-contained HTML, PDF, and an index page.

For every executed notebook (e.g. ``build/executed/java/01-bn-formula.ipynb``) this writes:

- ``01-bn-formula.html``: JupyterLab's look plus book CSS (``scripts/handout/``), figures embedded
  as PNG, code highlighted by Pygments, math typeset **at build time** to SVG by MathJax from
  ``node_modules`` (npm package ``mathjax``, pinned in package-lock.json). The file has no script
  and no link outside itself: it opens offline, in any browser, years from now.
- ``01-bn-formula.pdf``: that HTML printed by headless Chromium (Debian's ``/usr/bin/chromium``,
  or ``BNLAB_CHROMIUM``), A4, with a running header and page numbers.
- ``index.html``: the chapters in order (file names start with their number), each with its title,
  opening paragraph, links, and headline results; then the teacher's page (``teachers_html``: what
  each notebook teaches, prerequisites, run time, slides, the assignment, the chapter's exercises
  with where their experiments are; its text is ``scripts/handout/teachers.yaml``).
- ``slides/NN-name.slides.html``: lecture slides (reveal.js, ``nbconvert --to slides`` with the
  template ``scripts/slides/``) of the notebooks whose cells have slide types, with reveal.js and
  MathJax copied into ``slides/`` from node_modules: no CDN, they open offline.

Accessibility: a figure's ``alt`` text is its ``text/plain`` (for ``bnlab.viz`` figures the text
alternative written from the chart's data), the PDFs are tagged and carry the headings as their
outline, and the colours meet WCAG 2.1 AA contrast (tests/test_browser.py runs axe-core).

**Headline results** of a notebook are the printed output lines of its cells tagged ``headline``
(cell metadata ``tags``, editable in JupyterLab's property inspector). When no cell is tagged, they
are the last printed lines that read like d2l's results: comma-separated "name number" pairs,
optionally after a ``label:`` (``loss 0.273, train acc 0.899, test acc 0.807``,
``before: mean 3.07, std 1.85``, ``3313.6 examples/sec on cpu``).

Fallbacks, each announced on stderr: without MathJax the math stays TeX source; without Chromium
the HTML carries MathJax inline (still offline; the reader's browser typesets it) and there is no PDF.

**Editions.** ``language="zh"`` writes the Chinese edition's handouts (``build/handouts/zh/``):
the index, the page navigation and the PDF header in Chinese, ``<html lang="zh-CN">`` so that
browsers pick a Chinese font (Noto CJK on Debian). The index of each edition links to the others.

Command line: ``python scripts/handouts.py EXECUTED.ipynb... [--out build/handouts] [--language zh]``.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "scripts"  # holds the nbconvert template folder "handout"
HANDOUTS = ROOT / "build" / "handouts"
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
REVEAL = ROOT / "node_modules" / "reveal.js"
SLIDES = "slides"  # the lecture slides' folder inside a handouts folder
CHROMIUM = Path(os.environ.get("BNLAB_CHROMIUM", "/usr/bin/chromium"))
MAX_HEADLINES = 4
PAGE_TIMEOUT_MS = 120_000

# One "name number" pair (or "number name", as in "3313.6 examples/sec on cpu").
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?"
_NAME = r"[A-Za-z][A-Za-z0-9 _/()-]*?"
_PAIR = rf"(?:{_NAME}\s*[=:]?\s+{_NUMBER}|{_NUMBER}\s+[A-Za-z][A-Za-z0-9 _/().-]*)"
RESULT_LINE = re.compile(rf"^(?:[A-Za-z][\w ]*:\s*)?{_PAIR}(?:\s*,\s*{_PAIR})*\s*$")


# The words of the handouts themselves, per edition (the notebooks bring their own).
TEXT = {
    "en": {"html_lang": "en", "title": "BN Lab handouts",
           "heading": "BN Lab: Batch Normalization in Java",
           "built": "Course handouts, one per notebook in chapter order; built {built}.",
           "nav": "BN Lab handouts", "executed": "executed {at}", "in": " in {s:.0f} s",
           "kernel": "kernel {k}", "pages": "{n} pages, {kib} KiB",
           "figures": lambda n: f"{n} figure{'s' * (n != 1)}",
           "tables": lambda n: f"{n} table{'s' * (n != 1)}",
           "edition": "English", "slides": "slides",
           "teachers": "For teachers",
           "teachers_intro": "What each notebook teaches, what a student should know first, how long "
                             "it ran in this build (every cell, on the machine that built it), and "
                             "its lecture slides (reveal.js, offline: arrow keys to move).",
           "columns": ("Notebook", "Teaches", "Prerequisites", "Runs", "Slides"),
           "assignment": "<h3>The graded assignment</h3><p>“Batch normalization from scratch” "
                         "(nbgrader): students write the batch statistics, the forward pass in "
                         "training and inference mode for 2-D and 4-D inputs, the moving averages, "
                         "the backward pass and the layer, then train LeNet with their layer. 19 "
                         "points come from autograded tests (6 of them hidden until grading, "
                         "against PyTorch's outputs) and 6 from three written answers. The "
                         "students' version: <a href=\"{href}\">{name}</a>. Make it with "
                         "<code>scripts/assignment.sh release</code>; grade a folder of submissions "
                         "with <code>scripts/assignment.sh grade FOLDER</code> (scores as CSV, each "
                         "student's feedback as HTML; see the README, “For teachers”).</p>",
           "exercises": "The chapter's exercises: answers and the experiments that settle them",
           "where": "Where"},
    "zh": {"html_lang": "zh-CN", "title": "BN Lab 讲义",
           "heading": "BN Lab：用 Java 学批量规范化",
           "built": "课程讲义，每本笔记本一份，按章节顺序排列；构建于 {built}。",
           "nav": "BN Lab 讲义", "executed": "运行于 {at}", "in": "，用时 {s:.0f} 秒",
           "kernel": "内核 {k}", "pages": "{n} 页，{kib} KiB",
           "figures": lambda n: f"{n} 幅图", "tables": lambda n: f"{n} 个表格",
           "edition": "中文版", "slides": "幻灯片",
           "teachers": "教师页面",
           "teachers_intro": "每本笔记本讲什么、学生需要先掌握什么、在本次构建中运行了多久（执行全部单元格，"
                             "在构建它的机器上），以及对应的讲课幻灯片（reveal.js，可离线使用：用方向键翻页）。",
           "columns": ("笔记本", "内容", "预备知识", "运行时间", "幻灯片"),
           "assignment": "<h3>计分作业</h3><p>“从零实现批量规范化”（nbgrader）：学生编写小批量统计量、"
                         "二维和四维输入在训练模式与预测模式下的前向传播、移动平均、反向传播和层，"
                         "再用自己的层训练 LeNet。19 分来自自动评分的测试（其中 6 分的测试在评分时才出现，"
                         "与 PyTorch 的输出比较），6 分来自三道简答题。学生版："
                         "<a href=\"{href}\">{name}</a>。用 <code>scripts/assignment.sh release</code> "
                         "生成；用 <code>scripts/assignment.sh grade 文件夹</code> 为一个文件夹中的提交评分"
                         "（分数为 CSV，每个学生的反馈为 HTML；见 README 的 “For teachers” 一节）。</p>",
           "exercises": "本章练习：答案以及解答它们的实验",
           "where": "见"},
}
LANGUAGES = tuple(TEXT)
TEACHERS = TEMPLATES / "handout" / "teachers.yaml"
# The students' version of the assignment, copied beside the handouts by scripts/assignment.py.
ASSIGNMENT = {"en": "batchnorm", "zh": "batchnorm-zh"}


def edition_href(language: str, other: str) -> str:
    """The link from the index of one edition to another's (English at the top, others below)."""
    if language == other:
        return "index.html"
    if language == "en":
        return f"{other}/index.html"
    return "../index.html" if other == "en" else f"../{other}/index.html"


class HandoutError(RuntimeError):
    """A handout could not be written as promised (e.g. it would need the network)."""


def warn(message: str) -> None:
    print(f"handouts: warning: {message}", file=sys.stderr, flush=True)


@dataclass
class Chapter:
    """What the index says about one executed notebook."""
    notebook: Path
    title: str
    summary: str = ""          # opening paragraph, as markdown
    headlines: list[str] = field(default_factory=list)
    run: str = ""              # the first code cell's one-line result (library, profile, ...)
    kernel: str = ""
    executed_at: str = ""
    seconds: float | None = None
    figures: int = 0
    tables: int = 0


@dataclass
class Handout:
    chapter: Chapter
    html: Path
    pdf: Path | None = None
    pages: int = 0
    formulas: int = 0
    seconds_html: float = 0.0
    seconds_pdf: float = 0.0
    slides: Path | None = None


# ---------------------------------------------------------------------------------------------
# Reading an executed notebook

def _text(output) -> str:
    if output.get("output_type") == "stream" and output.get("name") == "stdout":
        return output.get("text", "")
    if output.get("output_type") == "execute_result":
        return output.get("data", {}).get("text/plain", "")
    return ""


def headlines(nb) -> list[str]:
    """The headline result lines of an executed notebook (see the module doc)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "headline" in c.get("metadata", {}).get("tags", [])]
    if tagged:
        return [line.rstrip() for c in tagged for o in c.get("outputs", [])
                for line in _text(o).splitlines() if line.strip()]
    found = [line.strip() for c in code for o in c.get("outputs", [])
             if o.get("output_type") == "stream" for line in _text(o).splitlines()
             if RESULT_LINE.match(line.strip())]
    return found[-MAX_HEADLINES:]


def chapter(path: Path, nb=None) -> Chapter:
    """Title, opening paragraph, headline results and run facts of an executed notebook."""
    nb = nb or nbformat.read(path, as_version=4)
    title, summary = path.stem, ""
    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first_md is not None:
        lines = first_md.source.strip().splitlines()
        if lines and lines[0].startswith("# "):
            title = lines[0][2:].strip()
            lines = lines[1:]
        summary = "\n".join(lines).strip().split("\n\n")[0].strip()
    info = Chapter(notebook=path, title=title, summary=summary, headlines=headlines(nb),
                   kernel=nb.metadata.get("kernelspec", {}).get("display_name", ""))
    code = [c for c in nb.cells if c.cell_type == "code"]
    if code:
        first = [_text(o).strip() for o in code[0].get("outputs", [])
                 if o.get("output_type") == "execute_result"]
        if len(first) == 1 and "\n" not in first[0]:
            info.run = first[0]
    # nbclient and JupyterLab record when each cell ran (cell metadata "execution").
    stamps = [c.metadata.get("execution", {}) for c in code]
    starts = [s.get("iopub.execute_input") for s in stamps if s.get("iopub.execute_input")]
    ends = [s.get("shell.execute_reply") for s in stamps if s.get("shell.execute_reply")]
    if starts and ends:
        t0 = datetime.fromisoformat(min(starts).replace("Z", "+00:00"))
        t1 = datetime.fromisoformat(max(ends).replace("Z", "+00:00"))
        info.executed_at = t0.astimezone().strftime("%Y-%m-%d %H:%M")
        info.seconds = (t1 - t0).total_seconds()
    for c in code:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            info.figures += "image/png" in data or "image/svg+xml" in data
            info.tables += "<table" in str(data.get("text/html", ""))
    return info


# ---------------------------------------------------------------------------------------------
# HTML

def mathjax_tag(inline: bool) -> str:
    """The MathJax <script>: a file URL for the build-time browser, or inlined for a reader's one."""
    if not MATHJAX.exists():
        return ""
    if inline:  # "</script" inside the code would end the element early
        return ('<script id="bnlab-mathjax">'
                + MATHJAX.read_text(encoding="utf-8").replace("</script", "<\\/script")
                + "</script>")
    return f'<script id="bnlab-mathjax" src="{MATHJAX.as_uri()}"></script>'


def notebook_html(nb, info: Chapter, inline_mathjax: bool, language: str = "en") -> str:
    """The notebook as HTML with the "handout" template (scripts/handout/)."""
    from nbconvert import HTMLExporter

    text = TEXT[language]
    exporter = HTMLExporter(template_name="handout", extra_template_basedirs=[str(TEMPLATES)],
                            embed_images=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code=language)
    facts = [f"{info.kernel}" if info.kernel else "",
             text["executed"].format(at=info.executed_at) if info.executed_at else ""]
    resources = {"metadata": {"name": info.title},
                 "bnlab_nav": text["nav"],
                 "bnlab_mathjax": mathjax_tag(inline_mathjax),
                 "bnlab_run": ", ".join(f for f in facts if f)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    # nbconvert takes ISO 639-1 codes only ("zh"); the region picks Simplified Chinese glyphs
    return body.replace(f'<html lang="{language}">', f'<html lang="{text["html_lang"]}">', 1)


INDEX_CSS = """
body { font: 15px/1.55 "DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif; max-width: 52rem; margin: 0 auto;
       padding: 2rem 1.5rem 4rem; color: #222; }
h1 { font-size: 1.9rem; margin-bottom: 0.2rem; }
.built { color: #666; font-size: 0.9rem; margin-top: 0; }
ol.chapters { list-style: none; padding: 0; }
ol.chapters > li { border-top: 1px solid #ddd; padding: 1rem 0; break-inside: avoid; }
.chapter-title { font-size: 1.25rem; font-weight: 600; }
.chapter-title a { color: #1a5fb4; text-decoration: none; }
.links a { margin-right: 0.8rem; font-size: 0.9rem; }
.summary { margin: 0.4rem 0; }
pre.results { background: #f5f6f7; border-left: 3px solid #1a5fb4; padding: 0.5rem 0.8rem;
              font: 13px/1.5 "DejaVu Sans Mono", monospace; white-space: pre-wrap; margin: 0.5rem 0; }
.facts { color: #666; font-size: 0.85rem; }
.warning { background: #fff3cd; padding: 0.5rem 0.8rem; }
nav.editions { float: right; font-size: 0.95rem; margin-top: 0.6rem; }
nav.editions a { color: #1a5fb4; margin-left: 0.8rem; }
#teachers { border-top: 2px solid #1a5fb4; margin-top: 2rem; }
table.teachers { border-collapse: collapse; font-size: 0.88rem; }
table.teachers th, table.teachers td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem;
  text-align: left; vertical-align: top; }
ol.exercises p { margin: 0.2rem 0; }
p.where { color: #555; }
"""


def _markdown(text: str, inline: bool = False) -> str:
    from nbconvert.filters import markdown2html
    rendered = markdown2html(text).strip()
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S) if inline else None
    return match.group(1) if match else rendered


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def teachers_html(handouts: list[Handout], language: str = "en") -> str:
    """The teacher's page: per notebook what it teaches, prerequisites, run time and slides; the
    assignment; the chapter's exercises with answers and where the experiments are
    (scripts/handout/teachers.yaml)."""
    import yaml

    text = TEXT[language]
    data = yaml.safe_load(TEACHERS.read_text(encoding="utf-8"))
    head = "".join(f"<th scope=\"col\">{html.escape(c)}</th>" for c in text["columns"])
    rows = []
    for h in handouts:
        info = data["notebooks"].get(h.chapter.notebook.stem.split("-")[0], {}).get(language, {})
        slides = (f'<a href="{html.escape(h.slides.relative_to(h.html.parent).as_posix())}">'
                  f'{text["slides"]}</a>' if h.slides is not None else "—")
        rows.append(f'<tr><th scope="row"><a href="{html.escape(h.html.name)}">'
                    f'{html.escape(h.chapter.notebook.stem)}</a></th>'
                    f'<td>{html.escape(info.get("teaches", ""))}</td>'
                    f'<td>{html.escape(info.get("needs", ""))}</td>'
                    f'<td>{duration(h.chapter.seconds)}</td><td>{slides}</td></tr>')
    name = ASSIGNMENT[language]
    href = f"assignment/{name}.ipynb" if language == "en" else f"../assignment/{name}.ipynb"
    exercises = "".join(
        f'<li><p><strong>{html.escape(e[language]["question"])}</strong></p>'
        f'<p>{html.escape(e[language]["answer"])}</p>'
        f'<p class="where">{text["where"]}: {html.escape(e[language]["where"])}</p></li>'
        for e in data["exercises"])
    return (f'<section id="teachers" aria-labelledby="teachers-heading">'
            f'<h2 id="teachers-heading">{text["teachers"]}</h2><p>{text["teachers_intro"]}</p>'
            f'<table class="teachers"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table>{text["assignment"].format(href=href, name=html.escape(name + ".ipynb"))}'
            f'<h3>{text["exercises"]}</h3><ol class="exercises">{exercises}</ol></section>')


def index_html(handouts: list[Handout], notes: list[str], inline_mathjax: bool,
               language: str = "en", editions: list[str] | None = None) -> str:
    text = TEXT[language]
    items = []
    for h in handouts:
        c = h.chapter
        links = [f'<a href="{html.escape(h.html.name)}">HTML</a>']
        if h.pdf is not None:
            pages = text["pages"].format(n=h.pages, kib=h.pdf.stat().st_size // 1024)
            links.append(f'<a href="{html.escape(h.pdf.name)}">PDF</a> ({pages})')
        if h.slides is not None:
            links.append(f'<a href="{html.escape(h.slides.relative_to(h.html.parent).as_posix())}">'
                         f'{text["slides"]}</a>')
        facts = [text["figures"](c.figures), text["tables"](c.tables)]
        if c.executed_at:
            facts.append(text["executed"].format(at=c.executed_at)
                         + (text["in"].format(s=c.seconds) if c.seconds is not None else ""))
        if c.kernel:
            facts.append(text["kernel"].format(k=c.kernel))
        results = ("<pre class=\"results\">" + html.escape("\n".join(c.headlines)) + "</pre>"
                   if c.headlines else "")
        run = f'<div class="facts">{html.escape(c.run)}</div>' if c.run else ""
        items.append(
            f'<li class="chapter" id="{html.escape(c.notebook.stem)}">'
            f'<div class="chapter-title"><a href="{html.escape(h.html.name)}">'
            f'{_markdown(c.title, inline=True)}</a></div>'
            f'<div class="links">{" ".join(links)}</div>'
            f'<div class="summary">{_markdown(c.summary)}</div>{results}{run}'
            f'<div class="facts">{html.escape(" · ".join(facts))}</div></li>')
    warnings = "".join(f'<p class="warning">{html.escape(n)}</p>' for n in notes)
    has_math = any("$" in h.chapter.title + h.chapter.summary for h in handouts)
    script = mathjax_tag(inline_mathjax) if has_math else ""
    config = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$']]}, svg: {fontCache: 'global'},"
              " options: {enableMenu: false}};</script>" if script else "")
    built = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    others = "".join(f'<a class="edition" hreflang="{TEXT[e]["html_lang"]}" '
                     f'href="{edition_href(language, e)}">{TEXT[e]["edition"]}</a>'
                     for e in editions or [])
    others = f'<nav class="editions">{others}</nav>' if others else ""
    return f"""<!DOCTYPE html>
<html lang="{text['html_lang']}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{text['title']}</title><style>{INDEX_CSS}</style>{config}{script}</head>
<body>{others}<h1>{text['heading']}</h1>
<p class="built">{text['built'].format(built=built)}</p>
{warnings}<main><ol class="chapters">{''.join(items)}</ol>{teachers_html(handouts, language)}</main>
</body></html>
"""


# ---------------------------------------------------------------------------------------------
# The browser: typesets math, then prints

class Browser:
    """Headless Chromium via Playwright, with every request outside file:// and data: refused.

    Pass ``browser`` (a Playwright Browser) to reuse one already running, e.g. in a test;
    otherwise ``with Browser() as b:`` starts Playwright and Debian's Chromium.
    """

    def __init__(self, browser=None):
        self._given = browser
        self._playwright = None
        self.browser = browser
        self.context = None
        self.blocked: list[str] = []

    def __enter__(self) -> "Browser":
        if self.browser is None:
            if not CHROMIUM.exists():
                raise HandoutError(f"no Chromium at {CHROMIUM}: install Debian's chromium (as root: "
                                   "apt-get install chromium) or set BNLAB_CHROMIUM.")
            from playwright.sync_api import sync_playwright
            self._playwright = sync_playwright().start()
            # Never a browser download (no `playwright install`): the system's Chromium.
            self.browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM))
        self.context = self.browser.new_context()
        self.context.set_default_timeout(PAGE_TIMEOUT_MS)
        self.context.route("**/*", self._route)
        return self

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:  # a handout must not need the network: record it, the caller fails on it
            self.blocked.append(url)
            route.abort()

    def __exit__(self, *exc) -> None:
        if self.context is not None:
            self.context.close()
        if self._given is None and self.browser is not None:
            self.browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def typeset(self, source: str, target: Path) -> int:
        """Loads ``source`` HTML, lets MathJax typeset it, writes the static result to ``target``.

        Returns the number of formulas. Scripts are removed from the result: the SVG math, its
        stylesheet and the glyph cache are plain DOM, so the file needs nothing else.
        """
        staging = target.with_name(f".{target.stem}.staging.html")
        staging.write_text(source, encoding="utf-8")
        page = self.context.new_page()
        try:
            self.blocked.clear()
            page.goto(staging.as_uri(), wait_until="load")
            result = page.evaluate("""async () => {
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                    await MathJax.startup.promise;
                }
                const errors = [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
                    .map(e => e.getAttribute('data-mjx-error') || e.textContent);
                // Chinese punctuation never starts a line, but the browser may break between
                // an inline formula (an SVG) and the comma after it: bind the two together.
                for (const m of document.querySelectorAll('mjx-container:not([display="true"])')) {
                    const next = m.nextSibling;
                    if (!next || next.nodeType !== Node.TEXT_NODE) continue;
                    const mark = /^[，。、；：！？）」』]+/.exec(next.textContent);
                    if (!mark) continue;
                    const keep = document.createElement('span');
                    keep.className = 'bnlab-nobreak';
                    m.replaceWith(keep);
                    keep.append(m, mark[0]);
                    next.textContent = next.textContent.slice(mark[0].length);
                }
                document.querySelectorAll('script').forEach(s => s.remove());
                return {formulas: document.querySelectorAll('mjx-container').length, errors};
            }""")
            if self.blocked:
                raise HandoutError(f"{target.name} asks the network for {self.blocked[:3]}; "
                                   "a handout must be self-contained (see scripts/handout/)")
            for error in result["errors"]:
                warn(f"{target.name}: TeX error: {error}")
            target.write_text(page.content(), encoding="utf-8")
            return result["formulas"]
        finally:
            page.close()
            staging.unlink(missing_ok=True)

    def print_pdf(self, source: Path, target: Path, title: str, header: str = "BN Lab") -> int:
        """Prints the HTML file ``source`` to ``target`` (A4, header, page numbers); returns pages."""
        page = self.context.new_page()
        try:
            page.goto(source.as_uri(), wait_until="load")
            small = ("font: 8px 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif; color: #777; "
                     "width: 100%; margin: 0 14mm;")
            # tagged (a structure tree that screen readers follow) and with an outline (the
            # headings as bookmarks): Chromium's generateTaggedPDF / generateDocumentOutline
            page.pdf(path=str(target), format="A4", print_background=True,
                     prefer_css_page_size=True, display_header_footer=True, tagged=True,
                     outline=True,
                     header_template=(f'<div style="{small} display: flex; justify-content: '
                                      f'space-between;"><span>{html.escape(header)}</span><span>'
                                      f'{html.escape(title)}</span></div>'),
                     footer_template=(f'<div style="{small} text-align: center;">'
                                      '<span class="pageNumber"></span> / '
                                      '<span class="totalPages"></span></div>'))
            if self.blocked:
                raise HandoutError(f"{source.name} asks the network for {self.blocked[:3]}")
        finally:
            page.close()
        return pdf_pages(target)


def pdf_pages(pdf: Path) -> int:
    """Page count of a PDF written by Chromium (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


# ---------------------------------------------------------------------------------------------
# Lecture slides

def has_slides(nb) -> bool:
    """A notebook is a lecture when its cells say which slide they belong to (cell metadata
    ``slideshow.slide_type``, JupyterLab: property inspector, "Slide Type")."""
    return any(c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb.cells)


def slides(executed: list[Path], out_dir: Path, language: str = "en") -> list[Path]:
    """reveal.js slides (``nbconvert --to slides``) of every executed notebook that has slide
    types, into ``out_dir`` with local copies of reveal.js and MathJax beside them: they open from
    the folder or any local web server, with no network. Returns the slide files."""
    from nbconvert import SlidesExporter

    chosen = [(p, nbformat.read(p, as_version=4)) for p in executed]
    chosen = [(p, nb) for p, nb in chosen if has_slides(nb)]
    if not chosen:
        return []
    if not REVEAL.exists() or not MATHJAX.exists():
        raise HandoutError(f"no reveal.js or MathJax in {REVEAL.parent}: run scripts/setup.sh "
                           "(npm ci installs both from package-lock.json)")
    out_dir.mkdir(parents=True, exist_ok=True)
    for part in ("dist", "plugin/notes"):
        shutil.copytree(REVEAL / part, out_dir / "reveal.js" / part, dirs_exist_ok=True)
    (out_dir / "mathjax").mkdir(exist_ok=True)
    shutil.copy2(MATHJAX, out_dir / "mathjax" / MATHJAX.name)
    made = []
    for path, nb in chosen:
        exporter = SlidesExporter(template_name="slides", extra_template_basedirs=[str(TEMPLATES)],
                                  reveal_url_prefix="reveal.js", reveal_number="c/t",
                                  # "white" loads its font from dist/theme/fonts; nbconvert's
                                  # default "simple" asks Google Fonts for two
                                  reveal_theme="white",
                                  exclude_input_prompt=True, exclude_output_prompt=True,
                                  language_code=language)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        body = body.replace(f'<html lang="{language}">',
                            f'<html lang="{TEXT[language]["html_lang"]}">', 1)
        target = out_dir / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        made.append(target)
    return made


# ---------------------------------------------------------------------------------------------
# Putting it together

def build(executed: list[Path], out_dir: Path = HANDOUTS, browser=None,
          pdf: bool = True, language: str = "en", editions: list[str] | None = None) -> list[Handout]:
    """Writes the HTML (and PDF) handout of every executed notebook, in the order given, and the
    index. ``browser``: a running Playwright Browser to reuse (else Chromium is started here).
    ``language``: the edition (``en``, ``zh``); ``editions``: the other editions the index links to
    (their handouts in ``zh/`` beside the English ones, the English in ``..``)."""
    if language not in TEXT:
        raise HandoutError(f"no handout texts for language '{language}': use one of {LANGUAGES}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    have_browser = browser is not None or CHROMIUM.exists()
    notes = []
    if not MATHJAX.exists():
        notes.append(f"MathJax is missing ({MATHJAX}): math is shown as TeX "
                     "source. Fix: install Node.js with npm and run scripts/setup.sh (npm ci).")
    if not have_browser:
        notes.append(f"No Chromium at {CHROMIUM}: HTML handouts typeset math when opened, no PDFs. "
                     "Fix: apt-get install chromium (as root), or set BNLAB_CHROMIUM.")
    for note in notes:
        warn(note)
    handouts = [Handout(chapter(p), out_dir / (p.stem + ".html")) for p in executed]
    # A handout left from an earlier run (a renamed notebook, one that failed this time) would
    # pass for current: the folder holds exactly this build.
    keep = {"index.html"} | {h.html.name for h in handouts}
    if pdf and have_browser:
        keep |= {h.html.stem + ".pdf" for h in handouts}
    for old in [*out_dir.glob("*.html"), *out_dir.glob("*.pdf")]:
        if old.name not in keep:
            old.unlink()
    # lecture slides of the chapters that have slide types, in slides/ (the same folder rule)
    for old in (out_dir / SLIDES).glob("*.slides.html"):
        old.unlink()
    try:
        made = {p.name.removesuffix(".slides.html"): p
                for p in slides(executed, out_dir / SLIDES, language)}
    except HandoutError as e:
        made = {}
        notes.append(str(e))
        warn(str(e))
    for h in handouts:
        h.slides = made.get(h.chapter.notebook.stem)
    if not have_browser:
        for h in handouts:
            nb = nbformat.read(h.chapter.notebook, as_version=4)
            h.html.write_text(notebook_html(nb, h.chapter, True, language), encoding="utf-8")
        (out_dir / "index.html").write_text(index_html(handouts, notes, True, language, editions),
                                            encoding="utf-8")
        return handouts
    with Browser(browser) as b:
        for h in handouts:
            started = time.perf_counter()
            nb = nbformat.read(h.chapter.notebook, as_version=4)
            h.formulas = b.typeset(notebook_html(nb, h.chapter, False, language), h.html)
            h.seconds_html = time.perf_counter() - started
            if pdf:
                started = time.perf_counter()
                h.pdf = h.html.with_suffix(".pdf")
                h.pages = b.print_pdf(h.html, h.pdf, h.chapter.title, TEXT[language]["nav"])
                h.seconds_pdf = time.perf_counter() - started
        b.typeset(index_html(handouts, notes, False, language, editions), out_dir / "index.html")
    return handouts


def describe(h: Handout) -> str:
    size = h.html.stat().st_size // 1024
    line = f"{h.html.name} ({size} KiB, {h.formulas} formulas, {h.seconds_html:.1f} s)"
    if h.pdf is not None:
        line += (f", {h.pdf.name} ({h.pages} pages, {h.pdf.stat().st_size // 1024} KiB, "
                 f"{h.seconds_pdf:.1f} s)")
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="executed notebooks, in order")
    parser.add_argument("--out", type=Path, default=HANDOUTS, help="output folder")
    parser.add_argument("--no-pdf", action="store_true", help="HTML and index only")
    parser.add_argument("--language", choices=LANGUAGES, default="en",
                        help="the edition the notebooks belong to (index and page texts)")
    parser.add_argument("--link", action="append", choices=LANGUAGES, default=[],
                        help="another edition for the index to link to (repeatable)")
    args = parser.parse_args(argv)
    for h in build(args.notebooks, args.out, pdf=not args.no_pdf, language=args.language,
                   editions=args.link):
        print(f"  {describe(h)}")
    print(f"index: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
