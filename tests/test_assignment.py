"""The graded assignment grades for real: nbgrader releases it, runs it under IJava, and scores
the teacher's solution, an untouched release and four planted wrong solutions.

The course folder is copied to a temporary ``notebooks/assignments/`` (with ``lib`` linked
beside ``notebooks``, as in the project) and the README's teacher commands run there
(``scripts/assignment.py``): ``release``, then ``grade`` on a folder of six submissions made from
the release the way a student makes one, by filling in the solution cells:

- ``solution``: the teacher's code; every autograded test gets its points;
- ``untouched``: the release as handed out; 0 points, and the grader still finishes;
- four common mistakes, each planted in one function, which must lose exactly the points of the
  tests that check that function (listed in ``PLANTED`` with the reason), and whose feedback
  page names each failing test.

The executed untouched release (as the autograder ran it) also shows that the provided code
compiles: every error in it is the stub's UnsupportedOperationException, none a compile error.
"""
from __future__ import annotations

import csv
import re
import shutil
import time

import nbformat
import pytest

import assignment
import notebooks as nbrun

NAME = assignment.ASSIGNMENT
SOURCE = assignment.COURSE / "source" / NAME / f"{NAME}.ipynb"

# Each mistake: (cell id, the solution line, the wrong line, the tests that must fail and why).
PLANTED = {
    "unbiased-variance": (
        "a-stats-b", "return Transforms.pow(X.sub(mean), 2).mean(true, axes);",
        "long m = X.length() / X.size(1);\n    "
        "return Transforms.pow(X.sub(mean), 2).sum(true, axes).div(m - 1);",
        # the batch variance is checked directly, through the training-mode output, and against
        # PyTorch's output and (converted) running variance; normalize, inference and the
        # backward pass receive their statistics and do not see it; the layer only has to agree
        # with the student's own function; LeNet still trains with a variance 1/(m-1) too large
        {"test_batch_statistics", "test_forward_training", "test_torch_forward_training",
         "test_torch_moving_statistics"}),
    "mean-over-wrong-axes": (
        "a-stats", "return X.mean(true, axes);", "return X.mean(true, 0);",
        # axis 0 alone is right for (N, C) but gives per-pixel means for (N, C, H, W): every
        # 4-D check of the statistics and of the training-mode output fails
        {"test_batch_statistics", "test_forward_training", "test_torch_forward_training",
         "test_torch_moving_statistics"}),
    "missing-epsilon": (
        "a-norm", "return X.sub(mean).div(Transforms.sqrt(var.add(eps)));",
        "return X.sub(mean).div(Transforms.sqrt(var));",
        # normalize is used in both modes: the constant feature becomes NaN in training mode,
        # inference outputs move by about eps/(2 var); the backward pass receives invStd, the
        # moving statistics do not involve eps
        {"test_normalize", "test_forward_training", "test_forward_inference",
         "test_torch_forward_training", "test_torch_inference"}),
    "backward-without-mean-terms": (
        "a-backward",
        "INDArray centred = dY.sub(dY.mean(true, axes)).sub(xHat.mul(dY.mul(xHat).mean(true, axes)));",
        "INDArray centred = dY;",
        # dX = gamma/sigma * dY is the inference-mode gradient (dGamma and dBeta stay right);
        # LeNet trains through it and does not learn (measured: mean loss 2.88 -> 2.50, train
        # accuracy 0.086 over steps 71-80, against 2.25 -> 0.75 and 0.645 with the solution)
        {"test_backward", "test_torch_backward", "test_lenet"}),
}


