"""``livecurve.readers.read``: objects, text tables, JSON and TensorBoard logs, and bad input."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from livecurve import Run
from livecurve.export.data import to_csv, to_json
from livecurve.readers import LogReadError, read
from livecurve.readers.axis import axis_kind
from livecurve.readers.cells import BAD, to_cell
from livecurve.readers.split import in_turns, sequential, split_runs


def points(run: Run, name: str) -> tuple[list[float], list[float]]:
    return run[name].x.tolist(), run[name].y.tolist()


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode())
    return path


def only(messages: list[str], *parts: str) -> list[str]:
    return [m for m in messages if all(p in m for p in parts)]


KERAS_CSV = "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,0.9,0.45,1.0\n1,0.7,0.6,0.65,0.7\n"


# -- in-memory objects ----------------------------------------------------------------------
class FakeHistory:
    """What ``keras.callbacks.History`` holds after ``fit()``."""

    def __init__(self, history: dict[str, list[float]], epoch: list[int] | None = None) -> None:
        self.history = history
        if epoch is not None:
            self.epoch = epoch


def test_history_object_and_its_dict_give_epochs_from_1() -> None:
    history = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.7, 0.6], "lr": [0.1, 0.1, 0.01]}
    for source in (FakeHistory(history), history, FakeHistory(history, [0, 1, 2])):
        (run,) = read(source)
        assert run.label == "run" and run.axis == "epoch"
        assert points(run, "val_loss") == ([1.0, 2.0, 3.0], [1.0, 0.7, 0.6])
        assert [p.names for p in run.panels()] == [["loss", "val_loss"], ["lr"]]


def test_history_epoch_attribute_places_a_resumed_fit() -> None:
    # fit(initial_epoch=5) for 3 epochs: Keras's History.epoch is [5, 6, 7] (0-based).
    (run,) = read(FakeHistory({"loss": [0.5, 0.4, 0.3]}, epoch=[5, 6, 7]), label="resumed")
    assert run.label == "resumed"
    assert points(run, "loss") == ([6.0, 7.0, 8.0], [0.5, 0.4, 0.3])
    assert "epoch" not in run


def test_history_keeps_nan_as_a_gap(livecurve_warnings) -> None:
    (run,) = read({"loss": [0.9, float("nan"), 0.3]})
    x, y = points(run, "loss")
    assert x == [1.0, 2.0, 3.0] and math.isnan(y[1])
    assert only(livecurve_warnings.messages(), "'loss'", "gap")


def test_dict_lists_of_different_lengths_are_spread_and_reported(livecurve_warnings) -> None:
    # validation_freq=2: val_loss has a value every 2nd epoch
    (run,) = read({"loss": [4.0, 3.0, 2.0, 1.0], "val_loss": [3.5, 1.5], "odd": [1.0, 2.0, 3.0]})
    assert points(run, "val_loss") == ([2.0, 4.0], [3.5, 1.5])
    assert points(run, "odd") == ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert len(only(livecurve_warnings.messages(), "different lengths", "val_loss", "odd")) == 1


def test_list_of_epoch_dicts_with_sparse_and_nested_keys(livecurve_warnings) -> None:
    records = [
        {"epoch": 0, "train": {"loss": 0.9}, "lr": 0.1},
        {"epoch": 1, "train": {"loss": 0.6}, "val": {"loss": 0.8}},
        {"epoch": 2, "train": {"loss": 0.4}, "val": {"loss": 0.5}, "note": None},
    ]
    (run,) = read(records)
    assert points(run, "train/loss") == ([1.0, 2.0, 3.0], [0.9, 0.6, 0.4])
    assert points(run, "val/loss") == ([2.0, 3.0], [0.8, 0.5])
    assert points(run, "lr") == ([1.0], [0.1])
    assert run.panels()[0].names == ["train/loss", "val/loss"]
    assert livecurve_warnings.messages() == [
        "livecurve: list of dicts: column 'note' has no values; it is skipped."
    ]


def test_list_of_dicts_without_an_axis_uses_the_entry_order() -> None:
    (run,) = read([{"loss": 0.9}, {"loss": 0.4, "val_loss": 0.5}])
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.4])
    assert points(run, "val_loss") == ([2.0], [0.5])


def test_dataframe_sparse_rows_with_nan_as_missing() -> None:
    frame = pd.DataFrame(
        {
            "epoch": [0, 0, 1, 1],
            "step": [99, 99, 199, 199],
            "train_loss": [0.5, np.nan, 0.4, np.nan],
            "val_loss": [np.nan, 0.6, np.nan, 0.5],
        }
    )
    (run,) = read(frame, label="lightning")
    assert run.label == "lightning" and run.axis == "epoch"  # epoch-level rows: the epoch
    assert points(run, "train_loss") == ([1.0, 2.0], [0.5, 0.4])
    assert points(run, "val_loss") == ([1.0, 2.0], [0.6, 0.5])
    assert run.names == ["train_loss", "val_loss"], "epoch and step are counters, not metrics"


def test_dataframe_named_index_is_the_axis_and_text_columns_are_skipped(livecurve_warnings):
    frame = pd.DataFrame(
        {"loss": [0.9, 0.5], "optimizer": ["adam", "adam"], "arr": [np.zeros(3), np.ones(3)]},
        index=pd.Index([1, 2], name="Epoch"),
    )
    (run,) = read(frame)
    assert run.names == ["loss"] and points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])
    messages = livecurve_warnings.messages()
    assert len(only(messages, "'optimizer'", "skipped")) == 1
    assert len(only(messages, "'arr'", "skipped")) == 1
    # A plain RangeIndex is not a column: the row order is the epoch.
    (plain,) = read(pd.DataFrame({"loss": [0.9, 0.5, 0.2]}))
    assert points(plain, "loss") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.2])


def test_pandas_is_not_imported_for_other_sources(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "pandas")
    read({"loss": [1.0]})
    assert "pandas" not in sys.modules


def test_unsupported_objects_are_a_type_error_and_empty_ones_a_log_read_error() -> None:
    with pytest.raises(TypeError, match="cannot read a int"):
        read(42)
    for empty in ([], {}):
        with pytest.raises(LogReadError, match="nothing to plot"):
            read(empty)


# -- text tables ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("comma.csv", KERAS_CSV),
        ("tab.tsv", KERAS_CSV.replace(",", "\t")),
        ("semicolon.csv", KERAS_CSV.replace(",", ";")),
        ("spaces.txt", KERAS_CSV.replace(",", "   ")),
        ("crlf.log", KERAS_CSV.replace("\n", "\r\n")),
        ("crcrlf.log", KERAS_CSV.replace("\n", "\r\r\n")),
        ("cr.csv", KERAS_CSV.replace("\n", "\r")),
        ("bom.csv", "\ufeff" + KERAS_CSV),
        ("blank-lines.csv", KERAS_CSV.replace("\n", "\n\n") + "\n  \n"),
        ("padded.csv", "  epoch ,  accuracy, loss ,val_accuracy,  val_loss\n"
         " 0, 0.5,0.9, 0.45, 1.0\n   1,0.7,   0.6,0.65,0.7\n"),
        ("no-final-newline.csv", KERAS_CSV.rstrip("\n")),
        ("quoted.csv", '"epoch","accuracy","loss","val_accuracy","val_loss"\n'
         '"0","0.5","0.9","0.45","1.0"\n"1","0.7","0.6","0.65","0.7"\n'),
    ],
)  # fmt: skip
def test_separators_line_endings_and_padding(tmp_path, livecurve_warnings, name, text) -> None:
    (run,) = read(write(tmp_path / name, text))
    assert run.label == name.rsplit(".", 1)[0] and run.axis == "epoch"
    assert run.names == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.6])
    assert points(run, "val_loss") == ([1.0, 2.0], [1.0, 0.7])
    assert not livecurve_warnings.messages()


def test_utf16_and_latin1_and_gzip_files(tmp_path) -> None:
    import gzip

    for name, data in [
        ("utf16.csv", KERAS_CSV.encode("utf-16")),
        ("latin1.csv", KERAS_CSV.replace("accuracy", "précision").encode("latin-1")),
        ("log.csv.gz", gzip.compress(KERAS_CSV.encode())),
    ]:
        (run,) = read(write(tmp_path / name, data))
        assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.6])
    (run,) = read(tmp_path / "latin1.csv")
    assert "précision" in run and "val_précision" in run
    assert read(tmp_path / "log.csv.gz")[0].label == "log"
    write(tmp_path / "a.b.tsv.gz", gzip.compress(KERAS_CSV.replace(",", "\t").encode()))
    assert read(tmp_path / "a.b.tsv.gz")[0].label == "a.b"


def test_semicolon_file_with_decimal_commas(tmp_path) -> None:
    (run,) = read(write(tmp_path / "de.csv", "epoch;loss;val_loss\n0;0,9;1,0\n1;0,5;0,7\n"))
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])


def test_cells_keras_na_nan_and_printed_tensors(tmp_path, livecurve_warnings) -> None:
    text = (
        "epoch,loss,val_loss,acc\n"
        "0,0.9,NA,\"tensor(0.5, device='cuda:0')\"\n"
        "1,nan,0.7,np.float32(0.6)\n"
        "2,0.4,NA,0.7\n"
    )
    (run,) = read(write(tmp_path / "cells.csv", text))
    assert points(run, "val_loss") == ([2.0], [0.7]), "NA: no value at that epoch"
    x, y = points(run, "loss")
    assert x == [1.0, 2.0, 3.0] and math.isnan(y[1]), "nan: a logged NaN, drawn as a gap"
    assert points(run, "acc") == ([1.0, 2.0, 3.0], [0.5, 0.6, 0.7])


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("0.25", 0.25), (" 1e-05 ", 1e-05), ("NaN", math.nan), ("-inf", -math.inf), ("", None),
        ("NA", None), ("null", None), ("0,25", 0.25), ("85.5%", 85.5), ("[0.5, 0.1]", BAD),
        ("tensor(0.2500, grad_fn=<NllLossBackward0>)", 0.25), ("adam", BAD), (None, None),
        (np.float32(0.5), 0.5), (np.array(2.0), 2.0), (np.zeros(3), BAD), (True, 1.0),
    ],
)  # fmt: skip
def test_to_cell(cell, value) -> None:
    result = to_cell(cell)
    if isinstance(value, float) and math.isnan(value):
        assert isinstance(result, float) and math.isnan(result)
    else:
        assert result == value or result is value
    assert to_cell(math.nan, nan_is_missing=True) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("epoch", "epoch"), (" Epoch ", "epoch"), ("epochs", "epoch"), ("step", "step"),
        ("global_step", "step"), ("trainer/global_step", "step"), ("_step", "step"),
        ("Iteration", "iteration"), ("iter", "iteration"), ("round", "round"),
        ("val_loss", None), ("epoch_loss", None), ("steps_per_second", None),
    ],
)  # fmt: skip
def test_axis_names(name, kind) -> None:
    assert axis_kind(name) == kind


@pytest.mark.parametrize(
    ("header", "axis", "xs"),
    [
        ("epoch", "epoch", [1.0, 2.0, 3.0]),  # 0-based index, shifted
        ("Epoch", "epoch", [1.0, 2.0, 3.0]),
        ("global_step", "step", [0.0, 1.0, 2.0]),  # steps never shifted
        ("round", "round", [0.0, 1.0, 2.0]),
        ("Iteration", "iteration", [0.0, 1.0, 2.0]),
        ("iter", "iteration", [0.0, 1.0, 2.0]),
    ],
)
def test_axis_column_names_and_the_zero_based_epoch_rule(tmp_path, header, axis, xs) -> None:
    text = f"{header},loss\n0,0.9\n1,0.5\n2,0.3\n"
    (run,) = read(write(tmp_path / "axis.csv", text))
    assert run.axis == axis and run.names == ["loss"]
    assert run["loss"].x.tolist() == xs


def test_one_based_and_fractional_epochs_are_used_as_they_are(tmp_path) -> None:
    (run,) = read(write(tmp_path / "one.csv", "epoch,loss\n1,0.9\n2,0.5\n"))
    assert run["loss"].x.tolist() == [1.0, 2.0]
    (run,) = read(write(tmp_path / "hf.csv", "epoch,loss\n0.0,0.9\n0.5,0.5\n1.0,0.3\n"))
    assert run["loss"].x.tolist() == [0.0, 0.5, 1.0], "fractional: already epochs completed"


def test_no_axis_column_uses_the_row_order(tmp_path) -> None:
    (run,) = read(write(tmp_path / "plain.csv", "loss,val_loss\n0.9,1.0\n0.5,0.7\n0.3,0.6\n"))
    assert run.axis == "epoch" and points(run, "loss") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.3])
    (run,) = read(write(tmp_path / "one-column.csv", "loss\n0.9\n0.5\n"))
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])


def test_lightning_step_level_rows_use_the_step(tmp_path) -> None:
    text = (
        "epoch,step,train_loss_step,train_loss_epoch,val_loss\n"
        "0,49,0.9,,\n0,99,0.8,,\n0,99,,,0.85\n0,99,,0.86,\n"
        "1,149,0.7,,\n1,199,0.6,,\n1,199,,,0.65\n1,199,,0.66,\n"
    )
    (run,) = read(write(tmp_path / "metrics.csv", text))
    # train_loss_step / train_loss_epoch are one quantity: per-step values and epoch points.
    assert run.axis == "step" and run.names == ["train_loss", "val_loss"]
    x, y = run.steps.column("train_loss")
    assert x.tolist() == [49.0, 99.0, 149.0, 199.0]
    y32 = [float(v) for v in np.float32([0.9, 0.8, 0.7, 0.6])]  # steps are stored as float32
    assert y.tolist() == y32
    assert points(run, "train_loss") == ([99.0, 199.0], [0.86, 0.66])
    assert points(run, "val_loss") == ([99.0, 199.0], [0.85, 0.65])


def test_lightning_epoch_level_rows_use_the_epoch(tmp_path) -> None:
    text = "epoch,step,train_loss,val_loss\n0,99,,0.85\n0,99,0.9,\n1,199,,0.65\n1,199,0.7,\n"
    (run,) = read(write(tmp_path / "metrics.csv", text))
    assert run.axis == "epoch"
    assert points(run, "train_loss") == ([1.0, 2.0], [0.9, 0.7])
    assert points(run, "val_loss") == ([1.0, 2.0], [0.85, 0.65])


def test_epoch_rows_and_per_step_rows_in_one_json_lines_log(tmp_path, livecurve_warnings):
    text = (
        '{"epoch": 0, "loss": 0.9, "val_loss": 1.0}\n'
        '{"step": 10, "epoch": 1, "loss": 0.7}\n'
        '{"epoch": 1, "loss": 0.5, "val_loss": 0.8}\n'
    )
    (run,) = read(write(tmp_path / "run.jsonl", text))
    assert run.axis == "epoch" and points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])
    assert only(livecurve_warnings.messages(), "1 per-step row", "left out")


def test_text_json_and_array_columns_are_skipped_with_one_warning_each(
    tmp_path, livecurve_warnings
):
    text = (
        "epoch,loss,optimizer,clients,weights\n"
        '0,0.9,adam,"[{""id"": 1, ""loss"": 0.5}]","[[0.1 0.2]\n [0.3 0.4]]"\n'
        '1,0.5,adam,"[{""id"": 2, ""loss"": 0.4}]","[[0.5 0.6]\n [0.7 0.8]]"\n'
        '2,0.3,sgd,"[]","[[0.9 1.0]\n [1.1 1.2]]"\n'
    )
    (run,) = read(write(tmp_path / "mixed.csv", text))
    assert run.names == ["loss"] and points(run, "loss") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.3])
    messages = livecurve_warnings.messages()
    for column in ("optimizer", "clients", "weights"):
        assert len(only(messages, f"column '{column}'", "skipped", "mixed.csv")) == 1
    assert len(messages) == 3


def test_a_stray_text_cell_in_a_numeric_column_is_skipped(tmp_path, livecurve_warnings) -> None:
    text = "epoch,loss\n0,0.9\n1,oops\n2,0.3\n3,0.2\n"
    (run,) = read(write(tmp_path / "stray.csv", text))
    assert points(run, "loss") == ([1.0, 3.0, 4.0], [0.9, 0.3, 0.2])
    assert only(livecurve_warnings.messages(), "'loss'", "1 cell", "line 3")


def test_all_nan_and_empty_columns_are_skipped(tmp_path, livecurve_warnings) -> None:
    text = "epoch,loss,spearman,unused,\n1,0.9,nan,,\n2,0.5,nan,,\n"
    (run,) = read(write(tmp_path / "nan.csv", text))
    assert run.names == ["loss"]
    messages = livecurve_warnings.messages()
    assert len(only(messages, "'spearman'", "NaN in every row")) == 1
    assert len(only(messages, "'unused'", "no values")) == 1
    assert len(messages) == 2, "the empty column of a trailing separator goes silently"


def test_duplicate_column_names_are_both_kept(tmp_path, livecurve_warnings) -> None:
    (run,) = read(
        write(tmp_path / "dup.csv", "epoch,loss,loss,acc\n0,0.9,1.0,0.5\n1,0.5,0.7,0.6\n")
    )
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])
    assert points(run, "loss.1") == ([1.0, 2.0], [1.0, 0.7])
    assert only(livecurve_warnings.messages(), "repeated column name 'loss'", "'loss.1'")


def test_pandas_index_column_is_not_a_metric(tmp_path) -> None:
    frame = pd.DataFrame({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    for name, index in (("index.csv", True), ("reread.csv", "Unnamed: 0")):
        path = tmp_path / name
        frame.to_csv(path, index=True)
        if index == "Unnamed: 0":  # written again after pd.read_csv without index_col
            pd.read_csv(path).to_csv(path, index=False)
        (run,) = read(path)
        assert run.names == ["loss", "val_loss"]
        assert points(run, "val_loss") == ([1.0, 2.0], [1.0, 0.7])


def test_mangled_header_in_one_quoted_cell(tmp_path, livecurve_warnings) -> None:
    text = '"Iteration\tD_loss\tG_loss",,\n1,0.5,2.0\n101,0.4,1.5\n'
    (run,) = read(write(tmp_path / "gan.csv", text))
    assert run.axis == "iteration" and run.names == ["D_loss", "G_loss"]
    assert points(run, "G_loss") == ([1.0, 101.0], [2.0, 1.5])
    assert only(livecurve_warnings.messages(), "header line", "Iteration, D_loss, G_loss")


def test_headerless_numbers_get_column_names(tmp_path, livecurve_warnings) -> None:
    (run,) = read(write(tmp_path / "losses.txt", "0.9\t1.0\n0.5\t0.7\n"))
    assert points(run, "column 2") == ([1.0, 2.0], [1.0, 0.7])
    assert only(livecurve_warnings.messages(), "no header line")


def test_torn_last_row_is_skipped_and_reported(tmp_path, livecurve_warnings) -> None:
    for name, tail in (("short.csv", "2,0.4"), ("cut.csv", "2,0.4,1.2e"), ("cut2.csv", "2,0.4,")):
        (run,) = read(write(tmp_path / name, "epoch,loss,val_loss\n0,0.9,1.0\n1,0.5,0.7\n" + tail))
        assert points(run, "val_loss") == ([1.0, 2.0], [1.0, 0.7]), name
        assert len(run["loss"]) == 2, name
        assert only(livecurve_warnings.messages(), name, "line 4"), name


def test_torn_middle_row_is_skipped_and_the_next_row_starts_a_run(tmp_path, livecurve_warnings):
    text = (
        "epoch,loss,val_loss\n"
        "0,0.9,1.0\n"
        "1,0.5,0.70,0.8,0.9\n"  # a row cut short, then the next run's first row on its line
        "1,0.6,0.8\n"
        "2,0.4,0.6\n"
        "3,0.3,0.5"  # no final newline: a complete row all the same
    )
    runs = read(write(tmp_path / "torn.csv", text))
    assert [r.label for r in runs] == ["torn", "torn (run 2)"]
    assert points(runs[0], "loss") == ([1.0], [0.9])
    assert points(runs[1], "loss") == ([2.0, 3.0, 4.0], [0.6, 0.4, 0.3])
    messages = livecurve_warnings.messages()
    assert only(messages, "torn.csv", "skipped 1 incomplete row", "line 3 (5 cells, not 3")
    assert only(messages, "torn.csv", "2 runs", "line 4")


def test_appended_runs_restart_or_repeat_the_epoch(tmp_path, livecurve_warnings) -> None:
    text = (
        "epoch,loss,val_loss\n0,0.9,1.0\n1,0.5,0.7\n2,0.4,0.6\n"
        "\n0,0.8,0.9\n1,0.45,0.65\n"  # fit() again: epoch 0
        "epoch,loss,val_loss\n0,0.7,0.8\n"  # header written again, then a run stopped early
        "0,0.75,0.85\n1,0.35,0.55\n"  # epoch 0 repeated: another run
    )
    runs = read(write(tmp_path / "append.csv", text))
    assert [len(r["loss"]) for r in runs] == [3, 2, 1, 2]
    assert [r.label for r in runs] == ["append"] + [f"append (run {i})" for i in (2, 3, 4)]
    assert points(runs[1], "val_loss") == ([1.0, 2.0], [0.9, 0.65])
    assert points(runs[3], "loss") == ([1.0, 2.0], [0.75, 0.35])
    assert only(livecurve_warnings.messages(), "append.csv", "4 runs", "line 6", "line 10")


def test_run_resumed_from_an_earlier_checkpoint_is_a_new_run(tmp_path, livecurve_warnings):
    text = "epoch,loss\n0,0.9\n1,0.5\n2,0.4\n3,0.35\n2,0.41\n3,0.33\n4,0.3\n"
    first, resumed = read(write(tmp_path / "resume.csv", text))
    assert points(first, "loss") == ([1.0, 2.0, 3.0, 4.0], [0.9, 0.5, 0.4, 0.35])
    assert points(resumed, "loss") == ([3.0, 4.0, 5.0], [0.41, 0.33, 0.3])
    assert only(livecurve_warnings.messages(), "2 runs", "line 6")


def test_fit_epochs_1_in_a_loop_with_an_appending_csv_logger_is_one_curve(
    tmp_path, livecurve_warnings
) -> None:
    # CSVLogger(append=True) writes its header once; each fit(epochs=1) appends a row at epoch 0.
    text = "epoch,loss,val_loss\n0,0.9,1.0\n0,0.6,0.7\n0,0.45,0.5\n0,0.4,0.48\n"
    (run,) = read(write(tmp_path / "sessions.csv", text))
    assert points(run, "loss") == ([1.0, 2.0, 3.0, 4.0], [0.9, 0.6, 0.45, 0.4])
    assert points(run, "val_loss")[0] == [1.0, 2.0, 3.0, 4.0]
    (message,) = livecurve_warnings.messages()
    assert "sessions.csv" in message and "logs epoch 0" in message and "1 to 4" in message


@pytest.mark.parametrize(
    ("epochs", "lengths"),
    [
        ([0, 1, 0, 1], [2, 2]),  # two fit(epochs=2): appended multi-epoch runs, as before
        ([0, 1, 2, 0, 0], [3, 1, 1]),  # a long run, then restarts that stopped after epoch 0
        ([0, 0], [2]),  # two single-row sessions are already one curve
    ],
)
def test_single_row_restarts_join_only_when_every_restart_is_one_row(
    tmp_path, epochs, lengths
) -> None:
    rows = [f"{e},{1 / (i + 1)}" for i, e in enumerate(epochs)]
    runs = read(write(tmp_path / "mixed.csv", "epoch,loss\n" + "\n".join(rows) + "\n"))
    assert [len(r["loss"]) for r in runs] == lengths


def test_a_real_keras_fit_epochs_1_loop_reads_as_one_curve(tmp_path, livecurve_warnings) -> None:
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    log = tmp_path / "training.log"
    for _ in range(3):
        logger = keras.callbacks.CSVLogger(str(log), append=True)
        model.fit(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[logger])
    assert [line.split(",")[0] for line in log.read_text().splitlines()] == ["epoch", "0", "0", "0"]
    (run,) = read(log)
    assert run["loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert run["val_loss"].x.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("name", "first"), [("generation", 1), ("Runde", 0), ("époque", 1), ("iteración", 0)]
)
def test_a_column_that_only_counts_is_the_axis_not_a_metric(tmp_path, name, first) -> None:
    rows = [f"{first + i},{0.9 - i / 10},{1.0 - i / 10}" for i in range(5)]
    text = f"{name},fitness,val_fitness\n" + "\n".join(rows) + "\n"
    (run,) = read(write(tmp_path / "count.csv", text))
    assert run.axis == name and name not in run
    assert sorted(run.names) == ["fitness", "val_fitness"]
    assert run["fitness"].x.tolist() == [float(first + i) for i in range(5)]


def test_a_counting_column_that_restarts_splits_the_appended_runs(tmp_path) -> None:
    text = "generation,fitness\n1,0.9\n2,0.8\n3,0.7\n1,0.95\n2,0.85\n"
    first, second = read(write(tmp_path / "ga.csv", text))
    assert points(first, "fitness") == ([1.0, 2.0, 3.0], [0.9, 0.8, 0.7])
    assert points(second, "fitness") == ([1.0, 2.0], [0.95, 0.85])


def test_beside_an_epoch_column_a_counting_column_is_not_drawn(tmp_path) -> None:
    text = "epoch,n,loss,tp\n0,1,0.9,5\n1,2,0.6,9\n2,3,0.5,12\n3,4,0.4,13\n"
    (run,) = read(write(tmp_path / "both.csv", text))
    assert run.axis == "epoch" and sorted(run.names) == ["loss", "tp"]
    assert points(run, "tp") == ([1.0, 2.0, 3.0, 4.0], [5.0, 9.0, 12.0, 13.0])


@pytest.mark.parametrize(
    ("values", "counting"),
    [
        ([0, 1, 2], True),
        ([1, 2, 3, 4], True),
        ([0, 1, 2, 0, 1, 2, 3], True),
        ([0, 1], False),  # too short to tell from a metric
        ([2, 3, 4], False),  # does not start at 0 or 1
        ([1, 3, 5], False),  # jumps
        ([0.0, 0.5, 1.0], False),  # not whole numbers
        ([1, 1, 1, 1], False),  # does not go up
        ([0, None, 2], False),  # a row without a value
    ],
)
def test_what_counts_as_a_counting_column(values, counting) -> None:
    from livecurve.readers.columns import counts

    assert counts([None if v is None else float(v) for v in values]) is counting


def test_a_file_of_counters_only_still_plots_them(tmp_path) -> None:
    (run,) = read(write(tmp_path / "only.csv", "a,b\n1,0\n2,1\n3,2\n"))
    assert sorted(run.names) == ["a", "b"]


def test_rows_with_no_axis_value_are_reported(tmp_path, livecurve_warnings) -> None:
    text = "step,loss\n10,0.9\n,0.7\n30,0.5\n"
    (run,) = read(write(tmp_path / "gaps.csv", text))
    assert points(run, "loss") == ([10.0, 30.0], [0.9, 0.5])
    assert only(livecurve_warnings.messages(), "1 row with no 'step' value (line 3)")


def test_a_column_written_without_a_name(tmp_path) -> None:
    (run,) = read(write(tmp_path / "noname.csv", "epoch,loss\n0,0.9,5\n1,0.5,6\n"))
    assert points(run, "column 3") == ([1.0, 2.0], [5.0, 6.0])


def test_resumed_run_continuing_its_epochs_stays_one_run(tmp_path, livecurve_warnings) -> None:
    text = "epoch,loss\n0,0.9\n1,0.5\nepoch,loss\n2,0.4\n3,0.3\n"
    (run,) = read(write(tmp_path / "resumed.csv", text))
    assert points(run, "loss") == ([1.0, 2.0, 3.0, 4.0], [0.9, 0.5, 0.4, 0.3])
    assert not livecurve_warnings.messages()


def test_a_new_header_with_other_columns(tmp_path) -> None:
    text = "epoch,loss\n0,0.9\n1,0.5\nepoch,loss,lr\n2,0.4,0.1\n3,0.3,0.01\n"
    (run,) = read(write(tmp_path / "wider.csv", text))
    assert points(run, "loss") == ([1.0, 2.0, 3.0, 4.0], [0.9, 0.5, 0.4, 0.3])
    assert points(run, "lr") == ([3.0, 4.0], [0.1, 0.01])


def test_repeated_header_without_an_axis_starts_a_run(tmp_path, livecurve_warnings) -> None:
    text = "loss,val_loss\n0.9,1.0\n0.5,0.7\nloss,val_loss\n0.8,0.9\n"
    runs = read(write(tmp_path / "noaxis.csv", text))
    assert [points(r, "loss") for r in runs] == [([1.0, 2.0], [0.9, 0.5]), ([1.0], [0.8])]
    assert only(livecurve_warnings.messages(), "2 runs", "at a header line: line 5")


def test_two_runs_written_in_turns_are_separated(tmp_path, livecurve_warnings) -> None:
    rows = []
    for i in range(20):
        rows += [f"{50 + i}\t{1 / (50 + i)}", f"{1 + i}\t{10 / (1 + i)}"]
    runs = read(write(tmp_path / "turns.tsv", "Epoch\tloss\n" + "\n".join(rows) + "\n"))
    assert [r["loss"].x.tolist() for r in runs] == [
        [float(x) for x in range(50, 70)],
        [float(x) for x in range(1, 21)],
    ]
    assert only(livecurve_warnings.messages(), "2 runs written in turns")


def test_run_column_of_livecurves_csv_export_names_the_runs(tmp_path) -> None:
    base, wide = Run("base"), Run("wide")
    base.log(1, {"loss": 0.9, "val_loss": 1.0})
    base.log(2, {"loss": 0.5, "val_loss": 0.7})
    wide.log(1, {"loss": 0.8})
    wide.log(2, {"loss": 0.4, "val_loss": 0.6})
    path = write(tmp_path / "export.csv", to_csv([base, wide]))
    runs = read(path)
    assert [r.label for r in runs] == ["base", "wide"]
    assert points(runs[0], "val_loss") == ([1.0, 2.0], [1.0, 0.7])
    assert points(runs[1], "val_loss") == ([2.0], [0.6])


# -- JSON -----------------------------------------------------------------------------------
def test_json_keras_history_with_nan_literal(tmp_path, livecurve_warnings) -> None:
    path = write(tmp_path / "history.json", '{"loss": [0.9, NaN, 0.3], "val_loss": [1, 0.7, 0.6]}')
    (run,) = read(path)
    assert run.label == "history" and run["val_loss"].y.tolist() == [1.0, 0.7, 0.6]
    assert math.isnan(run["loss"].y[1])
    assert only(livecurve_warnings.messages(), "'loss' is nan at x=2")


def test_json_keras_history_wrapped_with_its_epochs(tmp_path) -> None:
    data = {"history": {"loss": [0.5, 0.4]}, "epoch": [3, 4], "params": {"epochs": 5}}
    (run,) = read(write(tmp_path / "h.json", json.dumps(data)))
    assert points(run, "loss") == ([4.0, 5.0], [0.5, 0.4])


def test_json_trainer_state_log_history(tmp_path) -> None:
    state = {
        "global_step": 20,
        "best_metric": 0.3,
        "log_history": [
            {"epoch": 0.5, "learning_rate": 1e-4, "loss": 0.9, "step": 10},
            {"epoch": 1.0, "learning_rate": 5e-5, "loss": 0.7, "step": 20},
            {"epoch": 1.0, "eval_loss": 0.8, "eval_accuracy": 0.6, "step": 20},
        ],
    }
    (run,) = read(write(tmp_path / "trainer_state.json", json.dumps(state)))
    assert run.axis == "step" and run.label == "trainer_state"
    assert points(run, "loss") == ([10.0, 20.0], [0.9, 0.7])
    assert points(run, "eval_loss") == ([20.0], [0.8])
    assert run.panels()[0].names == ["loss", "eval_loss"]


def test_json_dict_with_lists_of_metric_dicts(tmp_path) -> None:
    data = {
        "train_loss": [0.5, 0.4],
        "train_metrics": [{"mse": 0.3, "r2": 0.1}, {"mse": 0.2, "r2": 0.2}],
        "val_metrics": [{"mse": 0.35, "r2": 0.05}, {"mse": 0.25, "r2": 0.15}],
    }
    (run,) = read(write(tmp_path / "metrics.json", json.dumps(data)))
    assert points(run, "val_metrics/mse") == ([1.0, 2.0], [0.35, 0.25])
    assert [p.names for p in run.panels()][1] == ["train_metrics/mse", "val_metrics/mse"]


def test_json_lines_with_a_cut_last_line(tmp_path, livecurve_warnings) -> None:
    text = '{"epoch": 0, "loss": 0.9}\n{"epoch": 1, "loss": 0.5}\n{"epoch": 2, "lo'
    (run,) = read(write(tmp_path / "log.txt", text))
    assert points(run, "loss") == ([1.0, 2.0], [0.9, 0.5])
    assert only(livecurve_warnings.messages(), "log.txt", "line 3", "cut off")


def test_json_list_of_numbers_is_one_series_named_after_the_file(tmp_path) -> None:
    (run,) = read(write(tmp_path / "losses.json", "[0.9, 0.5, 0.3]"))
    assert points(run, "losses") == ([1.0, 2.0, 3.0], [0.9, 0.5, 0.3])


def test_livecurve_json_export_round_trips_exactly(tmp_path, livecurve_warnings) -> None:
    base = Run("base")
    base.log(1, {"loss": 0.1 + 0.2, "val_loss": float("nan")})
    base.log(2, {"loss": 1 / 3, "val_loss": 0.7})
    steps = Run("per step", axis="step")
    steps.extend("loss", [10, 20, 35], [0.5, 0.25, 1e-300])
    steps.ensure("empty")
    before = len(livecurve_warnings)
    path = write(tmp_path / "saved.json", to_json([base, steps]))
    runs = read(path)
    assert len(livecurve_warnings) == before, "reading back warns about nothing"
    assert [(r.label, r.axis, r.names) for r in runs] == [
        ("base", "epoch", ["loss", "val_loss"]),
        ("per step", "step", ["loss", "empty"]),
    ]
    for original, loaded in zip([base, steps], runs):
        for name in original.names:
            x0, y0 = original[name].snapshot()
            x1, y1 = loaded[name].snapshot()
            assert x0.tobytes() == x1.tobytes() and np.array_equal(y0, y1, equal_nan=True)
    assert to_json(runs) == to_json([base, steps])
    assert [r.label for r in read(path, label="mine")] == ["mine", "mine (run 2)"]
    # The dict itself (json.loads of an export) reads the same way.
    assert to_json(read(json.loads(path.read_text()))) == to_json([base, steps])


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty (0 bytes)"),
        ("blank.csv", b"\n\r\n  \n", "only blank lines"),
        ("header.csv", b"epoch,loss,val_loss\n", "header (line 1) but no rows"),
        ("header-blank.csv", b"\n\nepoch,loss\r\n\r\n", "header (line 3) but no rows"),
        ("readme.txt", b"This project trains a model.\nRun it with python.\n", "no row has"),
        ("notes.txt", b"Training notes\nloss decreased\n", "no column"),
        ("config.json", b'{"lr": 0.1, "optimizer": "adam"}', "no lists of values"),
        ("strings.json", b'["a", "b"]', "no column"),
        ("broken.json", b'{"loss": [0.9, 0.5}\n', "not valid JSON (line 1, column 19"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("only-axis.csv", b"epoch\n0\n1\n", "no column"),
        ("console.log", b"Epoch 1/2\n10/10 [====] - 1s - loss: 0.69 - val_loss: 0.70\n"
         b"Epoch 2/2\n10/10 [====] - 1s - loss: 0.60 - val_loss: 0.65\n",
         "console output of Keras's fit()"),
        ("export.json", b'{"livecurve": 1, "runs": [{"label": "a", "series": {"loss": {}}}]}',
         "series 'loss' of run 1"),
    ],
)  # fmt: skip
def test_unreadable_files_raise_log_read_error_naming_them(
    tmp_path, livecurve_warnings, name, content, message
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(LogReadError, match=name.replace(".", r"\.")) as raised:
        read(path)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert not livecurve_warnings.messages(), "one clear error, no warnings before it"


def test_missing_path_and_directory_without_event_files(tmp_path) -> None:
    with pytest.raises(LogReadError, match=r"nope\.csv: no such file"):
        read(tmp_path / "nope.csv")
    (tmp_path / "logs").mkdir()
    write(tmp_path / "logs" / "notes.txt", "hello\n")
    with pytest.raises(LogReadError, match="logs: no TensorBoard event files"):
        read(str(tmp_path / "logs"))


def test_reading_does_not_touch_the_file(tmp_path) -> None:
    path = write(tmp_path / "torn.csv", "epoch,loss\n0,0.9\n1,0.5\n2,0.")
    os.chmod(path, 0o444)
    stamp = path.stat().st_mtime_ns
    with pytest.warns(Warning):
        read(path)
    assert (
        path.read_bytes() == b"epoch,loss\n0,0.9\n1,0.5\n2,0." and path.stat().st_mtime_ns == stamp
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["torn.csv"]


# -- runs in one table ----------------------------------------------------------------------
def test_sequential_split_keeps_sparse_rows_and_splits_repeats() -> None:
    # Lightning: one step, train metrics (bit 1) and val metrics (bit 2) on separate rows
    assert sequential([1, 1, 2, 2], [1, 2, 1, 2]).runs == [[0, 1, 2, 3]]
    found = sequential([0, 1, 0, 0, 1], [1, 1, 1, 1, 1], {4})
    assert found.runs == [[0, 1], [2], [3], [4]]
    assert found.restarts == [2, 3] and found.forced == [4]


def test_in_turns_only_where_it_explains_the_rows_far_better() -> None:
    assert in_turns([5, 1, 6, 2, 7, 3], [1] * 6) == [[0, 2, 4], [1, 3, 5]]
    resumed = [0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 7]  # resumed from an earlier checkpoint
    assert len(split_runs(resumed, [1] * len(resumed)).runs) == 2
    assert not split_runs(resumed, [1] * len(resumed)).interleaved
    turns = [x for i in range(10) for x in (100 + i, i)]
    found = split_runs(turns, [1] * len(turns))
    assert found.interleaved and [len(r) for r in found.runs] == [10, 10]


# -- TensorBoard ----------------------------------------------------------------------------
def _event_writer(directory: Path):  # type: ignore[no-untyped-def]
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    directory.mkdir(parents=True, exist_ok=True)
    return EventFileWriter(str(directory))


def _scalar_event(step: int, tag: str, value: float, *, tensor: bool):  # type: ignore[no-untyped-def]
    """A ``simple_value`` scalar (PyTorch, Lightning) or a TF2 scalar tensor (Keras)."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2

    if tensor:
        proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value])
        metadata = summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
        )
        summary_value = summary_pb2.Summary.Value(tag=tag, tensor=proto, metadata=metadata)
    else:
        summary_value = summary_pb2.Summary.Value(tag=tag, simple_value=value)
    return event_pb2.Event(
        step=step, wall_time=time.time(), summary=summary_pb2.Summary(value=[summary_value])
    )


