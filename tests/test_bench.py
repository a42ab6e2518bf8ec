"""The PyTorch benchmarks' contracts, checked without PyTorch: scripts/bench.sh refuses to run
without a torch python and says how to make one; the per-layer printer reads what
bnlab.bench.LayerProfile --tsv really prints, and rejects what breaks the contract."""
import os
import subprocess
from pathlib import Path

import pytest

import bench_torch  # scripts/ is on the path (conftest.py); torch is imported only to run

ROOT = Path(__file__).resolve().parent.parent

CLASSPATH = ":".join(str(ROOT / p) for p in
                     ("bench/target/bnlab-bench.jar", "lib/target/bnlab-lib.jar", "lib/target/deps/*"))


def test_torch_bench_without_torch_says_how_to_get_it():
    env = {k: v for k, v in os.environ.items() if k != "BNLAB_TORCH_PYTHON"}
    for extra in ({}, {"BNLAB_TORCH_PYTHON": "/nonexistent/python"}):
        run = subprocess.run([str(ROOT / "scripts/bench.sh"), "torch"], env={**env, **extra},
                             capture_output=True, text=True, timeout=60)
        assert run.returncode != 0
        assert "python3 -m venv" in run.stderr and "pip install torch==" in run.stderr, run.stderr
        assert "BNLAB_TORCH_PYTHON" in run.stderr


def test_printer_reads_what_layer_profile_prints():
    assert (ROOT / "bench/target/bnlab-bench.jar").exists(), "build first: mvn -B package -DskipTests"
    run = subprocess.run(["java", "-cp", CLASSPATH, "bnlab.bench.LayerProfile", "6", "--tsv"],
                         env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    layers, step = bench_torch.parse_layer_profile(run.stdout)
    assert len(layers) == bench_torch.LAYERS
    assert [name.split("(")[0] for name, _, _ in layers[:4]] == ["Conv2d", "BatchNorm", "Sigmoid", "AvgPool2d"]
    assert all(fwd > 0 and bwd >= 0 for _, fwd, bwd in layers)
    assert step > 0


def tsv(layers=16, version="1", step="step\t80.0\t3200.0", number="1.5"):
    lines = ["# a comment", f"bnlab-layer-profile\t{version}\t4\t256"]
    lines += [f"layer\t{i + 1}\tLayer{i}()\t{number}\t2.0" for i in range(layers)]
    return "\n".join(lines + ([step] if step else [])) + "\n"


def test_printer_accepts_the_contract():
    layers, step = bench_torch.parse_layer_profile(tsv())
    assert layers[0] == ("Layer0()", 1.5, 2.0) and step == 80.0


@pytest.mark.parametrize("text, says", [
    (tsv(layers=15), "listed 15 layers"),
    (tsv(version="2"), "contract v2"),
    (tsv(step=None), "no header or no step line"),
    (tsv(number="1,5"), "layer\\t<i>\\t<name>"),
    ("fwd 1.0 2.0\n", "Expected: a"),
])
def test_printer_rejects_broken_output(text, says):
    with pytest.raises(bench_torch.BenchError) as e:
        bench_torch.parse_layer_profile(text)
    assert says in str(e.value), str(e.value)
