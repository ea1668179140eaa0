"""Logs of other frameworks read as a person reads them (issue 18), on logs of their shape
written by :mod:`tests.log_shapes`; and the pictures a user gets of them."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import livecurve
from livecurve.model.names import parse
from livecurve.readers.folders import flat_yaml
from tests import log_shapes


def _families(run: livecurve.Run) -> list[str]:
    return [panel.family for panel in run.panels()]


def test_sb3_monitor_preamble_is_not_the_header(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.sb3_monitor(tmp_path))
    assert run.axis == "episode"
    assert run.names == ["episode reward", "episode length"]
    assert run["episode reward"].x.tolist()[:3] == [1.0, 2.0, 3.0]
    assert run["episode reward"].y[0] == pytest.approx(32.9)
    assert run.summary == {"time": pytest.approx(40 * 0.37)}  # the timer: a summary, no panel


def test_sb3_progress_uses_total_timesteps_as_x_and_draws_no_counter_or_timer(
    tmp_path: Path,
) -> None:
    (run,) = livecurve.load(log_shapes.sb3_progress(tmp_path))
    assert run.axis == "timesteps"
    assert run["train/loss"].x.tolist()[:2] == [2048.0, 4096.0]
    drawn = set(run.names)
    assert not drawn & {"time/fps", "time/iterations", "time/time_elapsed", "time/total_timesteps"}
    assert set(run.summary) == {"time/fps", "time/time_elapsed"}


def test_counters_and_timers_are_never_panels_and_a_counter_going_back_starts_a_run(
    tmp_path: Path,
) -> None:
    with pytest.warns(livecurve.LiveCurveWarning, match="2 runs"):
        first, second = livecurve.load(log_shapes.counters_with_restart(tmp_path))
    for run in (first, second):
        assert run.axis == "timesteps" and run.names == ["mean_reward", "loss"]
        assert run["loss"].x.tolist()[:2] == [1000.0, 2000.0]
        assert run.summary == {"passed_time": 30.0, "remaining_time": 0.0}
    assert second["mean_reward"].y[0] == 17.0


@pytest.mark.parametrize("shape", ["catboost_json", "catboost_info"])
def test_catboost_metrics_are_named_from_meta_and_test_is_validation(
    tmp_path: Path, shape: str
) -> None:
    (run,) = livecurve.load(getattr(log_shapes, shape)(tmp_path))
    assert run.axis == "iteration"
    assert run.names == ["Logloss", "val_Logloss", "val_AUC"]
    assert _families(run) == ["Logloss", "AUC"]
    assert run["Logloss"].x.tolist()[:2] == [0.0, 1.0]  # CatBoost's iteration, as logged
    assert run["val_AUC"].y[-1] == pytest.approx(0.5 + 0.45 * (1 - np.exp(-49 / 10)), abs=1e-6)
    assert len(run["val_Logloss"]) == 50


def test_catboost_info_is_one_run_not_its_learn_and_test_folders(tmp_path: Path) -> None:
    runs = livecurve.load(log_shapes.catboost_info(tmp_path))
    assert [r.label for r in runs] == ["catboost_info"]


def test_keras_history_under_another_key_is_one_loss_panel_and_no_config(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.keras_history_under_key(tmp_path))
    assert run.names == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert _families(run) == ["loss", "accuracy"]
    assert run["val_loss"].x.tolist() == [float(e) for e in range(1, 13)]


def test_mmengine_validation_rows_sit_at_the_end_of_their_epoch(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.mmengine_scalars(tmp_path))
    assert run.axis == "step"
    assert run["val_accuracy/top1"].x.tolist() == [100.0, 200.0, 300.0, 400.0, 500.0]
    assert run["val_accuracy/top1"].y.tolist() == [48.0, 56.0, 64.0, 72.0, 80.0]
    assert run.is_validation("val_accuracy/top1")
    assert len(run["loss"]) == 50
    assert not {"data_time", "time", "epoch", "iter"} & set(run.names)


def test_lightning_step_and_epoch_names_fold_into_one_quantity(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.lightning_metrics(tmp_path))
    assert run.axis == "step"
    assert _families(run) == ["loss", "perplexity"]
    assert run.has_steps("train_loss") and run.has_points("train_loss")  # faint steps + epochs
    x, _ = run.steps.column("train_loss")
    assert len(x) == 48 and x[0] == 24.0
    assert run["train_loss"].x.tolist() == [199.0, 399.0, 599.0, 799.0, 999.0, 1199.0]
    (panel,) = [p for p in run.panels() if p.family == "perplexity"]
    # Two validation quantities in one panel: told apart by colour.
    assert panel.member_index("val_epoch_perplexity") != panel.member_index("val_perplexity")
    assert parse("val_loss").is_validation


def test_lightning_logs_folder_is_one_run_per_version_with_its_hparams(tmp_path: Path) -> None:
    runs = livecurve.load(log_shapes.lightning_logs(tmp_path))
    assert [r.label for r in runs] == ["version_0", "version_1", "version_10"]
    assert [r.params["lr"] for r in runs] == [0.001, 0.01, 0.1]
    assert runs[0].params["model_name"] == "resnet18" and runs[0].params["use_amp"] is True


def test_hparams_without_pyyaml_are_read_flat() -> None:
    text = "lr: 0.001\nlayers: 3\nname: 'mlp'\nuse_bn: true\nnothing: null\nbetas:\n- 0.9\n"
    assert flat_yaml(text) == {
        "lr": 0.001,
        "layers": 3,
        "name": "mlp",
        "use_bn": True,
        "nothing": None,
        "betas": "- 0.9",
    }


def test_hf_summaries_and_eval_timings_are_the_runs_summary_not_panels(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.hf_trainer_state(tmp_path))
    assert run.names == ["grad_norm", "learning_rate", "loss", "eval_loss"]
    assert run.summary["train_runtime"] == 95.3 and run.summary["total_flos"] == 1.2e15
    assert run.summary["eval_runtime"] == 3.2 and run.summary["train_loss"] == 0.61


def test_grouped_statistics_are_members_of_one_panel(tmp_path: Path) -> None:
    a = log_shapes.detectron2_metrics(tmp_path, "a", 0.0)
    b = log_shapes.detectron2_metrics(tmp_path, "b", 0.05)
    runs = livecurve.load([a, b], labels=["a", "b"])
    for run in runs:
        (panel,) = [p for p in run.panels() if p.family == "fast_rcnn"]
        assert sorted(panel.member_index(n) for n in panel.names) == [0, 1, 2]
        assert not {"time", "data_time", "eta_seconds"} & set(run.names)


def test_a_list_of_history_dicts_is_one_run_each_and_params_fill_run_params() -> None:
    h1 = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}
    h2 = {"loss": [0.8, 0.4], "val_loss": [0.9, 0.6]}
    a, b = livecurve.load([h1, h2], labels=["a", "b"], params=[{"lr": 0.1}, {"lr": 0.01}])
    assert (a.label, b.label) == ("a", "b") and b["val_loss"].y.tolist() == [0.9, 0.6]
    assert (a.params, b.params) == ({"lr": 0.1}, {"lr": 0.01})
    keyed = livecurve.load([h1, h2], labels=["a", "b"], params={"b": {"units": 64}})
    assert (keyed[0].params, keyed[1].params) == ({}, {"units": 64})
    (one,) = livecurve.load([{"loss": 0.9}, {"loss": 0.5}], params={"lr": 0.1})
    assert one["loss"].y.tolist() == [0.9, 0.5] and one.params == {"lr": 0.1}
    plot = livecurve.show([h1, h2], params=[{"lr": 0.1}, {"lr": 0.01}])
    assert [r.params for r in plot.runs] == [{"lr": 0.1}, {"lr": 0.01}]


@pytest.mark.parametrize(
    "params", [{"lr": 0.1}, [{"lr": 0.1}], [{"lr": 0.1}, {"lr": 0.2}, {"lr": 0.3}]]
)
def test_params_that_do_not_match_the_sources_are_refused(params: object) -> None:
    with pytest.raises(ValueError, match="params"):
        livecurve.load([{"loss": [1.0]}, {"loss": [2.0]}], params=params)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "shape",
    ["sb3_monitor", "lightning_metrics", "mmengine_scalars", "catboost_info", "hf_trainer_state"],
)
def test_the_picture_of_each_kind_saves_with_its_panels(tmp_path: Path, shape: str) -> None:
    path = getattr(log_shapes, shape)(tmp_path)
    out = tmp_path / f"{shape}.png"
    livecurve.show(path).save(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_show_draws_the_per_batch_rows_of_a_livecurve_log_as_liveplot_and_follow_do(
    tmp_path: Path,
) -> None:
    from livecurve import LivePlot

    path = tmp_path / "run.jsonl"
    writer = LivePlot(log=path)
    for epoch in range(3):
        for batch in range(4):
            writer.record_steps(epoch + (batch + 1) / 4, {"loss": 1.0 / (4 * epoch + batch + 1)})
        writer.log(epoch + 1, loss=1.0 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "per-step rows are left out" any more
        (shown,) = livecurve.load(path)
    resumed = LivePlot(log=path).run
    followed = livecurve.show(path, follow=True)
    try:
        deadline = time.monotonic() + 20
        while len(followed.run["val_loss"]) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        runs = [shown, resumed, followed.run]
    finally:
        followed.stop()
    for run in runs:
        x, y = run.steps.column("loss")
        assert x.tolist() == [e + b / 4 for e in range(3) for b in range(1, 5)]
        np.testing.assert_allclose(y, [1.0 / k for k in range(1, 13)], rtol=1e-6)
        assert run["val_loss"].x.tolist() == [1.0, 2.0, 3.0]
        assert run["loss"].y.tolist() == [1.0, 0.5, 1 / 3]


def test_per_epoch_dicts_holding_a_list_are_still_one_log() -> None:
    rows = [{"loss": 0.9, "per_class": [0.1, 0.2]}, {"loss": 0.5, "per_class": [0.3, 0.4]}]
    (run,) = livecurve.load(rows)
    assert run["loss"].y.tolist() == [0.9, 0.5]

    class History:  # what keras.callbacks.History holds
        def __init__(self, history: dict) -> None:
            self.history = history
            self.epoch = list(range(len(history["loss"])))

    a, b = livecurve.load([History({"loss": [0.9, 0.5]}), History({"loss": [0.8]})])
    assert (a["loss"].x.tolist(), b["loss"].x.tolist()) == ([1.0, 2.0], [1.0])


def test_lightning_step_values_logged_at_different_steps_stay_at_their_own_steps(
    tmp_path: Path,
) -> None:
    # Two _step metrics on other steps: each keeps its own rows (no NaN rows for the other's).
    lines = ["epoch,step,train_loss_step,train_acc_step,train_loss_epoch,train_acc_epoch"]
    lines += ["0,10,0.9,,,", "0,20,,0.5,,", "0,30,0.7,,,", "0,39,,,0.8,0.55"]
    lines += ["1,50,0.6,,,", "1,60,,0.6,,", "1,79,,,0.6,0.65"]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    (run,) = livecurve.load(path)
    assert run.steps.column("train_loss")[0].tolist() == [10.0, 30.0, 50.0]
    assert run.steps.column("train_acc")[0].tolist() == [20.0, 60.0]
    np.testing.assert_allclose(run.steps.column("train_acc")[1], [0.5, 0.6], rtol=1e-6)
