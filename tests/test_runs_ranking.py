"""Many runs: which are named (best few by the objective, and the latest), colours that stay."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from livecurve import style
from livecurve.export import static
from livecurve.model.ranking import BEST_NAMED, NAMED_ABOVE, rank
from livecurve.model.run import Run


def runs_with(values: list[float | None], metric: str = "val_loss") -> list[Run]:
    runs = []
    for index, value in enumerate(values):
        run = Run(f"trial {index + 1}")
        run.log(1, {"loss": 1.0})
        if value is not None:
            run.log(1, {metric: value})
        runs.append(run)
    return runs


@pytest.mark.parametrize(
    ("values", "order"),
    [
        ([0.5, 0.2, 0.9], [1, 0, 2]),
        ([0.5, math.nan, 0.2], [2, 0, 1]),  # NaN only: no score, last
        ([None, 0.3, None, 0.1], [3, 1, 0, 2]),  # no objective: last, in run order
    ],
)
def test_runs_are_ordered_best_first_and_runs_without_objective_last(values, order) -> None:
    ranking = rank(runs_with(values))
    assert ranking.order == order
    assert ranking.objective.name == "val_loss"


def test_a_run_scores_its_best_epoch_not_its_last() -> None:
    runs = runs_with([0.5, 0.4])
    runs[0].log(2, {"val_loss": 0.1})  # got better later
    assert rank(runs).order == [0, 1]
    assert rank(runs).scores[0] == pytest.approx(0.1)


def test_a_tuner_objective_to_maximise_ranks_the_highest_first() -> None:
    runs = runs_with([0.7, 0.9, 0.8], metric="val_auc")
    assert rank(runs, ("val_auc", "max")).order == [1, 2, 0]


def test_without_val_loss_runs_are_ranked_by_loss() -> None:
    runs = [Run("a"), Run("b")]
    runs[0].log(1, {"loss": 0.5})
    runs[1].log(1, {"loss": 0.3})
    assert rank(runs).objective.name == "loss"
    assert rank(runs).order == [1, 0]


def test_with_many_runs_the_best_few_and_the_latest_are_named_and_the_rest_counted() -> None:
    values = list(np.linspace(1.0, 0.1, 30))  # the last run is the best... so reverse one
    values[-1] = 5.0  # the latest run is the worst
    ranking = rank(runs_with(values))
    assert len(ranking.named) == BEST_NAMED + 1
    assert ranking.named[-1] == 29 and ranking.live == 29
    assert ranking.hidden == 30 - BEST_NAMED - 1
    assert "+ 24 more runs" in ranking.note()


def test_up_to_the_palette_every_run_is_named() -> None:
    ranking = rank(runs_with([0.1] * NAMED_ABOVE))
    assert sorted(ranking.named) == list(range(NAMED_ABOVE)) and ranking.hidden == 0


def test_runs_without_objective_are_said_so() -> None:
    ranking = rank(runs_with([None] * 10 + [0.3] * 5))
    assert "10 runs without val_loss ranked last" in ranking.note()


def test_a_run_keeps_its_colour_as_runs_arrive() -> None:
    before = [style.colour("loss", ["loss"], index, 12) for index in range(12)]
    after = [style.colour("loss", ["loss"], index, 300) for index in range(12)]
    assert before == after
    assert len(set(style.run_colour(i) for i in range(40))) == 40


def picture_text(runs: list[Run]) -> tuple[str, float]:
    fig = static.figure(runs)
    legend = fig.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    return "\n".join([legend.get_title().get_text(), *texts]), fig.get_size_inches()[1]


def test_a_picture_of_many_runs_names_the_best_and_counts_the_rest() -> None:
    runs = runs_with([float(v) for v in np.linspace(1.0, 0.1, 200)])
    text, height = picture_text(runs)
    assert "#1 trial 200 (val_loss 0.1" in text
    assert "+ 195 more runs" in text  # the latest run is the best: 5 named
    assert "trial 17 " not in text
    _, few_height = picture_text(runs[:5])
    assert height <= 1.5 * few_height


def test_a_picture_of_many_runs_draws_the_others_as_grey_collections() -> None:
    runs = runs_with([float(v) for v in np.linspace(1.0, 0.1, 50)])
    fig = static.figure(runs)
    ax = fig.axes[0]
    gids = {c.get_gid() for c in ax.collections}
    assert "other-runs-val" in gids and "other-runs-train" in gids
    grey = next(c for c in ax.collections if c.get_gid() == "other-runs-val")
    assert len(grey.get_segments()) == 50 - len(rank(runs).named) == 50 - BEST_NAMED
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_two_runs_with_one_label_are_both_kept_in_the_legend() -> None:
    runs = runs_with([0.2, 0.3])
    runs[1].label = runs[0].label
    text, _ = picture_text(runs)
    assert text.count("trial 1") == 2


def test_a_log_panel_of_many_runs_reaches_the_grey_runs_values() -> None:
    runs = runs_with([float(v) for v in np.linspace(1.0, 0.1, 30)])
    runs[3].log(2, {"loss": 1000.0})  # a grey run far above the named ones
    fig = static.figure(runs, log_panels={"loss"})
    low, high = fig.axes[0].get_ylim()
    assert fig.axes[0].get_yscale() == "log" and high >= 1000.0 > low


def test_runs_without_loss_or_val_loss_are_ranked_by_their_loss_like_series() -> None:
    """A Detectron2 log has ``total_loss`` and its parts, no ``loss``: ranked by the total."""
    runs = []
    for label, final in (("a", 0.9), ("b", 0.3), ("c", 0.6)):
        run = Run(label, axis="iteration")
        for it in (20, 40, 60):
            run.log(it, {"loss_cls": final / 2, "total_loss": final + 1 / it, "acc": 1 - final})
        runs.append(run)
    ranking = rank(runs)
    assert ranking.objective.name == "total_loss"
    assert ranking.objective.direction == "min"
    assert ranking.order == [1, 2, 0]
    assert ranking.unscored == 0


def test_runs_with_only_scores_are_ranked_by_the_validation_score_higher_first() -> None:
    runs = []
    for label, value in (("a", 0.5), ("b", 0.8)):
        run = Run(label)
        run.log(1, {"accuracy": value, "val_accuracy": value - 0.1})
        runs.append(run)
    ranking = rank(runs)
    assert (ranking.objective.name, ranking.objective.direction) == ("val_accuracy", "max")
    assert ranking.order == [1, 0]


def test_a_picture_of_many_finished_runs_names_only_the_best_few_not_the_last() -> None:
    """A saved picture, as the exported runs table, has no live run: the last (worst) run is
    grey like the others, so the picture names what the finished widget names."""
    values = [float(v) for v in np.linspace(0.1, 1.0, 30)]  # the last run is the worst
    text, _ = picture_text(runs_with(values))
    assert "trial 30" not in text and "latest" not in text
    assert f"+ {30 - BEST_NAMED} more runs" in text