def _keras_like_log(root: Path, losses: list[float], offset: float = 0.1) -> None:
    for split, extra in (("train", 0.0), ("validation", offset)):
        writer = _event_writer(root / split)
        for epoch, loss in enumerate(losses):
            writer.add_event(_scalar_event(epoch, "epoch_loss", loss + extra, tensor=True))
            writer.add_event(_scalar_event(epoch, "epoch_accuracy", 1 - loss, tensor=True))
            writer.add_event(_scalar_event(epoch * 50, "batch_loss", loss, tensor=True))
        writer.close()
        time.sleep(0.002)  # the next file starts later


@pytest.fixture(scope="module")
def tensorboard_logs(tmp_path_factory) -> Path:
    pytest.importorskip("tensorboard")
    root = tmp_path_factory.mktemp("tb")
    _keras_like_log(root / "keras", [0.9, 0.5, 0.25])
    writer = _event_writer(root / "lightning")
    for step, loss in ((100, 0.8), (200, 0.6)):
        writer.add_event(_scalar_event(0, "hp_metric", -1.0, tensor=False))
        writer.add_event(_scalar_event(step, "train_loss", loss, tensor=False))
        writer.add_event(_scalar_event(step, "val_loss", loss + 0.1, tensor=False))
        writer.add_event(_scalar_event(step, "epoch", step // 100 - 1, tensor=False))
    writer.close()
    _keras_like_log(root / "restarted", [0.9, 0.5])
    _keras_like_log(root / "restarted", [0.8, 0.4, 0.3])
    return root


def test_tensorboard_keras_train_and_validation_folders(tensorboard_logs, livecurve_warnings):
    (run,) = read(tensorboard_logs / "keras")
    assert run.label == "keras" and run.axis == "epoch"
    assert sorted(run.names) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    x, y = points(run, "val_loss")
    assert x == [1.0, 2.0, 3.0] and y == pytest.approx([1.0, 0.6, 0.35])
    assert run.panels()[0].names == ["loss", "val_loss"]
    assert only(livecurve_warnings.messages(), "train/batch_loss", "validation/batch_loss")
    # One event file of the validation folder: still named like Keras's History.
    (file_run,) = read(next((tensorboard_logs / "keras" / "validation").iterdir()))
    assert sorted(file_run.names) == ["val_accuracy", "val_loss"] and file_run.label == "keras"


def test_tensorboard_simple_values_on_the_step_axis(tensorboard_logs) -> None:
    (run,) = read(tensorboard_logs / "lightning", label="mnist")
    assert run.label == "mnist" and run.axis == "step"
    assert run.names == ["hp_metric", "train_loss", "val_loss"], "the epoch tag is a counter"
    assert points(run, "train_loss")[0] == [100.0, 200.0]
    assert points(run, "hp_metric") == ([0.0], [-1.0]), "a repeated identical point kept once"


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "float16"])
def test_tensorboard_scalar_tensors_of_every_dtype_and_layout_read_as_numpy_reads_them(
    tmp_path, dtype
) -> None:
    """Packed bytes (tf.summary.scalar) and value fields (the loader's migration) alike."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2
    from tensorboard.util.tensor_util import make_ndarray

    value = np.array(-3 if dtype.startswith("int") else 0.1, dtype=dtype)
    dtype_enum = {"float32": 1, "float64": 2, "int32": 3, "int64": 9, "float16": 19}[dtype]
    field = {"float32": "float_val", "float64": "double_val", "int32": "int_val"}
    field.update(int64="int64_val", float16="half_val")
    fields = {field[dtype]: [int(value.view(np.uint16)) if dtype == "float16" else value.item()]}
    tensors = {
        "packed": tensor_pb2.TensorProto(dtype=dtype_enum, tensor_content=value.tobytes()),
        "fields": tensor_pb2.TensorProto(dtype=dtype_enum, **fields),
        "pair": tensor_pb2.TensorProto(dtype=dtype_enum, tensor_content=value.tobytes() * 2),
    }
    writer = _event_writer(tmp_path)
    for tag, proto in tensors.items():
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, tensor=proto)])
        writer.add_event(event_pb2.Event(step=1, wall_time=time.time(), summary=summary))
    writer.close()
    (run,) = read(tmp_path)
    expected = float(make_ndarray(tensors["packed"]))
    assert expected == float(value)
    assert points(run, "packed") == ([1.0], [expected])
    assert points(run, "fields") == ([1.0], [expected])
    assert "pair" not in run.names, "two values are not a scalar"


def test_tensorboard_restart_into_the_same_folder_and_several_runs(
    tensorboard_logs, livecurve_warnings
) -> None:
    runs = read(tensorboard_logs)
    labels = [r.label for r in runs]
    root = tensorboard_logs.name
    assert labels == [f"{root}/keras", f"{root}/lightning", f"{root}/restarted",
                      f"{root}/restarted (run 2)"]  # fmt: skip
    assert runs[2]["loss"].x.tolist() == [1.0, 2.0]
    assert runs[3]["val_loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert runs[3]["loss"].y.tolist() == pytest.approx([0.8, 0.4, 0.3])
    assert only(livecurve_warnings.messages(), "restarted into the same folder", "(run 2)'")


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with TensorFlow's log level left at its default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_reading_a_tensorboard_log_imports_no_tensorflow_and_prints_nothing(tensorboard_logs):
    pytest.importorskip("tensorflow")
    result = _python(
        f"""
        import sys, warnings
        warnings.simplefilter("ignore")
        from livecurve.readers import read
        (run,) = read({str(tensorboard_logs / "keras")!r})
        print(sorted(run.names), "tensorflow" in sys.modules)
        """,
        tensorboard_logs,
    )
    assert result.returncode == 0, result.stderr
    # TensorFlow is installed, but the reader does not import it, and prints nothing.
    names, imported = result.stdout.strip().rsplit(" ", 1)
    assert names == "['accuracy', 'loss', 'val_accuracy', 'val_loss']" and imported == "False"
    assert result.stderr == ""


def test_quiet_stderr_drops_what_a_block_writes_and_replays_it_on_an_error(tmp_path) -> None:
    result = _python(
        """
        import os, sys
        from livecurve.readers.quiet import quiet_stderr
        with quiet_stderr():
            os.write(2, b"oneDNN custom operations are on\\n")
            print("python-level noise", file=sys.stderr)
        os.write(2, b"after\\n")
        try:
            with quiet_stderr():
                os.write(2, b"the reason\\n")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "after\nthe reason\n"


def test_tensorboard_without_scalars_is_a_clear_error(tmp_path) -> None:
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import event_pb2

    writer = _event_writer(tmp_path / "logs")
    writer.add_event(event_pb2.Event(step=0, wall_time=time.time(), file_version="brain.Event:2"))
    writer.close()
    with pytest.raises(LogReadError, match="logs: its 1 event file hold no scalars"):
        read(tmp_path / "logs")


def test_tensorboard_without_tensorboard_says_how_to_install_it(tmp_path, monkeypatch) -> None:
    events = tmp_path / "logs"
    events.mkdir()
    write(events / "events.out.tfevents.1.host", b"")
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto.event_pb2", None)
    with pytest.raises(ImportError, match=r"pip install 'livecurve\[tensorboard\]'"):
        read(events)
