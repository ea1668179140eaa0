"""The state behind each control, kernel side (the browser side: tests/browser/test_controls_*)."""

from __future__ import annotations

import bqplot as bq
import numpy as np
import pytest

from livecurve import LivePlot
from livecurve.export.static import figure
from livecurve.model.best import best_point
from livecurve.model.run import Run
from livecurve.model.yrange import panel_ranges, positive_range, robust_range


def _plot(steps: int = 400) -> LivePlot:
    plot = LivePlot(axis="step", smoothing=0.6)
    rng = np.random.default_rng(0)
    for step in range(1, steps + 1):
        loss = 2 * np.exp(-step / 100) + 0.1 + 0.1 * rng.random()
        extra = {"val_loss": 1 + (step / 200 - 1) ** 2} if step % 50 == 0 else {}
        plot.log(step, loss=60.0 if step == 5 else loss, **extra)
    plot.view.refresh()
    return plot


def test_one_diverging_value_is_left_out_of_the_range_and_a_smooth_curve_keeps_all() -> None:
    decay = 2 * np.exp(-np.arange(100) / 30) + 0.1
    assert robust_range(decay) is None
    low, high = robust_range(np.concatenate([[60.0], decay]))
    assert low < decay.min() and decay.max() < high < 3
    assert robust_range(np.array([np.nan, 1.0, np.inf])) is None  # too few finite values


def test_a_log_axis_gets_a_positive_range_and_counts_what_it_leaves_out() -> None:
    values = np.array([-1.0, 0.0, 0.01, 0.1, 1.0, 10.0])
    assert positive_range(values) == (0.01, 10.0)
    assert positive_range(np.array([0.5, 2.0])) is None
    ranges = panel_ranges(values)
    assert ranges["hidden"] == 2 and tuple(ranges["log_floor"]) == (0.01, 10.0)


def test_the_widget_sends_each_panel_its_ranges_and_step_width() -> None:
    plot = _plot()
    ranges = plot.view.controls.ranges["loss"]
    _low, high = ranges["lin"]
    assert high < 10  # the 60 at step 5 is left out
    assert ranges["hidden"] == 0
    assert ranges["dx"] == pytest.approx(1.0, rel=0.05)  # one step per x unit


def test_log_scale_points_axis_marks_and_pan_zoom_at_the_log_scale_and_back() -> None:
    plot = _plot()
    controls, panel = plot.view.controls, plot.view.panels["loss"]
    controls.log_panels = ["loss"]
    log = controls.y_log["loss"]
    assert isinstance(log, bq.LogScale)
    assert panel.figure.axes[1].scale is log
    assert all(mark.scales["y"] is log for mark in panel.figure.marks)
    assert controls.panzoom["loss"].scales["y"] == [log]
    plot.log(401, loss=0.5)  # marks added later follow the panel's scale too
    plot.view.refresh()
    controls.log_panels = []
    assert panel.figure.axes[1].scale is panel.y_scale
    assert all(mark.scales["y"] is panel.y_scale for mark in panel.figure.marks)


def test_the_slider_redraws_the_smoothed_line_over_every_step_and_saves_use_it() -> None:
    plot = _plot()
    smooth = plot.view.panels["loss"].series[(0, "loss")].smooth
    before = smooth.y.copy()
    plot.view.controls.smoothing = 0.95  # what the browser sends once the kernel is free
    assert plot.view.smoothing == 0.95 and plot.view.controls.kernel_smoothing == 0.95
    assert not np.allclose(before, smooth.y)
    assert plot._picture_options()["smoothing"] == 0.95
    plot.set_smoothing(0.3)  # and Python moves the slider
    assert plot.view.controls.smoothing == 0.3


def test_the_best_validation_point_is_marked_live_and_in_pictures(tmp_path) -> None:
    plot = _plot()
    best = best_point(plot.run, "val_loss")
    assert best == (200.0, 1.0)
    marks = [m for m in plot.view.panels["loss"].figure.marks if m.labels == ["best val_loss"]]
    assert len(marks) == 1 and marks[0].x.tolist() == [200.0] and marks[0].y.tolist() == [1.0]
    assert best_point(plot.run, "loss") is None  # training series get no marker
    svg = plot.save(tmp_path / "best.svg").read_text()
    assert 'id="best-0-val_loss"' in svg


def test_a_max_metric_is_marked_at_its_maximum() -> None:
    run = Run("r")
    for epoch, acc in enumerate([0.5, 0.8, 0.7], start=1):
        run.log(epoch, {"val_accuracy": acc})
    assert best_point(run, "val_accuracy") == (2.0, 0.8)


