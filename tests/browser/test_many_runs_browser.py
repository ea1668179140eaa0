"""A live figure of 200 runs in JupyterLab: how long the browser takes to redraw a panel.

One cell builds a ``LivePlot`` holding 200 runs (a search's trials: 4 series, 20 epochs each,
two hyperparameters; the last, the trial that trains, has 5 so far) and shows it; the next cell,
five times, logs one more epoch of the last run (inside the axes' ranges, as in a search) and
redraws, printing the time before and after the kernel's redraw;
then, five times, adds a trial. The browser records when the loss panel's SVG changes. Printed
(and left in ``artifacts/many-runs-redraw.txt``): the median time from the kernel's redraw to
the updated SVG (the browser's share), and from the start of the kernel's redraw (kernel and
browser). The issue's target, 50 ms, is reported, not asserted on a shared CPU. The screenshot
``artifacts/many-runs-panel.png`` shows the panel to judge (5 named runs in colour, the rest grey).
"""

from __future__ import annotations

import math
import re
import statistics
from pathlib import Path

import pytest

from .lab import ARTIFACTS, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

RUNS = 200

BUILD_CELL = f"""\
import numpy as np
from livecurve import LivePlot
from livecurve.model.run import Run

rng = np.random.default_rng(0)
plot = LivePlot(title="{RUNS} runs", redraw_interval=0.0)

def trial(k, epochs=20):
    run = Run(f"trial {{k}}")
    run.params = {{"units": int(rng.choice([4, 8, 16, 32])), "lr": float(rng.uniform(1e-4, 1e-2))}}
    rate, floor = rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.5)
    for epoch in range(1, epochs + 1):
        loss = floor + np.exp(-rate * epoch) + rng.normal(0, 0.01)
        run.log(epoch, {{"loss": loss, "val_loss": loss + 0.05, "accuracy": 1 - loss / 2,
                         "val_accuracy": 1 - loss / 2 - 0.02}})
    return run

first = trial(1)
for name in first.names:
    for x, y in zip(*first[name].snapshot()):
        plot.run.log(x, {{name: y}})
plot.runs.extend(trial(k) for k in range(2, {RUNS}))
plot.runs.append(trial({RUNS}, epochs=5))  # the trial that trains: 5 of its 20 epochs so far
plot.run = plot.runs[-1]
plot.display()
plot.refresh()
print("BUILT", len(plot.runs))
"""

REDRAW_CELL = """\
import time
run = plot.runs[-1]
for k in range(5):  # its next epochs, inside the axes' ranges (as in a search)
    time.sleep(1.0)
    run.log(6 + k, {"loss": 0.5, "val_loss": 0.6 - 0.01 * k, "accuracy": 0.7, "val_accuracy": 0.68})
    start = time.time()
    plot.refresh()
    print("EPOCH", repr(start), repr(time.time()))
for k in range(5):
    time.sleep(1.0)
    new = trial(len(plot.runs) + 1, epochs=1)  # a new trial's first epoch
    start = time.time()
    plot.runs.append(new)
    plot.run = new
    plot.refresh()
    print("TRIAL", repr(start), repr(time.time()))
time.sleep(1.0)
print("DONE")
"""

SETTLED = """
() => new Promise((resolve) => {  // the figure has not changed for 2 s (the build is drawn)
  let last = Date.now();
  const seen = new MutationObserver(() => { last = Date.now(); });
  seen.observe(document.querySelector('.livecurve'),
               {attributes: true, childList: true, subtree: true});
  const timer = setInterval(() => {
    if (Date.now() - last > 2000) { clearInterval(timer); seen.disconnect(); resolve(true); }
  }, 200);
})
"""

WATCH = """
() => {
  window.__changes = [];
  const fig = document.querySelector('.livecurve .bqplot.figure');
  new MutationObserver(() => window.__changes.push(Date.now()))
      .observe(fig, {attributes: true, childList: true, subtree: true});
}
"""


STATE = "() => [...document.querySelectorAll('.livecurve .lc-runs')].find(e => e.lcState).lcState()"

