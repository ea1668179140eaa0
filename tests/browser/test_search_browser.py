"""A real KerasTuner search in JupyterLab: the runs table filters and sorts while it trains.

One cell runs ``RandomSearch`` of 30 trials (a tiny dense model on 400 scikit-learn digits, two
epochs each) with one ``LiveCurve``. While that cell is still busy (``[*]``) the test waits for a
few rows in the runs table under the figure, types a filter (``units=4``: only the matching rows
stay bright, and the other runs' lines fade in the panels), clicks the ``best val_loss`` header
(rows sorted ascending, empty cells last) and again (descending), and hovers a row (that run's
lines get thicker), all answered by the browser while the kernel trains. It then measures how
long the browser takes to redraw the loss panel once many trials are drawn, and after the search
checks every trial has its row and the legends fold the runs they do not name. Screenshots are
left under ``artifacts/`` to judge.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from pathlib import Path

import pytest

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

TRIALS = 30

SEARCH_CELL = f"""\
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, keras_tuner, numpy as np
from sklearn.datasets import load_digits
from livecurve import LiveCurve

digits = load_digits()
x, y = (digits.data[:400] / 16.0).astype("float32"), digits.target[:400]

def build(hp):
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(hp.Choice("units", [4, 8, 16]), activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 3e-2, sampling="log")),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

keras.utils.set_random_seed(0)
tuner = keras_tuner.RandomSearch(build, objective="val_loss", max_trials={TRIALS}, seed=0,
                                 overwrite=True, directory="search", project_name="digits")
curve = LiveCurve(title="search", per_batch=False)
tuner.search(x, y, validation_split=0.25, epochs=2, batch_size=100, verbose=0, callbacks=[curve])
print("SEARCH-DONE", len(curve.runs))
"""

ROWS = """
() => [...document.querySelectorAll('.livecurve .lc-runs tbody tr')].map(tr => ({
  run: Number(tr.dataset.run), dim: tr.classList.contains('lc-dim'),
  cells: [...tr.cells].map(td => td.textContent)}))
"""
HEADERS = (
    "() => [...document.querySelectorAll('.livecurve .lc-runs thead th')].map(t => t.dataset.key)"
)

# After the search: one more epoch on the last run, then a redraw, five times, timed.
REDRAW_CELL = """\
import time
run = curve.plot.runs[-1]
for k in range(5):
    time.sleep(1.0)
    run.log(3 + k, {"val_loss": 0.5 + 0.01 * k, "loss": 0.4})
    print("SENT", repr(time.time()))
    curve.plot.refresh()
time.sleep(1.0)
print("DONE")
"""
WATCH = """
() => {
  window.__changes = [];
  const fig = document.querySelector('.livecurve .bqplot.figure');
  new MutationObserver(() => window.__changes.push(Date.now()))
      .observe(fig, {attributes: true, subtree: true, attributeFilter: ['d']});
}
"""


def _pictures(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshots of the loss panel with its legend, and of the runs table (the header above
    them is another matter, and tall with 30 runs)."""
    panel = page.locator(".livecurve .bqplot.figure").first.locator("xpath=..")
    panel.screenshot(path=str(ARTIFACTS / f"{name}-panel.png"))
    table = page.locator(".livecurve .lc-runs").first
    table.screenshot(path=str(ARTIFACTS / f"{name}-table.png"))


def _numbers(cells: list[str]) -> list[float]:
    return [float(c) if c else float("inf") for c in cells]


