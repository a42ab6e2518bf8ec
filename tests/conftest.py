"""Shared set-up for the cross-cutting tests: import scripts/notebooks.py, quick profile.

``BNLAB_TEST_TIMES=FILE`` (e.g. ``BNLAB_TEST_TIMES=build/test-times.tsv scripts/test.sh``) writes
each test's wall time and CPU time to FILE (TSV: test, file, wall_s, cpu_s; set-up and tear-down
of the fixtures it starts included) and prints the totals per file at the end. CPU time is
user + system of pytest and every process it starts (kernels, JupyterLab, Chromium, nbgrader):
exact when pytest can have a cgroup of its own (Linux, as root, cgroup v1 ``cpuacct``); otherwise
pytest's own time plus that of the children it has waited for, which misses processes still
running or reaped by another (say so in the summary).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# Tests execute the notebooks in the quick profile unless told otherwise (lib reads this).
os.environ.setdefault("BNLAB_PROFILE", "quick")
# The notebooks the tests execute save their runs' CSV files apart from the main command's
# (build/results/), and train every run: the run cache is not what they test.
os.environ.setdefault("BNLAB_RESULTS_DIR", str(ROOT / "build" / "test-results"))
os.environ.setdefault("BNLAB_CACHE", "off")

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def own_cpuacct_group() -> str:
    """This process's cgroup in the cpuacct hierarchy (v1), e.g. ``/`` (from /proc/self/cgroup)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "cpuacct" in controllers.split(","):
            return path
    raise OSError("no cpuacct cgroup")


class CpuClock:
    """CPU seconds used so far by this process and the processes it starts."""

    def __init__(self):
        self.usage = None
        if CPUACCT.is_dir() and os.geteuid() == 0:
            try:
                group = CPUACCT / own_cpuacct_group().lstrip("/") / f"bnlab-tests-{os.getpid()}"
                group.mkdir(exist_ok=True)
                (group / "cgroup.procs").write_text(str(os.getpid()))
                self.usage = group / "cpuacct.usage"
                self.group = group
            except OSError:
                self.usage = None
        self.exact = self.usage is not None

    def seconds(self) -> float:
        if self.usage is not None:
            return int(self.usage.read_text()) / 1e9
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def close(self) -> None:
        """Moves pytest back to the parent group and removes its own (once empty)."""
        if self.usage is None:
            return
        try:
            (self.group.parent / "cgroup.procs").write_text(str(os.getpid()))
            for _ in range(50):  # children that outlive pytest keep the group until they exit
                try:
                    self.group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
        except OSError:
            pass


class TestTimes:
    def __init__(self, target: Path):
        self.target = target
        self.clock = CpuClock()
        self.rows: list[tuple[str, str, float, float]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        wall, cpu = time.perf_counter(), self.clock.seconds()
        yield
        self.rows.append((item.nodeid, item.location[0], time.perf_counter() - wall,
                          self.clock.seconds() - cpu))

    def pytest_terminal_summary(self, terminalreporter):
        self.target.parent.mkdir(parents=True, exist_ok=True)
        with self.target.open("w", encoding="utf-8") as f:
            f.write("test\tfile\twall_s\tcpu_s\n")
            for nodeid, file, wall, cpu in self.rows:
                f.write(f"{nodeid}\t{file}\t{wall:.2f}\t{cpu:.2f}\n")
        files: dict[str, list[float]] = {}
        for _, file, wall, cpu in self.rows:
            files.setdefault(file, [0, 0, 0])
            files[file][0] += 1
            files[file][1] += wall
            files[file][2] += cpu
        how = ("cgroup" if self.clock.exact else "pytest + waited-for children only")
        terminalreporter.section(f"test times (wall, CPU: {how}) -> {self.target}")
        for file, (n, wall, cpu) in sorted(files.items(), key=lambda kv: -kv[1][2]):
            terminalreporter.write_line(f"{file:40s} {n:4d} tests {wall:8.1f} s wall {cpu:8.1f} s CPU")
        terminalreporter.write_line(f"{'total':40s} {len(self.rows):4d} tests "
                                    f"{sum(r[2] for r in self.rows):8.1f} s wall "
                                    f"{sum(r[3] for r in self.rows):8.1f} s CPU")
        self.clock.close()


def pytest_configure(config):
    target = os.environ.get("BNLAB_TEST_TIMES")
    if target:
        config.pluginmanager.register(TestTimes(Path(target).resolve()), "bnlab-test-times")
