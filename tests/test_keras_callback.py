"""LiveCurve with a real (tiny) Keras 3 ``model.fit()`` on CPU, TensorFlow backend."""

from __future__ import annotations

import csv
import math
import os
from types import SimpleNamespace

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import matplotlib.image
import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import ops  # noqa: E402

from livecurve import LiveCurve  # noqa: E402
from livecurve.model.names import parse  # noqa: E402
from livecurve.view.legend import entry_id  # noqa: E402
from livecurve.view.widget import CurveView  # noqa: E402

pytestmark = [pytest.mark.keras, pytest.mark.backends]

# One small problem and model shape shared by every test: 4 features, 64 samples, 2 batches.
_rng = np.random.default_rng(0)
X = _rng.normal(size=(64, 4)).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")
FIT = {"batch_size": 32, "verbose": 0, "shuffle": False}


def make_model(metrics=("accuracy",), *, eager: bool = True) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=list(metrics),
        # A few batches: tracing tf.functions costs more than it saves (the fixture below
        # keeps one fit in the default graph mode).
        run_eagerly=eager,
    )
    return model


def marks_of(curve: LiveCurve, name: str):
    return curve.plot.view.panels[parse(name).family].series[(0, name)]


@pytest.fixture(scope="module")
def trained():
    """One fit with validation and a learning-rate schedule, the view alive while it runs."""
    curve = LiveCurve()
    assert curve.plot.view.panels == {}  # as in a notebook: the widget exists before epoch 1
    history = keras.callbacks.History()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 / (epoch + 1))
    make_model(eager=False).fit(
        X, Y, validation_split=0.25, epochs=4, callbacks=[schedule, curve, history], **FIT
    )
    return curve, history.history


def test_marks_hold_exactly_what_history_logged(trained) -> None:
    curve, history = trained
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert set(curve.run.names) == set(history)
    for name, values in history.items():
        marks = marks_of(curve, name)
        assert marks.line.x.tolist() == [1, 2, 3, 4], name
        assert marks.line.y.tolist() == [float(v) for v in values], name
        assert curve.run[name].y.tolist() == [float(v) for v in values], name


def test_panels_are_loss_first_and_learning_rate_last(trained) -> None:
    curve, _ = trained
    assert list(curve.plot.view.panels) == ["loss", "accuracy", "learning_rate"]


def test_every_series_has_a_checkbox_that_drives_all_its_marks(trained) -> None:
    curve, history = trained
    view = curve.plot.view
    assert set(view.series_keys()) == {(0, name) for name in history}
    for key in view.series_keys():
        assert view.label(key) == key[1]
        marks = marks_of(curve, key[1])
        legend = view.legends[parse(key[1]).family]
        # the epoch line and markers, the faint per-batch and smoothed lines, the best marker
        best = [m for (_f, r, n), m in view.controls.best.items() if (r, n) == key]
        assert len(best) == key[1].startswith("val_")
        driven = legend.marks[entry_id(key)]
        assert {id(m) for m in driven} == {id(m) for m in (*marks.marks, *best)}, key
        # per-batch layers are built only for series that have per-batch values
        assert len(marks.marks) == (4 if curve.run.has_steps(key[1]) else 2)
        view.show(key, False)
        assert not any(m.visible for m in driven) and curve.plot.visible[key] is False
        view.show(key, True)
        assert all(m.visible for m in driven) and curve.plot.visible[key] is True


def test_progress_reaches_the_last_epoch(trained) -> None:
    curve, _ = trained
    progress = curve.plot.progress
    assert (progress.epoch, progress.total) == (4, 4)
    assert progress.finished is not None
    header = curve.plot.view.header
    assert header.fraction == 1.0 and header.bar_style == "success"
    assert "width:100.00%" in header.box.value


