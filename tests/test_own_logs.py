"""livecurve's own log files read the same way by LogFile, the follower and load()/show().

All three decode the files with livecurve.logfile.decode; these tests write real logs with
LivePlot(log=...) (per-epoch and per-batch rows, NaN, a metric that starts late, a torn last line,
a run resumed into the same file) and require the same runs from every reader: the same epoch
points (x and y) and the same per-batch step rows.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import livecurve
from livecurve import LiveCurveWarning, LivePlot
from livecurve.logfile import LogFile, decode
from livecurve.model.run import Run
from livecurve.readers import ownlog
from livecurve.readers.bulk import regular_table
from livecurve.show import FollowedPlot

SUFFIXES = [".csv", ".jsonl", ".ndjson"]
SCENARIOS = ["whole", "torn", "resumed"]
TORN = {".csv": b"4,0.1", ".jsonl": b'{"epoch": 4, "lo', ".ndjson": b'{"epoch": 4, "lo'}


def _write_epochs(path: Path, epochs: range, nan: bool = True) -> None:
    plot = LivePlot(log=path)
    for epoch in epochs:
        for batch in range(3):
            plot.record_steps(epoch + (batch + 1) / 3, {"loss": 1.0 / (3 * epoch + batch + 1)})
        values: dict[str, float] = {"loss": 1.0 / (epoch + 1), "lr": 0.1 * 0.5**epoch}
        if epoch == 1 and nan:
            values["loss"] = math.nan  # written as nan (CSV) or null (JSON Lines)
        if epoch >= 2:
            values["val_loss"] = 1.5 / (epoch + 1)  # a metric that starts late (CSV: wider header)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "livecurve: metric 'loss' is nan")
            plot.log(epoch + 1, **values)
    plot.stop_logging()


def _write(path: Path, scenario: str) -> None:
    _write_epochs(path, range(4))
    if scenario in ("torn", "resumed"):
        with open(path, "ab") as file:
            file.write(TORN[path.suffix])  # a process killed mid-write
    if scenario == "resumed":
        with pytest.warns(LiveCurveWarning, match="cut short"):
            _write_epochs(path, range(4, 6))  # the same run, started again on its log


def _content(run: Run) -> dict[str, Any]:
    """A run's points and per-batch steps as plain lists (NaN as the string 'nan')."""

    def plain(values: Any) -> list[Any]:
        return ["nan" if math.isnan(v) else v for v in np.asarray(values, float).tolist()]

    points = {s.name: (plain(s.x), plain(s.y)) for s in run.series()}
    steps = {}
    for name in run.steps.names:
        x, y = run.steps.column(name)
        steps[name] = (plain(x), plain(y))
    return {"axis": run.axis, "points": points, "steps": steps}


def _through_logfile(path: Path, axis: str = "epoch") -> Run:
    log = LogFile(path, axis=axis)
    run = Run("logfile", axis)
    for name, (xs, ys) in log.load(repair=False).items():
        run.extend(name, xs, ys, warn=False)  # what LivePlot.open_log does
    if len(log.steps):
        run.adopt_steps(log.steps)
    return run


def _through_follower(path: Path) -> Run:
    fig = FollowedPlot(path)  # what show(path, follow=True) draws, polled once here
    fig.follower.poll()
    return fig.run


def _through_load(path: Path) -> Run:
    (run,) = livecurve.load(path)
    return run


def _through_show(path: Path) -> Run:
    (run,) = livecurve.show(path).runs
    return run


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_logfile_the_follower_and_load_give_the_same_run(
    tmp_path: Path, suffix: str, scenario: str
) -> None:
    path = tmp_path / f"run{suffix}"
    _write(path, scenario)
    before = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiveCurveWarning)  # load() says a torn line is left out
        runs = {
            "LogFile.load": _through_logfile(path),
            "Follower": _through_follower(path),
            "load()": _through_load(path),
            "show()": _through_show(path),
        }
    assert path.read_bytes() == before  # reading never mends the file
    expected = _content(runs["LogFile.load"])
    epochs = 6 if scenario == "resumed" else 4
    assert expected["points"]["lr"][0] == [float(e) for e in range(1, epochs + 1)]
    assert expected["points"]["loss"][1][1] == "nan"
    assert expected["points"]["val_loss"][0][0] == 3.0
    if suffix != ".csv":  # per-batch rows live in JSON Lines logs only
        assert len(expected["steps"]["loss"][0]) == 3 * epochs
    for reader, run in runs.items():
        assert _content(run) == expected, reader


def _write_steps(path: Path, steps: range) -> None:
    plot = LivePlot(axis="step", log=path)
    for s in steps:
        values = {"loss": 1.0 / s, "lr": 0.1}
        if s % 5 == 0:
            values["val_loss"] = 2.0 / s  # at the same step: a JSON Lines row repeats it
        plot.log(10 * s, **values)
    plot.stop_logging()


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_step_logs_too_give_the_same_run_through_every_reader(
    tmp_path: Path, suffix: str, scenario: str
) -> None:
    path = tmp_path / f"steps{suffix}"
    _write_steps(path, range(1, 21))
    if scenario in ("torn", "resumed"):
        with open(path, "ab") as file:
            file.write(b"210,0.0" if suffix == ".csv" else b'{"step": 210, "lo')
    if scenario == "resumed":
        with pytest.warns(LiveCurveWarning, match="cut short"):
            _write_steps(path, range(21, 31))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiveCurveWarning)
        runs = {
            "LogFile.load": _through_logfile(path, "step"),
            "Follower": _through_follower(path),
            "load()": _through_load(path),
            "show()": _through_show(path),
        }
    expected = _content(runs["LogFile.load"])
    last = 30 if scenario == "resumed" else 20
    assert expected["steps"]["loss"][0] == [10.0 * s for s in range(1, last + 1)]
    assert expected["points"]["val_loss"][0] == [10.0 * s for s in range(5, last + 1, 5)]
    for reader, run in runs.items():
        assert _content(run) == expected, reader