# The loss panel's lines in drawing order: [stroke colour, stroke width]; GREY: the grey runs'.
STROKES = (
    "() => [...document.querySelector('.livecurve .bqplot.figure')"
    ".querySelectorAll('path.line')].map(p => [getComputedStyle(p).stroke,"
    " parseFloat(p.style.strokeWidth)])"
)
GREY = "rgb(154, 154, 154)"


def _rgb(colour: str) -> str:
    """``#RRGGBB`` as the browser's computed style writes it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _latencies(text: str, kind: str, changes: list[float]) -> tuple[list[float], list[float]]:
    """Per redraw: (kernel start -> SVG changed, kernel done -> SVG changed), in ms."""
    total, browser = [], []
    for start, end in re.findall(rf"{kind} (\S+) (\S+)", text):
        t0, t1 = float(start) * 1000, float(end) * 1000
        first = min((c for c in changes if c >= t0 - 5), default=math.inf)
        last = max((c for c in changes if t0 - 5 <= c <= t0 + 900), default=first)
        total.append(last - t0)
        browser.append(last - t1)
    return total, browser


def test_a_panel_of_200_runs_redraws_in_the_browser(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    write_notebook(tmp_path / "runs.ipynb", BUILD_CELL, REDRAW_CELL)
    with notebook_page(
        tmp_path, "runs.ipynb", viewport=(1400, 1400), failure_png="many-runs-failure.png"
    ) as page:
        run_cell(page, 0)
        first = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-OutputArea")
        first.get_by_text(f"BUILT {RUNS}").wait_for(state="attached", timeout=240_000)
        # The runs table under the panels is tall: JupyterLab keeps the next cell in view and
        # may skip drawing what is scrolled away (content-visibility), so look at the figure
        # as a person does, by scrolling up to it.
        figure = page.locator(".livecurve .bqplot.figure").first
        figure.wait_for(state="attached", timeout=180_000)
        figure.scroll_into_view_if_needed(timeout=60_000)
        figure.wait_for(state="visible", timeout=60_000)
        # The first drawing of 200 runs: every run's line, then nothing changing for 2 s. (A
        # quiet page alone is no proof: on a loaded machine the browser may still be making the
        # widgets' models, with nothing drawn yet.)
        count = (
            "() => document.querySelector('.livecurve .bqplot.figure')"
            ".querySelectorAll('path.line').length"
        )
        try:
            page.wait_for_function(f"() => ({count})() >= {RUNS}", polling=500, timeout=180_000)
        except Exception as exc:
            lines = page.evaluate(count)
            raise AssertionError(f"the loss panel draws {lines} lines for {RUNS} runs") from exc
        page.evaluate(SETTLED)
        panel = page.locator(".livecurve .bqplot.figure").first.locator("xpath=..")
        panel.screenshot(path=str(ARTIFACTS / "many-runs-panel.png"))

        page.evaluate(WATCH)
        looked = page.evaluate(STATE)["looked"]
        run_cell(page, 1)
        # The pointer off the runs table: rows moving under it would hover runs while timed.
        page.mouse.move(2, 2)
        # No polling of the page while it is timed (a text search of a big DOM costs the
        # browser hundreds of ms): the cell takes about 11 s.
        page.wait_for_timeout(12_000)
        second = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
        second.get_by_text("DONE").wait_for(timeout=180_000)
        text = second.inner_text()
        changes = page.evaluate("() => window.__changes")
        report = []
        for kind, what in (("EPOCH", "a new epoch of the last run"), ("TRIAL", "a new trial")):
            total, browser = _latencies(text, kind, changes)
            assert len(total) == 5 and all(math.isfinite(t) for t in total), (kind, total)
            report.append(
                f"{what}, a panel of {RUNS} runs: kernel redraw + browser median "
                f"{statistics.median(total):.0f} ms, browser after the kernel median "
                f"{statistics.median(browser):.0f} ms (all: {[round(t) for t in total]})"
            )
        # The runs table's highlight looks at the marks of the runs whose state or marks
        # changed (the new trial, the run it displaces), not at every run's 8+ marks.
        looked = page.evaluate(STATE)["looked"] - looked
        report.append(f"marks looked at by the runs table over 5 epochs and 5 trials: {looked}")
        print("\n".join(report))
        (ARTIFACTS / "many-runs-redraw.txt").write_text("\n".join(report) + "\n")
        assert looked <= 5 * 4 * 10, looked  # 5 trials, a few runs of 10 marks each

        # The grey runs are drawn under the named runs, also the block of grey runs begun by
        # trial 201 (listed after the named runs' marks by the kernel, moved under them here).
        strokes = page.evaluate(STROKES)
        grey_at = [i for i, (s, _w) in enumerate(strokes) if s == GREY]
        colour_at = [i for i, (s, _w) in enumerate(strokes) if s != GREY]
        named = page.evaluate(STATE)["named"]
        # one grey row per split of each grey run: the 200 built and the 5 trials added
        assert len(grey_at) == 2 * (RUNS + 5 - len(named)) and colour_at, (len(grey_at), named)
        assert max(grey_at) < min(colour_at), "a grey run is drawn over a named run"
        # The run bar: the named runs' checkboxes and one "+ N more runs" for the grey ones.
        bar = page.evaluate(
            "() => [...document.querySelectorAll('.livecurve .lc-legend.lc-runs .lc-entry')]"
            ".map(e => e.textContent)"
        )
        assert len(bar) < 12 and re.fullmatch(r"\+ \d+ more runs", bar[-1]), bar
        # Hovering a grey run's row in the runs table draws it thick ...
        state = page.evaluate(STATE)
        # The grey runs' own marks (out of the figure) leave the scales' domains to the grey
        # rows: only the named runs' marks hold one (bqplot goes over them all at each update).
        assert state["domains"] <= 12 * len(state["named"]), state["domains"]
        # The runs table holds the rows in (and near) its scrolled view, not all 205; scrolled
        # to the end, the last trial's row is there.
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.livecurve .lc-runs tbody tr[data-run]')]"
            ".map(tr => Number(tr.dataset.run))"
        )
        assert 10 <= len(drawn) < 100, len(drawn)
        page.evaluate(
            "() => { const s = document.querySelector('.livecurve .lc-runs-scroll');"
            " s.scrollTop = s.scrollHeight; }"
        )
        page.wait_for_selector(
            f'.livecurve .lc-runs tbody tr[data-run="{RUNS + 4}"]', state="attached", timeout=5_000
        )
        page.evaluate(
            "() => { document.querySelector('.livecurve .lc-runs-scroll').scrollTop = 0; }"
        )
        page.wait_for_selector('.livecurve .lc-runs tbody tr[data-run="0"]', state="attached")
        grey = next(i for i in drawn if i not in state["named"])
        page.locator(f'.livecurve .lc-runs tbody tr[data-run="{grey}"]').hover()
        wide = (
            "() => [...document.querySelector('.livecurve .bqplot.figure')"
            ".querySelectorAll('path.line')].filter(p => parseFloat(p.style.strokeWidth) >= 4)"
            ".length"
        )
        try:
            page.wait_for_function(f"() => ({wide})() >= 1", timeout=5_000)
        except Exception as exc:
            state = page.evaluate(STATE)
            raise AssertionError(f"hovering grey run {grey} thickened no line: {state}") from exc
        state = page.evaluate(STATE)
        assert str(grey) in state["grey"][0]["lit"], state["grey"]
        # ... in a colour apart from every named run's (not the colour its index would give).
        strokes = page.evaluate(STROKES)
        thick = {s for s, w in strokes if w >= 4}
        named_strokes = {s for s, w in strokes if w < 4 and s != GREY}
        assert thick and named_strokes and not thick & named_strokes, (thick, named_strokes)
        assert len(thick) == 1 and _rgb(state["highlight"]) in thick, (thick, state["highlight"])
        # Selected (a click: it stays while the screenshot scrolls), for a person to look at.
        page.locator(f'.livecurve .lc-runs tbody tr[data-run="{grey}"]').click()
        page.wait_for_function(f"() => ({wide})() >= 1", timeout=5_000)
        panel.screenshot(path=str(ARTIFACTS / "many-runs-selected.png"))
