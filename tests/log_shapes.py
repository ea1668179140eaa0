"""Small logs shaped like the ones other frameworks write (issue 18), written by the tests.

Each function writes one log under ``folder`` and returns its path. The values are made up; the
shapes (names, row kinds, preambles, folders) are the frameworks' own.
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def sb3_monitor(folder: Path) -> Path:
    """Stable-Baselines3 ``Monitor``: a ``#{json}`` preamble, then ``r,l,t`` per episode."""
    lines = ['#{"t_start": 1708000000.25, "env_id": "CartPole-v1"}', "r,l,t"]
    for episode in range(1, 41):
        reward = 20 + 4.5 * episode + 10 * math.sin(episode)
        lines.append(f"{reward:.1f},{int(reward)},{episode * 0.37:.6f}")
    path = folder / "monitor.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def sb3_progress(folder: Path) -> Path:
    """Stable-Baselines3 ``progress.csv``: ``time/total_timesteps`` is the x a person uses."""
    names = [
        "rollout/ep_len_mean", "rollout/ep_rew_mean", "time/fps", "time/iterations",
        "time/time_elapsed", "time/total_timesteps", "train/entropy_loss", "train/learning_rate",
        "train/loss", "train/value_loss",
    ]  # fmt: skip
    lines = [",".join(names)]
    for i in range(1, 31):
        lines.append(
            f"{20 + 3 * i},{20 + 3 * i + 0.5},{900 + i},{i},{i * 2},{2048 * i},"
            f"{-0.69 + 0.01 * i:.3f},0.0003,{5 / i:.4f},{20 / i:.4f}"
        )
    path = folder / "progress.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def counters_with_restart(folder: Path) -> Path:
    """A hand-written RL log: counters and timers; a restart appended without a new header."""
    lines = ["total timesteps,num_episodes,passed_time,remaining_time,mean_reward,loss"]
    for run in range(2):
        for i in range(1, 21):
            lines.append(
                f"{1000 * i},{5 * i},{i * 1.5:.1f},{(20 - i) * 1.5:.1f},"
                f"{10 * i + run * 7},{1 / i + run:.4f}"
            )
    path = folder / "rl.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def catboost_json(folder: Path) -> Path:
    """CatBoost's ``catboost_training.json``: metric names in ``meta``, lists per iteration."""
    meta = {
        "test_sets": ["test"],
        "test_metrics": [{"best_value": "Min", "name": "Logloss"}, {"name": "AUC"}],
        "learn_metrics": [{"best_value": "Min", "name": "Logloss"}],
        "launch_mode": "Train",
        "parameters": "",
        "iteration_count": 50,
        "learn_sets": ["learn"],
        "name": "experiment",
    }
    iterations = [
        {
            "learn": [0.69 * math.exp(-i / 15)],
            "iteration": i,
            "passed_time": 0.01 * (i + 1),
            "remaining_time": 0.01 * (49 - i),
            "test": [0.7 * math.exp(-i / 20) + 0.05, 0.5 + 0.45 * (1 - math.exp(-i / 10))],
        }
        for i in range(50)
    ]
    path = folder / "catboost_training.json"
    path.write_text(json.dumps({"meta": meta, "iterations": iterations}))
    return path


def catboost_info(folder: Path) -> Path:
    """CatBoost's ``catboost_info/``: learn/test TSVs, time_left.tsv, the JSON and TB folders."""
    info = folder / "catboost_info"
    info.mkdir()
    learn = ["iter\tLogloss"] + [f"{i}\t{0.69 * math.exp(-i / 15):.6f}" for i in range(50)]
    test = ["iter\tLogloss\tAUC"] + [
        f"{i}\t{0.7 * math.exp(-i / 20) + 0.05:.6f}\t{0.5 + 0.45 * (1 - math.exp(-i / 10)):.6f}"
        for i in range(50)
    ]
    (info / "learn_error.tsv").write_text("\n".join(learn) + "\n")
    (info / "test_error.tsv").write_text("\n".join(test) + "\n")
    (info / "time_left.tsv").write_text(
        "iter\tPassed\tRemaining\n" + "".join(f"{i}\t{i}\t{49 - i}\n" for i in range(50))
    )
    catboost_json(info)
    for sub in ("learn", "test", "tmp"):
        (info / sub).mkdir()
    return info


