"""A panel zoomed in x while the kernel is busy: its y range and its smoothed line.

JupyterLab 4 in headless Chromium. A step loop draws 20,000 steps of ``loss`` (a decaying curve
with a one-step spike to 50 every 997 steps) and a ``val_loss`` point every 1,000 steps (5.0 at
step 15,000, far above the bulk), then keeps the kernel busy. The test zooms the panel's x scale
from the page, as pan/zoom does, and checks:

- **the y range fits what is in view**: with "ignore outliers" on, a zoom of 300 steps gets a y
  range around those steps (not the whole run's), leaves out the spike in view, and never an
  epoch (validation) value in view: zoomed over step 15,000 the range reaches 5.0;
- **the smoothing preview continues**: with the slider moved while busy, the zoomed smoothed
  line equals the whole run's smoothed line over that range (TensorBoard's average computed in
  Python over every step, :class:`~livecurve.model.smoothing.Smoother`), not an average that
  restarts at the zoom's left edge.

A screenshot of the zoomed panel is left in ``artifacts/jupyterlab-zoom-y-range.png``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

N = 20_000
DATA = """\
import numpy as np
N = 20_000
steps = np.arange(1, N + 1, dtype=float)
rng = np.random.default_rng(1)
loss = (0.3 + 2.0 / (1 + steps / 300) + 0.02 * rng.normal(size=N)).astype(np.float32)
loss[996::997] = 50.0  # one-step spikes, at steps 997, 1994, ...
val = {s: 5.0 if s == 15_000 else float(loss[s - 1]) + 0.05 for s in range(1000, N + 1, 1000)}
"""
LOOP_CELL = (
    DATA
    + """\
import os, time
from livecurve import LivePlot
plot = LivePlot(axis="step", title="zoomed y range", smoothing=0.6)
plot.display()
for a in range(0, N, 1000):
    plot.run.extend_steps(steps[a:a + 1000], {"loss": loss[a:a + 1000]})
    plot.log(float(a + 1000), val_loss=val[a + 1000])
plot.refresh()
print("LOGGED", flush=True)
step, deadline = N, time.time() + 120
while time.time() < deadline and not os.path.exists("stop"):
    time.sleep(0.25)
    for _ in range(20):
        step += 1
        plot.log(float(step), loss=0.31)
