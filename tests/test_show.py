"""livecurve.show(): the same figure from logs users already have."""

from __future__ import annotations

from pathlib import Path

import pytest

import livecurve
from livecurve import LivePlot
from livecurve.view.header import loaded_summary

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class FakeHistory:
    """What keras.callbacks.History exposes to readers: a ``.history`` dict of lists."""

    def __init__(self, history: dict[str, list[float]]) -> None:
        self.history = history


HISTORY = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8]}


def csv_log(path: Path, losses: list[float]) -> Path:
    rows = ["epoch,loss,val_loss"] + [f"{i},{v},{v * 1.1}" for i, v in enumerate(losses)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("source", [FakeHistory(HISTORY), HISTORY])
def test_a_history_or_its_dict_gives_one_run_with_every_series(source) -> None:
    plot = livecurve.show(source)
    assert isinstance(plot, LivePlot) and len(plot.runs) == 1
    assert plot.run["val_loss"].y.tolist() == [1.0, 0.7, 0.6]
    assert plot.run["loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert [p.family for p in plot.run.panels()] == ["loss", "accuracy"]


def test_a_list_of_epoch_dicts_is_one_source_not_many() -> None:
    records = [{"loss": 0.9}, {"loss": 0.4, "val_loss": 0.5}]
    plot = livecurve.show(records)
    assert len(plot.runs) == 1
    assert plot.run["loss"].y.tolist() == [0.9, 0.4]
    assert plot.run["val_loss"].x.tolist() == [2.0]


def test_several_sources_are_compared_runs_with_their_labels(tmp_path: Path) -> None:
    a = csv_log(tmp_path / "a.csv", [0.9, 0.6, 0.4])
    b = csv_log(tmp_path / "b.csv", [0.8, 0.5])
    plot = livecurve.show([a, b], labels=["small", "wide"])
    assert [r.label for r in plot.runs] == ["small", "wide"]
    assert plot.runs[1]["loss"].y.tolist() == [0.8, 0.5]
    view = plot.view
    assert set(view.run_boxes) == {0, 1}
    assert view.run_boxes[1].description == "wide"
    # every series' checkbox names its run, and each run has its own colour in the legend
    assert view.label((1, "loss")) == "wide · loss" and view.label((0, "loss")) == "small · loss"
    colours = {e["id"]: e["colour"] for e in view.legends["loss"].entries}
    assert colours["0:loss"] != colours["1:loss"]
    line = view.panels["loss"].series[(1, "loss")].line
    assert line.colors == [colours["1:loss"]]


def test_labels_must_match_the_sources(tmp_path: Path) -> None:
    a = csv_log(tmp_path / "a.csv", [0.9])
    with pytest.raises(ValueError, match="2 labels for 1 sources"):
        livecurve.show([a], labels=["x", "y"])


def test_a_shown_figure_carries_a_static_picture_and_says_what_it_shows(tmp_path) -> None:
    plot = livecurve.show(HISTORY)
    bundle = plot._repr_mimebundle_()
    assert WIDGET_MIME in bundle and bundle["image/png"], "widget plus a picture for viewers"
    header = plot.view.header
    assert header.status == "1 run · up to epoch 3" and header.status in header.box.value
    assert header.fraction is None and "progressbar" not in header.box.value, "nothing to follow"
    saved = plot.save(tmp_path / "history.svg").read_text()
    assert 'id="series-0-val_loss"' in saved


def test_loaded_summary_counts_runs_and_reach() -> None:
    assert loaded_summary([], "epoch") == "0 runs · no data"


def test_a_missing_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    from livecurve.readers import LogReadError

    missing = tmp_path / "nope.csv"
    with pytest.raises(LogReadError, match=r"nope\.csv"):
        livecurve.show(missing)


def test_live_training_draws_earlier_runs_behind_the_live_one(tmp_path: Path) -> None:
    pytest.importorskip("keras")
    import keras
    import numpy as np

    from livecurve import LiveCurve

    baseline = csv_log(tmp_path / "baseline.csv", [0.9, 0.7, 0.6, 0.55])
    curve = LiveCurve(compare=[baseline])
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", run_eagerly=True)
    model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[curve])

    live, reference = curve.plot.runs
    assert (live.label, reference.label) == ("this run", "baseline")
    assert live["loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert reference["loss"].y.tolist() == [0.9, 0.7, 0.6, 0.55]
    assert reference["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0], "CSVLogger epoch 0 is x=1"
    marks = curve.plot.view.panels["loss"].figure.marks
    live_line = curve.plot.view.panels["loss"].series[(0, "loss")].line
    reference_line = curve.plot.view.panels["loss"].series[(1, "loss")].line
    assert marks.index(reference_line) < marks.index(live_line), "reference drawn behind"
    assert set(curve.plot.view.run_boxes) == {0, 1}
    svg = curve.save(tmp_path / "cmp.svg").read_text()
    assert 'id="series-1-loss"' in svg and 'id="series-0-loss"' in svg


def test_an_unreadable_reference_fails_before_training(tmp_path: Path) -> None:
    from livecurve import LivePlot
    from livecurve.readers import LogReadError

    with pytest.raises(LogReadError, match=r"missing\.csv"):
        LivePlot(compare=[tmp_path / "missing.csv"])


def test_a_custom_loop_logging_with_tf_summary_is_shown(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    tf = pytest.importorskip("tensorflow")
    writer = tf.summary.create_file_writer(str(tmp_path / "logs"))
    with writer.as_default():
        for step, loss in enumerate([0.9, 0.6, 0.45, 0.4]):
            tf.summary.scalar("loss", loss, step=step * 100)
            tf.summary.scalar("val_loss", loss + 0.1, step=step * 100)
    writer.close()
    plot = livecurve.show(tmp_path / "logs")
    assert plot.run["loss"].x.tolist() == [0.0, 100.0, 200.0, 300.0]
    assert plot.run["val_loss"].y.tolist() == pytest.approx([1.0, 0.7, 0.55, 0.5])
    assert [p.names for p in plot.run.panels()] == [["loss", "val_loss"]]


def test_runs_load_returned_can_be_shown_and_compared_again(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("epoch,loss,val_loss\n0,1.0,1.1\n1,0.5,0.7\n")
    (run,) = livecurve.load(path)
    plot = livecurve.show([run, {"loss": [0.8, 0.4]}], labels=["first", "second"])
    assert [r.label for r in plot.runs] == ["first", "second"]
    assert plot.runs[0] is run and plot.runs[0]["val_loss"].y.tolist() == [1.1, 0.7]
    with pytest.raises(TypeError, match="livecurve Run"):
        livecurve.load(object())