def test_initial_epoch_puts_the_first_point_after_it() -> None:
    curve = LiveCurve()
    make_model().fit(X, Y, epochs=6, initial_epoch=3, callbacks=[curve], **FIT)
    assert curve.run["loss"].x.tolist() == [4, 5, 6]
    assert marks_of(curve, "loss").line.x.tolist() == [4, 5, 6]
    assert curve.plot.progress.total == 6


def test_a_second_fit_continues_the_x_axis() -> None:
    curve = LiveCurve()
    model = make_model()
    first = model.fit(X, Y, epochs=3, callbacks=[curve], **FIT).history["loss"]
    second = model.fit(X, Y, epochs=2, callbacks=[curve], **FIT).history["loss"]
    assert curve.run["loss"].x.tolist() == [1, 2, 3, 4, 5]
    assert curve.run["loss"].y.tolist() == [*first, *second]
    assert marks_of(curve, "loss").line.y.tolist() == [*first, *second]
    assert curve.plot.progress.total == 5


def test_resuming_from_an_earlier_initial_epoch_replaces_the_later_points() -> None:
    curve = LiveCurve()
    model = make_model()
    first = model.fit(X, Y, epochs=4, callbacks=[curve], **FIT).history["loss"]
    again = model.fit(X, Y, epochs=4, initial_epoch=2, callbacks=[curve], **FIT).history["loss"]
    assert curve.run["loss"].x.tolist() == [1, 2, 3, 4]
    assert curve.run["loss"].y.tolist() == [*first[:2], *again]


def test_validation_every_second_epoch_sits_at_even_epochs_only() -> None:
    curve = LiveCurve()
    history = make_model().fit(
        X, Y, validation_split=0.25, validation_freq=2, epochs=6, callbacks=[curve], **FIT
    )
    assert curve.run["loss"].x.tolist() == [1, 2, 3, 4, 5, 6]
    assert curve.run["val_loss"].x.tolist() == [2, 4, 6]
    assert curve.run["val_loss"].y.tolist() == history.history["val_loss"]
    assert marks_of(curve, "val_loss").line.x.tolist() == [2, 4, 6]


