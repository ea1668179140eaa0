"""A kernel restarted while a ``LivePlot(log=...)`` loop runs: the next run shows what it had.

A real Jupyter kernel (jupyter_client) runs a loop that logs an epoch every 50 ms to a JSON
Lines file, with the widget displayed. The kernel is restarted mid-loop (killed: nothing is
finished or closed). In the new kernel the same cell with the same file displays a figure that
draws every epoch logged before the restart, then the new epochs after them, and the file holds
both, in order.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
WIDGET = "application/vnd.jupyter.widget-view+json"

RUNNING = """
import time
from livecurve import LivePlot
plot = LivePlot(log={path!r})
plot.display()
for epoch in range(1, 100_000):
    plot.log(loss=1.0 / epoch, val_loss=1.2 / epoch)
    time.sleep(0.05)
"""

AGAIN = """
import json
from livecurve import LivePlot
plot = LivePlot(log={path!r})
plot.display()
had = plot.run["loss"].x.tolist()
for step in range(3):
    plot.log(loss=0.001 * (step + 1), val_loss=0.002)
plot.finish()
line = plot.view.panels["loss"].series[(0, "loss")].line
print("@@", json.dumps({{"had": had, "x": plot.run["loss"].x.tolist(),
                         "y": plot.run["loss"].y.tolist(), "drawn": line.x.tolist()}}))
"""


def _rows(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        with contextlib.suppress(ValueError):  # a line cut short by the kill
            rows.append(json.loads(line))
    return rows


def test_after_a_kernel_restart_mid_run_the_figure_shows_the_logged_epochs_then_the_new_ones(
    tmp_path: Path,
) -> None:
    manager = pytest.importorskip("jupyter_client.manager")
    path = tmp_path / "run.jsonl"
    km, kc = manager.start_new_kernel(kernel_name="python3", env=ENV, cwd=str(tmp_path))
    try:
        kc.execute(RUNNING.format(path=str(path)))
        end = time.monotonic() + 30
        while time.monotonic() < end and not (path.exists() and len(_rows(path)) >= 8):
            time.sleep(0.1)
        assert len(_rows(path)) >= 8, "the loop did not log 8 epochs"
        km.restart_kernel(now=True)  # killed mid-loop, a new kernel started
        kc.wait_for_ready(timeout=60)
        before = [row["epoch"] for row in _rows(path) if "loss" in row]
        outputs: list[dict] = []
        reply = kc.execute_interactive(
            AGAIN.format(path=str(path)), timeout=60, output_hook=outputs.append
        )
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    shown = [m for m in outputs if m["msg_type"] in ("display_data", "execute_result")]
    assert shown and WIDGET in shown[0]["content"]["data"]  # the figure, displayed again
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    got = json.loads(text.split("@@", 1)[1])
    k = len(got["had"])
    assert k >= 7 and got["had"] == [float(e) for e in range(1, k + 1)]  # what it had
    assert len(before) in (k, k + 1)  # every whole row on disk (one more if it was cut short)
    assert got["x"] == [float(e) for e in range(1, k + 4)]  # then the new run, after it
    assert got["y"][:k] == pytest.approx([1.0 / e for e in range(1, k + 1)])
    assert got["y"][k:] == pytest.approx([0.001, 0.002, 0.003])
    assert got["drawn"] == got["x"]  # the widget draws both
    after = [row for row in _rows(path) if "loss" in row]
    assert [row["epoch"] for row in after] == list(range(k + 3))  # 0-based in the file
