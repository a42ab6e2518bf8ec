"""The PyTorch benchmarks' contracts, checked without PyTorch: scripts/bench.sh refuses to run
without a torch python and says how to make one; the per-layer printer reads what
bnlab.bench.LayerProfile --tsv really prints, and rejects what breaks the contract; the batch
norm bench's PyTorch child (bench_torch.py bn-server) answers bad requests with errors, and the
bench stops at once when the python it was given cannot run."""
import io
import os
import subprocess
import types
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
    run = subprocess.run(["java", "--add-modules=jdk.incubator.vector", "-cp", CLASSPATH,
                          "bnlab.bench.LayerProfile", "6", "--tsv"],
                         env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    layers, step = bench_torch.parse_layer_profile(run.stdout)
    assert len(layers) == bench_torch.LAYERS
    assert [name.split("(")[0] for name, _, _ in layers[:4]] == ["Conv2d", "BatchNorm", "Sigmoid", "AvgPool2d"]
    assert all(fwd > 0 and bwd >= 0 for _, fwd, bwd in layers)
    assert step > 0


def test_cpu_profile_times_one_thread_and_says_how_to_run_it():
    base = ["java", "--add-modules=jdk.incubator.vector", "-cp", CLASSPATH, "bnlab.bench.LayerProfile", "4",
            "--tsv", "--cpu"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    refused = subprocess.run(base[:1] + ["-Dbnlab.threads=2"] + base[1:], env=env, capture_output=True,
                             text=True, timeout=300)
    assert refused.returncode != 0 and "-Dbnlab.threads=1" in refused.stderr, refused.stderr
    run = subprocess.run(base[:1] + ["-Dbnlab.threads=1"] + base[1:], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    layers, step = bench_torch.parse_layer_profile(run.stdout)
    assert len(layers) == bench_torch.LAYERS and step > 0
    assert "1 threads" in run.stdout


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


def test_batchnorm_bench_with_a_python_that_cannot_run_stops_and_names_it():
    assert (ROOT / "bench/target/bnlab-bench.jar").exists(), "build first: mvn -B package -DskipTests"
    run = subprocess.run(["java", "-cp", CLASSPATH, "bnlab.bench.BatchNormBench", "1", "--torch",
                          "/nonexistent/python"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "/nonexistent/python (BNLAB_TORCH_PYTHON)" in run.stderr, run.stderr
    assert "shape [" not in run.stdout  # nothing was measured


def test_bn_server_says_ready_and_rejects_bad_requests(monkeypatch):
    # the protocol's edges need no torch: the ready line reads only the version and threads
    monkeypatch.setattr(bench_torch, "torch", types.SimpleNamespace(__version__="9.9.9", get_num_threads=lambda: 2))
    replies = io.StringIO()
    bench_torch.bn_server(io.StringIO("forward 5\nshape 256 x\nshape 1 2 3\n\nquit\nforward 1\n"), replies)
    lines = replies.getvalue().splitlines()
    assert lines[0] == "ready 9.9.9 2"
    assert len(lines) == 4 and all(line.startswith("error ") for line in lines[1:]), lines
    assert "'shape <dims>' first" in lines[1] and "'x' is not a whole number" in lines[2]