def test_a_search_filters_and_sorts_its_runs_table_while_it_trains(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("keras_tuner")
    write_notebook(tmp_path / "search.ipynb", SEARCH_CELL, REDRAW_CELL)
    with notebook_page(
        tmp_path, "search.ipynb", viewport=(1400, 1400), failure_png="jupyterlab-search-failure.png"
    ) as page:
        run_cell(page, 0)
        page.wait_for_function(
            "() => document.querySelectorAll('.livecurve .lc-runs tbody tr').length >= 4",
            timeout=240_000,
        )
        assert cell_busy(page, 0), "the search ended before the table could be used"
        headers = page.evaluate(HEADERS)
        assert {"#", "run", "units", "learning_rate", "best val_loss", "state"} <= set(headers)

        # Filter (a regular expression over label and hyperparameters), while the search runs.
        page.locator(".livecurve .lc-runs-filter").fill("units=4\\b")
        page.wait_for_timeout(300)
        rows = page.evaluate(ROWS)
        units = headers.index("units")
        assert rows and all(r["dim"] == (r["cells"][units] != "4") for r in rows), rows
        faded = page.evaluate(
            "() => [...document.querySelectorAll('.livecurve .bqplot.figure')][0]"
            ".querySelectorAll('path.line[style*=\"opacity: 0.12\"]').length"
        )
        if any(r["dim"] for r in rows):
            assert faded > 0, "the filtered-out runs' lines did not fade"
        # An invalid regular expression is taken as plain text: nothing matches "[", all dim.
        page.locator(".livecurve .lc-runs-filter").fill("units=[")
        page.wait_for_timeout(200)
        assert all(r["dim"] for r in page.evaluate(ROWS))
        page.locator(".livecurve .lc-runs-filter").fill("")

        # Sort by the best validation loss, ascending then descending (empty cells last).
        best = headers.index("best val_loss")
        header = page.locator(".livecurve .lc-runs thead th", has_text="best val_loss")
        header.click()
        page.wait_for_timeout(200)
        values = _numbers([r["cells"][best] for r in page.evaluate(ROWS)])
        assert values == sorted(values), values
        header = page.locator(".livecurve .lc-runs thead th", has_text="best val_loss")
        header.click()
        page.wait_for_timeout(200)
        values = [v for v in _numbers([r["cells"][best] for r in page.evaluate(ROWS)])]
        finite = [v for v in values if v != float("inf")]
        assert finite == sorted(finite, reverse=True), values
        assert cell_busy(page, 0), "the search ended while the table was used"

        # Hovering a row thickens its run's lines.
        page.locator(".livecurve .lc-runs tbody tr").first.hover()
        wide = (
            "() => [...document.querySelectorAll('.livecurve path.line')]"
            ".filter(p => parseFloat(p.style.strokeWidth) >= 4).length"
        )
        try:
            page.wait_for_function(f"() => ({wide})() >= 1", timeout=5_000)
        except Exception as exc:
            state = page.evaluate("() => document.querySelector('.livecurve .lc-runs').lcState()")
            raise AssertionError(f"hovering a row thickened no line: {state}") from exc
        _pictures(page, "search-running")

        output = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-OutputArea")
        output.get_by_text("SEARCH-DONE").wait_for(timeout=600_000)
        deadline = time.monotonic() + 30
        while cell_busy(page, 0) and time.monotonic() < deadline:
            time.sleep(0.3)
        page.mouse.move(0, 0)
        rows = page.evaluate(ROWS)
        assert len(rows) == TRIALS
        done = re.findall(r"SEARCH-DONE (\d+)", output.inner_text())
        assert done == [str(TRIALS)]
        folded = page.locator(".livecurve .lc-legend-more").count()
        assert folded >= 1, "the legends list every one of 30 runs"  # legend.js folds them
        _pictures(page, "search-done")
        # A redraw of a panel of 30 runs: from the kernel's message to the updated SVG.
        page.evaluate(WATCH)
        run_cell(page, 1)
        second = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
        second.get_by_text("DONE").wait_for(timeout=120_000)
        sent = [float(v) * 1000 for v in re.findall(r"SENT (\S+)", second.inner_text())]
        changes = page.evaluate("() => window.__changes")
        latencies = [min((c for c in changes if c >= t - 5), default=math.inf) - t for t in sent]
        median = statistics.median(latencies)
        print(f"redraw message -> updated SVG, a panel of {TRIALS} runs: median {median:.0f} ms")
        (ARTIFACTS / "search-redraw-latency.txt").write_text(f"{median:.1f} ms median\n")
        assert median < 1000  # the target is 50 ms: reported, not asserted on a shared CPU
