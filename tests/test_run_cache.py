"""The run cache inside a notebook kernel, as a student meets it: a second execution of a notebook
loads its runs and prints the same numbers; a module written in a notebook cell (a JShell class)
is never fingerprinted, so its runs always train. (The cache's own JUnit tests, RunCacheTest and
ExperimentCacheTest, check every number, every key part and the read-only cases.)"""
import re

import nbformat
import pytest

import notebooks as nbrun

LIB = nbrun.ROOT / "lib" / "target"
SETUP = f'%classpath {LIB}/bnlab-lib.jar {LIB}/deps/*.jar\nbnlab.Lab.setup()'
DATA = ("import bnlab.data.FashionMnist;\nimport bnlab.experiments.*;\nimport bnlab.nn.*;\n"
        "import bnlab.train.*;\nFashionMnist data = FashionMnist.load(256, 256);")
EXPERIMENT = ('Results r = Experiment.on(data).named("twice").seeds(1, 2)\n'
              '    .arm("BN", LeNet.builder(), 1.0).run();\n'
              'System.out.println("test acc " + java.util.Arrays.toString(r.last("BN", "test acc")));')
MY_MODULE = """class Halve implements bnlab.nn.Layer {
    public org.nd4j.linalg.api.ndarray.INDArray forward(org.nd4j.linalg.api.ndarray.INDArray x) {
        return x.mul(0.5);
    }
    public org.nd4j.linalg.api.ndarray.INDArray backward(org.nd4j.linalg.api.ndarray.INDArray g) {
        return g.mul(0.5);
    }
}"""
MINE = ('Results mine = Experiment.on(data).named("mine").seeds(1)\n'
        '    .arm("mine", s -> new ScratchClassifier("mine", new Sequential(new Flatten(),\n'
        '        new Linear(784, 10, true, Init.seeded(s)), new Halve()), 0.5)).run();\n'
        'System.out.println(RunKey.builder().add("network", new ScratchClassifier("m",\n'
        '    new Sequential(new Halve()), 0.5)).threads(1).build().reason());')


def notebook(tmp_path, name, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def printed(executed) -> str:
    nb = nbformat.read(executed, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream")


@pytest.fixture(scope="module", params=nbrun.KERNELS)
def executed_twice(request, tmp_path_factory):
    """One notebook with both experiments (``twice``: LeNet, two seeds; ``mine``: a module written
    in a cell), executed twice under one kernel, each time in a new kernel, with a run cache of its
    own: what each execution printed, the cache folder and the results folder. (One notebook for
    both facts: every execution starts a kernel, which costs more than the runs themselves.)"""
    kernel = request.param
    tmp = tmp_path_factory.mktemp(f"run-cache-{kernel}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BNLAB_CACHE", "on")
        env.setenv("BNLAB_CACHE_DIR", str(tmp / "cache"))
        env.setenv("BNLAB_RESULTS_DIR", str(tmp / "results"))
        path = notebook(tmp, "twice.ipynb", SETUP, DATA, EXPERIMENT, MY_MODULE, MINE)
        first, second = (printed(nbrun.execute(path, kernel, out_dir=tmp / run, cell_timeout=600).executed)
                         for run in ("first", "second"))
    return {"first": first, "second": second, "cache": tmp / "cache", "results": tmp / "results"}


def test_a_second_execution_loads_every_run_and_prints_the_same_numbers(executed_twice):
    first, second, cache = executed_twice["first"], executed_twice["second"], executed_twice["cache"]
    assert "twice: trained 2 runs, loaded 0 from the run cache" in first, first
    assert "twice: trained 0 runs, loaded 2 from the run cache" in second, second
    accuracies = [re.search(r"test acc \[.*\]", text).group(0) for text in (first, second)]
    assert accuracies[0] == accuracies[1]
    # the two runs of 'twice', and none of 'mine' (next test)
    assert len(list((cache / "runs").rglob("*.run.gz"))) == 2
    csv = executed_twice["results"] / "twice" / "twice.csv"
    assert csv.read_text(encoding="utf-8").count("\n") == 1 + 2, "a row per seed (one epoch each), and the header"


def test_a_module_written_in_a_notebook_cell_always_trains(executed_twice):
    for text in (executed_twice["first"], executed_twice["second"]):
        assert "mine: trained 1 run, loaded 0 from the run cache" in text, text
        assert re.search(r"network holds an object of class \S*Halve, written in a notebook cell", text), text
    # the cache holds two runs, and the second execution loaded both for 'twice': none is 'mine'
    assert "twice: trained 0 runs, loaded 2 from the run cache" in executed_twice["second"]
    kept = list(executed_twice["cache"].rglob("*.run.gz"))
    assert len(kept) == 2, f"the cache should hold the two runs of 'twice' only, not one of 'mine': {kept}"
