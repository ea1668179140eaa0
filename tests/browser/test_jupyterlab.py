"""A real user in a real frontend: JupyterLab 4 in headless Chromium, driven by Playwright.

The notebook trains a Keras model for several seconds. While the cell is still busy the test checks
that the loss line grows, clicks the ``loss`` checkbox and checks the line disappears (the click is
handled in the browser alone: the kernel reads no widget messages while a cell runs). After the
cell ends, a second cell shows that Python agrees and that ``save()`` leaves the hidden series out.
Screenshots are kept under ``artifacts/`` for people to look at.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

# The numbers on the first panel's x axis.
X_TICK_VALUES = """
() => {
  const fig = document.querySelector('.livecurve .bqplot.figure');
  for (const axis of fig.querySelectorAll('g.axis')) {
    const ticks = [...axis.querySelectorAll('g.tick')];
    const horizontal = /translate\\([-\\d.e]+,\\s*0\\)/;
    if (ticks.length < 2 || !horizontal.test(ticks[1].getAttribute('transform'))) continue;
    return ticks.map(t => parseFloat(t.textContent)).filter(Number.isFinite);
  }
  return [];
}
"""

TRAIN_CELL = """\
import os, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, numpy as np
from sklearn.datasets import load_digits
from livecurve import LiveCurve

digits = load_digits()
x, y = (digits.data / 16.0).astype("float32"), digits.target
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
slow = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.35))
curve = LiveCurve(title="browser test", per_batch=False)  # epoch points only (see test_per_batch)
model.fit(x, y, validation_split=0.2, epochs=30, batch_size=128, verbose=0,
          callbacks=[curve, slow])
"""

CHECK_CELL = """\
print("PY-VISIBLE", curve.plot.visible[(0, "loss")], curve.plot.visible[(0, "val_loss")])
print("PY-MARK", curve.plot.view.panels["loss"].series[(0, "loss")].line.visible)
svg = curve.save("after_click.svg").read_text()
print("PY-VAL-LOSS-15", f"{curve.run['val_loss'].y[14]:.6g}")
print("PY-SVG", 'id="series-0-loss"' in svg, 'id="series-0-val_loss"' in svg)
"""

# In the loss panel (panels come loss first), the solid path is `loss`, the dashed `val_loss`.
LOSS_LINE_STATE = """
() => {
  const fig = document.querySelector('.livecurve .bqplot.figure');
  if (!fig) return null;
  const paths = [...fig.querySelectorAll('path.line')];
  const solid = paths.find(p => (p.style.strokeDasharray || 'none') === 'none');
  if (!solid) return null;
  const group = solid.closest('g[clip-path]');
  const d = solid.getAttribute('d') || '';
  return {
    points: d ? (d.match(/[ML]/g) || []).length : 0,
    display: group ? getComputedStyle(group).display : 'missing',
    rendered: solid.getBoundingClientRect().width > 0,
  };
}
"""


def _write_notebook(path: Path) -> None:
    write_notebook(path, TRAIN_CELL, CHECK_CELL)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_live_widget_in_a_real_frontend(tmp_path: Path, app: str) -> None:
    """JupyterLab 4 and Notebook 7: the two frontends Jupyter ships today."""
    pytest.importorskip("playwright.sync_api")
    _write_notebook(tmp_path / "live.ipynb")
    prefix = {"lab": "jupyterlab", "notebook": "notebook7"}[app]
    with notebook_page(
        tmp_path, "live.ipynb", app=app, failure_png=f"{prefix}-failure.png"
    ) as page:
        _exercise(page, prefix)


def _exercise(page, prefix: str) -> None:  # type: ignore[no-untyped-def]
    if True:
        run_cell(page, 0)
        page.wait_for_selector(
            ".livecurve .bqplot.figure path.line", state="attached", timeout=60_000
        )

        # 1. The loss line grows while the cell is busy.
        seen: list[int] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = page.evaluate(LOSS_LINE_STATE)
            if state and state["points"]:
                seen.append(state["points"])
            if len(set(seen)) >= 3:
                break
            time.sleep(0.3)
        assert cell_busy(page, 0), "training finished before the test could watch it grow"
        assert len(set(seen)) >= 3 and seen == sorted(seen), f"points drawn over time: {seen}"
        page.screenshot(path=str(ARTIFACTS / f"{prefix}-live-training.png"))

        # 2. Click the `loss` checkbox while fit() still runs: the line disappears.
        page.get_by_role("checkbox", name="loss", exact=True).click()
        page.wait_for_function(
            f"() => {{ const s = ({LOSS_LINE_STATE})(); return s && s.display === 'none'; }}",
            timeout=10_000,
        )
        assert cell_busy(page, 0), "the click must be handled while fit() is still running"
        assert page.get_by_role("checkbox", name="val_loss", exact=True).is_checked()
        page.screenshot(path=str(ARTIFACTS / f"{prefix}-loss-hidden-while-training.png"))
        after_click = page.evaluate(LOSS_LINE_STATE)["points"]

        # 3. Training goes on (the hidden line keeps receiving points) and ends.
        cell0 = page.locator(".jp-Notebook .jp-Cell").nth(0)
        deadline = time.monotonic() + 120
        while cell_busy(page, 0) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not cell_busy(page, 0)
        final = page.evaluate(LOSS_LINE_STATE)
        assert final["points"] == 30 and final["points"] > after_click
        assert "epoch 30 / 30" in cell0.inner_text()

        # 4. Once the cell ends, Python has received the click; save() leaves `loss` out.
        run_cell(page, 1)
        output = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
        output.get_by_text("PY-SVG").wait_for(timeout=60_000)
        text = output.inner_text()
        assert re.search(r"PY-VISIBLE False True", text), text
        assert "PY-MARK False" in text, text
        assert "PY-SVG False True" in text, text
        val_loss_15 = re.search(r"PY-VAL-LOSS-15 (\S+)", text).group(1)

        # 5. Hovering a validation marker (epoch 15; only val_loss is visible) shows its value.
        loss_panel = page.locator(".livecurve .bqplot.figure").first
        markers = loss_panel.locator("path.dot:visible")
        assert markers.count() == 31  # 30 epochs and the best epoch's diamond (drawn last)
        markers.nth(14).hover(force=True)
        # bqplot keeps one tooltip element per figure; the one shown holds the hovered values.
        tooltip = page.locator(".bqplot_tooltip_div", has_text=re.compile(r"val_loss\s*\d"))
        try:
            tooltip.wait_for(timeout=10_000)
        except Exception as exc:
            shown = page.evaluate(
                "() => [...document.querySelectorAll('.bqplot_tooltip_div')]"
                ".map(e => [getComputedStyle(e).visibility, getComputedStyle(e).opacity, "
                "e.innerText])"
            )
            message = f"no tooltip with val_loss after hovering; tooltips: {shown}"
            raise AssertionError(message) from exc
        expected = rf"epoch\s+15\s+val_loss\s+{re.escape(val_loss_15)}"
        assert re.search(expected, tooltip.inner_text()), tooltip.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"{prefix}-hover-tooltip.png"))
        page.locator(".livecurve").first.screenshot(path=str(ARTIFACTS / f"{prefix}-widget.png"))
        # The x ticks span the 30 epochs (whole epochs while there were few, then fewer, rounder).
        epochs = page.evaluate(X_TICK_VALUES)
        assert len(epochs) >= 3 and max(epochs) >= 25 and min(epochs) <= 5, epochs
