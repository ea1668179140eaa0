"""livecurve outside a notebook and without Keras: imports, runs as a script, saves."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_script(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def test_core_imports_without_keras_or_tensorflow(tmp_path: Path) -> None:
    result = run_script(
        """
        import sys
        import livecurve
        from livecurve import LivePlot, Run, FORMATS
        assert "keras" not in sys.modules and "tensorflow" not in sys.modules, "eager import"
        print("ok", sorted(FORMATS))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_custom_loop_in_a_plain_script_saves_without_a_frontend(tmp_path: Path) -> None:
    result = run_script(
        """
        from livecurve import LivePlot
        plot = LivePlot(title="script")
        plot.display()                      # no notebook: shows nothing, raises nothing
        for epoch in range(5):
            plot.log(loss=1.0 / (epoch + 1), val_loss=1.5 / (epoch + 1))
        plot.finish()
        print(plot.save("curves.png"))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("curves.png")
    assert "Widget" not in result.stdout and "VBox" not in result.stdout
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")


def test_keras_fit_in_a_plain_script_trains_and_saves(tmp_path: Path) -> None:
    pytest.importorskip("keras")
    result = run_script(
        """
        import numpy as np, keras
        from livecurve import LiveCurve
        x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        y = (x.sum(axis=1) > 0).astype("float32")
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("sgd", "binary_crossentropy")
        curve = LiveCurve()
        history = model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[curve])
        curve.save("fit.svg")
        print(len(history.history["loss"]), curve.run["val_loss"].x.tolist())
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 [1.0, 2.0, 3.0]"
    assert "<svg" in (tmp_path / "fit.svg").read_text()


def test_livecurve_without_keras_names_the_extra_to_install(tmp_path: Path) -> None:
    # Hide keras from the import system to check the message a user without it would get.
    result = run_script(
        """
        import sys
        sys.modules["keras"] = None
        try:
            from livecurve import LiveCurve
        except ImportError as exc:
            print("ImportError:", exc)
        """,
        tmp_path,
    )
    assert "pip install 'livecurve[tensorflow]'" in result.stdout, result.stdout + result.stderr