def keras_history_under_key(folder: Path) -> Path:
    """A Keras ``history.history`` saved under another key, beside the model's settings."""
    epochs = 12
    history = {
        "loss": [1.2 * math.exp(-e / 4) + 0.1 for e in range(epochs)],
        "accuracy": [0.5 + 0.4 * (1 - math.exp(-e / 3)) for e in range(epochs)],
        "val_loss": [1.3 * math.exp(-e / 5) + 0.15 for e in range(epochs)],
        "val_accuracy": [0.45 + 0.4 * (1 - math.exp(-e / 4)) for e in range(epochs)],
    }
    data = {
        "training_history": history,
        "model_info": {"input_shape": [227, 227, 3], "num_classes": 10, "optimizer": "adam"},
        "timestamp": "2024-03-01 12:00:00",
    }
    path = folder / "training_results.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def mmengine_scalars(folder: Path) -> Path:
    """MMEngine's ``scalars.json``: JSON Lines; training rows with ``epoch``, ``iter``,
    ``step``; validation rows with only ``step``, which is then the epoch."""
    rows = []
    step = 0
    for epoch in range(1, 6):
        for _ in range(10):
            step += 10
            rows.append(
                {
                    "lr": 0.1 / epoch,
                    "data_time": 0.01,
                    "loss": 2.0 * math.exp(-step / 200) + 0.2,
                    "time": 0.2,
                    "epoch": epoch,
                    "iter": step,
                    "memory": 1200,
                    "step": step,
                }
            )
        rows.append(
            {
                "accuracy/top1": 40 + 8 * epoch,
                "accuracy/top5": 70 + 5 * epoch,
                "data_time": 0.005,
                "time": 0.05,
                "step": epoch,
            }
        )
    path = folder / "scalars.json"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def lightning_metrics(folder: Path, seed: float = 0.0) -> Path:
    """Lightning ``CSVLogger``'s ``metrics.csv``: step rows, then at each epoch's end a
    validation row and an epoch row at the epoch's last step."""
    header = [
        "epoch", "step", "train_loss_epoch", "train_loss_step", "val_epoch_perplexity",
        "val_loss", "val_perplexity",
    ]  # fmt: skip
    lines = [",".join(header)]
    step = 0
    for epoch in range(6):
        for _ in range(8):
            step += 25
            loss = 2.0 * math.exp(-step / 400) + 0.3 + 0.15 * math.sin(step / 7 + seed)
            lines.append(f"{epoch},{step - 1},,{loss:.5f},,,")
        epoch_loss = 2.0 * math.exp(-step / 400) + 0.35
        val = 2.1 * math.exp(-step / 450) + 0.4 + seed / 10
        lines.append(
            f"{epoch},{step - 1},,,{math.exp(val) * 1.05:.4f},{val:.5f},{math.exp(val):.4f}"
        )
        lines.append(f"{epoch},{step - 1},{epoch_loss:.5f},,,,")
    path = folder / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def lightning_logs(folder: Path) -> Path:
    """``lightning_logs/version_N/`` with ``metrics.csv`` and ``hparams.yaml`` (CSVLogger)."""
    logs = folder / "lightning_logs"
    for version, lr in ((0, 0.001), (1, 0.01), (10, 0.1)):
        run = logs / f"version_{version}"
        run.mkdir(parents=True)
        lightning_metrics(run, seed=version)
        (run / "hparams.yaml").write_text(
            f"lr: {lr}\nbatch_size: 32\nmodel_name: 'resnet18'\nuse_amp: true\n"
            "betas:\n- 0.9\n- 0.999\n"
        )
    return logs


def hf_trainer_state(folder: Path) -> Path:
    """Hugging Face ``trainer_state.json``: training rows, evaluation rows with timings, and
    the final summary row."""
    history = []
    for step in range(10, 210, 10):
        history.append(
            {"epoch": step / 100, "grad_norm": 1.0 + 0.01 * step, "learning_rate": 5e-5,
             "loss": 2.0 * math.exp(-step / 80) + 0.2, "step": step}
        )  # fmt: skip
        if step % 50 == 0:
            history.append(
                {"epoch": step / 100, "eval_loss": 2.1 * math.exp(-step / 90) + 0.3,
                 "eval_runtime": 3.2, "eval_samples_per_second": 310.5,
                 "eval_steps_per_second": 9.7, "step": step}
            )  # fmt: skip
    history.append(
        {"epoch": 2.0, "step": 200, "total_flos": 1.2e15, "train_loss": 0.61,
         "train_runtime": 95.3, "train_samples_per_second": 42.1, "train_steps_per_second": 2.1}
    )  # fmt: skip
    path = folder / "trainer_state.json"
    state = {"best_metric": None, "epoch": 2.0, "global_step": 200, "log_history": history}
    path.write_text(json.dumps(state, indent=2))
    return path


def detectron2_metrics(folder: Path, name: str, shift: float) -> Path:
    """Detectron2's ``metrics.json``: JSON Lines of grouped statistics per iteration."""
    rows = []
    for iteration in range(19, 400, 20):
        rows.append(
            {
                "data_time": 0.002,
                "eta_seconds": 400 - iteration,
                "fast_rcnn/cls_accuracy": 0.80 + 0.15 * (1 - math.exp(-iteration / 150)) - shift,
                "fast_rcnn/false_negative": 0.6 * math.exp(-iteration / 120) + shift,
                "fast_rcnn/fg_cls_accuracy": 0.4 + 0.4 * (1 - math.exp(-iteration / 200)) - shift,
                "iteration": iteration,
                "loss_box_reg": 0.5 * math.exp(-iteration / 250) + shift,
                "loss_cls": 0.7 * math.exp(-iteration / 180) + shift,
                "lr": 0.00025,
                "time": 0.3,
                "total_loss": 1.5 * math.exp(-iteration / 200) + shift,
            }
        )
    path = folder / name
    path.mkdir()
    path = path / "metrics.json"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
