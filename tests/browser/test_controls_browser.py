"""The controls bar in a real frontend, used while the cell is still busy (``[*]``).

A custom loop logs a noisy per-step loss with one diverging value (60 at step 20) and a validation
loss every 100 steps for about a minute. While it runs the test turns the loss panel to a log axis
(the y tick labels become a log scale), moves the smoothing slider (the smoothed path changes and
gets smoother), turns "ignore outliers" off and on (the axis reaches 60, then not), pans/zooms and
resets, and saves a PNG and an SVG (files appear next to the notebook). After the cell ends Python
holds the same state, and a reloaded page shows it again. JupyterLab runs in its dark theme (a
screenshot is kept under ``artifacts/`` to judge), Notebook 7 in its light one.
"""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import pytest

from livecurve import style

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

LOOP_CELL = """\
import time, numpy as np
from livecurve import LivePlot
plot = LivePlot(axis="step", title="controls", smoothing=0.6)
plot.display()
rng = np.random.default_rng(0)
for step in range(1, 5001):
    loss = 2.0 * np.exp(-step / 800) + 0.2 + 0.3 * rng.standard_normal() ** 2
    if step == 20:
        loss = 60.0  # one diverging value
    extra = {}
    if step % 100 == 0:
        extra["val_loss"] = 2.0 * np.exp(-step / 800) + 0.3 + 0.6 * (step / 5000) ** 2
    plot.log(step, loss=loss, **extra)
    time.sleep(0.012)
"""

CHECK_CELL = """\
c = plot.view.controls
print("PY-STATE", c.log_panels, c.ignore_outliers, round(c.smoothing, 2),
      round(plot.view.smoothing, 2))
print("PY-SCALE", type(plot.view.panels["loss"].figure.axes[1].scale).__name__)
svg = plot.save("after.svg").read_text()
print("PY-SVG", 'id="best-0-val_loss"' in svg)
"""

# (value, y position) of the labelled ticks of the loss panel's vertical axis, and the x axis'.
TICKS = """
() => {
  const fig = document.querySelector('.livecurve .bqplot.figure');
  const out = {x: [], y: []};
  for (const axis of fig.querySelectorAll('g.axis')) {
    const ticks = [...axis.querySelectorAll('g.tick')].map(t => {
      const m = /translate\\(([-\\d.e]+),\\s*([-\\d.e]+)\\)/
          .exec(t.getAttribute('transform') || '');
      const text = (t.querySelector('text') || {}).textContent || '';
      return m ? {x: +m[1], y: +m[2], text} : null;
    }).filter(t => t && t.text.trim() !== '');
    if (ticks.length < 2) continue;
    const vertical = ticks[0].x === ticks[1].x;
    const parse = (s) => { const k = {k: 1e3, M: 1e6, m: 1e-3}; const u = s.slice(-1);
      s = s.replace(/,/g, '');
      return (u in k) ? parseFloat(s) * k[u] : parseFloat(s.replace('\\u2212', '-')); };
    out[vertical ? 'y' : 'x'] = ticks.map(t => [parse(t.text), vertical ? t.y : t.x]);
  }
  return out;
}
"""

# The loss panel's smoothed line: its number of points and mean vertical step (in pixels). It is
# told from the faint raw line and the epoch line by its stroke width (style.SMOOTH_WIDTH): the
# raw and the smoothed paths can hold the same number of points, so their lengths cannot tell.
SMOOTHED = """
() => {
  const fig = document.querySelector('.livecurve .bqplot.figure');
  const smooth = [...fig.querySelectorAll('path.line')].filter(p =>
      Math.abs(parseFloat(getComputedStyle(p).strokeWidth) - SMOOTH_WIDTH) < 1e-6
      && (p.getAttribute('d') || '').length);
  const d = smooth.length ? smooth[0].getAttribute('d') : '';
  const ys = [...d.matchAll(/[ML]\\s*[-\\d.e]+[ ,]([-\\d.e]+)/g)].map(m => +m[1]);
  let tv = 0; for (let i = 1; i < ys.length; i++) tv += Math.abs(ys[i] - ys[i - 1]);
  return {d: d.slice(0, 200), n: ys.length, step: ys.length > 1 ? tv / (ys.length - 1) : 0};
}
""".replace("SMOOTH_WIDTH", str(style.SMOOTH_WIDTH))


