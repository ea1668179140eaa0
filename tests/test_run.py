"""Run: logging values of any kind, warnings, panels and the aligned table."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from livecurve import LiveCurveWarning, Run
from livecurve.export.data import to_json
from livecurve.model.values import to_scalar

finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.25, 0.25),
        (3, 3.0),
        (True, 1.0),
        (np.float32(0.5), 0.5),
        (np.float64(-1e-300), -1e-300),
        (np.int64(7), 7.0),
        (np.array(2.5), 2.5),
        (np.array([1.5]), 1.5),
        (np.array([[4]], dtype=np.int8), 4.0),
        (10**400, math.inf),  # too large for a float: an infinity, not an OverflowError
        (-(10**400), -math.inf),
    ],
    ids=repr,
)
def test_to_scalar_accepts_single_numbers(value, expected) -> None:
    assert to_scalar(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "0.5",
        b"1",
        {"a": 1},
        [1.0, 2.0],
        np.zeros(3),
        np.array([]),
        1 + 2j,
        np.complex64(1),
        np.array(["x"]),
        object(),
    ],
    ids=repr,
)
def test_to_scalar_rejects_non_numbers(value) -> None:
    assert to_scalar(value) is None


def test_to_scalar_accepts_tensorflow_tensors() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    tf = pytest.importorskip("tensorflow")
    assert to_scalar(tf.constant(0.75)) == 0.75
    assert to_scalar(tf.constant([3], dtype=tf.int32)) == 3.0
    assert to_scalar(tf.constant([1.0, 2.0])) is None


class _GradTensor:
    """Like a torch tensor that requires grad: ``numpy()`` refuses, ``item()`` works."""

    def numpy(self):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad")

    def item(self):
        return 0.125


def test_to_scalar_falls_back_to_item_when_numpy_refuses() -> None:
    assert to_scalar(_GradTensor()) == 0.125


def test_log_stores_numpy_scalars_zero_d_arrays_and_tensors_exactly() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    tf = pytest.importorskip("tensorflow")
    run = Run()
    run.log(1, {"a": np.float32(0.1), "b": np.array(0.2), "c": tf.constant(0.3, tf.float64)})
    assert run["a"].y.tolist() == [float(np.float32(0.1))]
    assert run["b"].y.tolist() == [0.2]
    assert run["c"].y.tolist() == [0.3]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("nan")], ids=repr)
def test_nonfinite_values_are_stored_as_nan_with_one_warning_naming_metric_and_x(
    bad, livecurve_warnings
) -> None:
    run = Run()
    run.log(1, {"loss": 0.5})
    run.log(2, {"loss": bad})
    run.log(3, {"loss": bad})
    run.log(4, {"loss": 0.3})
    assert run["loss"].x.tolist() == [1, 2, 3, 4]
    y = run["loss"].y
    assert y[0] == 0.5 and y[3] == 0.3
    assert math.isnan(y[1]) and math.isnan(y[2])
    messages = livecurve_warnings.messages()
    assert len(messages) == 1
    assert "'loss'" in messages[0] and "x=2" in messages[0]


def test_nonfinite_warning_is_once_per_metric(livecurve_warnings) -> None:
    run = Run()
    for x in (1, 2, 3):
        run.log(x, {"loss": math.nan, "val_loss": math.inf, "accuracy": 0.5})
    messages = livecurve_warnings.messages()
    assert len(messages) == 2
    assert any("'loss'" in m for m in messages)
    assert any("'val_loss'" in m for m in messages)


def test_warning_category_is_livecurve_warning() -> None:
    with pytest.warns(LiveCurveWarning, match="'loss'"):
        Run().log(1, {"loss": math.nan})


@pytest.mark.parametrize(
    "bad", ["high", [0.1, 0.2], np.ones((2, 2)), None, {"x": 1}], ids=lambda v: type(v).__name__
)
def test_non_numbers_are_skipped_with_one_warning_naming_the_metric(
    bad, livecurve_warnings
) -> None:
    run = Run()
    for x in (1, 2, 3):
        run.log(x, {"loss": 0.5, "note": bad})
    assert "note" not in run
    assert run["loss"].y.tolist() == [0.5, 0.5, 0.5]
    messages = livecurve_warnings.messages()
    assert len(messages) == 1
    assert "'note'" in messages[0]


def test_extend_keeps_nonfinite_values_as_nan_with_one_warning(livecurve_warnings) -> None:
    run = Run()
    run.extend("loss", [1, 2, 3], [0.5, math.inf, math.nan])
    run.extend("loss", [4], [-math.inf])
    assert run["loss"].x.tolist() == [1, 2, 3, 4]
    assert run["loss"].y[0] == 0.5
    assert np.isnan(run["loss"].y[1:]).all()
    messages = livecurve_warnings.messages()
    assert len(messages) == 1
    assert "'loss'" in messages[0] and "x=2" in messages[0]


def test_extend_with_mismatched_lengths_raises_without_storing_or_warning(
    livecurve_warnings,
) -> None:
    run = Run()
    with pytest.raises(ValueError, match="'loss'"):
        run.extend("loss", [1, 2], [math.nan, 0.5, 0.25])
    assert len(run["loss"]) == 0
    assert len(livecurve_warnings) == 0


def test_metric_appearing_late_and_sparse_validation_sit_exactly_where_logged() -> None:
    run = Run()
    k = 3
    for epoch in range(1, 13):
        logs = {"loss": 1 / epoch}
        if epoch >= 5:
            logs["accuracy"] = epoch / 20
        if epoch % k == 0:
            logs["val_loss"] = 1.1 / epoch
        run.log(epoch, logs)
    assert run["loss"].x.tolist() == list(range(1, 13))
    assert run["accuracy"].x.tolist() == list(range(5, 13))
    assert run["accuracy"].y.tolist() == [e / 20 for e in range(5, 13)]
    assert run["val_loss"].x.tolist() == [3, 6, 9, 12]
    assert run["val_loss"].y.tolist() == [1.1 / e for e in (3, 6, 9, 12)]


def test_panels_put_loss_first_lr_last_and_train_before_val() -> None:
    run = Run()
    # Keras sorts keys: accuracy, learning_rate, loss, val_accuracy, val_loss.
    run.log(
        1,
        {"val_accuracy": 0.4, "accuracy": 0.5, "learning_rate": 0.1, "val_loss": 1.0, "loss": 0.9},
    )
    run.log(2, {"f1": 0.3, "val_f1": 0.2})
    panels = run.panels()
    assert [p.family for p in panels] == ["loss", "accuracy", "f1", "learning_rate"]
    assert [p.names for p in panels] == [
        ["loss", "val_loss"],
        ["accuracy", "val_accuracy"],
        ["f1", "val_f1"],
        ["learning_rate"],
    ]
    assert [p.goal for p in panels] == ["min", "max", "max", None]


def test_names_keep_first_seen_order(small_run) -> None:
    assert small_run.names == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"]


def test_table_aligns_series_on_union_of_x_with_nan_for_missing() -> None:
    run = Run()
    run.log(1, {"loss": 0.9})
    run.log(2, {"loss": 0.8, "val_loss": 1.0})
    with pytest.warns(LiveCurveWarning):
        run.log(3, {"loss": math.nan})
    run.log(4, {"val_loss": 0.7})
    xs, columns = run.table()
    assert xs.tolist() == [1, 2, 3, 4]
    assert set(columns) == {"loss", "val_loss"}
    np.testing.assert_array_equal(columns["loss"], [0.9, 0.8, np.nan, np.nan])
    np.testing.assert_array_equal(columns["val_loss"], [np.nan, 1.0, np.nan, 0.7])


def test_table_of_empty_run_is_empty() -> None:
    xs, columns = Run().table()
    assert xs.size == 0 and columns == {}


def test_last_x_and_truncate_from_across_series(small_run) -> None:
    assert small_run.last_x() == 5
    dropped = small_run.truncate_from(4)
    assert dropped == 2 * len(small_run)
    assert small_run.last_x() == 3
    assert all(s.x.tolist() == [1, 2, 3] for s in small_run.series())
    assert Run().last_x() is None


def test_version_changes_when_any_series_changes(small_run) -> None:
    before = small_run.version
    small_run.log(6, {"loss": 0.3})
    after_log = small_run.version
    small_run.log(7, {"brand_new": 1.0})
    assert before < after_log < small_run.version


@given(st.lists(finite_floats, min_size=1, max_size=30))
@example([-0.0, 0.0, 5.0, 2.0**60, 1e-300, 5e-324, 0.1, 1.7976931348623157e308])
def test_finite_floats_round_trip_exactly_through_run_and_json(values: list[float]) -> None:
    run = Run()
    for i, v in enumerate(values):
        run.log(i + 1, {"m": v})
    stored = run["m"].y.tolist()
    assert [math.copysign(1, v) for v in stored] == [math.copysign(1, v) for v in values]
    assert stored == values
    series = json.loads(to_json([run]))["runs"][0]["series"]["m"]
    assert series["y"] == values
    assert [math.copysign(1, v) for v in series["y"]] == [math.copysign(1, v) for v in values]
    assert series["x"] == [float(i + 1) for i in range(len(values))]
