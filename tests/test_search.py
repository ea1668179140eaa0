"""A KerasTuner search in one figure: deep copies are trials of the same LiveCurve figure."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from livecurve import LiveCurve  # noqa: E402

pytestmark = [pytest.mark.keras, pytest.mark.backends]


def _data(n: int = 96) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x.sum(axis=1) > 0).astype("float32")


def _model(units: int = 4) -> keras.Model:
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(units, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def test_a_deep_copy_shares_the_figure_and_records_a_new_run() -> None:
    curve = LiveCurve(display=False)
    first, second = copy.deepcopy(curve), copy.deepcopy([curve])[0]
    assert first.plot is curve.plot and second.plot is curve.plot
    assert [run.label for run in curve.runs] == ["trial 1", "trial 2"]
    x, y = _data()
    _model().fit(x, y, epochs=2, verbose=0, callbacks=[first])
    _model().fit(x, y, epochs=1, verbose=0, callbacks=[second])
    one, two = curve.runs
    assert one["loss"].x.tolist() == [1, 2] and two["loss"].x.tolist() == [1]
    assert len(curve.plot.runs) == 2, "the figure's empty run became trial 1"


def test_a_pickled_curve_unpickles_with_the_same_settings() -> None:
    curve = LiveCurve(title="t", smoothing=0.3, per_batch=False, display=False)
    back = pickle.loads(pickle.dumps(curve))
    assert isinstance(back, LiveCurve) and back.plot is not curve.plot
    assert (back.plot.title, back.plot.smoothing, back.per_batch) == ("t", 0.3, False)


def test_repeated_fit_on_one_callback_still_continues_the_curve() -> None:
    curve = LiveCurve(display=False)
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[curve])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[curve])
    assert len(curve.runs) == 1 and curve.run["loss"].x.tolist() == [1, 2, 3, 4]


def test_the_progress_line_counts_trials_names_the_best_and_estimates_the_time_left() -> None:
    from livecurve import LivePlot
    from livecurve.keras.search import Search

    class Oracle:
        max_trials = 10
        objective = type("Objective", (), {"name": "val_auc", "direction": "max"})()

    tuner = type("Tuner", (), {"oracle": Oracle()})()
    search = Search(LivePlot())
    clock = iter([0.0, 30.0, 60.0, 75.0])
    search.clock = lambda: next(clock)
    for value in (0.7, 0.9, 0.8):
        search.add_trial(None, tuner).log(1, {"val_auc": value})
    line = search.progress_line()
    # 2 trials took 60 s; trial 3 is half done at 75 s: 7.5 trials of 30 s left
    assert line == "trial 3 of 10 · epoch 1 · best val_auc 0.9 (trial 2) · about 3:45 left"


def test_a_search_without_a_budget_tells_no_time_left() -> None:
    from livecurve import LivePlot
    from livecurve.keras.search import Search

    search = Search(LivePlot())
    search.add_trial(None, None).log(1, {"loss": 0.5})
    search.add_trial(None, None)
    assert search.progress_line() == "trial 2 · best loss 0.5 (trial 1)"


def test_a_real_keras_tuner_search_draws_each_trial_in_one_figure(tmp_path) -> None:
    kt = pytest.importorskip("keras_tuner")
    x, y = _data()

    def build(hp):  # type: ignore[no-untyped-def]
        return _model(hp.Choice("units", [2, 8, 16]))

    tuner = kt.RandomSearch(
        build, objective="val_loss", max_trials=3, directory=tmp_path, project_name="t", seed=1
    )
    curve = LiveCurve(display=False, per_batch=False)
    tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0, callbacks=[curve])
    trials = sorted(tuner.oracle.trials.values(), key=lambda t: int(t.trial_id))
    assert [run.label.removesuffix(" ★") for run in curve.runs] == [
        f"units={t.hyperparameters.values['units']}" for t in trials
    ]
    assert curve.plot.runs == curve.runs, "one figure, one run per trial"
    assert [run.params for run in curve.runs] == [t.hyperparameters.values for t in trials]
    for run, trial in zip(curve.runs, trials):
        assert run["val_loss"].x.tolist() == [1, 2]
        best = trial.metrics.get_best_value("val_loss")
        assert min(run["val_loss"].y) == pytest.approx(best, rel=1e-5)
    starred = [run for run in curve.runs if run.label.endswith("★")]
    best_trial = tuner.oracle.get_best_trials(1)[0]
    assert len(starred) == 1
    assert starred[0] is curve.runs[trials.index(next(t for t in trials if t is best_trial))]
    # The widget shows a checkbox per trial with the labels, the best one starred.
    curve.plot.refresh()
    boxes = [box.description for box in curve.plot.view.run_boxes.values()]
    assert boxes == [run.label for run in curve.runs]
    # The search's progress and the runs table (hyperparameters as columns, the best ranked 1).
    line = curve._search.progress_line()
    assert line.startswith("trial 3 of 3 · search done · epoch 2 · best val_loss "), line
    assert "left" not in line
    assert curve._search.max_trials == 3
    table = curve.plot.view.runs_table
    assert [c["key"] for c in table.columns][:4] == ["#", "run", "rank", "units"]
    ranked = next(row for row in table.rows if row["rank"] == 1)
    assert curve.runs[ranked["index"]] is starred[0]
    assert [row["units"] for row in table.rows] == [run.params["units"] for run in curve.runs]
