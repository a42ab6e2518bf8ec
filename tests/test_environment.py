"""Other hosts: environment.yml is a valid conda environment, and postBuild (what Binder-style
hosts run after creating it, and the documented conda post-step) builds the lib and registers
the Java kernels in the active environment. conda itself is not available here, so the file's
structure is checked, and postBuild runs for real with this project's .venv as the environment.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_SPEC = re.compile(r"^[a-z0-9][a-z0-9._-]*(=[0-9][0-9a-z.*]*)?$")


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_environment_yml_is_a_conda_environment():
    env = environment()
    assert set(env) == {"name", "channels", "dependencies"}, f"unexpected keys: {sorted(env)}"
    assert isinstance(env["name"], str) and env["name"]
    assert env["channels"] == ["conda-forge"]  # openjdk, maven and nodejs come from conda-forge
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    nested = [d for d in env["dependencies"] if not isinstance(d, str)]
    assert len(nested) == 1 and list(nested[0]) == ["pip"] and "pip" in conda, \
        "exactly one pip: section, and pip itself among the conda packages"
    for dep in conda:
        assert CONDA_SPEC.match(dep), f"'{dep}' is not a conda match spec"
    names = {d.split("=")[0] for d in conda}
    assert {"openjdk", "maven", "python", "nodejs", "pip"} <= names
    for dep in conda:
        if dep != "pip":
            assert "=" in dep, f"environment.yml: '{dep}' is not pinned"
    pip = {line.split("==")[0] for line in nested[0]["pip"]}
    assert {"jupyterlab", "nbconvert", "nbclient", "jjava", "playwright"} <= pip


def test_repo2docker_reads_the_root():
    # With a binder/ or .binder/ folder repo2docker ignores environment.yml and postBuild here.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    post = ROOT / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable (repo2docker skips it otherwise)"
    text = post.read_text()
    assert text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text  # repo2docker does not stop on a failing line by itself
    subprocess.run(["bash", "-n", str(post)], check=True)
    mode = subprocess.run(["git", "ls-files", "-s", "postBuild"], cwd=ROOT, capture_output=True,
                          text=True).stdout
    if mode:  # committed: the executable bit must be in git too, or a clone loses it
        assert mode.startswith("100755"), f"postBuild is committed without +x: {mode.strip()}"


def test_postbuild_registers_the_kernels_in_the_active_environment():
    """Run postBuild with this interpreter's environment first on PATH, as an activated conda
    environment would be, and check the kernelspecs it leaves there."""
    env_bin = Path(sys.executable).parent
    kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    env = {**os.environ, "PATH": f"{env_bin}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([str(ROOT / "postBuild")], cwd="/", env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"postBuild failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert (ROOT / "lib" / "target" / "bnlab-lib.jar").exists()
    assert (ROOT / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js").exists()
    for name in ("java", "jjava"):
        spec = json.loads((kernels / name / "kernel.json").read_text())
        assert spec["language"] == "java"
        jars = [a for a in spec["argv"] if a.endswith(".jar")]
        assert jars and all(Path(j).exists() for j in jars), f"{name}: {spec['argv']}"
        # scripts/kernel_start.py runs first (edition folders, see its doc), then the JVM
        assert spec["argv"][1] == str(ROOT / "scripts" / "kernel_start.py")
        assert Path(spec["argv"][2]).name == "java"