print("DONE")
"""
)

# Zoom the loss panel's x to [lo, hi]; wait until the store draws it and the y range follows.
ZOOM = """
async ([lo, hi]) => {
  const S = [...document.querySelectorAll('.lc-steps-store')].pop().__lcStore;
  const s = S.series.get("0:loss");
  const xs = s.raw.get("scales").x;
  const before = [s.raw.get("scales").y.get("min"), s.raw.get("scales").y.get("max")];
  xs.set({ min: lo, max: hi });
  const ok = () => {
    const x = s.raw.get("x");
    return s.mine && x.length && x[0] <= lo && x[x.length - 1] >= hi && x[0] > lo - 1000;
  };
  for (let i = 0; i < 300 && !ok(); i++) await new Promise(requestAnimationFrame);
  await new Promise((r) => setTimeout(r, 300));  // the controls' redraw after the store's
  const y = s.raw.get("scales").y;
  return {
    before, range: [y.get("min"), y.get("max")], mine: s.mine,
    x: Array.from(s.raw.get("x")), y: Array.from(s.raw.get("y")),
    sx: Array.from(s.smooth.get("x")), sy: Array.from(s.smooth.get("y")),
    error: S.stats.error || null,
  };
}
"""

SCALES = """
() => {
  const S = [...document.querySelectorAll('.lc-steps-store')].pop().__lcStore;
  const s = S.series.get("0:loss");
  const sc = s.raw.get("scales");
  return { x: [sc.x.get("min"), sc.x.get("max")], y: [sc.y.get("min"), sc.y.get("max")] };
}
"""

SLIDE = """
async (w) => {
  const slider = document.querySelector(".livecurve .lc-smoothing");
  slider.value = w;
  slider.dispatchEvent(new Event("input"));
  slider.dispatchEvent(new Event("change"));
  await new Promise((r) => setTimeout(r, 500));  // the preview runs 20 ms after a redraw
  const S = [...document.querySelectorAll('.lc-steps-store')].pop().__lcStore;
  const s = S.series.get("0:loss");
  return { sx: Array.from(s.smooth.get("x")), sy: Array.from(s.smooth.get("y")),
           note: document.querySelector(".livecurve .lc-note").textContent };
}
"""


def _data() -> dict:
    scope: dict = {}
    exec(DATA, scope)  # the same values the kernel logs
    return scope


def _padded_view(result: dict, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.array(result["x"]), np.array(result["y"])
    inside = (x >= lo) & (x <= hi)
    return x[inside], y[inside]


def test_a_zoomed_panel_fits_y_to_the_view_and_smooths_from_the_runs_start(
    tmp_path: Path,
) -> None:
    pytest.importorskip("playwright.sync_api")
    from livecurve.model.smoothing import Smoother

    data = _data()
    loss = data["loss"]
    write_notebook(tmp_path / "zoom_range.ipynb", LOOP_CELL)
    with notebook_page(
        tmp_path, "zoom_range.ipynb", failure_png="jupyterlab-zoom-y-range-failure.png"
    ) as page:
        try:
            run_cell(page, 0)
            output = page.locator(".jp-Notebook .jp-Cell").nth(0).locator(".jp-OutputArea")
            output.get_by_text("LOGGED").wait_for(timeout=120_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.lc-steps-store')].map((e) => e.__lcStore)"
                ".some((S) => S && S.runs.get(0) && S.runs.get(0).n >= 20000"
                " && S.series.has('0:loss'))",
                timeout=60_000,
            )
            assert page.locator(".livecurve .lc-outliers").first.is_checked()

            # 1. Over a spike (step 16,949) and a validation point (17,000) near the bulk.
            lo, hi = 16_800, 17_100
            near = page.evaluate(ZOOM, [lo, hi])
            assert cell_busy(page, 0), "the zoom must happen while the kernel is busy"
            assert near["error"] is None and near["mine"], near["error"]
            whole_low, whole_high = near["before"]
            assert whole_high is not None and whole_high >= 5.0  # the whole run's range
            low, high = near["range"]
            x, y = _padded_view(near, lo, hi)
            assert x.tolist() == list(range(lo, hi + 1))  # every step in view
            bulk = y[y < 10]
            assert 50.0 in y.tolist() and high < 50  # the spike in view is left out...
            assert low <= bulk.min() and high >= bulk.max()  # ...and nothing else
            assert low <= data["val"][17_000] <= high  # the epoch value in view is kept
            assert high - low < 0.3 * (whole_high - whole_low), (near["range"], near["before"])
            page.locator(".livecurve .bqplot.figure").first.screenshot(
                path=str(ARTIFACTS / "jupyterlab-zoom-y-range.png")
            )

            # 2. Over step 15,000, whose validation value 5.0 sits far above the bulk.
            over = page.evaluate(ZOOM, [14_900, 15_200])
            low, high = over["range"]
            x, y = _padded_view(over, 14_900, 15_200)
            assert 50.0 in y.tolist() and high < 50  # the spike at 14,955 is left out
            assert low <= y[y < 10].min() and high >= 5.0  # the epoch value is never cut

            # 3. The smoothing slider moved while busy: the zoomed preview continues the
            # average from the run's first step, as the whole run's smoothed line does.
            slid = page.evaluate(SLIDE, 0.9)
            assert cell_busy(page, 0)
            assert "preview" in slid["note"]
            sx, sy = np.array(slid["sx"]), np.array(slid["sy"])
            assert sx.size >= 300 and sx.min() <= 14_900 and sx.max() >= 15_200
            expected = Smoother(0.9).update(loss.astype(np.float64))
            rows = sx.astype(int) - 1
            np.testing.assert_allclose(sy, expected[rows], rtol=2e-5)
            # an average restarted at the zoom's left edge (the old preview) is not that line
            restarted = Smoother(0.9).update(loss[rows[0] : rows[-1] + 1].astype(np.float64))
            assert np.abs(restarted[rows - rows[0]] - expected[rows]).max() > 0.005

            # 4. A person's zoom: reset, pan/zoom on, the mouse wheel over the panel. The wheel
            # zooms x only, and y fits what is in view.
            page.locator(".livecurve .lc-reset").first.click()
            page.locator(".livecurve .lc-zoom").first.click()
            area = page.locator(".livecurve .bqplot.figure rect.plotarea_background").first
            box = area.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            for _ in range(2):
                page.mouse.wheel(0, -2000)
                page.wait_for_timeout(300)
            wheel = page.evaluate(SCALES)
            assert cell_busy(page, 0)
            lo, hi = wheel["x"]
            assert lo is not None and 0 < hi - lo < 2000, wheel  # zoomed in x
            view = loss[int(np.ceil(lo)) - 1 : int(hi)]
            bulk = view[view < 10]
            low, high = wheel["y"]
            assert low is not None and low <= bulk.min() and high >= bulk.max(), (wheel, bulk)
            assert high - low < 0.3 * (whole_high - whole_low), (wheel, near["before"])
            page.locator(".livecurve .bqplot.figure").first.screenshot(
                path=str(ARTIFACTS / "jupyterlab-wheel-zoom-y-range.png")
            )
        finally:
            (tmp_path / "stop").write_text("")


FAST_CELL = """\
import time, numpy as np
from livecurve import LivePlot
names = [f"m{i}" for i in range(8)]
plot = LivePlot(axis="step", title="20,000 steps/s x 8 series")
plot.display()
rng = np.random.default_rng(3)
step, t0 = 0, time.time()
while time.time() - t0 < 6:  # 1,000 steps every 50 ms: about 20,000 a second
    block = rng.normal(size=(1000, 8)).astype(np.float32).cumsum(axis=0)
    plot.run.extend_steps(np.arange(step + 1.0, step + 1001), dict(zip(names, block.T)))
    plot.changed()  # what log() does: a throttled redraw
    step += 1000
    time.sleep(0.05)
