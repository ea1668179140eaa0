"""Saved pictures and tables of a search rank runs by its objective, as the widget does (#20).

A KerasTuner search whose objective is ``val_accuracy`` (higher is better) must not be ranked by
``val_loss`` in ``save("x.png")``, ``save("x.html")`` or ``save("x.csv")``: the objective travels on
the runs (:attr:`Run.objective`), which every export already receives.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import numpy as np
import pytest

from livecurve import LivePlot
from livecurve.export import static
from livecurve.export.save import render, save
from livecurve.model.ranking import rank
from livecurve.model.run import Run

N_RUNS = 12  # above NAMED_ABOVE: the picture names the best five


def search_runs(objective: tuple[str, str] | None = ("val_accuracy", "max")) -> list[Run]:
    """Trials whose val_loss order is the reverse of their val_accuracy order."""
    runs = []
    for k in range(N_RUNS):
        run = Run(f"units={8 * (k + 1)}")
        run.params = {"units": 8 * (k + 1)}
        run.objective = objective
        for epoch in (1, 2, 3):
            run.log(epoch, {"loss": 1.0 / epoch, "val_loss": 0.2 + 0.05 * k / epoch,
                            "val_accuracy": 0.5 + 0.03 * k * epoch / 3})  # fmt: skip
        runs.append(run)
    return runs


BEST_BY_ACCURACY = N_RUNS - 1  # the last trial: highest val_accuracy (and worst val_loss)


def test_the_picture_names_the_best_runs_by_the_tuners_objective() -> None:
    runs = search_runs()
    legend = static.figure(runs).legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0].startswith(f"#1 {runs[BEST_BY_ACCURACY].label} (val_accuracy 0.83"), texts
    assert not any("val_loss" in text for text in texts)
    assert "ranked by best val_accuracy (higher is better)" in legend.get_title().get_text()


def test_without_a_declared_objective_the_picture_still_ranks_by_val_loss() -> None:
    runs = search_runs(objective=None)
    texts = [t.get_text() for t in static.figure(runs).legends[0].get_texts()]
    assert texts[0].startswith(f"#1 {runs[0].label} (val_loss 0.2"), texts


def test_the_html_runs_table_ranks_by_the_tuners_objective() -> None:
    runs = search_runs()
    page = render(runs, "html").decode()
    assert "rank: best val_accuracy (higher is better)" in page
    data = page.split("id='lc-runs-data'>")[1].split("</script>")[0]
    table = json.loads(html.unescape(data))
    best = next(row for row in table["rows"] if row["rank"] == 1)
    assert best["index"] == BEST_BY_ACCURACY and table["objective"] == "val_accuracy"
    assert f"<tr data-run='{BEST_BY_ACCURACY}'" in page


def test_the_csv_runs_table_ranks_by_the_tuners_objective(tmp_path: Path) -> None:
    runs = search_runs()
    save(runs, tmp_path / "search.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "search.runs.csv").read_text())))
    assert "best val_accuracy" in rows[0]
    best = next(row for row in rows if row["rank"] == "1")
    assert best["run"] == runs[BEST_BY_ACCURACY].label
    assert float(best["best val_accuracy"]) == pytest.approx(0.83)


def test_the_widget_and_the_picture_name_the_same_runs() -> None:
    runs = search_runs()
    plot = LivePlot(redraw_interval=0)
    plot.runs[:] = runs
    view = plot.view
    plot.refresh()
    widget_ranking = view.runs_table.ranking
    assert widget_ranking is not None
    assert widget_ranking.objective.name == "val_accuracy"
    picture = rank(runs)
    assert widget_ranking.order == picture.order
    assert widget_ranking.order[0] == BEST_BY_ACCURACY
    assert np.all(np.diff([picture.scores[i] for i in picture.order]) <= 0), "best first: max"


@pytest.mark.keras
def test_a_real_search_saves_pictures_ranked_by_its_objective(tmp_path: Path) -> None:
    kt = pytest.importorskip("keras_tuner")
    keras = pytest.importorskip("keras")
    from livecurve import LiveCurve

    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")

    def build(hp):  # type: ignore[no-untyped-def]
        model = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(hp.Choice("units", [2, 8, 16]), activation="relu"),
                keras.layers.Dense(1, "sigmoid"),
            ]
        )
        model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        return model  # fmt: skip

    tuner = kt.RandomSearch(
        build, objective=kt.Objective("val_accuracy", "max"), max_trials=2,
        directory=tmp_path, project_name="t", seed=1,
    )  # fmt: skip
    curve = LiveCurve(display=False, per_batch=False)
    tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0, callbacks=[curve])
    assert curve._search.objective == ("val_accuracy", "max")
    page = render(curve.runs, "html").decode()
    assert "rank: best val_accuracy (higher is better)" in page