def solution_cells(nb) -> dict:
    return {c.id: c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def submission(release_nb, answers: dict[str, str]):
    """The release with its answer cells filled in, as a student hands it in."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    work = tmp_path_factory.mktemp("course")
    shutil.copytree(assignment.COURSE, work / "notebooks" / "assignments",
                    ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback",
                                                  "gradebook.db", ".ipynb_checkpoints"))
    (work / "lib").symlink_to(nbrun.ROOT / "lib")  # the first cell reads ../lib/target
    return work / "notebooks" / "assignments"


@pytest.fixture(scope="module")
def released(course):
    started = time.monotonic()
    made = assignment.release(course, out=None, quiet=True)
    print(f"release: {len(made)} notebook(s) in {time.monotonic() - started:.1f} s")
    return {p.parent.name: p for p in made}


@pytest.fixture(scope="module")
def graded(course, released, tmp_path_factory):
    source = nbformat.read(SOURCE, as_version=4)
    answers = solution_cells(source)
    release_nb = nbformat.read(released[NAME], as_version=4)
    folder = tmp_path_factory.mktemp("submissions")
    subs = {"solution": answers, "untouched": {}}
    for name, (cell, right, wrong, _) in PLANTED.items():
        assert answers[cell].count(right) == 1, f"{name}: '{right}' is not in cell {cell} once"
        subs[name] = {**answers, cell: answers[cell].replace(right, wrong)}
    for student, filled in subs.items():
        nbformat.write(submission(release_nb, filled), folder / f"{student}.ipynb")
    started = time.monotonic()
    out = assignment.grade(folder, NAME, course, tmp_path_factory.mktemp("grades"), quiet=True)
    print(f"autograde of {len(subs)} submissions, feedback and export: "
          f"{time.monotonic() - started:.1f} s")
    with (out / "tests.csv").open() as f:
        rows = list(csv.DictReader(f))
    scores = {}
    for r in rows:  # per cell: score, points, waits for the teacher
        scores.setdefault(r["student_id"], {})[r["cell"]] = (
            float(r["score"]), float(r["max_score"]), r["status"] != "graded")
    with (out / "grades.csv").open() as f:
        totals = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in csv.DictReader(f)}
    return {"out": out, "scores": scores, "totals": totals, "course": course}


def autograded(scores: dict) -> dict:
    """The autograded test cells (written answers have no score until a teacher grades them)."""
    return {cell: s[:2] for cell, s in scores.items() if cell.startswith("test_")}


def test_release_has_no_solution_and_no_hidden_test(released):
    source = nbformat.read(SOURCE, as_version=4)
    for name, path in dict(released).items():
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.name} ({name}) still has '{marker}'"
        release_nb = nbformat.read(path, as_version=4)
        lines = {line.strip() for c in release_nb.cells for line in c.source.splitlines()}
        # every line of every solution and hidden test is gone (unless the given code has it too)
        region = re.compile(r"BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)\n\s*// END", re.S)
        hidden = {line.strip() for c in source.cells for r in region.findall(c.source)
                  for line in r.splitlines() if line.strip()}
        given = {line.strip() for c in source.cells for line in region.sub("", c.source).splitlines()}
        assert hidden, "the source has no solution or hidden test lines to look for"
        leaked = sorted((hidden - given) & lines)
        assert not leaked, f"{name}: solution or hidden-test lines in the release: {leaked[:5]}"
        stubs = sum(c.source.count("throw new UnsupportedOperationException") for c in release_nb.cells
                    if c.cell_type == "code")
        assert stubs == sum(c.source.count("BEGIN SOLUTION") for c in source.cells
                            if c.cell_type == "code")


def test_release_runs_up_to_the_first_answer_without_a_compile_error(graded):
    executed = graded["course"] / "autograded" / "untouched" / NAME / f"{NAME}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    errors = [(c.id, o) for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors, "the untouched release raised nothing: are the stubs there?"
    first = [c.id for c in nb.cells if c.cell_type == "code"].index(errors[0][0])
    ran = [c for c in nb.cells if c.cell_type == "code"][:first]
    assert ran and all(c.get("execution_count") for c in ran), "cells before the first answer did not run"
    def trace(out) -> str:
        return "\n".join(out.get("traceback", [])) + out.get("evalue", "")

    # the first cell that stops is a test of an unanswered function: the stub's exception
    assert "UnsupportedOperationException" in trace(errors[0][1]), \
        f"cell {errors[0][0]} failed with something else than the stub:\n{trace(errors[0][1])[:2000]}"
    # later failures follow from unanswered code (a variable left null), never a compile error
    for cell_id, out in errors:
        assert "CompilationException" not in out.get("ename", "") and "cannot find symbol" not in trace(out), \
            f"cell {cell_id} of the release does not compile:\n{trace(out)[:2000]}"


def test_the_solution_gets_every_autograded_point(graded):
    tests = autograded(graded["scores"]["solution"])
    assert len(tests) >= 12
    lost = {cell: s for cell, s in tests.items() if s[0] != s[1]}
    assert not lost, f"the teacher's solution loses points: {lost}; see {graded['out']}/feedback/solution.html"
    answers = {cell: s for cell, s in graded["scores"]["solution"].items() if cell not in tests}
    assert len(answers) == 3 and all(waits for _, _, waits in answers.values()), \
        f"written answers should wait for the teacher: {answers}"
    total, maximum = graded["totals"]["solution"]
    assert total == sum(points for _, points in tests.values())
    assert maximum == sum(s[1] for s in graded["scores"]["solution"].values())
    print(f"solution: {total:g} of {maximum:g} (the rest is written answers)")


def test_the_untouched_release_scores_zero(graded):
    assert graded["totals"]["untouched"][0] == 0
    assert all(score == 0 for score, _, _ in graded["scores"]["untouched"].values())
    # answers left as released are scored 0 by nbgrader, not left to the teacher
    assert not any(waits for _, _, waits in graded["scores"]["untouched"].values())
    assert (graded["out"] / "feedback" / "untouched.html").exists()


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_mistake_loses_exactly_its_tests(graded, name):
    expected = PLANTED[name][3]
    tests = autograded(graded["scores"][name])
    failed = {cell for cell, (score, points) in tests.items() if score != points}
    partial = {cell for cell, (score, points) in tests.items() if 0 < score < points}
    assert not partial
    assert failed == expected, (f"{name}: failed {sorted(failed)}, expected {sorted(expected)}; "
                                f"see {graded['out']}/feedback/{name}.html")
    lost = sum(tests[c][1] for c in failed)
    total, maximum = graded["totals"][name]
    solution_total = graded["totals"]["solution"][0]
    assert total == solution_total - lost
    html = (graded["out"] / "feedback" / f"{name}.html").read_text(encoding="utf-8")
    for cell in expected:
        shown = re.search(rf'href="#{re.escape(cell)}">Test cell</a> \(Score: ([\d.]+) / ([\d.]+)\)', html)
        assert shown and float(shown.group(1)) == 0, f"the feedback does not name {cell} as failed"
        assert f"Grade cell: <code>{cell}</code>" in html
    print(f"{name}: {total:g} of {maximum:g} ({solution_total - lost:g} expected), "
          f"failed {sorted(failed)}")
