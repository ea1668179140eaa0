"""History that survives: real training processes killed with SIGKILL mid-epoch, then resumed.

A child process trains a tiny Keras model with two ``LiveCurve(log=...)`` callbacks (one CSV,
one JSON Lines) and a ``ModelCheckpoint`` per epoch. The parent kills it during an epoch, starts
it again from the last checkpoint with ``initial_epoch``, and checks the log files and the figure.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from livecurve import LiveCurve  # noqa: E402

pytestmark = pytest.mark.keras

EPOCHS = 6
KILL_IN = 3  # the child is killed during epoch index 3, after epochs 0, 1, 2 are complete
FORMATS = ("csv", "jsonl")

CHILD = """
import json, os, sys, time, warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np
import keras
from livecurve import LiveCurve

work, initial, kill_in, rerun = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
warnings.simplefilter("always")
marker = os.path.join(work, "marker")


class Marker(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        with open(marker, "a") as handle:
            handle.write(f"epoch {epoch} started\\n")

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.01)
        if self.epoch == kill_in and batch == 1:
            with open(marker, "a") as handle:
                handle.write("waiting to be killed\\n")
            time.sleep(120)


rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
checkpoints = os.path.join(work, "checkpoints")
os.makedirs(checkpoints, exist_ok=True)
if initial:
    model = keras.models.load_model(os.path.join(checkpoints, f"epoch-{initial}.keras"))
else:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(4, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
if rerun == "rerun":  # a rerun with other settings: its values differ from the logged ones
    model.optimizer.learning_rate.assign(0.05)
logs = [os.path.join(work, "run." + ext) for ext in ("csv", "jsonl")]
curves = [LiveCurve(log=log, display=False) for log in logs]
checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(checkpoints, "epoch-{epoch}.keras"))
model.fit(
    x, y, batch_size=16, epochs=int(os.environ["EPOCHS"]), initial_epoch=initial,
    validation_split=0.25, shuffle=False, verbose=0, callbacks=[*curves, checkpoint, Marker()],
)
figure = {
    curve.plot.logfile.path.suffix: {n: [curve.run[n].x.tolist(), curve.run[n].y.tolist()]
    for n in curve.run.names}
    for curve in curves
}
with open(os.path.join(work, "figure.json"), "w") as handle:
    json.dump(figure, handle)
"""


def child(
    work: Path, initial: int, kill_in: int = -1, rerun: str = ""
) -> tuple[list[str], dict[str, str]]:
    script = work / "train.py"
    script.write_text(CHILD)
    env = {**os.environ, "EPOCHS": str(EPOCHS), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return [sys.executable, str(script), str(work), str(initial), str(kill_in), rerun or "-"], env


def run_child(work: Path, initial: int, rerun: str = "") -> subprocess.CompletedProcess[str]:
    command, env = child(work, initial, rerun=rerun)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def rows(path: Path) -> list[dict[str, float]]:
    """The log's rows, read without livecurve: epoch and metric values as floats."""
    text = path.read_text()
    if path.suffix == ".csv":
        return [{k: float(v) for k, v in r.items() if v} for r in csv.DictReader(io.StringIO(text))]
    return [{k: float(v) for k, v in json.loads(line).items()} for line in text.splitlines()]


def epochs(path: Path) -> list[int]:
    return [int(row["epoch"]) for row in rows(path)]


def backups(work: Path) -> list[str]:
    return sorted(p.name for p in work.glob("run.*-*.*"))


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory):
    """Train, SIGKILL during epoch 3, note the logs, resume from the last checkpoint."""
    work = tmp_path_factory.mktemp("resume")
    command, env = child(work, 0, kill_in=KILL_IN)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    marker = work / "marker"
    deadline = time.monotonic() + 90
    while not (marker.exists() and "waiting to be killed" in marker.read_text()):
        if process.poll() is not None:
            pytest.fail(f"the child ended before the kill: {process.communicate()[1][-3000:]!r}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the child never reached the epoch it is killed in")
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    on_disk = {ext: (work / f"run.{ext}").read_bytes() for ext in FORMATS}
    completed = len(list((work / "checkpoints").glob("epoch-*.keras")))
    resumed = run_child(work, completed)
    return work, on_disk, completed, resumed