def _linear_fit_error(pairs: list[list[float]], log: bool = False) -> float:
    """How far tick positions are from linear in the value (or its log): 0 for a perfect axis."""
    xs = [math.log10(v) if log else v for v, _ in pairs]
    ys = [p for _, p in pairs]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return max(abs(my + slope * (x - mx) - y) for x, y in zip(xs, ys))


def _notebook(path: Path) -> None:
    write_notebook(path, LOOP_CELL, CHECK_CELL)


def _dark_theme(root: Path) -> None:
    """JupyterLab's dark theme, as a user who picked it has it (user settings of this server)."""
    settings = root / ".jupyter-config" / "lab" / "user-settings" / "@jupyterlab"
    target = settings / "apputils-extension" / "themes.jupyterlab-settings"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"theme": "JupyterLab Dark"}))


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_controls_work_while_the_cell_is_busy(tmp_path: Path, app: str) -> None:
    pytest.importorskip("playwright.sync_api")
    (tmp_path / "sub").mkdir()
    _notebook(tmp_path / "sub" / "controls.ipynb")
    if app == "lab":
        _dark_theme(tmp_path)
    prefix = {"lab": "jupyterlab-dark", "notebook": "notebook7"}[app]
    with notebook_page(
        tmp_path,
        "sub/controls.ipynb",
        app=app,
        viewport=(1300, 1000),
        failure_png=f"{prefix}-controls-failure.png",
    ) as page:
        _exercise(page, tmp_path / "sub", prefix, app)


def _busy(page) -> None:  # type: ignore[no-untyped-def]
    assert cell_busy(page, 0), "the loop ended before the test finished using the controls"


