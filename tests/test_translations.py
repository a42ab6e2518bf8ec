"""The Chinese edition is generated from the English notebooks and is current.

For every English notebook: each markdown cell has a Chinese block translated from today's English
text (not stale, not marked TODO), notebooks/zh/NN-name.ipynb is exactly what
scripts/translations.py generates from the two, and its code cells are the English ones. A new
English notebook fails here until it is translated; the message names the cells and the commands.
The workflow itself is tested on a copy of one notebook in a temporary folder.
"""
import json
import shutil
import subprocess

import nbformat
import pytest

import kernel_start
import notebooks as nbrun
import translations as tr

ENGLISH = tr.english_notebooks()
ASSIGNMENTS = tr.assignment_notebooks()  # the graded assignment's source, same mechanism


def test_the_editions_agree():
    assert ENGLISH and ENGLISH == nbrun.notebooks("en")
    assert kernel_start.EDITIONS == (tr.LANGUAGE,) == tuple(e for e in nbrun.EDITIONS if e != "en")


@pytest.mark.parametrize("english", ENGLISH + ASSIGNMENTS, ids=lambda p: p.name)
def test_chinese_edition_is_translated_and_generated(english):
    report = tr.report(tr.Edition(english))
    assert report.ok, "\n" + report.describe()


@pytest.mark.parametrize("english", ENGLISH + ASSIGNMENTS, ids=lambda p: p.name)
def test_code_cells_are_the_same_in_both_editions(english):
    zh = tr.Edition(english).generated
    assert zh.exists(), f"no {zh}: run {tr.COMMAND} generate"
    en_nb, zh_nb = (nbformat.read(p, as_version=4) for p in (english, zh))
    en_code = [(c.id, c.source) for c in en_nb.cells if c.cell_type == "code"]
    zh_code = [(c.id, c.source) for c in zh_nb.cells if c.cell_type == "code"]
    differ = [i for (i, a), (_, b) in zip(en_code, zh_code) if a != b]
    assert len(en_code) == len(zh_code) and not differ, \
        f"{zh.name}: code cells {differ or 'count'} differ from the English: run {tr.COMMAND} generate"
    assert [c.cell_type for c in en_nb.cells] == [c.cell_type for c in zh_nb.cells]


def test_no_chinese_notebook_without_an_english_one():
    names = {p.name for p in ENGLISH}
    orphans = [p.name for p in nbrun.notebooks("zh") if p.name not in names]
    orphans += [p.name for p in (nbrun.NOTEBOOKS / "zh" / "translations").glob("*.md")
                if p.stem + ".ipynb" not in names]
    assert not orphans, f"Chinese files whose English notebook is gone: {orphans}; delete them"


def test_chinese_text_is_chinese():
    """A block is a translation, not the English copied over: it has Chinese characters."""
    for english in ENGLISH + ASSIGNMENTS:
        for block in tr.read_blocks(tr.Edition(english).translation):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in block.text), \
                f"{english.name}, cell {block.cell_id}: no Chinese in the translation"


def test_display_formulas_are_kept_verbatim():
    """Equations are the same in both languages: every $$...$$ of an English cell is in its block."""
    import re

    for english in ENGLISH:
        nb = tr.read_english(english)
        blocks = {b.cell_id: b.text for b in tr.read_blocks(tr.Edition(english).translation)}
        for cell in tr.prose_cells(nb):
            for formula in re.findall(r"\$\$.*?\$\$", cell.source, re.S):
                assert formula in blocks[cell.id], \
                    f"{english.name}, cell {cell.id}: formula changed or missing:\n{formula}"


def test_glossary_names_the_variants_and_warns_about_momentum():
    first = tr.read_blocks(tr.Edition(ENGLISH[0]).translation)[0].text
    for term in ("批量规范化", "批量归一化", "批标准化", "滑动平均", "移动平均", "小批量", "拉伸参数",
                 "偏移参数", "训练模式", "预测模式", "通道维", "内部协变量偏移", "暂退法", "动量"):
        assert term in first, f"the glossary of {ENGLISH[0].name} lacks {term}"
    assert "动量法" in first and "毫无关系" in first


# ---------------------------------------------------------------------------------------------
# The maintainer's workflow, on a copy: a new notebook, a translation, an edited paragraph.