def test_the_kill_lost_only_the_epoch_in_flight(killed_and_resumed) -> None:
    work, on_disk, completed, _ = killed_and_resumed
    assert completed == KILL_IN
    assert f"epoch {KILL_IN} started" in (work / "marker").read_text()
    for ext in FORMATS:
        path = work / f"before.{ext}"
        path.write_bytes(on_disk[ext])
        assert epochs(path) == list(range(KILL_IN)), ext
        assert on_disk[ext].endswith(b"\n"), ext  # the kill tore no line: nothing to repair


def test_the_resumed_log_holds_every_epoch_once_and_keeps_the_old_bytes(killed_and_resumed):
    work, on_disk, _, resumed = killed_and_resumed
    for ext in FORMATS:
        log = work / f"run.{ext}"
        assert epochs(log) == list(range(EPOCHS)), ext
        assert log.read_bytes().startswith(on_disk[ext]), ext
    assert backups(work) == []  # nothing was replaced or repaired
    assert "livecurve" not in resumed.stderr  # and nothing to warn about
    csv_rows, jsonl_rows = rows(work / "run.csv"), rows(work / "run.jsonl")
    assert csv_rows == jsonl_rows  # both formats hold the same numbers, bit for bit


def test_the_resumed_figure_holds_every_epoch_once(killed_and_resumed) -> None:
    work, *_ = killed_and_resumed
    figure = json.loads((work / "figure.json").read_text())
    for ext in FORMATS:
        logged = rows(work / f"run.{ext}")
        assert set(figure[f".{ext}"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        for name, (xs, ys) in figure[f".{ext}"].items():
            assert xs == [float(e) for e in range(1, EPOCHS + 1)], (ext, name)
            assert ys == [row[name] for row in logged], (ext, name)


def test_a_rerun_from_an_earlier_checkpoint_replaces_the_later_rows(
    killed_and_resumed, tmp_path
) -> None:
    done, *_ = killed_and_resumed
    work = tmp_path / "rerun"
    shutil.copytree(done, work)
    before = {ext: (work / f"run.{ext}").read_bytes() for ext in FORMATS}
    old = {ext: rows(work / f"run.{ext}") for ext in FORMATS}
    result = run_child(work, 2, rerun="rerun")  # back to the checkpoint after epochs 0 and 1
    assert result.stderr.count("the newer run wins") == 2  # one warning per log file
    for ext in FORMATS:
        log = work / f"run.{ext}"
        (backup,) = work.glob(f"run.replaced-*.{ext}")
        assert backup.read_bytes() == before[ext]
        assert str(backup) in result.stderr
        assert epochs(log) == list(range(EPOCHS))
        new = rows(log)
        assert new[:2] == old[ext][:2]
        head = b"".join(before[ext].splitlines(keepends=True)[: 2 + (ext == "csv")])
        assert log.read_bytes().startswith(head)
        assert all(a["loss"] != b["loss"] for a, b in zip(new[2:], old[ext][2:]))
        figure = json.loads((work / "figure.json").read_text())[f".{ext}"]
        assert figure["loss"] == [
            [float(e) for e in range(1, EPOCHS + 1)],
            [r["loss"] for r in new],
        ]


# -- in this process: what a new LiveCurve does with a file that already holds epochs ---------
X = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")


def make_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", run_eagerly=True)
    return model


def fit(curve: LiveCurve, epochs: int, initial_epoch: int = 0, **kwargs) -> None:
    make_model().fit(
        X,
        Y,
        epochs=epochs,
        initial_epoch=initial_epoch,
        batch_size=32,
        verbose=0,
        callbacks=[curve, *kwargs.pop("callbacks", [])],
        **kwargs,
    )


@pytest.mark.parametrize("ext", FORMATS)
def test_a_new_fit_from_epoch_0_starts_the_log_over_and_keeps_the_old_one(
    tmp_path, ext, livecurve_warnings
):
    path = tmp_path / f"run.{ext}"
    fit(LiveCurve(log=path, display=False), 4)
    original = path.read_bytes()
    curve = LiveCurve(log=path, display=False)  # as in a new process
    assert curve.run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0]  # drawn before fit() starts
    fit(curve, 2)
    (backup,) = tmp_path.glob(f"run.replaced-*.{ext}")
    assert backup.read_bytes() == original
    assert epochs(path) == [0, 1]
    assert curve.run["loss"].x.tolist() == [1.0, 2.0]
    (message,) = [m for m in livecurve_warnings.messages() if "newer run wins" in m]
    assert str(backup) in message and "initial_epoch=4" in message

    fit(curve, 2)  # fit() again on the same callback continues, as without a log
    assert epochs(path) == [0, 1, 2, 3]
    assert len(list(tmp_path.glob("run.replaced-*"))) == 1


def test_resuming_at_the_logged_epoch_continues_and_a_gap_is_reported(tmp_path, livecurve_warnings):
    path = tmp_path / "run.csv"
    fit(LiveCurve(log=path, display=False), 3)
    curve = LiveCurve(log=path, display=False)
    fit(curve, 5, initial_epoch=3)
    assert epochs(path) == [0, 1, 2, 3, 4] and curve.run["loss"].x.tolist() == [1, 2, 3, 4, 5]
    assert livecurve_warnings.messages() == []
    fit(LiveCurve(log=path, display=False), 9, initial_epoch=7)
    assert epochs(path) == [0, 1, 2, 3, 4, 7, 8]
    (message,) = livecurve_warnings.messages()
    assert "epochs 5–6 are missing" in message


def test_a_learning_rate_added_by_a_later_callback_lands_in_its_epochs_row(tmp_path) -> None:
    path = tmp_path / "run.csv"
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    fit(LiveCurve(log=path, display=False), 3, callbacks=[schedule])
    logged = rows(path)
    assert [row["epoch"] for row in logged] == [0, 1, 2]
    assert [row["learning_rate"] for row in logged] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_backup_and_restore_resumes_into_the_same_log(tmp_path) -> None:
    path = tmp_path / "run.jsonl"

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("interrupted")

    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    model = make_model()
    with pytest.raises(RuntimeError):
        model.fit(
            X,
            Y,
            epochs=4,
            verbose=0,
            callbacks=[LiveCurve(log=path, display=False), backup, Interrupt()],
        )
    curve = LiveCurve(log=path, display=False)
    model.fit(X, Y, epochs=4, verbose=0, callbacks=[curve, backup])  # restores epoch 2 itself
    assert epochs(path) == [0, 1, 2, 3]
    assert curve.run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_an_unknown_extension_fails_when_the_callback_is_made(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"run\.txt.*\.csv.*\.jsonl"):
        LiveCurve(log=tmp_path / "run.txt")


@pytest.mark.parametrize("ext", FORMATS)
def test_a_torn_log_is_only_read_when_the_callback_is_made_and_mended_when_training_begins(
    tmp_path, ext, livecurve_warnings
):
    path = tmp_path / f"run.{ext}"
    fit(LiveCurve(log=path, display=False), 3)
    torn = path.read_bytes() + (b'{"epoch": 3, "loss": 0.1' if ext == "jsonl" else b"3,0.1")
    path.write_bytes(torn)
    curve = LiveCurve(log=path, display=False)
    assert curve.run["loss"].x.tolist() == [1.0, 2.0, 3.0], "the torn row is not drawn"
    assert path.read_bytes() == torn and list(tmp_path.glob("run.torn-*")) == []
    assert not [m for m in livecurve_warnings.messages() if "cut short" in m]
    fit(curve, 5, initial_epoch=3)
    (backup,) = tmp_path.glob(f"run.torn-*.{ext}")
    assert backup.read_bytes() == torn
    assert epochs(path) == [0, 1, 2, 3, 4]
    assert [m for m in livecurve_warnings.messages() if "cut short" in m]
