"""Following a TensorBoard logdir while jobs write it: new runs, new bytes only, torn records,
a logdir deleted or a run folder renamed while followed, the CLI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import livecurve
from livecurve.live.follow_logdir import LogdirFollower, is_tensorboard
from livecurve.live.plot import LivePlot
from livecurve.readers.events import frame
from tests.tensorboard_slow_writer import loss

pytest.importorskip("tensorboard")
ROOT = Path(__file__).resolve().parent.parent


def _writer(folder: Path, steps: int, delay: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.tensorboard_slow_writer",
            str(folder),
            str(steps),
            str(delay),
        ],
        env=env,
        cwd=ROOT,
    )


def _until(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _event(step: int, tag: str, value: float) -> bytes:
    from tensorboard.compat.proto import event_pb2, summary_pb2

    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
    return event_pb2.Event(step=step, wall_time=time.time(), summary=summary).SerializeToString()


def test_two_writers_and_a_run_started_after_following_began_are_all_drawn(tmp_path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    first = _writer(logs / "run_a", 25, 0.04)
    fig = livecurve.show(logs, follow=True, interval=0.1)
    try:
        assert isinstance(fig.follower, LogdirFollower)
        _until(lambda: any("loss" in run for run in fig.runs))
        second = _writer(logs / "run_b", 25, 0.04)  # a new run, after following began
        assert first.wait(60) == 0 and second.wait(60) == 0
        _until(lambda: [len(run["loss"]) for run in fig.runs] == [25, 25])
    finally:
        fig.stop()
    assert [run.label for run in fig.runs] == ["logs/run_a", "logs/run_b"]
    for run in fig.runs:
        assert run.axis == "step"
        assert run["loss"].y.tolist() == pytest.approx([loss(s) for s in range(25)])
        assert run["loss"].x.tolist() == list(range(25))
        x, _ = run.distributions["weights"].snapshot()
        assert x.tolist() == list(range(25))
    files = [f for f in logs.rglob("*") if f.is_file()]
    assert fig.follower.bytes_read == sum(f.stat().st_size for f in files), "each byte read once"
    assert fig.follower.status.startswith("stopped following logs: 2 runs")


def test_a_record_cut_at_the_end_waits_for_the_rest(tmp_path) -> None:
    run = tmp_path / "logs" / "run"
    run.mkdir(parents=True)
    record = frame(_event(1, "loss", 0.5))
    path = run / "events.out.tfevents.1.host"
    path.write_bytes(frame(_event(0, "loss", 1.0)) + record[:7])
    plot = LivePlot()
    follower = LogdirFollower(tmp_path / "logs", plot, interval=0.1)
    assert follower.poll()
    assert plot.run["loss"].y.tolist() == [1.0]
    for start, end in ((7, 12), (12, 20), (20, len(record) - 1)):  # header, data, data CRC
        with open(path, "ab") as file:
            file.write(record[start:end])
        assert not follower.poll()
        assert plot.run["loss"].y.tolist() == [1.0]
    with open(path, "ab") as file:
        file.write(record[-1:])
    assert follower.poll()
    assert plot.run["loss"].y.tolist() == [1.0, 0.5]
    assert follower.bytes_read == path.stat().st_size


def test_a_quiet_logdir_is_not_read_again(tmp_path) -> None:
    logs = tmp_path / "logs"
    (logs / "run").mkdir(parents=True)
    (logs / "run" / "events.out.tfevents.1.host").write_bytes(frame(_event(0, "loss", 1.0)))
    follower = LogdirFollower(logs, LivePlot(), interval=0.1)
    assert follower.poll()
    read = follower.bytes_read
    assert not follower.poll() and not follower.poll()
    assert follower.bytes_read == read


def test_a_logdir_deleted_or_a_run_renamed_while_followed_keeps_the_figure(tmp_path) -> None:
    logs = tmp_path / "logs"
    (logs / "run").mkdir(parents=True)
    path = logs / "run" / "events.out.tfevents.1.host"
    path.write_bytes(frame(_event(0, "loss", 1.0)))
    plot = LivePlot()
    follower = LogdirFollower(logs, plot, interval=0.1)
    follower.poll()
    os.rename(logs / "run", logs / "renamed")  # the job's folder renamed: same files, same run
    with open(logs / "renamed" / path.name, "ab") as file:
        file.write(frame(_event(1, "loss", 0.5)))
    with pytest.warns(livecurve.LiveCurveWarning, match="run was renamed to renamed"):
        assert follower.poll()
    assert len(plot.runs) == 1 and plot.runs[0]["loss"].y.tolist() == [1.0, 0.5]
    shutil.rmtree(logs)
    assert not follower.poll()
    assert "logs was deleted; the figure keeps what it drew" in follower.status
    assert plot.runs[0]["loss"].y.tolist() == [1.0, 0.5]


def test_a_logdir_without_event_files_yet_is_waited_for_and_an_empty_file_is_no_error(tmp_path):
    logs = tmp_path / "logs"
    plot = LivePlot()
    follower = LogdirFollower(logs, plot, interval=0.1)
    assert not follower.poll() and follower.status == "waiting for logs to appear"
    (logs / "run").mkdir(parents=True)
    assert not follower.poll() and follower.status == "waiting for event files in logs"
    path = logs / "run" / "events.out.tfevents.1.host"
    path.write_bytes(b"")
    assert not follower.poll()
    path.write_bytes(frame(_event(3, "loss", 0.25)))
    assert follower.poll() and plot.run["loss"].x.tolist() == [3.0]


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("logs", "dir", True),
        ("logs/", None, True),
        ("logs", None, True),
        ("run.csv", None, False),
        ("run.jsonl", None, False),
        ("run", "file", False),
        ("events.out.tfevents.1.host", None, True),
    ],
)
def test_which_paths_are_followed_as_tensorboard_logs(tmp_path, name, make, expected) -> None:
    path = tmp_path / name
    if make == "dir":
        path.mkdir()
    elif make == "file":
        path.write_text("epoch,loss\n")
    assert is_tensorboard(str(tmp_path) + "/" + name) is expected


def test_the_cli_follows_a_logdir_and_writes_the_picture(tmp_path) -> None:
    logs = tmp_path / "logs"
    (logs / "run").mkdir(parents=True)
    (logs / "run" / "events.out.tfevents.1.host").write_bytes(
        b"".join(frame(_event(s, "loss", 1 / (s + 1))) for s in range(5))
    )
    out = tmp_path / "curves.png"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "livecurve.cli", "plot", str(logs), "--follow", "-o", str(out)]
    process = subprocess.Popen(
        [*command, "--interval", "0.2"], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        _until(out.exists)
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "following logs: 1 run, 5 values; wrote" in stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_live_widget_gains_the_runs_and_distribution_panels_found_while_following(tmp_path):
    from tests.test_tensorboard_events import _histogram_event

    logs = tmp_path / "logs"
    fig = livecurve.show(logs, follow=True, interval=0.05)
    view = fig.view  # the widget exists before anything is written
    try:
        data = np.random.default_rng(0).normal(size=100)
        for count, name in enumerate(("a", "b"), start=1):
            (logs / name).mkdir(parents=True)
            with open(logs / name / "events.out.tfevents.1.host", "ab") as file:
                for step in range(3):
                    file.write(frame(_event(step, "loss", 1 / (step + 1))))
                    file.write(frame(_histogram_event(step, "weights", data + step)))
            _until(lambda n=count: sum("loss" in run for run in fig.runs) == n)
    finally:
        fig.stop()
    assert [run.label for run in fig.runs] == ["logs/a", "logs/b"]
    assert list(view.bands.views) == ["weights"] and sorted(view.bands.views["weights"].runs) == [
        0,
        1,
    ]
    assert sorted(view.run_boxes) == [0, 1], "a checkbox per run"


def test_one_event_file_can_be_followed(tmp_path) -> None:
    path = tmp_path / "train" / "events.out.tfevents.1.host"
    path.parent.mkdir()
    fig = livecurve.show(path, follow=True, interval=0.05)  # before the file exists
    try:
        path.write_bytes(frame(_event(0, "epoch_loss", 1.0)))
        with open(path, "ab") as file:
            file.write(frame(_event(1, "epoch_loss", 0.5)))
        _until(lambda: "loss" in fig.run and len(fig.run["loss"]) == 2)
    finally:
        fig.stop()
    assert fig.run["loss"].x.tolist() == [1.0, 2.0] and fig.run.axis == "epoch"


def test_a_second_fit_seen_piecemeal_while_followed_is_one_new_run(tmp_path) -> None:
    """Keras's second fit() into the folder: its train/ file shows only learning rates equal to
    the first fit's when its validation/ file already shows a restarted val_loss."""
    logs = tmp_path / "logs"

    def append(split: str, number: int, *records: bytes) -> None:
        (logs / split).mkdir(parents=True, exist_ok=True)
        with open(logs / split / f"events.out.tfevents.{number}.host", "ab") as file:
            file.write(b"".join(frame(r) for r in records))

    for epoch in range(3):
        loss = 1.0 - epoch / 8
        append(
            "train", 1, _event(epoch, "epoch_learning_rate", 0.5), _event(epoch, "epoch_loss", loss)
        )
        append("validation", 2, _event(epoch, "epoch_loss", loss + 0.25))
    plot = LivePlot()
    follower = LogdirFollower(logs, plot, interval=0.1)
    follower.poll()
    append("train", 3, _event(0, "epoch_learning_rate", 0.5))  # a repeat: undecided
    append("validation", 4, _event(0, "epoch_loss", 0.875))  # goes back: a new run
    with pytest.warns(livecurve.LiveCurveWarning, match=r"restarted into the same folder"):
        follower.poll()
    append("train", 3, _event(0, "epoch_loss", 0.75))  # goes back too: the same new run
    follower.poll()
    assert [run.label for run in plot.runs] == ["logs", "logs (run 2)"]
    second = plot.runs[1]
    assert second["learning_rate"].y.tolist() == [0.5] and second["loss"].y.tolist() == [0.75]
    assert second["val_loss"].y.tolist() == [0.875]
