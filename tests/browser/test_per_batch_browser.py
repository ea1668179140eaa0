"""Per-batch curves in a real frontend: how they look, and how fast a long run redraws.

JupyterLab 4 in headless Chromium (see ``test_jupyterlab.py`` for the harness). One cell trains a
Keras model with per-batch values and leaves a screenshot for people to judge the look (faint
per-batch line, smoothed line, epoch points). Then a custom-loop figure holding 10^6 steps of 8
series is redrawn a few times while the page records when the per-step path's ``d`` changes: the
time from the kernel's redraw to the updated SVG is printed (the issue's target is 50 ms), and
the path stays bounded in size whatever the run's length.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import pytest

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

FIT_CELL = """\
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
model.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
curve = LiveCurve(title="per-batch values", per_batch=True, smoothing=0.8)
model.fit(x, y, validation_split=0.2, epochs=8, batch_size=16, verbose=0, callbacks=[curve])
"""

LONG_CELL = """\
import numpy as np
from livecurve import LivePlot
names = [f"m{i}" for i in range(8)]
long_run = LivePlot(axis="step", columns=4, title="10^6 steps x 8 series")
rng = np.random.default_rng(0)
long_run.run.extend_steps(np.arange(1, 10**6 + 1, dtype=float),
                          {n: rng.normal(size=10**6).cumsum() for n in names})
long_run.display()
"""

REDRAW_CELL = """\
import time
step = 10**6
for _ in range(6):
    time.sleep(1.0)
    for _ in range(100):
        step += 1
        long_run.run.log_steps(step, {n: float(np.sin(step)) for n in names})
    print("SENT", repr(time.time()))
    long_run.refresh()
time.sleep(1.0)
print("DONE")
"""

WATCH = """
() => {
  window.__changes = [];
  const figs = [...document.querySelectorAll('.livecurve')].pop()
      .querySelectorAll('.bqplot.figure');
  const path = figs[0].querySelector('path.line');
  new MutationObserver(() => window.__changes.push(Date.now()))
      .observe(path, {attributes: true, attributeFilter: ['d']});
  return (path.getAttribute('d').match(/[ML]/g) || []).length;
}
"""


# Pairs of x tick labels that overlap, in every panel of the last widget (four narrow columns).
OVERLAPS = """
() => {
  const out = [];
  const widget = [...document.querySelectorAll('.livecurve')].pop();
  for (const fig of widget.querySelectorAll('.bqplot.figure')) {
    for (const axis of fig.querySelectorAll('g.axis')) {
      const ticks = [...axis.querySelectorAll('g.tick')];
      const horizontal = /translate\\([-\\d.e]+,\\s*0\\)/;
      if (ticks.length < 2 || !horizontal.test(ticks[1].getAttribute('transform'))) continue;
      const boxes = ticks.map(t => t.querySelector('text'))
          .filter(t => t && t.textContent.trim())
          .map(t => [t.textContent, t.getBoundingClientRect().left,
                     t.getBoundingClientRect().right]);
      for (let i = 1; i < boxes.length; i++)
        if (boxes[i - 1][2] + 2 > boxes[i][1]) out.push([boxes[i - 1][0], boxes[i][0]]);
    }
  }
  return out;
}
"""


def _notebook(path: Path) -> None:
    write_notebook(path, FIT_CELL, LONG_CELL, REDRAW_CELL)


def test_per_batch_curves_look_right_and_a_long_run_redraws_fast(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    _notebook(tmp_path / "batches.ipynb")
    with notebook_page(
        tmp_path,
        "batches.ipynb",
        viewport=(1400, 1000),
        failure_png="jupyterlab-per-batch-failure.png",
    ) as page:
        _exercise(page)


def _wait_idle(page, index: int, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while cell_busy(page, index) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not cell_busy(page, index), f"cell {index} still running after {seconds} s"


def _exercise(page) -> None:  # type: ignore[no-untyped-def]
    # 1. A fit with per-batch values: faint line, smoothed line and epoch points in one panel.
    run_cell(page, 0)
    _wait_idle(page, 0, 180)
    widget = page.locator(".livecurve").first
    loss_panel = widget.locator(".bqplot.figure").first
    counts = loss_panel.evaluate(
        "fig => [...fig.querySelectorAll('path.line')].map("
        "p => (p.getAttribute('d') || '').split(/[ML]/).length - 1)"
    )
    # faint per-batch and smoothed lines (up to 8 epochs x 90 batches: 1437 training digits in
    # batches of 16; tiny batches may be read every few batches, as intervals, but at least 64
    # times an epoch), loss points (8) and val_loss points (8)
    raw, smoothed, *points = sorted(counts, reverse=True)
    assert 8 * 64 <= raw <= 8 * 90 and 8 < smoothed <= raw and points == [8, 8], counts
    widget.screenshot(path=str(ARTIFACTS / "jupyterlab-per-batch.png"))

    # 2. 10^6 steps x 8 series: each redraw reaches the SVG quickly, and stays small.
    run_cell(page, 1)
    _wait_idle(page, 1, 180)
    page.wait_for_function(
        "() => document.querySelectorAll('.livecurve').length >= 2", timeout=60_000
    )
    drawn = page.evaluate(WATCH)
    assert 0 < drawn <= 2000, drawn  # min/max-decimated: bounded whatever the run's length
    run_cell(page, 2)
    output = page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-OutputArea")
    output.get_by_text("DONE").wait_for(timeout=120_000)
    sent = [float(v) * 1000 for v in re.findall(r"SENT (\S+)", output.inner_text())]
    changes = page.evaluate("() => window.__changes")
    latencies = []
    for t in sent:
        after = [c for c in changes if c >= t - 5]
        assert after, f"no SVG change after the redraw sent at {t}: {changes}"
        latencies.append(after[0] - t)
    median = statistics.median(latencies)
    print(f"redraw message -> updated SVG, 10^6 steps x 8 series: median {median:.0f} ms, "
          f"all {[round(v) for v in latencies]}")  # fmt: skip
    (ARTIFACTS / "per-batch-redraw-latency.txt").write_text(f"{median:.1f} ms median\n")
    assert median < 1000  # the target is 50 ms: reported, not asserted on a shared CPU
    page.locator(".livecurve").nth(1).screenshot(path=str(ARTIFACTS / "jupyterlab-long-run.png"))
    assert page.evaluate(OVERLAPS) == []  # x tick labels legible in narrow panels too
