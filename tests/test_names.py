"""Metric names: family/split parsing and which direction is better."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from livecurve.model.names import goal, is_learning_rate, parse


@pytest.mark.parametrize(
    ("name", "family", "split"),
    [
        # Keras
        ("loss", "loss", "train"),
        ("val_loss", "loss", "val"),
        ("accuracy", "accuracy", "train"),
        ("val_accuracy", "accuracy", "val"),
        ("val_sparse_categorical_accuracy", "sparse_categorical_accuracy", "val"),
        ("val_mean_io_u", "mean_io_u", "val"),
        # slash prefixes (PyTorch Lightning, W&B, YOLO)
        ("validation/loss", "loss", "val"),
        ("val/loss", "loss", "val"),
        ("train/loss", "loss", "train"),
        ("train/box_loss", "box_loss", "train"),
        ("val/box_loss", "box_loss", "val"),
        # underscore prefixes of other tools
        ("train_loss", "loss", "train"),
        ("valid_loss", "loss", "val"),
        ("validation_accuracy", "accuracy", "val"),
        ("eval_loss", "loss", "val"),
        ("dev_f1", "f1", "val"),
        # suffix forms
        ("loss_val", "loss", "val"),
        ("loss_valid", "loss", "val"),
        ("accuracy_train", "accuracy", "train"),
        ("loss/train", "loss", "train"),
        ("loss/validation", "loss", "val"),
        # TensorBoard's Keras callback: epoch_ in train/ and validation/ runs
        ("epoch_loss", "loss", "train"),
        ("epoch_accuracy", "accuracy", "train"),
        ("validation/epoch_loss", "loss", "val"),
        ("train/epoch_loss", "loss", "train"),
        ("val_epoch_loss", "loss", "val"),
        # learning rate
        ("lr", "lr", "train"),
        ("learning_rate", "learning_rate", "train"),
        ("epoch_learning_rate", "learning_rate", "train"),
        # case-insensitive split words, family keeps its case
        ("VAL_Loss", "Loss", "val"),
        # a held-out test set is drawn as validation (PyTorch tutorials' Loss/train, Loss/test)
        ("Loss/test", "Loss", "val"),
        ("test_accuracy", "accuracy", "val"),
        ("loss_testing", "loss", "val"),
        ("latest_loss", "latest_loss", "train"),
        ("test", "test", "train"),
        # a bare split word is a family of its own, not an empty one
        ("val", "val", "train"),
        ("val_", "val_", "train"),
        ("epoch_", "epoch_", "train"),
    ],
)
def test_parse_maps_name_to_family_and_split(name: str, family: str, split: str) -> None:
    metric = parse(name)
    assert (metric.raw, metric.family, metric.split) == (name, family, split)
    assert metric.is_validation == (split == "val")


@pytest.mark.parametrize("name", ["", " ", "\t\n"])
def test_parse_gives_blank_names_a_nonempty_family(name: str) -> None:
    metric = parse(name)
    assert metric.family.strip()
    assert metric.raw == name


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ("loss", "min"),
        ("box_loss", "min"),
        ("mean_squared_error", "min"),
        ("mae", "min"),
        ("categorical_crossentropy", "min"),
        ("kl_divergence", "min"),
        ("perplexity", "min"),
        ("logcosh", "min"),
        ("poisson", "min"),
        ("hinge", "min"),
        ("wer", "min"),
        ("cosine_similarity_loss", "min"),
        ("accuracy", "max"),
        ("acc", "max"),
        ("sparse_categorical_accuracy", "max"),
        ("top_k_categorical_accuracy", "max"),
        ("auc", "max"),
        ("precision", "max"),
        ("recall", "max"),
        ("f1_score", "max"),
        ("r2_score", "max"),
        ("mean_io_u", "max"),  # Keras's MeanIoU
        ("miou", "max"),
        ("mAP50-95(B)", "max"),  # YOLO
        ("cosine_similarity", "max"),  # Keras's CosineSimilarity metric: higher is better
        # a whole-word score is not overruled by a loss abbreviation inside another word
        ("answer_accuracy", "max"),  # "wer" inside "answer"
        ("apple_accuracy", "max"),  # "ppl" inside "apple"
        ("lr", None),
        ("LR", None),
        ("learning_rate", None),
        ("Learning Rate", None),
        ("epoch", None),
        ("grad_norm", None),
        ("true_positives", None),
    ],
)
def test_goal_direction_per_family(family: str, expected: str | None) -> None:
    assert goal(family) == expected


@pytest.mark.parametrize(
    ("family", "expected"),
    [("lr", True), ("learning_rate", True), (" LR ", True), ("lr_decay", False), ("loss", False)],
)
def test_is_learning_rate(family: str, expected: bool) -> None:
    assert is_learning_rate(family) is expected


@given(st.text())
def test_parse_never_raises_and_family_is_nonempty(name: str) -> None:
    metric = parse(name)
    assert metric.family
    assert metric.split in ("train", "val")
    assert metric.raw == name


def _has_split_marker(name: str) -> bool:
    """True when ``parse`` itself finds a split word in ``name`` (a prefix or suffix)."""
    metric = parse(name)
    unmarked = {name, name[len("epoch_") :] if name.lower().startswith("epoch_") else name}
    return metric.split == "val" or metric.family not in unmarked


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,24}", fullmatch=True))
def test_keras_val_prefix_keeps_family_and_sets_val(name: str) -> None:
    assume(not _has_split_marker(name))
    plain, val = parse(name), parse("val_" + name)
    assert plain.split == "train"
    assert val.split == "val"
    assert val.family == plain.family


@pytest.mark.parametrize(
    ("name", "family", "member"),
    [
        ("layer1/mean_activation", "layer1", "mean_activation"),
        ("layer1/std_activation", "layer1", "std_activation"),
        ("encoder/block2/grad_norm", "encoder/block2", "grad_norm"),
        ("lr/pg0", "lr", "pg0"),
        ("val_layer1/mean_activation", "layer1/mean_activation", ""),  # a split word decides
        ("train/loss", "loss", ""),
        ("loss/val", "loss", ""),
        ("/loss", "/loss", ""),  # a leading slash makes no group
        ("loss/", "loss/", ""),
    ],
)
def test_a_slash_groups_names_without_a_split_word(name: str, family: str, member: str) -> None:
    metric = parse(name)
    assert (metric.family, metric.member) == (family, member)


def test_grouped_statistics_share_one_panel_in_distinct_colours() -> None:
    from livecurve import LivePlot

    plot = LivePlot(axis="step")
    plot.log(1, loss=1.0, **{"layer1/mean_activation": 0.1, "layer1/std_activation": 0.2})
    panels = {p.family: p.names for p in plot.run.panels()}
    assert panels["layer1"] == ["layer1/mean_activation", "layer1/std_activation"]
    plot.refresh()
    series = plot.view.panels["layer1"].series
    colours = {name: marks.line.colors[0] for (_, name), marks in series.items()}
    assert len(set(colours.values())) == 2


def test_series_goal_reads_the_member_when_the_group_has_none() -> None:
    from livecurve.model.names import series_goal

    assert series_goal("metrics/precision(B)") == "max"
    assert series_goal("layer1/grad_loss") == "min"
    assert series_goal("layer1/std_activation") is None


def test_a_test_line_is_dashed_beside_validation_in_a_colour_of_its_own() -> None:
    from livecurve.model.run import Run

    run = Run()
    run.log(1, {"loss": 1.0, "val_loss": 1.1, "test_loss": 1.2})
    (panel,) = run.panels()
    assert [run.is_validation(n) for n in panel.names] == [False, True, True]
    assert panel.member_index("val_loss") != panel.member_index("test_loss")


@pytest.mark.parametrize(
    ("names", "panels"),
    [
        # the validation of a group's member joins the member's panel, in the member's place
        (
            ["layer1/mean", "layer1/std", "val_layer1/std"],
            {"layer1": ["layer1/mean", "layer1/std", "val_layer1/std"]},
        ),
        (["fast_rcnn/cls_accuracy", "val/fast_rcnn/cls_accuracy"], {"fast_rcnn": None}),
        # a split word before the slash and no grouped training series: one panel per metric
        (
            ["train_metrics/mse", "val_metrics/mse", "train_metrics/r2", "val_metrics/r2"],
            {"metrics/mse": None, "metrics/r2": None},
        ),
    ],
)
def test_a_validation_series_joins_its_group_member_only_where_training_is_grouped(
    names: list[str], panels: dict[str, list[str] | None]
) -> None:
    from livecurve.model.run import Run

    run = Run("a")
    for epoch in (1, 2, 3):
        run.log(epoch, {name: 1.0 / (epoch + i) for i, name in enumerate(names)})
    found = {panel.family: panel for panel in run.panels()}
    assert list(found) == list(panels)
    for family, expected in panels.items():
        if expected is not None:
            assert found[family].names == expected
    if "layer1" in found:
        panel = found["layer1"]
        assert panel.member_index("val_layer1/std") == panel.member_index("layer1/std") == 1
        assert panel.member_of("val_layer1/std") == ("std", "")
