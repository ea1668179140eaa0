"""The README's code examples run as printed, around the names they take as given."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def example(heading: str) -> str:
    """The first ``python`` code block after the README line that starts with ``heading``."""
    text = README.read_text(encoding="utf-8")
    start = next(m.end() for m in re.finditer(r"^#+ .*$", text, re.M) if heading in m.group())
    block = re.compile(r"^```python\n(.*?)^```", re.M | re.S).search(text, start)
    assert block is not None, f"no python block after {heading!r}"
    return block.group(1)


def run(code: str, given: dict[str, Any]) -> dict[str, Any]:
    namespace = dict(given)
    exec(compile(code, str(README), "exec"), namespace)
    return namespace


def test_the_keras_example_trains_shows_and_saves(tmp_path, monkeypatch) -> None:
    import keras

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    names = run(example("## Use"), {"model": model, "x": x, "y": y})
    run_ = names["curve"].run
    assert run_["loss"].x.tolist() == list(map(float, range(1, 31)))
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(run_.names)
    assert matplotlib.image.imread(tmp_path / "training.png").shape[0] > 100


def test_the_custom_loop_example_logs_thirty_epochs_and_saves_an_svg(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = example("### Custom training loops")
    assert "for epoch in range(30)" in code
    names = run(code, {"train_loss": 0.5, "val_loss": 0.75})
    plot = names["plot"]
    assert plot.run["loss"].x.tolist() == list(map(float, range(1, 31)))
    assert plot.run["val_loss"].y.tolist() == [0.75] * 30
    assert plot.progress.finished is not None
    assert (tmp_path / "training.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_the_pytorch_example_draws_steps_statistics_and_distributions() -> None:
    torch = pytest.importorskip("torch")  # installed by the test setup (a CPU build)
    torch.manual_seed(0)

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = torch.nn.Linear(8, 16)
            self.head = torch.nn.Linear(16, 1)

    model = Model()
    xs, ys = torch.randn(40 * 4, 8), torch.randn(40 * 4, 1)
    given = {
        "loader": [(xs[i : i + 4], ys[i : i + 4]) for i in range(0, len(xs), 4)],
        "model": model,
        "loss_fn": torch.nn.MSELoss(),
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.01),
        "evaluate": lambda model: torch.nn.MSELoss()(model.head(model.hidden(xs)), ys).item(),
    }
    code = example("### Extra statistics and distributions")
    assert "import torch" in code and textwrap.dedent(code) == code
    plot = run(code, given)["plot"]
    run_ = plot.run
    for name in ("loss", "grad_norm", "hidden/mean", "hidden/std"):
        assert run_.has_steps(name), name
        assert run_[name].x.tolist() == list(map(float, range(1, 41)))
    assert run_.points("val_loss").x.tolist() == [40.0]
    assert sorted(run_.distributions.names) == ["grad", "weight"]
    x, quantiles = run_.distributions["weight"].snapshot()
    assert x.tolist() == [10.0, 20.0, 30.0, 40.0] and np.isfinite(quantiles).all()
