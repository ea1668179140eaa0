"""Per-batch curves in a real ``model.fit()``: values, placement, cost rules, bad input.

These run under every Keras backend (CI: KERAS_BACKEND=tensorflow, jax, torch).
"""

from __future__ import annotations

import json
import math
import os
import threading

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from livecurve import LiveCurve  # noqa: E402
from livecurve.keras import batches as keras_batches  # noqa: E402

pytestmark = [pytest.mark.keras, pytest.mark.backends]

BACKEND = keras.backend.backend()
N, BATCH = 100, 8  # 13 batches per epoch, the last one of 4 samples
_rng = np.random.default_rng(0)
X = _rng.normal(size=(N, 4)).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")
STEPS = math.ceil(N / BATCH)
SIZES = [BATCH] * (STEPS - 1) + [N - BATCH * (STEPS - 1)]


def make_model(metrics=("accuracy",), lr=0.01, activation="relu", **compile_kwargs) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(4, activation=activation), keras.layers.Dense(1)]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(lr),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=list(metrics),
        **compile_kwargs,
    )
    return model


def quiet_curve(**kwargs) -> LiveCurve:
    curve = LiveCurve(display=False, **kwargs)
    curve.batches.budget = 1e9  # read every batch (the adaptive stride is tested on its own)
    return curve


