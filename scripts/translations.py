"""The Chinese edition: translations kept beside the English notebooks, and the notebooks made from them.

One source, two languages. The English notebooks ``notebooks/NN-name.ipynb`` are the source of
everything but the prose: ``notebooks/zh/NN-name.ipynb`` is *generated* from an English notebook
and its translation file ``notebooks/zh/translations/NN-name.md``, so the code cells of the two
editions are the same by construction. Never edit a file in ``notebooks/zh/`` by hand except the
translation files.

A translation file holds one block per markdown cell of the English notebook, in order::

    <!-- cell 452c01dd · en 3f9a1c0b77e2 -->
    ## 公式

    取一个小批量 …

The marker names the cell (its nbformat cell id) and the first 12 hex digits of the SHA-256 of
the English text the block was translated from. ``check`` compares that hash with the English
cell of today, so an English paragraph edited after its translation is reported as *stale*.

Commands (run with the virtualenv's python, from anywhere)::

    scripts/translations.py check      # what is missing, stale or not generated; exit 1 if anything
    scripts/translations.py update     # add blocks for new cells (English text, marked TODO translate),
                                       # mark stale ones TODO update (with a diff of the English),
                                       # drop blocks of deleted cells
    scripts/translations.py generate   # write notebooks/zh/*.ipynb (only from complete translations)

The graded assignment goes the same way: its source ``notebooks/assignments/source/NAME/NAME.ipynb``
has the translation file ``notebooks/assignments/translations/NAME.md`` and the generated Chinese
assignment ``notebooks/assignments/source/NAME-zh/NAME.ipynb`` (nbgrader's cell metadata, solutions
and hidden tests included, since code cells are copied as they are).

``update`` and ``generate`` take notebook paths to work on some notebooks only. A translator
replaces the text of a ``TODO`` block and deletes ``· TODO translate`` (or the change note and
``· TODO update``) from its marker. tests/test_translations.py runs ``check``.
"""
from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE = "assignments"  # nbgrader's course folder in notebooks/ (scripts/assignment.py)
LANGUAGE = "zh"  # the edition this script makes; scripts/kernel_start.py knows its folder too
COMMAND = ".venv/bin/python scripts/translations.py"

MARKER = re.compile(r"^<!-- cell (?P<id>\S+) · en (?P<hash>[0-9a-f]{12})"
                    r"(?: · TODO (?P<todo>translate|update))? -->$", re.M)
CHANGE_NOTE = "<!-- The English of this cell changed"
HEADER = """<!-- Chinese text of {english}, one block per markdown cell, in the notebook's order.
Edit the text under a marker, never the marker's cell id or hash; a block marked TODO still needs
a translator. `{command} --help` explains the workflow. -->
"""


class TranslationError(ValueError):
    """A notebook or translation file that the tool cannot work with as it is."""


def source_hash(text: str) -> str:
    """The short hash a marker records: SHA-256 of the English cell text, 12 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Block:
    cell_id: str
    english_hash: str
    text: str
    todo: str | None = None  # "translate" or "update"

    def render(self) -> str:
        todo = f" · TODO {self.todo}" if self.todo else ""
        return f"<!-- cell {self.cell_id} · en {self.english_hash}{todo} -->\n{self.text.strip()}\n"


@dataclass
class Edition:
    """Where an English notebook's translation and generated notebook live (under ``notebooks``)."""
    english: Path
    notebooks: Path = NOTEBOOKS

    @property
    def assignment(self) -> bool:
        """An assignment's source, notebooks/assignments/source/NAME/NAME.ipynb."""
        folder = self.english.parent
        return folder.parent.name == "source" and folder.parent.parent == self.notebooks / COURSE

    @property
    def translation(self) -> Path:
        if self.assignment:
            return self.notebooks / COURSE / "translations" / (self.english.parent.name + ".md")
        return self.notebooks / LANGUAGE / "translations" / (self.english.stem + ".md")

    @property
    def generated(self) -> Path:
        if self.assignment:
            return self.english.parent.parent / f"{self.english.parent.name}-{LANGUAGE}" / self.english.name
        return self.notebooks / LANGUAGE / self.english.name

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.notebooks.parent))
        except ValueError:
            return str(path)