def test_load_reads_an_own_log_through_the_shared_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # By construction: load() of an own log goes through logfile.decode, not a parser of its own.
    path = tmp_path / "run.jsonl"
    _write(path, "torn")
    calls: list[str] = []
    real = decode.decode

    def spy(*args: Any, **kwargs: Any) -> decode.Decoded:
        calls.append(str(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(decode, "decode", spy)
    with pytest.warns(LiveCurveWarning, match="cut off"):
        livecurve.load(path)
    assert calls == [str(path)]


def test_an_own_csv_log_is_read_by_the_fast_path_with_the_decoders_rule(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    _write_epochs(path, range(4), nan=False)  # pandas reads empty cells, not "nan" (careful path)
    table = regular_table(path.read_bytes(), path)
    assert table is not None  # pandas read it
    (fast,) = ownlog.read_own_table(table, path.read_bytes(), path, "run") or []
    assert _content(fast) == _content(_through_logfile(path))


@pytest.mark.parametrize(
    ("name", "text", "xs"),
    [
        # A hand-written log counting epochs from 1 is not taken for an own log: x stays 1, 2.
        ("hand.csv", "epoch,loss\n1,0.9\n2,0.5\n", [1.0, 2.0]),
        ("hand.jsonl", '{"epoch": 1, "loss": 0.9}\n{"epoch": 2, "loss": 0.5}\n', [1.0, 2.0]),
        # A CSVLogger(append=True) file whose epochs start over: two runs (the lenient reader).
        ("restart.csv", "epoch,loss\n0,0.9\n1,0.5\n0,0.8\n", [1.0, 2.0]),
        # Another tool's JSON Lines log (no epoch key): the lenient reader.
        ("other.jsonl", '{"iter": 1, "loss": 0.9}\n{"iter": 2, "loss": 0.5}\n', [1.0, 2.0]),
    ],
)
def test_logs_other_tools_wrote_are_left_to_the_lenient_readers(
    tmp_path: Path, name: str, text: str, xs: list[float]
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert ownlog.read_own_log(path.read_bytes(), path, name, "x") is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiveCurveWarning)
        runs = livecurve.load(path)
    assert runs[0]["loss"].x.tolist() == xs


def test_the_accepted_suffixes_are_the_same_for_writing_following_and_reading(
    tmp_path: Path,
) -> None:
    from livecurve.live.follow import log_format
    from livecurve.logfile import ACCEPTED

    assert tuple(decode.SUFFIXES) == ACCEPTED
    for suffix in ACCEPTED:
        path = tmp_path / f"run{suffix}"
        LogFile(path).write(1, {"loss": 0.5})
        assert type(log_format(path, "epoch")) is decode.SUFFIXES[suffix]
        assert ownlog.read_own_log(path.read_bytes(), path, str(path), "run") is not None


def test_a_json_lines_row_adding_values_to_the_last_epoch_is_not_a_restart(
    tmp_path: Path,
) -> None:
    # LivePlot.log(2, loss=...) then log(2, val_loss=...): the second row repeats epoch 1.
    path = tmp_path / "run.jsonl"
    plot = LivePlot(log=path)
    for epoch in (1, 2, 3):
        plot.log(epoch, loss=1.0 / epoch)
        plot.log(epoch, val_loss=2.0 / epoch)
    plot.stop_logging()
    assert path.read_text().count('"epoch": 1') == 2
    runs = [_through_logfile(path), _through_follower(path), _through_load(path)]
    for run in runs:
        assert run["loss"].x.tolist() == [1.0, 2.0, 3.0]
        assert run["val_loss"].y.tolist() == [2.0, 1.0, 2.0 / 3]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_log_begun_at_a_later_epoch_reads_the_same_through_every_reader(
    tmp_path: Path, suffix: str
) -> None:
    """fit(initial_epoch=5) into a new file: epoch rows 5, 6, 7 (0-based as Keras counts) and no
    per-batch rows. Every reader draws them at x = 6, 7, 8, as LivePlot(log=...) does."""
    path = tmp_path / f"resumed{suffix}"
    plot = LivePlot(log=path)
    for epoch in range(5, 8):
        plot.log(epoch + 1, loss=1.0 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    plot.stop_logging()
    runs = {
        "LogFile.load": _through_logfile(path),
        "Follower": _through_follower(path),
        "load()": _through_load(path),
        "show()": _through_show(path),
    }
    expected = _content(runs["LogFile.load"])
    assert expected["points"]["loss"][0] == [6.0, 7.0, 8.0]
    for reader, run in runs.items():
        assert _content(run) == expected, reader
