"""livecurve's JSON export reads back completely: series, per-step values, params and summary."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import livecurve
from livecurve import LiveCurveWarning
from livecurve.errors import LogReadError
from livecurve.export.save import save
from livecurve.model.run import Run

PARAMS: list[dict[str, Any]] = [
    {"lr": 0.001, "batch_size": 32, "optimizer": "adam", "augment": True, "dropout": None},
    {"layers": [64, 32, 16], "schedule": {"kind": "cosine", "warmup": 5}, "seed": 7},
    {"nested": {"a": [1, {"b": [2.5, "x"]}]}, "tags": []},
]


def _run(label: str, params: dict[str, Any]) -> Run:
    run = Run(label)
    for epoch in range(1, 4):
        run.log(epoch, {"loss": 1.0 / epoch, "val_loss": 1.2 / epoch})
    run.extend_steps(
        np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0]),
        {"loss": np.array([1.1, 0.9, 0.6, 0.5, 0.4, 0.33])},
    )
    run.params.update(params)
    run.summary.update({"train_runtime": 12.5, "total_flos": 3.0e12, "eval_nan": math.nan})
    return run


@pytest.mark.parametrize("params", PARAMS, ids=["scalars", "lists-and-dicts", "deep"])
def test_save_json_then_load_gives_back_params_summary_and_steps(
    tmp_path: Path, params: dict[str, Any]
) -> None:
    runs = [_run("a", params), _run("b", {"lr": 0.01})]
    path = save(runs, tmp_path / "x.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LiveCurveWarning)  # reading back warns about nothing
        loaded = livecurve.load(path)
    assert [r.label for r in loaded] == ["a", "b"]
    for original, back in zip(runs, loaded):
        assert back.params == original.params
        assert back.summary.keys() == original.summary.keys()
        assert back.summary["train_runtime"] == 12.5 and back.summary["total_flos"] == 3.0e12
        assert math.isnan(back.summary["eval_nan"])
        x0, y0 = original.steps.column("loss")
        x1, y1 = back.steps.column("loss")
        assert x0.tolist() == x1.tolist() and y0.tolist() == y1.tolist()
        assert back["val_loss"].y.tolist() == original["val_loss"].y.tolist()
    # Saving what was loaded writes the same file: nothing was lost on the way.
    again = save(loaded, tmp_path / "again.json")
    assert again.read_text() == path.read_text()


def test_steps_of_several_metrics_at_different_x_come_back_each_at_its_own_x(
    tmp_path: Path,
) -> None:
    run = Run("r")
    run.log(1, {"loss": 0.5})
    run.log_steps(0.5, {"loss": 0.7})
    run.log_steps(1.0, {"loss": 0.6, "grad_norm": 2.0})
    path = save([run], tmp_path / "r.json")
    (back,) = livecurve.load(path)
    assert back.steps.column("loss")[0].tolist() == [0.5, 1.0]
    assert back.steps.column("grad_norm")[0].tolist() == [1.0]
    assert back.steps.column("grad_norm")[1].tolist() == [2.0]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"steps": {"loss": {"x": [1, 2], "y": [0.5]}}}, "steps of run 1"),
        ({"steps": {"loss": {"x": [1]}}}, "steps of run 1"),
        ({"series": {"loss": {"x": [1, 2], "y": [0.5]}}}, "series 'loss' of run 1"),
    ],
)
def test_a_damaged_export_names_what_is_wrong(
    tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    data = {"livecurve": 1, "runs": [{"label": "r", "axis": "epoch", "series": {}, **entry}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LogReadError, match=message):
        livecurve.load(path)


def test_summary_values_that_are_not_numbers_are_left_out(tmp_path: Path) -> None:
    data = {
        "livecurve": 1,
        "runs": [
            {
                "label": "r",
                "axis": "epoch",
                "series": {"loss": {"x": [1], "y": [0.5]}},
                "summary": {"time": 3, "note": "text", "flag": True, "nan": None},
            }
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    (run,) = livecurve.load(path)
    assert run.summary.keys() == {"time", "nan"} and run.summary["time"] == 3.0