@dataclass
class Report:
    """What stands between one English notebook and a current Chinese edition."""
    edition: Edition
    missing: list[str] = field(default_factory=list)     # cell ids with no block
    todo: list[str] = field(default_factory=list)        # blocks marked TODO
    stale: list[str] = field(default_factory=list)       # English changed since translated
    noted: list[str] = field(default_factory=list)       # a change note left in the text
    obsolete: list[str] = field(default_factory=list)    # blocks of cells that no longer exist
    generated: str = ""                                  # why the generated notebook is not current
    first_lines: dict[str, str] = field(default_factory=dict)

    @property
    def translated(self) -> bool:
        return not (self.missing or self.todo or self.stale or self.noted or self.obsolete)

    @property
    def ok(self) -> bool:
        return self.translated and not self.generated

    def describe(self) -> str:
        e = self.edition
        lines = [f"{e.rel(e.english)}: the Chinese edition is not current."]

        def cells(label: str, ids: list[str]) -> None:
            if ids:
                lines.append(f"  {label}:")
                lines.extend(f"    cell {i}: {self.first_lines.get(i, '')}" for i in ids)

        if not e.translation.exists():
            lines.append(f"  no translation file {e.rel(e.translation)}")
        cells("markdown cells with no translation", self.missing)
        cells("English changed since the translation (stale)", self.stale)
        cells("blocks still marked TODO", self.todo)
        cells("blocks that still carry the note about a change in the English", self.noted)
        cells("blocks of cells the English notebook no longer has", self.obsolete)
        steps = []
        if self.missing or self.stale or self.obsolete:
            steps.append(f"run: {COMMAND} update {e.rel(e.english)}")
        if not self.translated:
            steps.append(f"translate the blocks marked TODO in {e.rel(e.translation)} and delete "
                         "'· TODO ...' (and any change note) from their markers")
        elif self.generated:
            lines.append(f"  {self.generated}")
        steps.append(f"run: {COMMAND} generate")
        lines += [f"  {n}. {step}" for n, step in enumerate(steps, 1)]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Reading

def english_notebooks(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The English notebooks in chapter order (the same list the runner executes)."""
    return sorted(p for p in notebooks.glob("*.ipynb") if not p.name.startswith("."))


def assignment_notebooks(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The English sources of the graded assignments (not their generated editions)."""
    return sorted(p for p in (notebooks / COURSE / "source").glob("*/*.ipynb")
                  if not p.parent.name.endswith(f"-{LANGUAGE}"))


def read_english(path: Path):
    raw = path.read_text(encoding="utf-8")
    ids = [c.get("id") for c in json.loads(raw).get("cells", [])]  # before nbformat "corrects" them
    if not all(ids):
        raise TranslationError(f"{path} has cells without an id (nbformat 4.5 or newer keeps one per "
                               "cell): open it in JupyterLab 4 and save it, which adds them.")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise TranslationError(f"{path} repeats the cell ids {repeated}: give each cell its own id "
                               "(copying cells in a text editor copies ids; JupyterLab never does).")
    return nbformat.reads(raw, as_version=4)


def prose_cells(nb) -> list:
    """The cells a translation covers: every markdown cell with text."""
    return [c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()]


def read_blocks(path: Path) -> list[Block]:
    """The blocks of a translation file (none if it does not exist)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    markers = list(MARKER.finditer(text))
    head = text[:markers[0].start()] if markers else text
    if re.sub(r"<!--.*?-->", "", head, flags=re.S).strip():
        raise TranslationError(f"{path}: text before the first cell marker; every text belongs "
                               "under a marker `<!-- cell ID · en HASH -->`.")
    blocks, seen = [], set()
    for i, m in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        if m["id"] in seen:
            raise TranslationError(f"{path}: two blocks for cell {m['id']}; keep one.")
        seen.add(m["id"])
        blocks.append(Block(m["id"], m["hash"], text[m.end():end].strip("\n"), m["todo"]))
    return blocks


def write_blocks(edition: Edition, blocks: list[Block]) -> None:
    edition.translation.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(english=edition.rel(edition.english), command=COMMAND)
    edition.translation.write_text(header + "\n" + "\n".join(b.render() for b in blocks),
                                   encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Generating

def build(edition: Edition, nb=None, blocks: list[Block] | None = None):
    """The Chinese notebook: the English one with translated prose, outputs cleared."""
    nb = copy.deepcopy(nb if nb is not None else read_english(edition.english))
    by_id = {b.cell_id: b for b in (blocks if blocks is not None else read_blocks(edition.translation))}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source = by_id[cell.id].text
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    english = Path(os.path.relpath(edition.english, edition.generated.parent)).as_posix()
    nb.metadata["bnlab"] = {"edition": LANGUAGE, "english": english,
                            "generated": "from the English notebook and translations/; "
                                         "edit those, not this file"}
    return nb


def notebook_text(nb) -> str:
    """The notebook file as nbformat.write (and JupyterLab) writes it."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def report(edition: Edition) -> Report:
    nb = read_english(edition.english)
    blocks = read_blocks(edition.translation)
    by_id = {b.cell_id: b for b in blocks}
    r = Report(edition)
    prose = prose_cells(nb)
    r.first_lines = {c.id: c.source.strip().splitlines()[0][:70] for c in prose}
    for cell in prose:
        block = by_id.get(cell.id)
        if block is None:
            r.missing.append(cell.id)
        elif block.todo:
            r.todo.append(cell.id)
        elif block.english_hash != source_hash(cell.source):
            r.stale.append(cell.id)
        elif CHANGE_NOTE in block.text:
            r.noted.append(cell.id)
    wanted = {c.id for c in prose}
    r.obsolete = [b.cell_id for b in blocks if b.cell_id not in wanted]
    if r.translated:
        if not edition.generated.exists():
            r.generated = f"{edition.rel(edition.generated)} does not exist"
        elif edition.generated.read_text(encoding="utf-8") != notebook_text(build(edition, nb, blocks)):
            r.generated = (f"{edition.rel(edition.generated)} differs from what the English notebook "
                           "and its translation give (code or prose changed since it was generated)")
    return r


def generate(editions: list[Edition]) -> list[Report]:
    """Writes the Chinese notebook of every complete translation; returns the incomplete ones."""
    incomplete = []
    for e in editions:
        r = report(e)
        if not r.translated:
            incomplete.append(r)
            continue
        e.generated.parent.mkdir(parents=True, exist_ok=True)
        e.generated.write_text(notebook_text(build(e)), encoding="utf-8")
    return incomplete


# ---------------------------------------------------------------------------------------------
# Updating

def english_at(edition: Edition, cell_id: str, wanted_hash: str) -> str | None:
    """The English text of a cell as it was when translated: found in git history by its hash."""
    root = edition.notebooks.parent
    try:
        rel = edition.english.resolve().relative_to(root.resolve())
        commits = subprocess.run(["git", "log", "--format=%H", "-n", "200", "--", str(rel)], cwd=root,
                                 capture_output=True, text=True, check=True).stdout.split()
    except (ValueError, OSError, subprocess.CalledProcessError):
        return None
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=root, capture_output=True,
                               text=True)
        if shown.returncode != 0:
            continue
        for cell in json.loads(shown.stdout).get("cells", []):
            text = "".join(cell.get("source", []))
            if cell.get("id") == cell_id and source_hash(text) == wanted_hash:
                return text
    return None


