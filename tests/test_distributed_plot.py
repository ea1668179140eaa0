"""Only the primary process draws and writes: real torch.distributed ranks, MirroredStrategy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from livecurve import LivePlot

from .test_distributed import ROOT, _free_port, _run_pair


def test_a_non_primary_process_opens_no_log_shows_nothing_and_saves_nothing(
    monkeypatch, tmp_path
) -> None:
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.setenv("RANK", "1")
    plot = LivePlot(log=tmp_path / "run.csv")
    plot.log(loss=0.5)
    plot.display()
    plot.finish()
    assert plot.save(tmp_path / "curves.png") == tmp_path / "curves.png"
    assert list(tmp_path.iterdir()) == [], "nothing on disk"
    assert plot.logfile is None and plot._view is None
    assert plot.run["loss"].y.tolist() == [0.5], "values are still kept in memory"


TORCH_LOG = """
import json, os, sys
import torch
import torch.distributed as dist
from livecurve import LivePlot

rank = int(sys.argv[1])
dist.init_process_group("gloo", init_method=sys.argv[2], rank=rank, world_size=2)
plot = LivePlot(log=os.environ["LOG_PATH"])
for epoch in range(3):
    loss = torch.tensor([float(rank * 100 + epoch)])
    plot.log(loss=loss, rank=rank)
    dist.barrier()
plot.finish()
plot.save(os.environ["LOG_PATH"] + f".{rank}.png")
dist.barrier()
dist.destroy_process_group()
print(json.dumps({"rank": rank, "primary": plot.primary, "logfile": plot.logfile is not None}))
"""


def test_two_torch_ranks_logging_to_one_path_leave_only_rank_0_rows(tmp_path) -> None:
    pytest.importorskip("torch.distributed")
    log = tmp_path / "run.csv"
    address = f"tcp://127.0.0.1:{_free_port()}"
    reports = _run_pair(tmp_path, TORCH_LOG, address, {"LOG_PATH": str(log)})
    assert [(r["primary"], r["logfile"]) for r in reports] == [(True, True), (False, False)]
    assert log.read_text().splitlines() == [
        "epoch,loss,rank",
        "0,0.0,0.0",
        "1,1.0,0.0",
        "2,2.0,0.0",
    ]
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "job.py")
    assert left == ["run.csv", "run.csv.0.png"], "no backups, temporaries or pictures of rank 1"


MIRRORED = """
import json, os
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
import keras
import numpy as np
from livecurve import LiveCurve

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
rng = np.random.default_rng(0)
x = rng.normal(size=(128, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
with strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
curve = LiveCurve(display=False, log=os.environ["LOG_PATH"])
history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0,
                    callbacks=[curve])
print(json.dumps({
    "replicas": strategy.num_replicas_in_sync,
    "history": history.history,
    "curve": {name: curve.run[name].y.tolist() for name in curve.run.names
              if curve.run.has_points(name)},
    "x": curve.run["loss"].x.tolist(),
}))
"""


@pytest.mark.keras
def test_mirrored_strategy_on_two_cpu_devices_draws_the_history_once(tmp_path) -> None:
    pytest.importorskip("tensorflow")
    log = tmp_path / "run.csv"
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(MIRRORED)],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "KERAS_BACKEND": "tensorflow",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "LOG_PATH": str(log),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["x"] == [1, 2, 3], "one point per epoch, not one per replica"
    history = report["history"]
    assert set(history) <= set(report["curve"])
    for name, values in history.items():
        assert report["curve"][name] == pytest.approx(values, rel=1e-6), name
    assert len(log.read_text().splitlines()) == 1 + 3
