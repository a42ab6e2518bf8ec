"""Execute the course notebooks headlessly and write executed copies and HTML handouts.

Used by the main command (``scripts/run-all.sh``) and by the notebook test
(``tests/test_notebooks.py``), so both execute notebooks the same way:

- every ``.ipynb`` in ``notebooks/`` (sorted by name = chapter order), nothing to register;
- in the notebook's own folder (the kernel's working directory, as in JupyterLab);
- with a per-cell timeout (nbclient has none by default);
- any error output, or a code cell left unexecuted, is a failure.

Command line: ``python scripts/notebooks.py [--kernel java] [--kernel jjava] [--no-html]``.
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


def write_html(executed: Path, out_dir: Path) -> Path:
    """A self-contained HTML handout: figures are embedded PNG outputs, no CDN needed for them."""
    from nbconvert import HTMLExporter

    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    target = out_dir / (executed.stem + ".html")
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", action="append", choices=KERNELS,
                        help="kernel to execute under (repeatable; default: java = IJava)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML handouts")
    args = parser.parse_args(argv)
    kernels = args.kernel or ["java"]
    failures = []
    for kernel in kernels:
        for path in notebooks():
            print(f"[{kernel}] {path.name} ...", flush=True)
            try:
                result = execute(path, kernel)
            except NotebookFailed as e:
                print(f"  FAILED: {e}", flush=True)
                failures.append(str(e))
                continue
            line = f"  executed in {result.seconds:.1f} s -> {result.executed.relative_to(ROOT)}"
            if not args.no_html and kernel == kernels[0]:
                html = write_html(result.executed, BUILD / "handouts")
                line += f", handout {html.relative_to(ROOT)}"
            print(line, flush=True)
    if failures:
        print(f"\n{len(failures)} notebook run(s) failed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
