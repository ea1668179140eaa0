"""Log files that survive the process: both formats, repairs, refusals, rewinds, write failures."""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from livecurve import LivePlot
from livecurve.logfile import ACCEPTED, LogFile, LogFileError, disk, read

FORMATS = ["csv", "jsonl"]
# Floats whose shortest text is long, tiny, huge, negative zero, a float32 widened to float64.
EXACT = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, float(np.float32(0.7)), 2.5]


def bits(values) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def backups(path: Path, reason: str) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.{reason}-*{path.suffix}"))


def others(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def write_epochs(path: Path, n: int, **extra: float) -> LivePlot:
    plot = LivePlot(log=path)
    for epoch in range(n):
        plot.log(loss=1.0 / (epoch + 1), val_loss=2.0 / (epoch + 1), **extra)
    return plot


# -- round trip --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_floats_and_nan_read_back_bit_for_bit(tmp_path: Path, fmt: str, livecurve_warnings):
    path = tmp_path / f"run.{fmt}"
    plot = LivePlot(log=path)
    for value in EXACT:
        plot.log(loss=value, val_loss=math.nan, acc=np.float32(value))
    again = LivePlot(log=path)
    assert again.run.names == ["loss", "val_loss", "acc"]
    assert again.run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert bits(again.run["loss"].y) == bits(EXACT)
    assert bits(again.run["acc"].y) == bits(plot.run["acc"].y)
    assert np.isnan(again.run["val_loss"].y).all() and len(again.run["val_loss"]) == len(EXACT)


def test_csv_is_keras_csvlogger_layout(tmp_path: Path) -> None:
    write_epochs(tmp_path / "run.csv", 2)
    assert (tmp_path / "run.csv").read_text() == "epoch,loss,val_loss\n0,1.0,2.0\n1,0.5,1.0\n"


def test_jsonl_is_one_sparse_object_per_line_with_null_for_nan(tmp_path, livecurve_warnings):
    plot = LivePlot(log=tmp_path / "run.jsonl")
    plot.log(loss=0.5, val_loss=math.nan)
    plot.log(loss=0.25)
    lines = (tmp_path / "run.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"epoch": 0, "loss": 0.5, "val_loss": None},
        {"epoch": 1, "loss": 0.25},
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_loading_draws_the_logged_epochs_and_logging_continues_after_them(tmp_path, fmt):
    path = tmp_path / f"run.{fmt}"
    write_epochs(path, 3)
    plot = LivePlot(log=path)
    assert plot.run["loss"].x.tolist() == [1.0, 2.0, 3.0]
    plot.log(loss=0.2, val_loss=0.4)
    assert LivePlot(log=path).run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert others(path) == []  # nothing replaced, nothing backed up


@pytest.mark.parametrize("fmt", FORMATS)
def test_values_that_are_not_numbers_are_not_written(tmp_path, fmt):
    path = tmp_path / f"run.{fmt}"
    log = LogFile(path)
    log.load()
    log.write(1, {"loss": 0.5, "name": "resnet", "vec": [1, 2], "epoch": 7, "inf": math.inf})
    series = LogFile(path).load()
    assert list(series) == ["loss", "inf"]
    assert math.isnan(series["inf"][1][0])


# -- metrics that appear late ---------------------------------------------------------------
def test_csv_widens_its_header_instead_of_misaligning_columns(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    plot = write_epochs(path, 2)
    plot.log(loss=0.3, val_loss=0.6, learning_rate=0.01)
    plot.log(loss=0.2, learning_rate=0.005)
    assert path.read_text() == (
        "epoch,loss,val_loss,learning_rate\n0,1.0,2.0,\n1,0.5,1.0,\n2,0.3,0.6,0.01\n3,0.2,,0.005\n"
    )
    again = LivePlot(log=path).run
    assert again["learning_rate"].x.tolist() == [3.0, 4.0]
    assert again["val_loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert not list(tmp_path.glob(".*.part"))  # the rewrite left no temporary file


def test_jsonl_takes_a_late_metric_without_rewriting_earlier_lines(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    plot = write_epochs(path, 2)
    before = path.read_bytes()
    inode = path.stat().st_ino
    plot.log(loss=0.3, learning_rate=0.01)
    assert path.read_bytes().startswith(before) and path.stat().st_ino == inode
    assert LivePlot(log=path).run["learning_rate"].x.tolist() == [3.0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_values_at_the_last_x_are_merged_into_its_row(tmp_path, fmt):
    # What LiveCurve does when a later callback adds "learning_rate" to the epoch's logs.
    # CSV rewrites the row; JSON Lines appends the new values as a row repeating the epoch, so
    # a log with 10^6 per-batch rows is never rewritten for them.
    path = tmp_path / f"run.{fmt}"
    plot = write_epochs(path, 2)
    plot.record(2, {"learning_rate": 0.1})
    before = path.read_bytes()
    plot.record(2, {"learning_rate": 0.1})  # nothing new: the file is not touched
    assert path.read_bytes() == before
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    if fmt == "jsonl":
        assert lines[-1] == '{"epoch": 1, "learning_rate": 0.1}'
    again = LivePlot(log=path).run
    assert again["learning_rate"].x.tolist() == [2.0]
    assert again["loss"].x.tolist() == [1.0, 2.0]


# -- a last line cut short -----------------------------------------------------------------
TORN = [  # (format, the file as a killed process left it, epochs that survive)
    ("csv", b"epoch,loss,val_loss\n0,0.9,1.0\n1,0.5,0.7\n2,0.4", 2),
    ("csv", b"epoch,lo", 0),  # killed while writing the header
    ("csv", b"epoch,loss\n0,1\n1,0.5", 1),  # a whole row whose newline never reached the disk
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "loss": 0.5}\n{"epoch": 2, "lo', 2),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "loss": 0.5}\n\x00\x00\x00\x00', 2),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "loss": 0.5}', 1),
]


@pytest.mark.parametrize(("fmt", "original", "kept"), TORN)
def test_a_torn_last_line_is_removed_and_the_original_kept(
    tmp_path, fmt, original, kept, livecurve_warnings
):
    path = tmp_path / f"run.{fmt}"
    path.write_bytes(original)
    plot = LivePlot(log=path)
    (backup,) = backups(path, "torn")
    assert backup.read_bytes() == original
    assert path.read_bytes() == original[: original.rfind(b"\n") + 1]
    (message,) = [m for m in livecurve_warnings.messages() if "cut short" in m]
    assert str(path) in message and str(backup) in message
    assert plot.run.last_x() == (kept or None)
    plot.log(loss=0.1)
    assert LivePlot(log=path).run["loss"].x.tolist()[-1] == kept + 1
    assert backups(path, "torn") == [backup]  # the second start found nothing to repair


def test_a_rewrite_killed_before_its_rename_leaves_the_log_whole(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    write_epochs(path, 2)
    stale = tmp_path / ".run.csv.k1ll3d0x.part"
    stale.write_text("epoch,loss,val_loss,learning_rate\n0,1.0")
    assert LivePlot(log=path).run["loss"].x.tolist() == [1.0, 2.0]
    assert others(path) == []


def test_read_leaves_a_log_being_written_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    original = b'{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "lo'
    path.write_bytes(original)
    assert read(path) == {"loss": ([1.0], [0.9])}
    assert path.read_bytes() == original and others(path) == []


def test_a_torn_line_that_cannot_be_repaired_fails_at_start_and_changes_nothing(
    tmp_path, monkeypatch, livecurve_warnings
):
    path = tmp_path / "run.csv"
    original = b"epoch,loss\n0,0.9\n1,0."
    path.write_bytes(original)

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(disk, "backup", read_only)  # no copy can be made next to it
    with pytest.raises(PermissionError):
        LivePlot(log=path)
    assert path.read_bytes() == original and others(path) == []
    monkeypatch.undo()
    assert LivePlot(log=path).run["loss"].x.tolist() == [1.0]


# -- files livecurve refuses -----------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
CORRUPT = [
    ("csv", b"epoch,loss\n0,0.9\n1,0.5\x00garbage,,\n2,0.4\n", 3),
    ("csv", b"epoch,loss\n0,0.9\n1,0.5,0.3\n2,0.4\n", 3),  # a misaligned row
    ("csv", b"epoch,loss\n0,0.9\n1,0.5\n1,0.4\n2,0.3\n", 4),  # an epoch twice (two runs)
    ("csv", b"epoch,loss\n0,0.9\nabc,0.5\n2,0.4\n", 3),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "lo\n{"epoch": 2, "loss": 0.4}\n', 2),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": 2, "loss": 0.5}\n{"epoch": 1}\n', 3),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n[1, 2]\n{"epoch": 2, "loss": 0.4}\n', 2),
    ("jsonl", b'{"epoch": 0, "loss": 0.9}\n{"epoch": "one", "loss": 0.5}\n', 2),
]
NOT_A_LOG = [
    ("csv", PNG, 1),
    ("jsonl", PNG, 1),
    ("csv", b"name,city\nada,london\nalan,wilmslow\n", 1),
    ("csv", b"epoch,name\n0,ada\n1,alan\n", 2),  # an epoch column, but no numbers
    ("csv", b"step,loss\n0,0.9\n", 1),  # a step log where an epoch log is expected
    ("jsonl", b'{"name": "ada"}\n{"name": "alan"}\n', 1),
    ("csv", b"hello", 1),  # one unfinished line that is no row cut short either
]


@pytest.mark.parametrize(("fmt", "content", "line"), CORRUPT + NOT_A_LOG)
def test_a_file_that_is_not_a_sound_log_is_refused_and_left_untouched(tmp_path, fmt, content, line):
    path = tmp_path / f"run.{fmt}"
    path.write_bytes(content)
    stat = path.stat()
    with pytest.raises(LogFileError, match=rf"line {line}\b") as caught:
        LivePlot(log=path)
    assert isinstance(caught.value, ValueError)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert others(path) == []


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "run.csv").mkdir()
    with pytest.raises(LogFileError, match="directory"):
        LivePlot(log=tmp_path / "run.csv")


@pytest.mark.parametrize("name", ["run.txt", "run.log", "run", "run.json", "run.png"])
def test_an_unknown_extension_is_a_value_error_naming_the_accepted_ones(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.csv.*\.jsonl") as caught:
        LivePlot(log=tmp_path / name)
    assert name in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    assert ACCEPTED == (".csv", ".jsonl", ".ndjson")


def test_the_extension_is_case_insensitive_and_the_directory_is_made(tmp_path: Path) -> None:
    plot = LivePlot(log=tmp_path / "logs" / "today" / "RUN.CSV")
    plot.log(loss=1.0)
    assert (tmp_path / "logs" / "today" / "RUN.CSV").read_text() == "epoch,loss\n0,1.0\n"


# -- rewinding -----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_logging_an_earlier_x_replaces_later_rows_and_keeps_a_backup(
    tmp_path, fmt, livecurve_warnings
):
    path = tmp_path / f"run.{fmt}"
    write_epochs(path, 5)
    original = path.read_bytes()
    head = b"".join(original.splitlines(keepends=True)[: 2 + (fmt == "csv")])
    plot = LivePlot(log=path)
    plot.log(3, loss=9.0, val_loss=9.5)  # back to epoch index 2, e.g. from a checkpoint
    (backup,) = backups(path, "replaced")
    assert backup.read_bytes() == original
    assert path.read_bytes().startswith(head)
    assert plot.run["loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert LivePlot(log=path).run["loss"].y.tolist() == [1.0, 0.5, 9.0]
    (message,) = [m for m in livecurve_warnings.messages() if "replace" in m]
    assert "epochs 2–4" in message and str(backup) in message

    plot.log(1, loss=7.0)  # again, within the same second: a second backup, the first kept
    assert len(backups(path, "replaced")) == 2
    assert backup.read_bytes() == original
    assert LivePlot(log=path).run["loss"].y.tolist() == [7.0]


def test_rewinding_to_the_start_starts_the_csv_over_with_the_new_metrics(
    tmp_path, livecurve_warnings
):
    path = tmp_path / "run.csv"
    write_epochs(path, 3, accuracy=0.5)
    plot = LivePlot(log=path)
    assert plot.rewind(1) is not None
    assert path.read_bytes() == b""
    plot.log(1, loss=0.9)
    assert path.read_text() == "epoch,loss\n0,0.9\n"


def test_rewind_after_the_last_row_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    write_epochs(path, 2)
    log = LogFile(path)
    log.load()
    assert log.rewind(3) is None
    assert others(path) == []


def test_writing_before_the_last_row_without_rewinding_is_refused(tmp_path: Path) -> None:
    log = LogFile(tmp_path / "run.csv")
    log.load()
    log.write(3, {"loss": 0.5})
    with pytest.raises(LogFileError, match="rewind"):
        log.write(2, {"loss": 0.6})


# -- other layouts ---------------------------------------------------------------------------
def test_a_keras_csvlogger_file_is_continued_in_its_own_conventions(tmp_path: Path) -> None:
    path = tmp_path / "training.csv"
    original = b"epoch;loss;val_loss\r\n0;0.9;NA\r\n1;0.5;0.7\r\n"
    path.write_bytes(original)
    plot = LivePlot(log=path)
    assert plot.run["loss"].x.tolist() == [1.0, 2.0] and plot.run["val_loss"].x.tolist() == [2.0]
    plot.log(loss=0.25, val_loss=0.5)
    assert path.read_bytes() == original + b"2;0.25;0.5\r\n"


def test_a_step_log(tmp_path: Path) -> None:
    plot = LivePlot(axis="step", log=tmp_path / "steps.csv")
    plot.log(100, loss=0.5)
    plot.log(200, loss=0.25)
    assert (tmp_path / "steps.csv").read_text() == "step,loss\n100,0.5\n200,0.25\n"
    assert LivePlot(axis="step", log=tmp_path / "steps.csv").run["loss"].x.tolist() == [100, 200]
    with pytest.raises(LogFileError, match="a log of steps"):
        LivePlot(log=tmp_path / "steps.csv")


def test_step_rows_fit_in_a_jsonl_epoch_log(tmp_path, livecurve_warnings):
    path = tmp_path / "run.jsonl"
    log = LogFile(path)
    log.load()
    for epoch in range(3):
        for batch in range(2):
            log.write_step(epoch * 2 + batch, {"loss": 1.0 - batch / 10}, epoch=epoch)
        log.write(epoch + 1, {"loss": 0.9, "val_loss": 1.0})
    assert json.loads(path.read_text().splitlines()[0]) == {"step": 0, "epoch": 0, "loss": 1.0}
    again = LogFile(path)
    assert again.load()["loss"][0] == [1.0, 2.0, 3.0]  # the epoch axis plots the epoch rows
    again.rewind(2)  # back to epoch index 1: its steps go too
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r.get("step"), r["epoch"]) for r in rows] == [(0, 0), (1, 0), (None, 0)]
    with pytest.raises(ValueError, match="jsonl"):
        LogFile(tmp_path / "run.csv").write_step(0, {"loss": 1.0})


# -- failures while training ----------------------------------------------------------------
def test_a_removed_directory_is_reported_once_and_logging_goes_on(tmp_path, livecurve_warnings):
    path = tmp_path / "logs" / "run.csv"
    plot = write_epochs(path, 2)
    shutil.rmtree(tmp_path / "logs")
    for _ in range(3):
        plot.log(loss=0.1, val_loss=0.2)  # never raises
    assert plot.run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    (message,) = [m for m in livecurve_warnings.messages() if "writing the log file" in m]
    assert "training continues" in message


def test_a_full_disk_leaves_no_half_row_and_the_next_epoch_is_written(
    tmp_path, monkeypatch, livecurve_warnings
):
    path = tmp_path / "run.jsonl"
    plot = write_epochs(path, 2)
    before = path.read_bytes()
    real_write = os.write

    def full(fd: int, data) -> int:
        real_write(fd, bytes(data[:5]))  # part of the row reaches the file, then ENOSPC
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    plot.log(loss=0.3, val_loss=0.6)
    monkeypatch.setattr(os, "write", real_write)
    assert path.read_bytes() == before
    assert any("No space left" in m for m in livecurve_warnings.messages())
    plot.log(loss=0.2, val_loss=0.5)  # space again: the log goes on (epoch 2 is lost, not torn)
    assert LivePlot(log=path).run["loss"].x.tolist() == [1.0, 2.0, 4.0]


def test_a_file_changed_by_another_program_is_not_written_to(tmp_path, livecurve_warnings):
    path = tmp_path / "run.csv"
    plot = write_epochs(path, 2)
    with path.open("a") as handle:
        handle.write("2,0.3,0.6\n")  # e.g. a second LiveCurve on the same file
    changed = path.read_bytes()
    plot.log(loss=0.2, val_loss=0.4, learning_rate=0.1)  # append and widen: both refused
    plot.log(loss=0.1, val_loss=0.3)
    assert path.read_bytes() == changed
    assert any("changed by another program" in m for m in livecurve_warnings.messages())