def test_a_nan_metric_is_a_gap_with_one_warning_and_fit_finishes(livecurve_warnings) -> None:
    poison = keras.Variable(0.0, trainable=False, name="poison")

    def flaky(y_true, y_pred):
        return ops.mean(y_pred) * 0 + 0.5 + poison

    class PoisonEpochs3And4(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            poison.assign(math.nan if epoch in (2, 3) else 0.0)

    curve = LiveCurve()
    history = make_model(metrics=[flaky]).fit(
        X, Y, validation_split=0.25, epochs=5, callbacks=[PoisonEpochs3And4(), curve], **FIT
    )
    assert len(history.history["loss"]) == 5
    for name in ("flaky", "val_flaky"):
        y = curve.run[name].y
        assert curve.run[name].x.tolist() == [1, 2, 3, 4, 5]
        assert np.isnan(y[2:4]).all() and np.isfinite(y[[0, 1, 4]]).all()
        marks = marks_of(curve, name)
        assert np.isnan(marks.line.y[2:4]).all()
        assert marks.dots.x.tolist() == [1, 2, 5]
    messages = livecurve_warnings.messages()
    assert len(messages) == 2
    assert any("'flaky'" in m and "x=3" in m for m in messages)
    assert any("'val_flaky'" in m and "x=3" in m for m in messages)


def _raise(self) -> None:
    raise RuntimeError("the view is broken")


def test_a_view_failing_on_every_refresh_warns_once_and_fit_completes(
    livecurve_warnings, monkeypatch, tmp_path
) -> None:
    curve = LiveCurve()
    assert curve.plot.view.panels == {}  # the widget exists (as after display in a notebook)
    monkeypatch.setattr(CurveView, "refresh", _raise)
    history = make_model().fit(X, Y, epochs=4, callbacks=[curve], **FIT)
    assert len(history.history["loss"]) == 4
    assert curve.run["loss"].y.tolist() == history.history["loss"]
    # Redraws run on the redraw thread, which may not have run yet (the final one is left to
    # it): one more on this thread fails too, and is still not reported again.
    curve.plot.refresh()
    messages = livecurve_warnings.messages()
    assert len(messages) == 1
    assert "the view is broken" in messages[0]
    assert curve.save(tmp_path / "still.csv").exists()


class _Handle:
    def __init__(self) -> None:
        self.updates = 0
        self.bundle: dict = {}

    def update(self, bundle, **kwargs) -> None:
        self.updates += 1
        self.bundle = bundle


@pytest.fixture
def fake_notebook(monkeypatch):
    """Make LivePlot believe it runs in a Jupyter kernel; record what it displays."""
    import IPython.display

    import livecurve.live.plot

    shown: list[dict] = []

    def display(bundle, **kwargs):
        shown.append(bundle)
        return _Handle()

    monkeypatch.setattr(livecurve.live.plot, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    return shown


def test_in_a_notebook_fit_displays_the_widget_once(fake_notebook) -> None:
    curve = LiveCurve()
    make_model().fit(X, Y, epochs=2, callbacks=[curve], **FIT)
    assert len(fake_notebook) == 1
    assert "application/vnd.jupyter.widget-view+json" in fake_notebook[0]
    assert curve.plot._output.handles[0].updates == 1  # the final picture (no cell to wait for)


def test_in_a_notebook_the_final_picture_is_drawn_when_the_cell_ends(
    fake_notebook, monkeypatch
) -> None:
    import IPython
    from IPython.core.events import EventManager, available_events

    shell = SimpleNamespace(events=EventManager(None, available_events))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    curve = LiveCurve()
    make_model().fit(X, Y, epochs=2, callbacks=[curve], **FIT)
    handle = curve.plot._output.handles[0]
    assert handle.updates == 0, "fit() does not wait for matplotlib"
    shell.events.trigger("post_run_cell", None)
    assert handle.updates == 1 and "image/png" in handle.bundle
    shell.events.trigger("post_run_cell", None)
    assert handle.updates == 1, "drawn once"


def test_in_a_notebook_a_view_failing_on_every_refresh_warns_once(
    fake_notebook, livecurve_warnings, monkeypatch
) -> None:
    monkeypatch.setattr(CurveView, "refresh", _raise)
    curve = LiveCurve()
    history = make_model().fit(X, Y, epochs=3, callbacks=[curve], **FIT)
    assert len(history.history["loss"]) == 3
    assert len(livecurve_warnings.messages()) == 1


def test_outside_a_notebook_nothing_is_displayed_and_save_works(
    capsys, monkeypatch, tmp_path
) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a))
    curve = LiveCurve()
    history = make_model().fit(X, Y, validation_split=0.25, epochs=3, callbacks=[curve], **FIT)
    assert shown == [] and curve.plot._output.handles == []
    assert capsys.readouterr() == ("", "")
    png = curve.save(tmp_path / "training.png", dpi=50)
    assert matplotlib.image.imread(png).shape[:2] == (150, 440)  # loss and accuracy panels
    with open(curve.save(tmp_path / "training.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    for name, values in history.history.items():
        assert [float(r[name]) for r in rows] == values


@pytest.mark.parametrize("position", ["before", "after"])
def test_learning_rate_added_by_a_later_callback_gets_its_own_panel(position) -> None:
    # ReduceLROnPlateau writes logs["learning_rate"] in its own on_epoch_end: listed after
    # LiveCurve, it does so after LiveCurve has read the logs.
    curve = LiveCurve()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = keras.callbacks.History()
    callbacks = [curve, schedule, history] if position == "before" else [schedule, curve, history]
    make_model().fit(X, Y, validation_split=0.25, epochs=4, verbose=0, callbacks=callbacks)
    assert curve.run["learning_rate"].x.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert curve.run["learning_rate"].y.tolist() == pytest.approx(history.history["learning_rate"])
    assert [p.family for p in curve.run.panels()][-1] == "learning_rate"