def test_pictures_follow_log_panels_and_the_outlier_range() -> None:
    plot = _plot()
    fig = figure(plot.runs, smoothing=0.6, log_panels=("loss",), ignore_outliers=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    fig = figure(plot.runs, smoothing=0.6, ignore_outliers=True)
    assert fig.axes[0].get_ylim()[1] < 10
    fig = figure(plot.runs, smoothing=0.6)
    assert fig.axes[0].get_ylim()[1] > 50


def test_a_log_picture_of_values_at_or_below_zero_leaves_them_out() -> None:
    run = Run("r")
    for epoch, value in enumerate([1.0, 0.0, -0.5, 0.1], start=1):
        run.log(epoch, {"loss": value})
    ax = figure([run], log_panels=("loss",)).axes[0]
    low, high = ax.get_ylim()
    assert ax.get_yscale() == "log" and 0 < low <= 0.1 and high >= 1.0


def test_save_requests_from_the_browser_are_written_by_python(tmp_path) -> None:
    plot = _plot()
    controls = plot.view.controls
    controls._message(controls, {"event": "save", "name": str(tmp_path / "x.csv")}, [])
    assert (tmp_path / "x.csv").exists() and controls.status.startswith("saved")
    controls._message(controls, {"event": "save", "name": str(tmp_path / "x.bad")}, [])
    assert controls.status.startswith("not saved")


def test_the_controls_module_ships_with_the_package() -> None:
    from importlib.resources import files

    view = files("livecurve.view")
    assert "export default" in view.joinpath("controls.js").read_text()
    assert ".lc-bar" in view.joinpath("controls.css").read_text()


@pytest.fixture(scope="module")
def digits_fit():  # type: ignore[no-untyped-def]
    """The issue's case: the quickstart's fit() for 20 epochs on scikit-learn's digits, defaults."""
    keras = pytest.importorskip("keras")
    from sklearn.datasets import load_digits

    from livecurve import LiveCurve

    digits = load_digits()
    x, y = (digits.data / 16.0).astype("float32"), digits.target
    order = np.random.default_rng(0).permutation(len(x))  # as the quickstart
    x, y = x[order], y[order]
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    curve = LiveCurve(display=False)
    model.fit(x, y, validation_split=0.2, epochs=20, batch_size=64, verbose=0, callbacks=[curve])
    curve.plot.view.refresh()
    return curve.plot


def _epoch_values(run: Run, family: str) -> np.ndarray:
    names = [n for p in run.panels() if p.family == family for n in p.names]
    values = [run.points(n).snapshot()[1] for n in names if run.points(n) is not None]
    return np.concatenate(values)


@pytest.mark.parametrize("family", ["loss", "accuracy"])
def test_every_epoch_value_lies_inside_its_panels_range_live(digits_fit, family: str) -> None:
    plot = digits_fit
    assert plot.run.steps is not None and len(plot.run.steps)  # per-batch values were drawn
    values = _epoch_values(plot.run, family)
    assert values.size == 40  # 20 epochs, training and validation
    entry = plot.view.controls.ranges[family]
    for kind in ("lin", "log"):
        if entry[kind] is not None:  # None: the browser's automatic range, which holds all
            low, high = entry[kind]
            assert low <= values.min() and values.max() <= high, (kind, entry[kind], values)


@pytest.mark.parametrize("log", [False, True])
def test_every_epoch_value_lies_inside_its_panels_range_in_pictures(digits_fit, log) -> None:
    panels = ("loss", "accuracy") if log else ()
    fig = figure([digits_fit.run], log_panels=panels, ignore_outliers=True, smoothing=0.6)
    for ax in fig.axes:
        family = ax.get_title()
        if family in ("loss", "accuracy"):
            low, high = ax.get_ylim()
            values = _epoch_values(digits_fit.run, family)
            assert low <= values.min() and values.max() <= high, (family, (low, high), values)


def test_a_per_step_spike_is_still_left_out_when_epoch_values_are_kept() -> None:
    steps = np.concatenate([[60.0], 2 * np.exp(-np.arange(200) / 50) + 0.1])
    epochs = np.array([1.5, 0.6, 0.2])
    low, high = robust_range(steps, keep=epochs)
    assert low <= epochs.min() and epochs.max() <= high < 10


def test_ranges_follow_every_redraw_of_an_epoch_loop() -> None:
    """The x extent (for the tick labels) and y range are redone at each epoch's redraw, even when
    the new arrays reuse the old ones' memory (their id())."""
    plot = LivePlot()
    for epoch in range(1, 31):
        plot.log(epoch, loss=1 / epoch, val_loss=1.2 / epoch)
        plot.view.refresh()
        assert plot.view.controls.ranges["loss"]["x"] == [1.0, float(epoch)], epoch
