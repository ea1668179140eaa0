"""Every real log in ``tests/data/real-logs/`` reads with the values its file holds.

The expected values were read from the files by hand (first and last rows, row counts, where the
epoch restarts). Each check also pins the full set of series and their point counts, so a column
that is silently dropped, or a point that lands in the wrong run, fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from livecurve import Run
from livecurve.readers import LogReadError, read

REAL_LOGS = Path(__file__).resolve().parent / "data" / "real-logs"
ENTRIES = (
    sorted(p.name for p in REAL_LOGS.iterdir() if p.name != "SOURCES.md")
    if REAL_LOGS.is_dir()
    else []
)


def counts(run: Run) -> dict[str, int]:
    return {name: len(run[name]) for name in run.names}


def panel_of(run: Run, name: str) -> list[str]:
    return next(p.names for p in run.panels() if name in p.names)


def xs(run: Run, name: str) -> list[float]:
    return run[name].x.tolist()


def ys(run: Run, name: str) -> list[float]:
    return run[name].y.tolist()


def one(runs: list[Run]) -> Run:
    assert len(runs) == 1, [r.label for r in runs]
    return runs[0]


def warned(messages: list[str], *parts: str) -> int:
    """How many warnings contain every one of ``parts``."""
    return sum(all(p in m for p in parts) for m in messages)


def epochs(n: int, start: int = 1) -> list[float]:
    return [float(x) for x in range(start, start + n)]


# -- the checks, one per file ---------------------------------------------------------------
def fedlearn(runs: list[Run], messages: list[str]) -> None:
    # The round restarts twice: 3 rounds, then 1, then 100 (lines 5 and 6 start new runs).
    assert [len(r["global_loss"]) for r in runs] == [3, 1, 100]
    assert all(r.axis == "round" for r in runs)
    first, _, last = runs
    # The timer is the run's summary (its last value), not a panel.
    assert set(first.names) == {"global_loss", "global_accuracy", "noniid_effectiveness"}
    assert ys(first, "global_loss")[0] == 2.3889362250164057
    assert xs(last, "global_accuracy")[-1] == 100.0 and ys(last, "global_accuracy")[-1] == 71.23
    assert last.summary == {"elapsed_time": 1077.9428215026855}
    assert [r.label for r in runs][1:] == [
        "fedlearn-round-axis-quoted-json-cells (run 2)",
        "fedlearn-round-axis-quoted-json-cells (run 3)",
    ]
    assert warned(messages, "'client_details'", "skipped") == 1
    assert warned(messages, "3 runs", "line 5", "line 6") == 1


def gan(runs: list[Run], messages: list[str]) -> None:
    # The header is one quoted cell with tabs; 5 runs of Iteration 1, 301, ... (175 rows each,
    # the last cut at 88 rows).
    assert warned(messages, "header line", "Iteration, d1_loss, d2_loss, g_loss") == 1
    assert [len(r["d1_loss"]) for r in runs] == [175, 175, 175, 175, 88]
    assert all(r.axis == "iteration" and r.names == ["d1_loss", "d2_loss", "g_loss"] for r in runs)
    assert xs(runs[0], "g_loss")[:2] == [1.0, 301.0] and ys(runs[0], "g_loss")[0] == 83.92398071
    assert ys(runs[0], "d1_loss")[0] == 0.290623128
    last = runs[-1]
    assert xs(last, "d1_loss")[-1] == 26101.0
    assert ys(last, "d1_loss")[-1] == 2.2290701053861994e-06
    assert ys(last, "g_loss")[-1] == 4.664003849029541


def hf_trainer_state(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.axis == "step"
    assert counts(run) == {
        "learning_rate": 200,
        "loss": 200,
        "eval_loss": 5,
        "eval_wer": 5,
    }
    # End-of-run scalars and evaluation timings: the run's summary, not one-point panels.
    assert set(run.summary) == {
        "eval_runtime",
        "eval_samples_per_second",
        "eval_steps_per_second",
        "total_flos",
        "train_loss",
        "train_runtime",
        "train_samples_per_second",
        "train_steps_per_second",
    }
    assert all(isinstance(v, float) for v in run.summary.values())
    assert (xs(run, "loss")[0], ys(run, "loss")[0]) == (25.0, 0.8917)
    assert (xs(run, "loss")[-1], ys(run, "loss")[-1]) == (5000.0, 0.0002)
    assert xs(run, "eval_loss") == [1000.0, 2000.0, 3000.0, 4000.0, 5000.0]
    assert ys(run, "eval_loss")[0] == 0.30747494101524353
    assert ys(run, "eval_wer")[-1] == 32.09599593667993
    assert panel_of(run, "eval_loss") == ["loss", "eval_loss"]
    assert not messages


def keras_torn_appended(runs: list[Run], messages: list[str]) -> None:
    # Line 3: a run's epoch 0. Line 5: two rows run together (a lost line ending): skipped, and
    # the epochs 1-4 after it are a new run. Then 11 more runs that stopped after epoch 0.
    assert len(runs) == 13
    assert [len(r["loss"]) for r in runs] == [1, 4] + [1] * 11
    assert all(len(r.names) == 18 and len(set(counts(r).values())) == 1 for r in runs)
    assert (xs(runs[0], "loss"), ys(runs[0], "loss")) == ([1.0], [0.019345317035913467])
    assert xs(runs[1], "loss") == [2.0, 3.0, 4.0, 5.0]
    assert ys(runs[1], "loss")[-1] == 3.1881138511380414e-06
    assert ys(runs[-1], "val_loss") == [2.72953839157708e-05]
    assert panel_of(runs[0], "loss") == ["loss", "val_loss"]
    assert warned(messages, "line 5", "37 cells, not 19") == 1
    assert warned(messages, "13 runs") == 1


def keras_brats(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)  # no epoch column: the row order is the epoch
    assert run.axis == "epoch"
    assert set(counts(run).values()) == {39} and len(run.names) == 9
    assert xs(run, "loss") == epochs(39)
    assert ys(run, "loss")[0] == 0.19377480447292328
    assert ys(run, "loss")[-1] == 0.17802347242832184
    assert ys(run, "learning_rate")[-1] == 6.25000029685907e-05
    assert panel_of(run, "val_dice_score_4") == ["dice_score_4", "val_dice_score_4"]
    assert run.panels()[-1].family == "learning_rate"


def keras_deepfake(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert set(counts(run).values()) == {15} and len(run.names) == 15
    assert xs(run, "loss") == epochs(15)
    assert ys(run, "val_loss")[0] == 0.45807334780693054
    assert ys(run, "lr")[0] == 3e-05 and ys(run, "lr")[-1] == 4.7999997e-06
    assert panel_of(run, "val_fused_pred_loss") == ["fused_pred_loss", "val_fused_pred_loss"]
    assert panel_of(run, "loss") == ["loss", "val_loss"]


def keras_ecg_negative(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert counts(run) == {"loss": 70, "lr": 70, "val_loss": 70}
    assert ys(run, "loss")[0] == -33834.9765625 and ys(run, "loss")[-1] == -65066624.0
    assert ys(run, "val_loss")[-1] == -134061704.0
    assert xs(run, "val_loss")[-1] == 70.0


def keras_expert(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    header = (REAL_LOGS / "keras-expert-multi-output-99-cols-300-epochs.csv").open().readline()
    assert run.names == header.strip().split(",")[1:]  # every column but epoch
    assert len(run.names) == 98 and set(counts(run).values()) == {300}
    assert xs(run, "loss") == epochs(300)
    assert (ys(run, "loss")[0], ys(run, "loss")[-1]) == (7.1741437911987305, 0.4493541121482849)
    assert ys(run, "val_loss")[-1] == 0.4228070080280304
    # A multi-output model: one panel per metric, the six outputs compared in it (issue 20).
    assert panel_of(run, "output_6_auPRC") == [
        name for k in range(1, 7) for name in (f"output_{k}_auPRC", f"val_output_{k}_auPRC")
    ]


def keras_gpt2_json(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.names == ["LMOutput_acc", "MCOutput_acc", "loss", "MCOutput_loss", "LMOutput_loss"]
    assert set(counts(run).values()) == {10}
    assert xs(run, "loss") == epochs(10) and ys(run, "loss")[0] == 2.044079967907497
    assert ys(run, "MCOutput_loss")[-1] == 0.06996583246759006


def keras_mslesion_csv(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert set(counts(run).values()) == {79} and len(run.names) == 8
    assert xs(run, "val_loss") == epochs(79)
    assert ys(run, "val_loss")[0] == 1.0091969966888428
    assert ys(run, "val_loss")[-1] == 0.9007343649864197
    assert panel_of(run, "dice_score") == ["dice_score", "val_dice_score"]


def keras_pneumonia_json(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert set(counts(run).values()) == {10} and len(run.names) == 7
    assert ys(run, "lr") == [4.999999873689376e-05] * 10
    assert ys(run, "val_auc")[-1] == 0.9832069873809814
    assert panel_of(run, "val_auc") == ["auc", "val_auc"]


def keras_regression_crcrlf(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.names == ["loss", "mape", "mse", "val_loss", "val_mape", "val_mse"]
    assert set(counts(run).values()) == {4} and xs(run, "mape") == epochs(4)
    assert ys(run, "val_mape")[0] == 108.52278900146484
    assert ys(run, "loss")[-1] == 1.0000419616699219


def keras_signlang_19(runs: list[Run], messages: list[str]) -> None:
    sizes = [37, 38, 10, 10, 10, 10, 10, 10, 10, 8, 10, 10, 11, 15, 15, 13, 8, 10, 10]
    assert [len(r["loss"]) for r in runs] == sizes  # 255 rows in 19 runs
    assert all(xs(r, "val_loss") == epochs(n) for r, n in zip(runs, sizes))
    assert ys(runs[0], "loss")[0] == 10.34359359741211
    assert ys(runs[-1], "val_loss")[-1] == 0.9947164058685303
    assert runs[18].label == "keras-signlang-append-19-runs (run 19)"
    assert warned(messages, "19 runs", "line 39", "line 77") == 1


def keras2_irfanet(runs: list[Run], messages: list[str]) -> None:
    assert [len(r["acc"]) for r in runs] == [26, 200]  # restarted at epoch 0 on line 28
    assert all(set(counts(r).values()) == {len(r["acc"])} for r in runs)
    assert ys(runs[0], "loss")[-1] == 0.188124712312
    assert xs(runs[1], "loss")[-1] == 200.0 and ys(runs[1], "loss")[-1] == 0.143389668048
    assert panel_of(runs[1], "val_acc") == ["acc", "val_acc"]
    assert warned(messages, "2 runs", "line 28") == 1


def keras2_tab_crcrlf(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.names == ["acc", "loss", "val_acc", "val_loss"]
    assert set(counts(run).values()) == {40} and xs(run, "loss") == epochs(40)
    assert ys(run, "loss")[0] == 6.030880568561993
    assert ys(run, "val_loss")[-1] == 4.323256843714487


def keras2_voice_id(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert set(counts(run).values()) == {10} and xs(run, "acc") == epochs(10)
    assert ys(run, "loss")[0] == float("0.76803038662130185")  # 17 significant digits
    assert ys(run, "val_loss")[-1] == 0.12048257887363434
    assert panel_of(run, "val_acc") == ["acc", "val_acc"]


def keras3_digits(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.names == ["accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"]
    assert set(counts(run).values()) == {30} and xs(run, "loss") == epochs(30)
    assert ys(run, "val_loss")[0] == 3.6416454315185547
    rates = ys(run, "learning_rate")
    assert sorted(set(rates), reverse=True) == [
        0.0010000000474974513,
        0.0005000000237487257,
        0.0002500000118743628,
    ]
    assert rates == sorted(rates, reverse=True)
    assert [p.family for p in run.panels()] == ["loss", "accuracy", "learning_rate"]
    assert not messages


def lightning_step_level(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)  # step 49, 99 in epoch 0: the step is the axis, the epoch a counter
    assert run.axis == "step" and run.names == ["train_loss"]
    assert xs(run, "train_loss") == [49.0, 99.0]
    assert ys(run, "train_loss") == [0.06728213280439377, 0.038861844688653946]


def lightning_pinn(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.axis == "step"
    # Each X_step / X_epoch pair is one quantity X: epoch points, and per-step values.
    terms = ("dynamics_loss", "initial_omega_loss", "initial_theta_loss", "train_loss")
    assert counts(run) == dict.fromkeys(terms, 1000)
    assert all(len(run.steps.column(term)[0]) == 1260 for term in terms)
    assert (xs(run, "train_loss")[0], ys(run, "train_loss")[0]) == (62.0, 14.104049682617188)
    x, y = run.steps.column("train_loss")
    assert (x[0], y[0]) == (49.0, np.float32(0.14763501286506653))
    assert (xs(run, "train_loss")[-1], ys(run, "train_loss")[-1]) == (62999.0, 0.04953908920288086)
    assert np.all(np.diff(run.steps.column("dynamics_loss")[0]) > 0)


def pandas_arrays(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)  # the unnamed index column is not a metric; the two array columns skipped
    assert counts(run) == {"Error": 500, "Temperature": 500}
    assert xs(run, "Error") == epochs(500)
    assert ys(run, "Error")[:2] == [0.1673501431941986, 0.4905237555503845]
    assert ys(run, "Error")[-1] == 0.0
    assert ys(run, "Temperature")[0] == 0.1433590054512024
    assert warned(messages, "'Hidden weights'", "skipped") == 1
    assert warned(messages, "'Output weights'", "skipped") == 1


def tb_keras_ecg(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.axis == "epoch" and run.label == "tb-keras-ecg-run"
    assert counts(run) == {"loss": 24, "lr": 24, "val_loss": 24}
    assert xs(run, "loss") == epochs(24)  # Keras's TensorBoard steps 0..23, shifted
    assert ys(run, "val_loss")[0] == pytest.approx(13.205711364746094)
    assert ys(run, "loss")[-1] == pytest.approx(0.0004148846201132983)
    assert ys(run, "lr")[-1] == pytest.approx(1e-4)
    assert panel_of(run, "loss") == ["loss", "val_loss"]
    assert warned(messages, "validation/evaluation_loss_vs_iterations") == 1


def tb_keras_mslesion(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert counts(run) == {
        n: 79 for n in ("val_accuracy", "val_dice_score", "val_iou_score", "val_loss")
    }
    # The same training run as keras-mslesion-dice-iou-same-run-as-tb.csv: the same points.
    (csv_run,) = read(REAL_LOGS / "keras-mslesion-dice-iou-same-run-as-tb.csv")
    for name in run.names:
        assert xs(run, name) == xs(csv_run, name)
        np.testing.assert_allclose(run[name].y, csv_run[name].y, rtol=1e-7)


def tb_lightning(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)  # three event files (fit, validate, test) of one run; "epoch" is a counter
    assert run.axis == "step"
    assert counts(run) == {
        "hp_metric": 1,
        "train_loss": 5,
        "test_accuracy": 1,
        "test_loss": 1,
        "val_accuracy": 6,
        "val_loss": 6,
    }
    assert xs(run, "train_loss") == [1718.0, 3437.0, 5156.0, 6875.0, 8594.0]
    assert xs(run, "val_loss")[-1] == 8595.0  # from trainer.validate(), the second file
    assert ys(run, "val_loss")[-1] == pytest.approx(0.023356042802333832)
    assert ys(run, "test_accuracy") == [pytest.approx(0.9879000186920166)]
    # trainer.test()'s held-out point is drawn in the loss panel, dashed like validation
    assert panel_of(run, "val_loss") == ["train_loss", "val_loss", "test_loss"]


def torch_dict_of_metric_dicts(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    names = ["train_loss", "val_loss"]
    names += [
        f"{split}_metrics/{m}" for split in ("train", "val") for m in ("mse", "mae", "rmse", "r2")
    ]
    assert sorted(run.names) == sorted([*names, "learning_rates"])
    assert set(counts(run).values()) == {48}
    assert ys(run, "train_metrics/mse")[0] == 0.3998904824256897
    assert ys(run, "val_metrics/r2")[0] == 0.41043323278427124
    assert panel_of(run, "val_metrics/mse") == ["train_metrics/mse", "val_metrics/mse"]
    assert panel_of(run, "val_loss") == ["train_loss", "val_loss"]


def torch_hevisum(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)  # "Epoch" counts from 1: not shifted
    assert counts(run) == {"Train Loss": 3, "Val Loss": 3, "Learning Rate": 3}
    assert xs(run, "Train Loss") == [1.0, 2.0, 3.0]
    assert ys(run, "Train Loss")[0] == 330007.8048961915
    assert panel_of(run, "Val Loss") == ["Train Loss", "Val Loss"]
    assert warned(messages, "'Val Spearman'", "NaN") == 1


def torch_epoch_dicts(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert counts(run) == {"train_loss": 60, "val_loss": 60, "val_ssim": 60}
    assert xs(run, "val_ssim") == epochs(60)  # "epoch" 0..59
    assert ys(run, "train_loss")[0] == 0.6077004432678222
    assert ys(run, "val_ssim")[-1] == 0.9681367458164901


def torch_megasena_bom(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert run.names == ["loss"]  # the byte order mark is not part of "epoch"
    assert xs(run, "loss") == epochs(200)  # 1-based already
    assert ys(run, "loss")[0] == 0.14425365561670292
    assert ys(run, "loss")[-1] == 0.07415499587039479


def torch_painn_interleaved(runs: list[Run], messages: list[str]) -> None:
    # Two runs wrote their rows in turns: one from Epoch 75 to 1000 (its epoch 900 missing),
    # the other from 1 to 975.
    assert len(runs) == 2
    late, early = runs
    assert all(len(set(counts(r).values())) == 1 for r in runs)
    assert len(late["Training loss"]) == 925 and len(early["Training loss"]) == 975
    assert xs(late, "Validation loss") == [x for x in epochs(926, 75) if x != 900.0]
    assert xs(early, "Validation loss") == epochs(975)
    assert ys(late, "Training loss")[0] == 1.2218196264093573
    assert ys(early, "Training loss")[0] == 10.586729968816584
    assert ys(early, "smoothed_val_loss")[-1] == 0.05619056671203221
    assert panel_of(early, "Validation loss") == ["Training loss", "Validation loss"]
    assert warned(messages, "2 runs written in turns") == 1


def ultralytics(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert len(run.names) == 19 and set(counts(run).values()) == {300}
    assert run.names[:2] == ["train/box_loss", "train/seg_loss"]  # padding stripped
    assert xs(run, "train/box_loss") == epochs(300)  # 1-based already
    assert ys(run, "train/box_loss")[0] == 3.4272 and ys(run, "train/box_loss")[-1] == 0.27057
    assert ys(run, "val/box_loss")[-1] == 0.32962
    assert panel_of(run, "val/seg_loss") == ["train/seg_loss", "val/seg_loss"]
    assert ys(run, "lr/pg2")[-1] == 0.000166


def unet_one_row(runs: list[Run], messages: list[str]) -> None:
    run = one(runs)
    assert counts(run) == {
        n: 1
        for n in (
            "loss",
            "acc",
            "updated_mean_io_u",
            "val_loss",
            "val_acc",
            "val_updated_mean_io_u",
        )
    }
    assert xs(run, "loss") == [1.0] and ys(run, "loss") == [1.0186389684677124]
    assert panel_of(run, "val_updated_mean_io_u") == ["updated_mean_io_u", "val_updated_mean_io_u"]


CHECKS: dict[str, Callable[[list[Run], list[str]], None]] = {
    "fedlearn-round-axis-quoted-json-cells.csv": fedlearn,
    "gan-mangled-header-tab-in-quoted-cell-iteration-axis.csv": gan,
    "hf-trainer-state-whisper-sparse-log-history.json": hf_trainer_state,
    "keras-append-torn-row-blank-lines-restarts.csv": keras_torn_appended,
    "keras-brats-no-epoch-col-lr-last.csv": keras_brats,
    "keras-deepfake-multi-output-lr.csv": keras_deepfake,
    "keras-ecg-negative-diverging-loss.log": keras_ecg_negative,
    "keras-expert-multi-output-99-cols-300-epochs.csv": keras_expert,
    "keras-gpt2-doublehead-multi-output-history.json": keras_gpt2_json,
    "keras-mslesion-dice-iou-same-run-as-tb.csv": keras_mslesion_csv,
    "keras-pneumonia-history-auc-lr.json": keras_pneumonia_json,
    "keras-regression-mape-crcrlf-windows.log": keras_regression_crcrlf,
    "keras-signlang-append-19-runs.csv": keras_signlang_19,
    "keras2-irfanet-acc-crlf-append-restart.log": keras2_irfanet,
    "keras2-tab-separator-crcrlf-windows.tsv": keras2_tab_crcrlf,
    "keras2-voice-id-acc-names.log": keras2_voice_id,
    "keras3-digits-cnn-lr-schedule.csv": keras3_digits,
    "lightning-metrics-step-level.csv": lightning_step_level,
    "lightning-pinn-sparse-multi-loss-2260-rows.csv": lightning_pinn,
    "pandas-array-cells-quoted-multiline-1.5MB.csv": pandas_arrays,
    "tb-keras-ecg-run": tb_keras_ecg,
    "tb-keras-mslesion-validation-only": tb_keras_mslesion,
    "tb-lightning-mnist-simple-value": tb_lightning,
    "torch-dict-with-list-of-metric-dicts.json": torch_dict_of_metric_dicts,
    "torch-hevisum-nan-column-spaced-names.csv": torch_hevisum,
    "torch-list-of-epoch-dicts.json": torch_epoch_dicts,
    "torch-megasena-utf8-bom-loss-only.csv": torch_megasena_bom,
    "torch-painn-tab-two-runs-interleaved-1900-rows.tsv": torch_painn_interleaved,
    "ultralytics-yolo-results-space-padded-300-epochs.csv": ultralytics,
    "unet-cityscapes-no-epoch-column.csv": unet_one_row,
}
EMPTY = {"keras-airbus-zero-bytes.csv"}


def test_every_log_has_a_check() -> None:
    assert ENTRIES, f"no logs found in {REAL_LOGS}"
    assert set(ENTRIES) == set(CHECKS) | EMPTY


@pytest.mark.parametrize("name", ENTRIES)
def test_real_log_reads_with_the_values_in_the_file(name, livecurve_warnings) -> None:
    if name in EMPTY:
        with pytest.raises(LogReadError, match=name):
            read(REAL_LOGS / name)
        return
    runs = read(REAL_LOGS / name)
    stem = name.rsplit(".", 1)[0] if not (REAL_LOGS / name).is_dir() else name
    assert runs[0].label == stem
    assert all(len(run) and all(len(run[n]) for n in run.names) for run in runs)
    CHECKS[name](runs, livecurve_warnings.messages())


def test_a_given_label_names_the_runs(livecurve_warnings) -> None:
    runs = read(str(REAL_LOGS / "keras2-irfanet-acc-crlf-append-restart.log"), label="irfanet")
    assert [r.label for r in runs] == ["irfanet", "irfanet (run 2)"]


def test_reading_never_changes_the_files(livecurve_warnings) -> None:
    def digest() -> dict[str, tuple[str, float]]:
        found = {}
        for path in sorted(REAL_LOGS.rglob("*")):
            if path.is_file():
                found[str(path)] = (
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                    path.stat().st_mtime,
                )
        return found

    before = digest()
    for name in ENTRIES:
        if name not in EMPTY and not name.startswith("tb-"):
            read(REAL_LOGS / name)
    assert digest() == before