def change_note(old: str | None, new: str) -> str:
    if old is None:
        body = "(the earlier English text is not in git history) The English now reads:\n" + new
    else:
        body = "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "now",
                                              lineterm="", n=1))
    body = body.replace("-->", "--&gt;")
    return (f"{CHANGE_NOTE} (diff below). Bring the Chinese up to date, then delete this note and "
            f"'· TODO update' from the marker.\n{body}\n-->")


def update(edition: Edition) -> Report:
    """Brings a translation file in line with its English notebook (see the module doc)."""
    nb = read_english(edition.english)
    old = {b.cell_id: b for b in read_blocks(edition.translation)}
    blocks = []
    for cell in prose_cells(nb):
        now = source_hash(cell.source)
        block = old.get(cell.id)
        if block is None:
            blocks.append(Block(cell.id, now, cell.source, "translate"))
        elif block.english_hash != now and block.todo == "translate":
            blocks.append(Block(cell.id, now, cell.source, "translate"))  # the new English to translate
        elif block.english_hash != now:
            note = change_note(english_at(edition, cell.id, block.english_hash), cell.source)
            blocks.append(Block(cell.id, now, note + "\n" + block.text, "update"))
        else:
            blocks.append(block)
    write_blocks(edition, blocks)
    return report(edition)


# ---------------------------------------------------------------------------------------------

def editions_for(paths: list[str], notebooks: Path = NOTEBOOKS) -> list[Edition]:
    if not paths:
        return [Edition(p, notebooks) for p in english_notebooks(notebooks) + assignment_notebooks(notebooks)]
    chosen = []
    for p in paths:
        path = Path(p).resolve()
        if path in assignment_notebooks(notebooks.resolve()):
            chosen.append(Edition(path, notebooks.resolve()))
            continue
        if path.parent != notebooks.resolve() or path.suffix != ".ipynb" or not path.exists():
            raise TranslationError(f"{p} is not an English notebook in {notebooks}: give paths like "
                                   "notebooks/01-bn-formula.ipynb.")
        chosen.append(Edition(path, notebooks))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "update", "generate"])
    parser.add_argument("notebooks", nargs="*", help="English notebooks (default: all)")
    args = parser.parse_args(argv)
    try:
        editions = editions_for(args.notebooks)
        if args.command == "check":
            reports = [report(e) for e in editions]
        elif args.command == "update":
            reports = [update(e) for e in editions]
        else:
            reports = generate(editions)
            skipped = [r.edition.english for r in reports]
            for e in (e for e in editions if e.english not in skipped):
                print(f"wrote {e.rel(e.generated)}")
    except TranslationError as e:
        print(f"translations: {e}", file=sys.stderr)
        return 2
    bad = [r for r in reports if not r.ok]
    for r in bad:
        print(r.describe(), file=sys.stderr)
    if not bad:
        print(f"translations: {len(editions)} notebook(s), every markdown cell translated and current"
              + ("" if args.command != "check" else ", generated notebooks current"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
