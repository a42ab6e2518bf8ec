"""One rendering per term in the Chinese edition.

``notebooks/zh/terms.tsv`` lists, for each term whose translation varies between sources, the
rendering this course uses (d2l-zh's where it has one) and the variants that must not appear in
its place. The glossary of notebook 1 lists every rendering; no other Chinese text (translation
blocks, figure and table labels) may use a variant. The message names the file, the cell and the
word to replace.
"""
import re
from pathlib import Path

import pytest

import translations as tr

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "notebooks" / "zh" / "terms.tsv"
LABELS = ROOT / "lib" / "src" / "main" / "resources" / "bnlab" / "viz" / "labels-zh.tsv"
TEACHERS = ROOT / "scripts" / "handout" / "teachers.yaml"  # the handouts' teacher's page
ENGLISH = tr.english_notebooks()


def terms():
    rows = []
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        chosen, english, variants = line.split("\t")
        rows.append((chosen, english, [re.compile(v.strip()) for v in variants.split(" | ")]))
    return rows


def glossary() -> str:
    """The block of notebook 1 that holds the glossary table (术语对照)."""
    blocks = tr.read_blocks(tr.Edition(ENGLISH[0]).translation)
    found = [b.text for b in blocks if "术语对照" in b.text]
    assert found, f"no glossary (术语对照) in {tr.Edition(ENGLISH[0]).translation}"
    return found[0]


def chinese_texts():
    """(where, text) of every Chinese text but the glossary: translation blocks (the chapters' and
    the graded assignment's), the teacher's page, then labels."""
    for english in ENGLISH + tr.assignment_notebooks():
        edition = tr.Edition(english)
        for block in tr.read_blocks(edition.translation):
            text = block.text
            if "术语对照" in text:  # the glossary table may name the variants; its prose may not
                text = "\n".join(l for l in text.splitlines() if not l.startswith("|"))
            yield f"{edition.rel(edition.translation)}, cell {block.cell_id}", text
    import yaml

    teachers = yaml.safe_load(TEACHERS.read_text(encoding="utf-8"))
    for key, item in teachers["notebooks"].items():
        yield f"{TEACHERS.relative_to(ROOT)}, notebook {key}", " ".join(item["zh"].values())
    for n, item in enumerate(teachers["exercises"], 1):
        yield f"{TEACHERS.relative_to(ROOT)}, exercise {n}", " ".join(item["zh"].values())
    for n, line in enumerate(LABELS.read_text(encoding="utf-8").splitlines(), 1):
        if "\t" in line and not line.startswith("#"):
            yield f"{LABELS.relative_to(ROOT)}:{n}", line.split("\t", 1)[1]


def test_the_term_table_is_well_formed():
    rows = terms()
    assert len(rows) >= 5
    for chosen, _, variants in rows:
        for v in variants:
            assert not v.search(chosen), f"terms.tsv: the variant /{v.pattern}/ matches the rendering {chosen}"


@pytest.mark.parametrize("chosen", [t[0] for t in terms()])
def test_the_glossary_lists_every_rendering(chosen):
    assert chosen in glossary(), f"add {chosen} to the glossary (术语对照) of notebook 1"


def test_no_second_rendering_of_a_glossary_term():
    found = []
    for where, text in chinese_texts():
        for chosen, english, variants in terms():
            for v in variants:
                for m in v.finditer(text):
                    found.append(f"{where}: “{m.group(0)}” → {chosen} ({english})")
    assert not found, "a second rendering of a glossary term (notebooks/zh/terms.tsv):\n" + "\n".join(found)


def claims(notebook: Path) -> list[tuple[str, bool]]:
    """The claim sentences a notebook checks (``Claim.check`` / ``checkUnlessQuick``): (text, whether
    it is only the literal start of a claim built at run time, which a pattern line must cover)."""
    import json
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for m in re.finditer(r'Claim\.check(?:UnlessQuick)?\((?:\w+,\s*)?((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)', source):
            text = json.loads('"' + "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))) + '"')
            found.append((text, m.group(1).rstrip().endswith("+")))
    return found


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.name)
def test_every_claim_has_a_chinese_sentence(english):
    """The Chinese edition prints each checked claim in Chinese (bnlab.experiments.Claim looks it
    up in labels-zh.tsv); a new claim needs its line there, or the Chinese run stops."""
    exact, patterns = set(), []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if "\t" in line and not line.startswith("#"):
            english_text = line.split("\t", 1)[0]
            if english_text.startswith("re:"):
                patterns.append(re.compile(english_text[3:]))
            else:
                exact.add(english_text)
    missing = [c for c, prefix in claims(english)
               if not (any(p.pattern.replace("\\", "").startswith(c) for p in patterns)
                       if prefix else c in exact or any(p.fullmatch(c) for p in patterns))]
    assert not missing, (f"{english.name}: claims without a Chinese line in {LABELS.relative_to(ROOT)} "
                         f"(add 'English<TAB>中文'): {missing}")