plot.view.steps_store.send({"event": "loop ended"})  # for the test: what came before it
x, cols = plot.run.steps.rows(0, ["m0"])
print("SENT", step, float(cols["m0"].astype(np.float64).sum()), flush=True)
"""

STORE = """
() => {
  const el = [...document.querySelectorAll('.lc-steps-store')].pop();
  const S = el && el.__lcStore, R = S && S.runs.get(0);
  if (!R) return null;
  const col = R.cols.get("m0");
  let sum = 0;
  for (let i = 0; i < R.n; i++) sum += col[i];
  return { n: R.n, total: Number((S.model.get("rows_total") || {})[0] || 0),
           last: R.x[R.n - 1], sum, maxMessage: S.stats.maxMessage || 0, log: S.stats.log };
}
"""


# While the browser is behind: a zoom inside the held steps draws them (the store), a zoom
# that reaches the steps still coming shows the kernel's line, never a line cut short.
ZOOM_BEHIND = """
async ([held, total]) => {
  const S = [...document.querySelectorAll('.lc-steps-store')].pop().__lcStore;
  const s = S.series.get("0:m0");
  const xs = s.raw.get("scales").x;
  const frame = () => new Promise(requestAnimationFrame);
  const settle = async () => { for (let i = 0; i < 5; i++) await frame(); };
  const out = { error: null };
  const lo = Math.max(1, held - 1500), hi = held - 1000;
  xs.set({ min: lo, max: hi }); await settle();
  let x = s.raw.get("x");
  out.held = { mine: s.mine, last: x[x.length - 1], hi };
  xs.set({ min: total - 500, max: total + 500 }); await settle();
  x = s.raw.get("x");
  out.coming = { mine: s.mine, n: x.length, last: x[x.length - 1] };
  xs.set({ min: null, max: null }); await settle();
  out.error = S.stats.error || null;
  return out;
}
"""


def test_a_fast_loop_sends_bounded_redraws_and_the_browser_ends_with_every_step(
    tmp_path: Path,
) -> None:
    """20,000 steps/s of 8 series: each redraw's step message stays under 100 KB while the
    browser falls behind, and once the cell ends it holds every step, exactly."""
    pytest.importorskip("playwright.sync_api")
    write_notebook(tmp_path / "fast.ipynb", FAST_CELL)
    with notebook_page(tmp_path, "fast.ipynb", failure_png="jupyterlab-fast-failure.png") as page:
        run_cell(page, 0)
        page.wait_for_function(f"({STORE.strip()})() && ({STORE.strip()})().n > 0", timeout=60_000)
        behind, zooms = False, None
        while cell_busy(page, 0):
            state = page.evaluate(STORE)
            if state["n"] < state["total"] - 2000 and zooms is None:
                behind = True  # zoom into what is held, then into the steps still coming
                zooms = page.evaluate(ZOOM_BEHIND, [state["n"], state["total"]])
            behind = behind or state["n"] < state["total"]
            page.wait_for_timeout(200)
        assert behind, "the browser never fell behind: the test did not log fast enough"
        assert zooms is not None and zooms["error"] is None, zooms
        assert zooms["held"]["mine"] and zooms["held"]["last"] >= zooms["held"]["hi"]
        assert not zooms["coming"]["mine"]  # not a line cut at the last held step...
        assert zooms["coming"]["n"] < 5000  # ...but the kernel's whole-run line
        log = page.evaluate(STORE)["log"]  # [event, start, n, bytes, replay, ms]
        events = [entry[0] for entry in log]
        assert "loop ended" in events, events
        during = [e for e in log[: events.index("loop ended")] if e[0] == "rows" and not e[4]]
        assert len(during) >= 2 and max(e[3] for e in during) <= 100_000, during
        after = [e for e in log[events.index("loop ended") :] if e[0] == "rows"]
        assert after and max(e[3] for e in after) <= 1 << 20  # the final redraw, chunked
        output = page.locator(".jp-Notebook .jp-Cell").nth(0).locator(".jp-OutputArea")
        words = output.get_by_text("SENT").inner_text().split()
        steps, total = int(words[1]), float(words[2])
        page.wait_for_function(
            f"() => {{ const s = ({STORE.strip()})(); return s.n >= {steps}; }}", timeout=30_000
        )
        state = page.evaluate(STORE)
        assert state["n"] == steps and state["last"] == steps and state["total"] == steps
        assert state["sum"] == pytest.approx(total, rel=1e-9, abs=1e-6)
