"""Every benchmark runs (quick mode); their numbers are read by people, not asserted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
QUICK = {
    "overhead.py": ["--quick", "--backends", "tensorflow"],
    "run_length.py": ["--quick"],
    "read_logs.py": ["--quick"],
    "read_tensorboard.py": ["--quick"],
    "redraw_payload.py": ["--quick"],
    "import_time.py": ["--quick"],
    "many_runs.py": ["--quick"],
}


def test_every_benchmark_has_a_quick_run() -> None:
    assert sorted(p.name for p in BENCHMARKS.glob("*.py")) == sorted(QUICK)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_the_benchmark_runs_and_prints_ratios(name: str) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *QUICK[name]],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ratio" in done.stdout
