"""Many metrics: a multi-output model's panels are its metrics, one colour per output;
flat panels (a constant, a counter) are left out of pictures; single-output models unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from livecurve import style
from livecurve.export import static
from livecurve.model.flat import uninformative
from livecurve.model.names import outputs
from livecurve.model.run import Run

METRICS = ["loss", "accuracy", "auROC", "auPR", "precision", "recall", "mse", "mae"]


def six_output_run(total_loss: bool = True) -> Run:
    run = Run()
    rng = np.random.default_rng(0)
    names = [
        f"{split}output_{k}_{metric}"
        for split in ("", "val_")
        for k in range(1, 7)
        for metric in METRICS
    ]
    if total_loss:
        names += ["loss", "val_loss"]
    for epoch in range(1, 6):
        run.log(epoch, {name: float(rng.random()) for name in sorted(names)})  # Keras sorts
    return run


def test_a_six_output_model_gets_one_panel_per_metric_with_its_outputs() -> None:
    panels = six_output_run().panels()
    assert [p.family for p in panels] == [
        "loss", "accuracy", "auPR", "auROC", "mae", "mse", "precision", "recall",
    ]  # fmt: skip
    auroc = next(p for p in panels if p.family == "auROC")
    assert auroc.names[:4] == [
        "output_1_auROC", "val_output_1_auROC", "output_2_auROC", "val_output_2_auROC",
    ]  # fmt: skip
    assert len(auroc.names) == 12 and auroc.by_output
    loss = panels[0]
    assert loss.names[:2] == ["loss", "val_loss"] and len(loss.names) == 14


def test_an_output_keeps_one_colour_in_every_panel() -> None:
    run = six_output_run()
    families = [p.family for p in run.panels()]
    colours = {}
    for panel in run.panels():
        for name in panel.names:
            output = panel.output_of[name]
            colour = style.colour(
                panel.family, families, 0, 1, panel.member_index(name), by_output=True
            )
            colours.setdefault(output, set()).add(colour)
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == 7  # 6 outputs and the total


@pytest.mark.parametrize(
    "families",
    [
        ["loss", "accuracy", "lr"],
        ["loss", "sparse_categorical_accuracy", "categorical_accuracy", "top_5_accuracy"],
        ["loss", "mean_squared_error", "mean_absolute_error", "root_mean_squared_error"],
        ["loss", "box_loss", "cls_loss", "dfl_loss"],  # one prefix each: not outputs
        ["layer1/mean", "layer1/std", "layer2/mean", "layer2/std"],
    ],
)
def test_single_output_names_are_not_taken_for_outputs(families: list[str]) -> None:
    assert outputs(families) == {}


def test_outputs_with_their_own_names_are_found() -> None:
    found = outputs(["loss", "age_loss", "age_mae", "gender_loss", "gender_accuracy", "gender_mae"])
    assert found["age_mae"] == ("mae", "age") and found["gender_loss"] == ("loss", "gender")
    assert found["loss"] == ("loss", "")
    assert found["gender_accuracy"] == ("accuracy", "gender")


def test_single_output_panels_are_as_before() -> None:
    run = Run()
    run.log(1, {"accuracy": 0.5, "loss": 1.0, "val_accuracy": 0.4, "val_loss": 1.1, "lr": 0.1})
    assert [(p.family, p.names, p.by_output) for p in run.panels()] == [
        ("loss", ["loss", "val_loss"], False),
        ("accuracy", ["accuracy", "val_accuracy"], False),
        ("lr", ["lr"], False),
    ]


def test_constants_and_counters_are_left_out_of_a_picture_but_not_the_learning_rate() -> None:
    run = Run()
    for x in range(1, 6):
        run.log(x, {"loss": 1 / x, "seed": 3.0, "iterations": 50.0 * x, "lr": 0.01})
    assert uninformative([run]) == {"seed", "iterations"}
    titles = [ax.get_title() for ax in static.figure([run]).axes if ax.get_visible()]
    assert titles == ["loss", "lr"]


def test_a_short_run_hides_nothing() -> None:
    run = Run()
    run.log(1, {"loss": 1.0, "seed": 3.0})
    run.log(2, {"loss": 0.5, "seed": 3.0})
    assert uninformative([run]) == set()


def test_a_picture_of_96_series_has_eight_panels_and_one_output_legend() -> None:
    fig = static.figure([six_output_run()])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 8
    assert all(ax.get_legend() is None for ax in visible)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["total", *[f"output_{k}" for k in range(1, 7)], "training", "validation"]
    assert fig.get_size_inches()[1] < 14
