"""The graded assignment for teachers: make the students' version, grade a folder of submissions.

The course folder is ``notebooks/assignments/`` (nbgrader's layout: ``nbgrader_config.py``,
``source/batchnorm/`` the teacher's version with solutions and hidden tests, ``source/batchnorm-zh/``
its Chinese edition made by ``scripts/translations.py``). Both commands run nbgrader itself, in
that folder, with this project's Python environment and its Java kernel (IJava, kernelspec
``java``; ``scripts/kernel_start.py`` starts it in ``notebooks/`` so the first cell's class path
resolves), and its SQLite gradebook ``gradebook.db`` (nbgrader's default).

(The README's commands are ``scripts/assignment.sh release|grade``: set-up, then this script.)

    scripts/assignment.py release
        ``nbgrader generate_assignment`` for every assignment in source/: the students' version
        (solutions replaced by a stub that compiles and throws UnsupportedOperationException,
        hidden tests removed) in ``release/NAME/``, copied to ``build/handouts/assignment/``.

    scripts/assignment.py grade SUBMISSIONS [--assignment batchnorm]
        SUBMISSIONS is a folder with one notebook per student, ``STUDENT.ipynb`` or
        ``STUDENT/anything.ipynb`` (the student id is the file or folder name). Runs
        ``nbgrader autograde`` (every cell executed under IJava, hidden tests restored),
        ``nbgrader generate_feedback`` and ``nbgrader export``, and writes to ``build/grades/NAME/``:
        ``grades.csv`` (nbgrader's export: one row per student, score and max score),
        ``tests.csv`` (one row per student and graded cell: its points and score), and
        ``feedback/STUDENT.html`` (each student's feedback: every graded cell with its score, the
        failing tests with their error). Written answers need a teacher: grade them in nbgrader's
        formgrader (JupyterLab, with ``--course notebooks/assignments``) and export again.

``--course DIR`` works on another copy of the course folder (the tests use one).
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks" / "assignments"
HANDOUTS = ROOT / "build" / "handouts" / "assignment"
GRADES = ROOT / "build" / "grades"
ASSIGNMENT = "batchnorm"
# The stub that replaces a written answer, per edition (nbgrader's default is English).
TEXT_STUB = {"en": "YOUR ANSWER HERE", "zh": "在此作答（YOUR ANSWER HERE）"}


class AssignmentError(RuntimeError):
    """A command could not do what it promises; the message says why and what to do."""


def language(assignment: str) -> str:
    return "zh" if assignment.endswith("-zh") else "en"


def assignments(course: Path = COURSE) -> list[str]:
    """The assignments of the course: the folders of source/ (English first)."""
    found = sorted(p.name for p in (course / "source").iterdir() if p.is_dir()
                   and any(p.glob("*.ipynb")))
    if not found:
        raise AssignmentError(f"no assignment in {course / 'source'}")
    return found


def nbgrader(course: Path, *args: str, quiet: bool = False) -> None:
    """Runs ``nbgrader ARGS`` in the course folder with this environment's tools on PATH (nbgrader
    calls alembic by name) and its Jupyter kernels."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [sys.executable, "-m", "nbgrader", *args]
    result = subprocess.run(command, cwd=course, env=env, text=True,
                            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        detail = f":\n{result.stdout[-4000:]}" if quiet and result.stdout else ""
        raise AssignmentError(f"`nbgrader {' '.join(args)}` failed (exit {result.returncode}) in "
                              f"{course}{detail}")


def release(course: Path = COURSE, out: Path | None = HANDOUTS, quiet: bool = False) -> list[Path]:
    """The students' version of every assignment, in release/; copies in ``out``."""
    made = []
    for name in assignments(course):
        nbgrader(course, "generate_assignment", name, "--force",
                 f"--ClearSolutions.text_stub={TEXT_STUB[language(name)]}", quiet=quiet)
        for notebook in sorted((course / "release" / name).glob("*.ipynb")):
            made.append(notebook)
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                shutil.copy2(notebook, out / f"{name}.ipynb")
    return made


def in_gradebook(course: Path, assignment: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    db = course / "gradebook.db"
    if not db.exists():
        return False
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def student_id(name: str) -> str:
    sid = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
    if not sid:
        raise AssignmentError(f"cannot make a student id from '{name}'")
    return sid


def collect(submissions: Path) -> dict[str, Path]:
    """One notebook per student: STUDENT.ipynb, or the notebook inside a folder STUDENT/."""
    if not submissions.is_dir():
        raise AssignmentError(f"{submissions} is not a folder: give a folder with one STUDENT.ipynb "
                              "or STUDENT/ folder per student")
    found: dict[str, Path] = {}
    for entry in sorted(submissions.iterdir()):
        if entry.is_file() and entry.suffix == ".ipynb":
            found[student_id(entry.stem)] = entry
        elif entry.is_dir() and not entry.name.startswith("."):
            notebooks = [p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
            if len(notebooks) != 1:
                raise AssignmentError(f"{entry} holds {len(notebooks)} notebooks; expected one "
                                      "submission per student")
            found[student_id(entry.name)] = notebooks[0]
    if not found:
        raise AssignmentError(f"no .ipynb submission in {submissions}")
    return found


def grade(submissions: Path, assignment: str = ASSIGNMENT, course: Path = COURSE,
          out: Path | None = None, quiet: bool = False) -> Path:
    """Autogrades every submission; returns the folder with grades.csv, tests.csv, feedback/."""
    out = out or GRADES / assignment
    if assignment not in assignments(course):
        raise AssignmentError(f"no assignment '{assignment}' in {course / 'source'}; there are "
                              f"{assignments(course)}")
    if not in_gradebook(course, assignment):  # a fresh clone: nbgrader records it when releasing
        nbgrader(course, "generate_assignment", assignment, "--force",
                 f"--ClearSolutions.text_stub={TEXT_STUB[language(assignment)]}", quiet=quiet)
    [release_nb] = (course / "release" / assignment).glob("*.ipynb")
    students = collect(submissions)
    for sid, notebook in students.items():
        target = course / "submitted" / sid / assignment
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy2(notebook, target / release_nb.name)
        # without --force nbgrader skips what it has graded already: these are (re)graded,
        # submissions of earlier batches are left as they are
        for done in ("autograded", "feedback"):
            shutil.rmtree(course / done / sid / assignment, ignore_errors=True)
    nbgrader(course, "autograde", assignment, "--create", quiet=quiet)
    nbgrader(course, "generate_feedback", assignment, quiet=quiet)
    out.mkdir(parents=True, exist_ok=True)
    nbgrader(course, "export", f"--to={out / 'grades.csv'}", f"--assignment={assignment}",
             *(f"--student={sid}" for sid in students), quiet=quiet)
    feedback = out / "feedback"
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir()
    for sid in students:
        for html in (course / "feedback" / sid / assignment).glob("*.html"):
            shutil.copy2(html, feedback / f"{sid}.html")
    write_tests_csv(course, assignment, list(students), out / "tests.csv")
    return out


def test_scores(course: Path, assignment: str, student: str) -> dict[str, tuple[float, float, bool]]:
    """Per graded cell (its grade id) of a student's autograded submission: (score, points, waits
    for the teacher). A written answer waits for the teacher (score 0 until graded) unless it was
    left as released, which nbgrader scores 0 itself."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(assignment, student)
        return {g.name: (g.score, g.max_score, bool(g.needs_manual_grade))
                for nb in submission.notebooks for g in nb.grades}


def write_tests_csv(course: Path, assignment: str, students: list[str], target: Path) -> None:
    with target.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["student_id", "assignment", "cell", "score", "max_score", "status"])
        for sid in students:
            for cell, (score, points, manual) in test_scores(course, assignment, sid).items():
                out.writerow([sid, assignment, cell, score, points,
                              "waits for the teacher" if manual else "graded"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=COURSE, help="the nbgrader course folder")
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="make the students' version of every assignment")
    rel.add_argument("--out", type=Path, default=HANDOUTS, help="where to copy the release")
    gr = sub.add_parser("grade", help="autograde a folder of submissions")
    gr.add_argument("submissions", type=Path)
    gr.add_argument("--assignment", default=ASSIGNMENT)
    gr.add_argument("--out", type=Path, help="default: build/grades/ASSIGNMENT")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    try:
        if args.command == "release":
            for notebook in release(course, args.out):
                print(f"released {notebook.relative_to(course)}")
        else:
            out = grade(args.submissions.resolve(), args.assignment, course, args.out)
            with (out / "grades.csv").open() as f:
                for row in csv.DictReader(f):
                    print(f"{row['student_id']}: {float(row['score']):g} of {float(row['max_score']):g}")
            print(f"grades: {out / 'grades.csv'} (per test: {out / 'tests.csv'}); "
                  f"feedback: {out / 'feedback'}/STUDENT.html")
    except AssignmentError as e:
        print(f"assignment: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