def epoch_rows(curve: LiveCurve, name: str, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.run.steps.column(name)
    inside = (x > epoch) & (x <= epoch + 1)
    return x[inside], y[inside]


def samples_between(x: np.ndarray, epoch: int) -> np.ndarray:
    """Samples behind each row: the batches between the previous row and this one."""
    done = np.rint((x - epoch) * STEPS).astype(int)
    cumulative = np.concatenate([[0], np.cumsum(SIZES)])
    before = np.concatenate([[0], done[:-1]])
    return cumulative[done] - cumulative[before]


@pytest.fixture(scope="module")
def fitted():
    curve = quiet_curve(per_batch=True)
    model = make_model(metrics=("accuracy", "mse", keras.metrics.AUC(name="auc")))
    history = model.fit(
        X, Y, batch_size=BATCH, epochs=3, validation_split=0.0, verbose=0, callbacks=[curve]
    )
    return curve, history.history


@pytest.mark.parametrize("name", ["loss", "accuracy", "mse"])
def test_batch_values_weighted_by_batch_size_average_to_the_epoch_value(fitted, name):
    curve, history = fitted
    for epoch in range(3):
        x, y = epoch_rows(curve, name, epoch)
        assert x.size == STEPS  # one value per batch
        weights = samples_between(x, epoch)
        assert weights.tolist() == SIZES  # the last batch has its own, smaller weight
        mean = float(np.sum(weights * y) / np.sum(weights))
        assert mean == pytest.approx(history[name][epoch], rel=2e-4, abs=1e-6)


def test_batch_values_are_not_running_means(fitted):
    curve, _ = fitted
    _, y = epoch_rows(curve, "loss", 1)
    running = np.cumsum(np.array(SIZES) * y) / np.cumsum(SIZES)
    # Per-batch values scatter around the running mean that Keras's logs carry.
    assert np.std(y) > 2 * np.std(running[3:])


def test_batches_sit_at_fractional_epochs_and_end_at_the_epoch_point(fitted):
    curve, _ = fitted
    x, _ = curve.run.steps.column("loss")
    expected = [e + k / STEPS for e in range(3) for k in range(1, STEPS + 1)]
    np.testing.assert_allclose(x, expected)
    assert curve.run["loss"].x.tolist() == [1.0, 2.0, 3.0]  # the epoch points, unchanged


def test_epoch_values_stay_exactly_keras_values(fitted):
    curve, history = fitted
    assert curve.run["loss"].y.tolist() == history["loss"]


def test_a_ratio_metric_shows_its_running_value(fitted):
    curve, history = fitted
    for epoch in range(3):
        _, y = epoch_rows(curve, "auc", epoch)
        assert y[-1] == pytest.approx(history["auc"][epoch], rel=1e-6)  # running: ends at it


def test_validation_stays_per_epoch():
    curve = quiet_curve(per_batch=True)
    make_model().fit(
        X, Y, batch_size=BATCH, epochs=2, validation_split=0.2, verbose=0, callbacks=[curve]
    )
    assert "val_loss" not in curve.run.steps
    assert curve.run["val_loss"].x.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(("batch_size", "expected"), [(50, False), (4, True)])
def test_auto_draws_batches_when_an_epoch_has_enough_of_them(batch_size, expected):
    curve = LiveCurve(display=False)  # per_batch="auto"
    make_model().fit(X, Y, batch_size=batch_size, epochs=1, verbose=0, callbacks=[curve])
    assert ("loss" in curve.run.steps) is expected


def test_steps_per_execution_gives_exact_interval_means():
    if BACKEND == "torch":
        pytest.skip("Keras's torch backend rejects steps_per_execution > 1")
    curve = quiet_curve(per_batch=True)
    model = make_model(steps_per_execution=4)
    history = model.fit(X, Y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[curve])
    for epoch in range(2):
        x, y = epoch_rows(curve, "loss", epoch)
        assert x.max() == pytest.approx(epoch + 1)  # the last partial execution is clamped
        assert x.size == math.ceil(STEPS / 4)
        weights = samples_between(x, epoch)
        mean = float(np.sum(weights * y) / np.sum(weights))
        assert mean == pytest.approx(history.history["loss"][epoch], rel=2e-4)


def test_unknown_batches_per_epoch_are_placed_exactly_when_the_epoch_ends():
    def batches():
        while True:
            for start in range(0, N, BATCH):
                yield X[start : start + BATCH], Y[start : start + BATCH]

    curve = quiet_curve(per_batch="auto")
    model = make_model()
    # The callback is told no batch count, as for a generator without steps_per_epoch.
    curve.set_params = lambda params: LiveCurve.set_params(curve, {**params, "steps": None})
    model.fit(batches(), steps_per_epoch=STEPS, epochs=2, verbose=0, callbacks=[curve])
    x, _ = curve.run.steps.column("loss")
    expected = [e + k / STEPS for e in range(2) for k in range(1, STEPS + 1)]
    np.testing.assert_allclose(x, expected)


def test_a_failing_batch_hook_is_reported_once_and_training_goes_on(livecurve_warnings):
    curve = quiet_curve(per_batch=True)

    def broken(batch, logs):
        raise RuntimeError("boom in a batch hook")

    curve.batches.batch_end = broken
    history = make_model().fit(X, Y, batch_size=BATCH, epochs=3, verbose=0, callbacks=[curve])
    assert len(history.history["loss"]) == 3
    assert curve.run["loss"].x.tolist() == [1.0, 2.0, 3.0]
    messages = [m for m in livecurve_warnings.messages() if "boom" in m]
    assert len(messages) == 1 and "reading a batch failed" in messages[0]


def test_a_nan_batch_is_a_gap_with_one_warning_and_the_next_epoch_is_drawn(livecurve_warnings):
    x = X.copy()
    x[20] = np.nan  # in batch 3 of every epoch; lr=0 keeps the weights finite
    curve = quiet_curve(per_batch=True)
    # (TensorFlow's relu turns NaN into 0: a linear layer carries it to the loss everywhere.)
    history = make_model(lr=0.0, activation=None).fit(
        x, Y, batch_size=BATCH, epochs=2, verbose=0, shuffle=False, callbacks=[curve]
    )
    _, y = epoch_rows(curve, "loss", 0)
    assert np.isfinite(y[:2]).all() and np.isnan(y[2])
    assert math.isnan(history.history["loss"][0])
    assert np.isnan(curve.run["loss"].y[0])  # the epoch value is what Keras reported
    nan_warnings = [m for m in livecurve_warnings.messages() if "'loss'" in m and "gap" in m]
    assert len(nan_warnings) == 1


def test_batch_hooks_run_off_the_training_thread_where_keras_allows_it():
    seen: set[int] = set()
    curve = quiet_curve(per_batch=True)
    original = curve.batches.batch_end

    def spy(batch, logs):
        seen.add(threading.get_ident())
        original(batch, logs)

    curve.batches.batch_end = spy
    make_model().fit(X, Y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[curve])
    off_main = any(ident != threading.main_thread().ident for ident in seen)
    # Keras dispatches batch hooks to worker threads only on thread-safe backends, and only
    # because LiveCurve declares itself async_safe.
    assert off_main is (BACKEND in ("jax", "torch"))
    assert LiveCurve.async_safe is True


def test_a_jsonl_log_keeps_batches_and_a_reload_draws_them(tmp_path):
    path = tmp_path / "run.jsonl"
    curve = quiet_curve(per_batch=True, log=path)
    make_model().fit(X, Y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[curve])
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    batch_rows = [row for row in rows if "step" in row]
    assert len(batch_rows) == 2 * STEPS
    assert [row["step"] for row in batch_rows] == list(range(2 * STEPS))
    assert batch_rows[-1]["x"] == pytest.approx(2.0) and batch_rows[-1]["epoch"] == 1
    again = LiveCurve(display=False, log=path)
    np.testing.assert_allclose(
        again.run.steps.column("loss")[1], curve.run.steps.column("loss")[1], rtol=1e-6
    )
    assert again.run["loss"].y.tolist() == curve.run["loss"].y.tolist()


def test_a_csv_log_stays_the_epoch_table(tmp_path):
    path = tmp_path / "run.csv"
    make_model().fit(
        X,
        Y,
        batch_size=BATCH,
        epochs=2,
        verbose=0,
        callbacks=[quiet_curve(per_batch=True, log=path)],
    )
    assert path.read_text().splitlines()[0].startswith("epoch,")
    assert len(path.read_text().splitlines()) == 3


def test_saved_files_carry_the_batches(tmp_path, fitted):
    curve, _ = fitted
    svg = curve.save(tmp_path / "c.svg").read_text()
    assert 'id="steps-loss"' in svg and 'id="smoothed-loss"' in svg
    curve.save(tmp_path / "c.csv")
    steps = (tmp_path / "c.steps.csv").read_text().splitlines()
    assert steps[0].split(",")[0] == "x" and len(steps) == 1 + 3 * STEPS
    data = json.loads(curve.save(tmp_path / "c.json").read_text())
    assert len(data["runs"][0]["steps"]["loss"]["x"]) == 3 * STEPS


def test_the_widget_draws_faint_batches_and_a_smoothed_line(fitted):
    curve, _ = fitted
    marks = curve.plot.view.panels["loss"].series[(0, "loss")]
    assert marks.raw.x.size == 3 * STEPS and marks.raw.opacities[0] < 0.5
    assert 0 < marks.smooth.x.size <= 3 * STEPS
    assert marks.line.x.tolist() == [1.0, 2.0, 3.0]
    # the loss checkbox hides the per-batch layers made after it, too
    view = curve.plot.view
    driven = view.legends["loss"].marks["0:loss"]
    assert {id(marks.raw), id(marks.smooth), id(marks.line)} <= {id(m) for m in driven}
    view.show((0, "loss"), False)
    assert marks.raw.visible is False and marks.smooth.visible is False
    view.show((0, "loss"), True)
    assert marks.raw.visible and marks.smooth.visible


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_per_batch_rejects_other_values(value):
    with pytest.raises(ValueError, match="per_batch"):
        LiveCurve(per_batch=value)


def test_however_expensive_reading_is_an_epoch_keeps_its_least_number_of_reads(monkeypatch):
    monkeypatch.setattr(keras_batches, "MIN_READS_PER_EPOCH", 4)  # 13 batches: stride <= 3
    curve = LiveCurve(display=False, per_batch=True)
    curve.batches.budget = 0.0
    make_model().fit(X, Y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[curve])
    assert curve.batches.stride == 3
    for epoch in (0, 1):
        x, _ = epoch_rows(curve, "loss", epoch)
        assert x.size >= 4 and x[-1] == pytest.approx(epoch + 1.0), x


@pytest.mark.parametrize("value", [-0.1, 1.0, 2])
def test_smoothing_outside_zero_to_one_is_rejected(value):
    with pytest.raises(ValueError, match=str(value)):
        LiveCurve(smoothing=value)


def test_reading_less_often_when_reading_is_expensive_gives_interval_means(monkeypatch):
    monkeypatch.setattr(keras_batches, "MIN_READS_PER_EPOCH", 1)  # 13 batches: let it thin out
    curve = LiveCurve(display=False, per_batch=True)
    curve.batches.budget = 0.0  # any cost is too much: the stride doubles after each read
    history = make_model().fit(X, Y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[curve])
    x, y = epoch_rows(curve, "loss", 0)
    assert x.size < STEPS and x[-1] == pytest.approx(1.0)  # the last batch is always read
    weights = samples_between(x, 0)
    mean = float(np.sum(weights * y) / np.sum(weights))
    assert mean == pytest.approx(history.history["loss"][0], rel=2e-4)
