"""Execute the course notebooks headlessly and write executed copies and handouts.

Used by the main command (``scripts/run-all.sh``) and by the notebook test
(``tests/test_notebooks.py``), so both execute notebooks the same way:

- every ``.ipynb`` in ``notebooks/`` (sorted by name = chapter order), nothing to register;
- in the notebook's own folder (the kernel's working directory, as in JupyterLab);
- with a per-cell timeout (nbclient has none by default);
- any error output, or a code cell left unexecuted, is a failure.

The handouts (HTML, PDF, index; see ``scripts/handouts.py``) are made from the executed
notebooks of the first kernel, into ``build/handouts/``.

Command line: ``python scripts/notebooks.py [--kernel java] [--kernel jjava] [--no-handouts]``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
KERNELS = ("java", "jjava")  # IJava (the notebooks' kernelspec), then JJava
CELL_TIMEOUT = int(os.environ.get("BNLAB_CELL_TIMEOUT", "1800"))
STARTUP_TIMEOUT = 120


class NotebookFailed(AssertionError):
    """A notebook raised, printed an error output, or left a code cell unexecuted."""


@dataclass
class Result:
    notebook: Path
    kernel: str
    seconds: float
    executed: Path


def notebooks() -> list[Path]:
    """The course notebooks in chapter order (file names start with their number)."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def problems(nb) -> list[str]:
    """What is wrong with an executed notebook: error outputs and unexecuted code cells."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.get("execution_count") is None:
            found.append(f"cell {i} was not executed")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i} raised {out.get('ename')}: {out.get('evalue')}")
    return found


def execute(path: Path, kernel: str = "java", out_dir: Path | None = None,
            cell_timeout: int = CELL_TIMEOUT) -> Result:
    """Execute one notebook under ``kernel``; the executed copy is written even on failure."""
    out_dir = out_dir or BUILD / "executed" / kernel
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=cell_timeout,
                            startup_timeout=STARTUP_TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:  # the failing cell's output is in nb as well
        error = e
    seconds = time.perf_counter() - started
    executed = out_dir / path.name
    nbformat.write(nb, executed)
    found = problems(nb)
    if error is not None and not found:
        found = [str(error).strip().splitlines()[-1]]
    if found:
        raise NotebookFailed(f"{path.name} under kernel '{kernel}' failed (executed copy: "
                             f"{executed}):\n  " + "\n  ".join(found))
    return Result(path, kernel, seconds, executed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", action="append", choices=KERNELS,
                        help="kernel to execute under (repeatable; default: java = IJava)")
    parser.add_argument("--no-handouts", action="store_true",
                        help="skip the handouts (HTML, PDF, index in build/handouts/)")
    args = parser.parse_args(argv)
    kernels = args.kernel or ["java"]
    failures = []
    executed = []  # for the handouts: the first kernel's runs, in chapter order
    for kernel in kernels:
        for path in notebooks():
            print(f"[{kernel}] {path.name} ...", flush=True)
            try:
                result = execute(path, kernel)
            except NotebookFailed as e:
                print(f"  FAILED: {e}", flush=True)
                failures.append(str(e))
                continue
            print(f"  executed in {result.seconds:.1f} s -> {result.executed.relative_to(ROOT)}",
                  flush=True)
            if kernel == kernels[0]:
                executed.append(result.executed)
    if executed and not args.no_handouts:
        import handouts

        out = BUILD / "handouts"
        print(f"handouts -> {out.relative_to(ROOT)}/", flush=True)
        started = time.perf_counter()
        for handout in handouts.build(executed, out):
            print(f"  {handouts.describe(handout)}", flush=True)
        total = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        print(f"  index.html; {total / 2**20:.1f} MiB in total, {time.perf_counter() - started:.1f} s",
              flush=True)
    if failures:
        print(f"\n{len(failures)} notebook run(s) failed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
