"""TensorBoard logdirs written by the real writers (Keras, tf.summary, torch, hparams), read by
livecurve and compared with tbparse, a well-kept TensorBoard reader."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from livecurve import LiveCurveWarning
from livecurve.model.distribution import LABELS, QUANTILES
from livecurve.readers import read

pytest.importorskip("tensorflow")
pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("keras", "tf", "torch", "hparams")


def _python(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("writers")
    result = _python("-m", "tests.tensorboard_writers", str(root), *KINDS)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def _read(path: Path) -> tuple[list, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = read(path)
    return runs, [str(w.message) for w in caught if issubclass(w.category, LiveCurveWarning)]


def _tbparse_series(path: Path) -> dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]]:
    """Every scalar series tbparse finds, by (folder, file, tag): (steps, values)."""
    from tbparse import SummaryReader

    reader = SummaryReader(str(path), pivot=False, extra_columns={"dir_name", "file_name"})
    series: dict[tuple[str, str, str], tuple[list, list]] = {}
    for frame in (reader.scalars, reader.tensors):
        for row in frame.itertuples(index=False):
            value = row.value
            if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
                continue  # a histogram, a Keras model config
            steps, values = series.setdefault((row.dir_name, row.file_name, row.tag), ([], []))
            steps.append(row.step)
            values.append(float(value))
    return {key: (np.asarray(s, float), np.asarray(v, float)) for key, (s, v) in series.items()}


def _holds(y: np.ndarray, values: np.ndarray) -> bool:
    """Whether ``values`` are a stretch of ``y``, in order (a series may also hold the values of
    another file of its run: Lightning's ``validate()`` after ``fit()``)."""
    n = values.size
    return any(np.array_equal(y[i : i + n], values) for i in range(y.size - n + 1))


@pytest.mark.parametrize("kind", KINDS)
def test_every_scalar_series_tbparse_finds_is_in_livecurve_with_the_same_values(logs, kind):
    runs, _ = _read(logs / kind)
    found = _tbparse_series(logs / kind)
    assert found, "tbparse found scalars"
    ours = [(run, name, run[name]) for run in runs for name in run.names]
    for (folder, file, tag), (steps, values) in found.items():
        if np.unique(steps).size < 2:
            continue
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
        matches = [
            (run.label, name)
            for run, name, series in ours
            if len(series) == values.size and np.array_equal(series.y, values)
        ]
        assert matches, f"{folder}/{file} {tag}: {values.tolist()} not in livecurve"
        # Where the tag kept its name, x is its step (+1 for Keras's 0-based epochs).
        named = [
            series
            for run, name, series in ours
            if len(series) == values.size and np.array_equal(series.y, values)
            and name.removeprefix("val_") == tag.removeprefix("epoch_")
        ]  # fmt: skip
        if named:
            assert any(np.unique(s.x - steps).size == 1 for s in named), (folder, tag)


# Lightning's "epoch" tag counts epochs at each step: a counter, not a metric (docs/tensorboard.md).
COUNTERS = {"epoch"}
REAL = sorted((ROOT / "tests" / "data" / "real-logs").glob("tb-*"))


@pytest.mark.parametrize("folder", REAL, ids=[p.name for p in REAL])
def test_real_tensorboard_folders_agree_with_tbparse(folder: Path) -> None:
    runs, _ = _read(folder)
    ours = [run[name].y for run in runs for name in run.names]
    for (where, file, tag), (steps, values) in _tbparse_series(folder).items():
        if np.unique(steps).size < 2 or tag in COUNTERS:
            continue
        values = values[np.argsort(steps, kind="stable")]
        assert any(_holds(y, values) for y in ours), f"{where}/{file} {tag}: {values.tolist()}"


def test_keras_fit_twice_into_one_folder_keeps_both_runs_learning_rates(logs) -> None:
    runs, messages = _read(logs / "keras")
    assert [run.label for run in runs] == ["keras", "keras (run 2)"]
    first, second = runs
    assert first["learning_rate"].y == pytest.approx([0.1 * 0.9**e for e in range(4)], rel=1e-6)
    assert second["learning_rate"].y == pytest.approx([0.1 * 0.9**e for e in range(5)], rel=1e-6)
    assert second["learning_rate"].x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert len(second["loss"]) == len(second["val_loss"]) == 5
    assert first.axis == second.axis == "epoch"
    assert any("restarted into the same folder ('keras')" in m for m in messages)


def test_keras_histogram_freq_gives_one_distribution_per_weight_at_each_epoch(logs) -> None:
    runs, _ = _read(logs / "keras")
    first = runs[0]
    assert first.distributions.names == [
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    ], "Keras's sequential/dense/kernel/histogram without the model's name and the suffix"
    x, q = first.distributions["dense/kernel"].snapshot()
    assert x.tolist() == [1.0, 2.0, 3.0, 4.0], "epochs completed, as the scalars"
    assert np.all(np.diff(q, axis=1) >= 0), "quantiles in order: min <= p6.7 <= ... <= max"


def _torch_arrays() -> dict[str, list[np.ndarray]]:
    """The arrays tests/tensorboard_writers.torch_writer logged (same seed, same order)."""
    rng = np.random.default_rng(2)
    arrays: dict[str, list[np.ndarray]] = {"fc1.weight": [], "fc1.bias": []}
    for step in range(0, 50, 5):
        arrays["fc1.weight"].append(rng.normal(0, 1 + step / 50, size=1000))
        arrays["fc1.bias"].append(rng.uniform(-1, 1, size=100) * (step + 1))
    return arrays


def test_torch_histograms_become_quantiles_within_a_bucket_of_the_true_ones(logs) -> None:
    (run,) = _read(logs / "torch")[0]
    assert run.distributions.names == ["fc1.weight", "fc1.bias"]
    for name, arrays in _torch_arrays().items():
        x, q = run.distributions[name].snapshot()
        assert x.tolist() == list(range(0, 50, 5))
        for row, array in zip(q, arrays):
            true = np.percentile(array, QUANTILES)
            width = (array.max() - array.min()) / 10  # torch's default bins="tensorflow" is finer
            assert row[0] == pytest.approx(true[0]) and row[-1] == pytest.approx(true[-1])
            assert np.abs(row - true).max() < width, dict(zip(LABELS, row - true))


def test_tf_summary_custom_loop_train_and_validation_writers_are_one_run(logs) -> None:
    (run,), _ = _read(logs / "tf")
    assert run.label == "tf" and run.axis == "step"
    assert run["loss"].x.tolist() == [0, 1, 2, 3, 4, 5]
    assert run["val_loss"].x.tolist() == [1, 3, 5]
    assert run.panels()[0].names == ["loss", "val_loss"]
    rng = np.random.default_rng(1)
    x, q = run.distributions["weights"].snapshot()
    assert x.tolist() == [0, 1, 2, 3, 4, 5]
    for step, row in enumerate(q):
        true = np.percentile(rng.normal(step * 0.1, 1.0, size=500), QUANTILES)
        assert np.abs(row - true).max() < 0.35  # 30 buckets over about 6 sigma


def test_hparams_become_the_runs_params_and_labels(logs) -> None:
    (lone,), _ = _read(logs / "hparams" / "run-1")
    assert lone.label == "run-1", "a lone run keeps its folder's name"
    assert lone.params == {"learning_rate": 0.01, "optimizer": "sgd", "units": 32}
    runs, _ = _read(logs / "hparams")
    assert [run.params for run in runs] == [
        {"learning_rate": 0.1, "optimizer": "adam", "units": 16},
        {"learning_rate": 0.01, "optimizer": "sgd", "units": 32},
        {"learning_rate": 0.001, "optimizer": "adam", "units": 64},
    ]
    assert [run.label for run in runs] == [
        "learning_rate=0.1, optimizer=adam, units=16",
        "learning_rate=0.01, optimizer=sgd, units=32",
        "learning_rate=0.001, optimizer=adam, units=64",
    ]
    assert all(run.names == ["loss", "accuracy"] for run in runs)


def test_what_is_not_drawn_is_named_in_one_warning_with_a_count_per_kind(logs) -> None:
    _, messages = _read(logs / "torch")
    (line,) = [m for m in messages if "left out" in m]
    assert "1 images (in .)" in line and "1 text summaries (in .)" in line
    _, messages = _read(logs / "keras")
    (line,) = [m for m in messages if "left out" in m]
    assert "2 Keras model graphs (in train)" in line


def test_reading_imports_no_tensorflow(logs) -> None:
    code = f"""
        import sys, warnings
        warnings.simplefilter("ignore")
        from livecurve.readers import read
        for kind in {KINDS!r}:
            read({str(logs)!r} + "/" + kind)
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "torch", "keras")))
    """
    result = _python("-c", textwrap.dedent(code))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]" and result.stderr == ""


def test_torch_histograms_are_drawn_live_saved_and_exported(logs, tmp_path) -> None:
    import livecurve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiveCurveWarning)
        fig = livecurve.show(logs / "torch")
    fig.refresh()
    view = fig.view  # the live widget: one band panel per histogram tag
    assert list(view.bands.views) == ["fc1.weight", "fc1.bias"]
    assert all(list(band.runs) == [0] for band in view.bands.views.values())
    fig.save(tmp_path / "torch.csv")
    header = (tmp_path / "torch.csv").read_text().splitlines()[0].split(",")
    assert {"fc1.weight/min", "fc1.weight/p50", "fc1.bias/max"} <= set(header)
    assert fig.save(tmp_path / "torch.png").stat().st_size > 10_000
