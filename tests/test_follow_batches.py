"""Following an epoch log draws its per-batch rows as per-batch values, as they arrive."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from livecurve.show import FollowedPlot

from .test_follow import ENV, jsonl

BATCH_WRITER = """
import sys, time
from livecurve import LivePlot
plot = LivePlot(log=sys.argv[1])
for epoch in range(3):
    for batch in range(4):
        plot.record_steps(epoch + (batch + 1) / 4, {"loss": 10.0 * epoch + batch})
    plot.log(epoch + 1, loss=10.0 * epoch + 1.5, val_loss=10.0 * epoch + 2)
    plot.refresh()
    time.sleep(0.2)
plot.finish()
"""


def test_per_batch_rows_written_by_another_process_are_drawn_as_steps(tmp_path) -> None:
    path = tmp_path / "run.jsonl"
    fig = FollowedPlot(path, interval=0.02)
    fig.follower.start()
    try:
        proc = subprocess.Popen([sys.executable, "-c", BATCH_WRITER, str(path)], env=ENV)
        deadline = time.monotonic() + 60
        while proc.poll() is None or fig.follower.rows < 15:
            assert time.monotonic() < deadline, "writer or follower too slow"
            time.sleep(0.02)
        assert proc.returncode == 0
    finally:
        fig.stop()
    x, y = fig.run.steps.column("loss")
    assert x.tolist() == [e + b / 4 for e in range(3) for b in range(1, 5)]
    assert y.tolist() == [10.0 * e + b for e in range(3) for b in range(4)]
    assert fig.run["loss"].x.tolist() == [1, 2, 3], "epoch values stay points"
    assert fig.run["val_loss"].y.tolist() == [2, 12, 22]


def test_a_per_batch_x_that_goes_back_is_a_restart(tmp_path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(jsonl(
        {"step": 0, "epoch": 0, "x": 0.5, "loss": 3.0},
        {"step": 1, "epoch": 0, "x": 1.0, "loss": 2.0},
        {"epoch": 0, "loss": 2.5},
        {"step": 2, "epoch": 0, "x": 0.5, "loss": 9.0},
    ))  # fmt: skip
    fig = FollowedPlot(path, interval=0.02)
    fig.follower.poll()
    assert fig.run.steps.column("loss")[1].tolist() == [9.0]
    assert len(fig.run.points("loss")) == 0, "the epoch point after the restart is dropped"


@pytest.mark.parametrize("row", [{"step": 3, "epoch": 0, "loss": 1.0}, {"step": 3, "x": None}])
def test_step_rows_without_a_usable_x_are_not_drawn(tmp_path, row) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(jsonl({"epoch": 0, "loss": 0.5}, row))
    fig = FollowedPlot(path, interval=0.02)
    fig.follower.poll()
    assert len(fig.run.steps) == 0 and fig.run["loss"].y.tolist() == [0.5]