@pytest.fixture
def project(tmp_path):
    """A git repository with notebooks/ holding a copy of the first English notebook."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ENGLISH[0], notebooks / "06-new.ipynb")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(git + ["add", "."], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "English"], cwd=tmp_path, check=True)
    return tr.Edition(notebooks / "06-new.ipynb", notebooks)


def translate_all(edition, suffix="（中文）"):
    blocks = tr.read_blocks(edition.translation)
    for b in blocks:
        b.text, b.todo = "译文" + suffix + b.cell_id, None
    tr.write_blocks(edition, blocks)


def test_a_new_notebook_fails_with_the_cells_and_the_commands(project):
    report = tr.report(project)
    message = report.describe()
    assert not report.ok and report.missing
    assert "no translation file notebooks/zh/translations/06-new.md" in message
    for cell_id in report.missing:
        assert f"cell {cell_id}: " in message
    assert f"{tr.COMMAND} update notebooks/06-new.ipynb" in message
    assert f"{tr.COMMAND} generate" in message


def test_update_translate_generate(project):
    report = tr.update(project)
    prose = tr.prose_cells(tr.read_english(project.english))
    assert report.todo == [c.id for c in prose] and not report.missing
    assert "TODO translate" in project.translation.read_text()
    incomplete = tr.generate([project])
    assert [r.edition.english for r in incomplete] == [project.english]
    assert not project.generated.exists()  # nothing is generated from an incomplete translation
    translate_all(project)
    assert tr.generate([project]) == []
    assert tr.report(project).ok, tr.report(project).describe()
    nb = json.loads(project.generated.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "java"
    assert nb["metadata"]["bnlab"]["edition"] == "zh"
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert "".join(nb["cells"][0]["source"]).startswith("译文")


def test_an_edited_paragraph_is_stale_and_update_shows_the_english_diff(project):
    tr.update(project)
    translate_all(project)
    tr.generate([project])
    nb = nbformat.read(project.english, as_version=4)
    cell = tr.prose_cells(nb)[1]
    cell.source += "\n\nA new English sentence."
    nbformat.write(nb, project.english)
    report = tr.report(project)
    assert report.stale == [cell.id], report.describe()
    assert f"cell {cell.id}" in report.describe()
    tr.update(project)
    block = next(b for b in tr.read_blocks(project.translation) if b.cell_id == cell.id)
    assert block.todo == "update"
    assert "+A new English sentence." in block.text  # the diff against the translated English
    assert "译文（中文）" in block.text               # the Chinese is kept for the translator
    block.text = "新的译文"
    block.todo = None
    tr.write_blocks(project, [block if b.cell_id == cell.id else b
                              for b in tr.read_blocks(project.translation)])
    assert tr.report(project).translated
    assert tr.report(project).generated  # the generated notebook is now out of date
    tr.generate([project])
    assert tr.report(project).ok


def test_a_changed_code_cell_makes_the_generated_notebook_out_of_date(project):
    tr.update(project)
    translate_all(project)
    tr.generate([project])
    nb = nbformat.read(project.english, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\n// changed"
    nbformat.write(nb, project.english)
    report = tr.report(project)
    assert report.translated and report.generated and "generate" in report.describe()


def test_a_deleted_paragraph_leaves_an_obsolete_block_that_update_drops(project):
    tr.update(project)
    translate_all(project)
    nb = nbformat.read(project.english, as_version=4)
    gone = tr.prose_cells(nb)[2].id
    nb.cells = [c for c in nb.cells if c.id != gone]
    nbformat.write(nb, project.english)
    assert tr.report(project).obsolete == [gone]
    tr.update(project)
    assert gone not in {b.cell_id for b in tr.read_blocks(project.translation)}


def test_bad_files_get_clear_errors(project):
    nb = json.loads(project.english.read_text())
    nb["cells"][1]["id"] = nb["cells"][0]["id"]
    project.english.write_text(json.dumps(nb))
    with pytest.raises(tr.TranslationError, match="repeats the cell ids"):
        tr.read_english(project.english)
    project.translation.parent.mkdir(parents=True)
    project.translation.write_text("stray text\n<!-- cell x · en 0123456789ab -->\n译文\n")
    with pytest.raises(tr.TranslationError, match="text before the first cell marker"):
        tr.read_blocks(project.translation)


def test_kernels_start_a_chinese_notebook_in_the_english_folder_with_its_language(tmp_path):
    """What a Java kernel for notebooks/zh/NN.ipynb sees: cwd notebooks/ and BNLAB_LANG=zh,
    so the shared code cells' ../lib/target paths resolve (scripts/kernel_start.py)."""
    import os
    import sys

    zh = tmp_path / "notebooks" / "zh"
    zh.mkdir(parents=True)
    probe = "import os; print(os.getcwd()); print(os.environ.get('BNLAB_LANG'))"
    env = {k: v for k, v in os.environ.items() if k != "BNLAB_LANG"}
    for cwd, expected in ((zh, (zh.parent, "zh")), (zh.parent, (zh.parent, "None")),
                          (tmp_path, (tmp_path, "None"))):
        out = subprocess.run([sys.executable, kernel_start.__file__, sys.executable, "-c", probe],
                             cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout
        assert out.split() == [str(expected[0]), expected[1]]