def _exercise(page, folder: Path, prefix: str, app: str) -> None:  # type: ignore[no-untyped-def]
    run_cell(page, 0)
    page.wait_for_selector(".livecurve .lc-log[data-family='loss']", timeout=60_000)
    page.wait_for_function(f"() => ({SMOOTHED})().n > 20", timeout=60_000)
    if app == "lab":
        theme = page.evaluate("() => document.body.dataset.jpThemeName")
        assert theme == "JupyterLab Dark", theme

    # 1. Ignore outliers (the default): the diverging 60 does not stretch the axis; off: it does.
    ticks = page.evaluate(TICKS)
    assert max(v for v, _ in ticks["y"]) < 20, ticks["y"]
    page.locator(".livecurve .lc-outliers").uncheck()
    page.wait_for_function(f"() => Math.max(...({TICKS})().y.map(t => t[0])) >= 40")
    page.locator(".livecurve .lc-outliers").check()
    page.wait_for_function(f"() => Math.max(...({TICKS})().y.map(t => t[0])) < 20")
    _busy(page)

    # 2. Log scale on the loss panel: tick positions become linear in log(value).
    linear = page.evaluate(TICKS)["y"]
    assert _linear_fit_error(linear, log=False) < 1.5, linear
    page.locator(".livecurve .lc-log[data-family='loss']").click()
    page.wait_for_function(
        "() => document.querySelector(\".livecurve .lc-log[data-family='loss']\")"
        ".classList.contains('lc-on')"
    )
    deadline = time.monotonic() + 10
    while True:
        logged = page.evaluate(TICKS)["y"]
        values = [v for v, _ in logged]
        spread = len(values) >= 2 and min(values) > 0 and max(values) / min(values) > 1
        if spread and _linear_fit_error(logged, log=True) < 1.5 < _linear_fit_error(logged):
            break
        assert time.monotonic() < deadline, f"no log axis: {logged}"
        time.sleep(0.2)
    _busy(page)

    # 3. Smoothing: the slider redraws the smoothed path (a preview), smoother at 0.95.
    before = page.evaluate(SMOOTHED)
    page.evaluate(
        "() => { const s = document.querySelector('.livecurve .lc-smoothing');"
        " s.value = 0.95; s.dispatchEvent(new Event('input'));"
        " s.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_function(
        "() => /preview/.test(document.querySelector('.livecurve .lc-note').textContent)"
    )
    time.sleep(1.0)  # a kernel redraw or two: the preview stays on top of them
    after = page.evaluate(SMOOTHED)
    assert after["d"] != before["d"] and after["step"] < before["step"], (before, after)
    assert page.locator(".livecurve .lc-smoothing-value").inner_text() == "0.95"
    _busy(page)
    page.locator(".livecurve").first.screenshot(path=str(ARTIFACTS / f"{prefix}-controls.png"))

    # 4. Pan/zoom: the wheel narrows the x range, which then holds while new points arrive;
    # reset brings the whole run back. The run grows all the while (and on a loaded machine the
    # browser may still be catching up), so spans are compared with the latest step the header
    # shows, not with a span measured earlier.
    def x_ticks() -> list[float]:
        return [v for v, _ in page.evaluate(TICKS)["x"]]

    def latest_step() -> int:
        text = page.locator(".livecurve").first.inner_text()
        return int(re.search(r"\bstep ([\d,]+)", text).group(1).replace(",", ""))

    page.locator(".livecurve .lc-zoom").click()
    figure = page.locator(".livecurve .bqplot.figure").first
    box = figure.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(5):
        page.mouse.wheel(0, -300)
        time.sleep(0.1)
    time.sleep(0.5)
    zoomed, step = x_ticks(), latest_step()
    assert max(zoomed) - min(zoomed) < 0.5 * step, (zoomed, step)
    page.wait_for_function(
        f"() => /\\bstep {step:,}\\b/.test(document.querySelector('.livecurve').innerText)"
        " === false",
        timeout=20_000,
    )  # new points arrived ...
    assert x_ticks() == zoomed, (zoomed, x_ticks())  # ... and the zoomed range held
    page.locator(".livecurve .lc-reset").click()
    page.locator(".livecurve .lc-zoom").click()
    deadline = time.monotonic() + 10
    while True:  # the whole run again: ticks from about the first step to the latest
        ticks, step = x_ticks(), latest_step()
        if max(ticks) - min(ticks) >= 0.5 * step:
            break
        assert time.monotonic() < deadline, (ticks, step)
        time.sleep(0.2)
    _busy(page)

    # 5. Save while busy: the files appear next to the notebook, and the widget says so.
    status = page.locator(".livecurve .lc-status")
    for name in ("busy.png", "busy.svg"):
        page.locator(".livecurve .lc-file").fill(name)
        page.locator(".livecurve .lc-save").click()
        page.wait_for_function(
            f"() => /saved .*{re.escape(name)}/.test("
            "document.querySelector('.livecurve .lc-status').textContent)",
            timeout=20_000,
        )
        _busy(page)
    assert (folder / "busy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", status.inner_text()
    svg = (folder / "busy.svg").read_text()
    assert svg.startswith("<svg") and "val_loss" in svg
    # The best validation point is marked live (a diamond in the loss panel).
    assert page.locator(".livecurve .bqplot.figure").first.locator("path.dot").count() > 0

    # 6. When the cell ends Python holds the same state; save() draws the log axis and the best.
    deadline = time.monotonic() + 180
    while cell_busy(page, 0) and time.monotonic() < deadline:
        time.sleep(0.5)
    run_cell(page, 1)
    output = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
    output.get_by_text("PY-SVG").wait_for(timeout=60_000)
    text = output.inner_text()
    assert "PY-STATE ['loss'] True 0.95 0.95" in text, text
    assert "PY-SCALE LogScale" in text, text
    assert "PY-SVG True" in text, text
    # The x ticks still span the run (5000 steps) once the kernel has replayed the browser's
    # zooms and resets, and the ticks' labels parse back to distinct values.
    xs = [v for v, _ in page.evaluate(TICKS)["x"]]
    assert len(set(xs)) == len(xs) >= 3 and max(xs) - min(xs) >= 3000, xs
    page.locator(".livecurve").first.screenshot(
        path=str(ARTIFACTS / f"{prefix}-controls-after.png")
    )

    # 7. A reloaded page (the kernel still running) shows the same controls and log axis.
    page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+s")
    time.sleep(2.0)
    page.reload()
    page.wait_for_selector(".livecurve .lc-log.lc-on[data-family='loss']", timeout=90_000)
    assert page.locator(".livecurve .lc-smoothing-value").first.inner_text() == "0.95"
