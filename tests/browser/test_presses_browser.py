"""The live widget under load, in JupyterLab: every epoch in view, presses that always land, ticks.

1. The quickstart's fit() for 20 epochs on the digits (defaults: per-batch lines, "ignore
   outliers" on): every epoch point of every panel is drawn inside its panel's plot area (epoch
   1's accuracy of about 0.2 used to fall below the axis).
2. While a per-batch ``fit()`` redraws several times a second, every control of the bar and the
   loss panel's legend checkboxes are pressed as a person presses (mouse down, 120 ms, mouse up)
   ten times each, and every press must take effect: a redraw updates controls in place and never
   replaces one under the pointer (a press on one element and a release on its replacement is no
   click at all).
3. A 10^6-step loop zoomed into steps 412,200–412,500: the x tick labels are all different (not a
   row of ``412.2k``), and a single panel uses the cell's width.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

DIGITS_CELL = """\
import os, time, pathlib
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, numpy as np
from sklearn.datasets import load_digits
from livecurve import LiveCurve

digits = load_digits()
x, y = (digits.data / 16.0).astype("float32"), digits.target
order = np.random.default_rng(0).permutation(len(x))
x, y = x[order], y[order]
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])
model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
curve = LiveCurve(title="digits, defaults")
model.fit(x, y, validation_split=0.2, epochs=20, batch_size=64, verbose=0, callbacks=[curve])
"""

# Trains until the test writes a file named "stop": as long as the presses take, no longer.
PRESS_CELL = """\
def until_told(batch, logs):
    time.sleep(0.003)
    if pathlib.Path("stop").exists():
        model.stop_training = True
busy = LiveCurve(title="presses", per_batch=True, smoothing=0.6)
model.fit(x, y, validation_split=0.2, epochs=1000, batch_size=16, verbose=0,
          callbacks=[busy, keras.callbacks.LambdaCallback(on_batch_end=until_told)])
"""

ZOOM_CELL = """\
from livecurve import LivePlot
long_run = LivePlot(axis="step", title="one panel, 10^6 steps")
long_run.run.extend_steps(np.arange(1, 10**6 + 1, dtype=float),
                          {"loss": np.random.default_rng(0).normal(size=10**6).cumsum()})
long_run.display()
scale = long_run.view.panels["loss"].x_scale
scale.min, scale.max = 412_200.0, 412_500.0
"""

# Every epoch point (bqplot's path.dot) of each panel of the first widget, and its plot area.
DOTS_INSIDE = """
() => {
  const out = [];
  for (const fig of document.querySelector('.livecurve').querySelectorAll('.bqplot.figure')) {
    const area = fig.querySelector('rect.plotarea_background').getBoundingClientRect();
    const dots = [...fig.querySelectorAll('path.dot')].map(d => {
      const r = d.getBoundingClientRect();
      return [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
    });
    const outside = dots.filter(([x, y]) => y < area.top - 1 || y > area.bottom + 1
                                        || x < area.left - 1 || x > area.right + 1);
    const title = (fig.querySelector('.mainheading') || {}).textContent;
    out.push({title, n: dots.length, outside: outside.length});
  }
  return out;
}
"""

# The x axis' tick texts of the last widget's first panel, and the panel's and widget's widths.
X_TICKS = """
() => {
  const widget = [...document.querySelectorAll('.livecurve')].pop();
  const fig = widget.querySelector('.bqplot.figure');
  const axes = [...fig.querySelectorAll('g.axis')];
  const horizontal = axes.find(a => {
    const t = [...a.querySelectorAll('g.tick')];
    return t.length > 1 && /translate\\([-\\d.e]+,\\s*0\\)/.test(t[1].getAttribute('transform'));
  });
  const labels = [...horizontal.querySelectorAll('g.tick text')].filter(t => t.textContent.trim());
  const texts = labels.map(t => t.textContent);
  const boxes = labels.map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; });
  const area = fig.getBoundingClientRect();
  return {texts, boxes, left: area.left, right: area.right, figure: area.width,
          widget: widget.getBoundingClientRect().width};
}
"""

# Count the kernel's redraws (the loss panel's per-batch path changing) and replaced controls.
WATCH = """
() => {
  const widget = [...document.querySelectorAll('.livecurve')].pop();
  window.__redraws = 0; window.__replaced = 0;
  const fig = widget.querySelector('.bqplot.figure');
  new MutationObserver((ms) => { window.__redraws += ms.length; })
      .observe(fig, {attributes: true, attributeFilter: ['d'], subtree: true});
  for (const host of widget.querySelectorAll('.lc-bar, .lc-legend'))
    new MutationObserver((ms) => {
      for (const m of ms) window.__replaced += m.removedNodes.length;
    }).observe(host, {childList: true, subtree: true});
}
"""


COMPARE_CELL = """\
import livecurve
for name, losses in (("a", [0.9, 0.5, 0.3]), ("b", [0.8, 0.4, 0.2])):
    with open(f"{name}.csv", "w") as f:
        f.write("epoch,loss\\n" + "".join(f"{i},{v}\\n" for i, v in enumerate(losses, 1)))
compared = livecurve.show(["a.csv", "b.csv"], labels=["a", "b"])
compared.display()
time.sleep(12)  # busy: the run bar works in the browser alone
"""

# The number of lines drawn (visible) in the last widget's first panel.
VISIBLE_LINES = """
() => {
  const fig = [...document.querySelectorAll('.livecurve')].pop().querySelector('.bqplot.figure');
  return [...fig.querySelectorAll('path.line')].filter(p => {  // hidden marks: display none
    const r = p.getBoundingClientRect();
    return (r.width > 0 || r.height > 0) && getComputedStyle(p).visibility !== 'hidden';
  }).length;
}
"""


def _notebook(path: Path) -> None:
    write_notebook(path, DIGITS_CELL, PRESS_CELL, ZOOM_CELL, COMPARE_CELL)


def test_epochs_in_view_presses_land_while_busy_and_zoomed_ticks_differ(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    _notebook(tmp_path / "presses.ipynb")
    with notebook_page(
        tmp_path,
        "presses.ipynb",
        viewport=(1300, 1000),
        failure_png="jupyterlab-presses-failure.png",
    ) as page:
        _exercise(page, tmp_path)


def _wait_idle(page, index: int, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while cell_busy(page, index) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not cell_busy(page, index), f"cell {index} still running after {seconds} s"


def _press(page, locator, x_fraction: float = 0.5) -> bool:  # type: ignore[no-untyped-def]
    """Mouse down on the element, 120 ms, mouse up: a person's click, not a synthetic one.

    Whether the element moved (or went) meanwhile: a lost press is then a layout change.
    """
    box = None
    for _ in range(20):  # a control replaced meanwhile has no box: find it again, as a person does
        try:
            locator.scroll_into_view_if_needed(timeout=1000)
            box = locator.bounding_box()
        except Exception:  # detached while scrolling: replaced by a redraw
            continue
        if box is not None:
            break
    assert box is not None, locator
    page.mouse.move(box["x"] + box["width"] * x_fraction, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(120)
    page.mouse.up()
    try:
        after = locator.bounding_box(timeout=1000)
    except Exception:  # replaced: the press may have been lost to it
        return True
    return after is None or abs(after["x"] - box["x"]) > 1 or abs(after["y"] - box["y"]) > 1


def _wait_still(page, locator, seconds: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    """Until ``locator``'s element has not moved for ``seconds`` (the layout has settled)."""
    deadline = time.monotonic() + 60
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box != last:
            last, since = box, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{locator} kept moving for 60 s")


def _exercise(page, folder: Path) -> None:  # type: ignore[no-untyped-def]
    # 1. Every epoch value in view after the quickstart's fit (defaults: ignore outliers on).
    run_cell(page, 0)
    _wait_idle(page, 0, 240)
    page.wait_for_timeout(500)
    panels = page.evaluate(DOTS_INSIDE)
    by_title = {p["title"]: p for p in panels}
    for family in ("loss", "accuracy"):
        assert by_title[family]["n"] >= 40, panels  # 20 epochs, training and validation
    assert all(p["outside"] == 0 for p in panels), panels
    page.locator(".livecurve").first.screenshot(path=str(ARTIFACTS / "jupyterlab-digits.png"))

    # 2. Ten presses of every control while per-batch values redraw the figure.
    run_cell(page, 1)
    bar = page.locator(".livecurve").nth(1)
    bar.locator(".lc-log[data-family='accuracy']").wait_for(timeout=90_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.livecurve')[1].querySelector('.lc-smoothing-group')"
        ".style.display !== 'none'",
        timeout=60_000,
    )
    # The first epoch's end adds the validation rows to the header and legends above the bar,
    # which moves the bar down: a press held across that move would be released elsewhere (a
    # layout change, not a replaced control). The presses start once validation is drawn.
    bar.locator(".lc-legend input >> nth=1").wait_for(timeout=90_000)
    page.wait_for_function(  # the header's table (the widget's first child) too
        "() => document.querySelectorAll('.livecurve')[1].firstElementChild"
        ".innerText.includes('val_loss')",
        timeout=90_000,
    )
    _wait_still(page, bar.locator(".lc-log[data-family='loss']"))
    page.evaluate(WATCH)
    lost: dict[str, int] = {}
    moved: dict[str, int] = {}  # of the lost presses: those whose control moved meanwhile
    shifted = False

    def check(name: str, ok: bool) -> None:
        if not ok:
            lost[name] = lost.get(name, 0) + 1
            if shifted:
                moved[name] = moved.get(name, 0) + 1

    def state(selector: str, js: str):  # type: ignore[no-untyped-def]
        return bar.locator(selector).first.evaluate(js)

    toggles = {
        "log loss": (".lc-log[data-family='loss']", "e => e.classList.contains('lc-on')"),
        "log accuracy": (".lc-log[data-family='accuracy']", "e => e.classList.contains('lc-on')"),
        "ignore outliers": (".lc-outliers", "e => e.checked"),
        "pan/zoom": (".lc-zoom", "e => e.classList.contains('lc-on')"),
        "legend loss": (".lc-legend input >> nth=0", "e => e.checked"),
        "legend val_loss": (".lc-legend input >> nth=1", "e => e.checked"),
    }
    started = time.monotonic()
    for name, (selector, js) in toggles.items():
        for _ in range(10):
            before = state(selector, js)
            shifted = _press(page, bar.locator(selector).first)
            check(name, state(selector, js) != before)
    # The slider: a press on its track moves it there, and the next redraw leaves it there.
    slider = bar.locator(".lc-smoothing")
    for i in range(10):
        target = 0.2 if i % 2 else 0.8
        _press(page, slider, target)
        value = float(slider.input_value())
        check("smoothing", abs(value - target * 0.99) < 0.06)
        page.wait_for_timeout(100)
        check("smoothing", abs(float(slider.input_value()) - value) < 1e-9)
    # The file name field takes the focus.
    for _ in range(10):
        bar.locator(".lc-save").focus()
        _press(page, bar.locator(".lc-file"))
        check("file name", bar.locator(".lc-file").evaluate("e => document.activeElement === e"))
    # Save: each press writes its own file while the cell is busy.
    status = bar.locator(".lc-status")
    for i in range(10):
        bar.locator(".lc-file").fill(f"press{i}.svg")
        _press(page, bar.locator(".lc-save"))
        check("save", "saving" in status.inner_text() or f"press{i}.svg" in status.inner_text())
        page.wait_for_function(
            f"() => /saved .*press{i}\\.svg/.test("
            "document.querySelectorAll('.livecurve')[1].querySelector('.lc-status').textContent)",
            timeout=20_000,
        )
    # Reset: the wheel zooms in (pan/zoom on) until epoch points leave the plot area; a press
    # on reset brings the whole run back (every point inside again).
    _press(page, bar.locator(".lc-zoom"))
    figure = bar.locator(".bqplot.figure").first
    figure.scroll_into_view_if_needed()
    box = figure.bounding_box()
    for _ in range(10):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(3):
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(30)
        page.wait_for_function(f"fig => ({_OUTSIDE})(fig) > 0", arg=figure.element_handle())
        _press(page, bar.locator(".lc-reset"))
        page.wait_for_timeout(50)
        check("reset", figure.evaluate(_OUTSIDE) == 0)
    _press(page, bar.locator(".lc-zoom"))
    took = time.monotonic() - started
    redraws, replaced = page.evaluate("() => [window.__redraws, window.__replaced]")
    assert cell_busy(page, 1), "the fit ended before the presses did"
    bar.screenshot(path=str(ARTIFACTS / "jupyterlab-presses.png"))
    (folder / "stop").write_text("")
    print(
        f"presses: {took:.1f} s, {redraws} path redraws, {replaced} elements replaced, lost {lost}"
    )
    assert redraws >= 20, redraws  # the kernel redrew all along: the presses met redraws
    assert lost == {}, (lost, "moved during the press:", moved)
    assert all((folder / f"press{i}.svg").exists() for i in range(10))
    _wait_idle(page, 1, 120)

    # 3. Zoomed into 300 of 10^6 steps: the tick labels differ; one panel takes the cell's width.
    run_cell(page, 2)
    _wait_idle(page, 2, 120)
    page.wait_for_function(
        "() => document.querySelectorAll('.livecurve').length >= 3", timeout=60_000
    )
    page.wait_for_function(f"() => ({X_TICKS})().texts.length >= 3", timeout=30_000)
    page.wait_for_timeout(500)
    ticks = page.evaluate(X_TICKS)
    texts = ticks["texts"]
    assert len(set(texts)) == len(texts), texts
    boxes = ticks["boxes"]  # legible: no label overlaps the next one or leaves the figure
    assert all(a[1] + 4 <= b[0] for a, b in itertools.pairwise(boxes)), (texts, boxes)
    assert ticks["left"] <= boxes[0][0] and boxes[-1][1] <= ticks["right"], (texts, boxes)
    assert any("412" in t for t in texts), texts
    assert ticks["figure"] >= 0.9 * ticks["widget"], ticks
    page.locator(".livecurve").nth(2).screenshot(
        path=str(ARTIFACTS / "jupyterlab-zoomed-ticks.png")
    )

    # 4. Compared runs, the cell busy: the run bar hides a whole run, and brings it back.
    run_cell(page, 3)
    page.wait_for_function("() => document.querySelectorAll('.livecurve').length >= 4")
    compared = page.locator(".livecurve").nth(3)
    runs = compared.locator(".lc-runs input")
    runs.nth(1).wait_for(timeout=30_000)
    page.wait_for_function(f"() => ({VISIBLE_LINES})() == 2", timeout=30_000)
    assert cell_busy(page, 3)
    _press(page, runs.nth(1))
    page.wait_for_function(f"() => ({VISIBLE_LINES})() == 1", timeout=5_000)
    compared.screenshot(path=str(ARTIFACTS / "jupyterlab-run-hidden.png"))
    _press(page, runs.nth(1))
    page.wait_for_function(f"() => ({VISIBLE_LINES})() == 2", timeout=5_000)
    assert cell_busy(page, 3), "the cell ended before the run bar was used"


# How many epoch points of a panel lie outside its plot area (zoomed in: some; whole run: none).
_OUTSIDE = """
fig => {
  const area = fig.querySelector('rect.plotarea_background').getBoundingClientRect();
  return [...fig.querySelectorAll('path.dot')].filter(d => {
    const r = d.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    return y < area.top - 1 || y > area.bottom + 1 || x < area.left - 1 || x > area.right + 1;
  }).length;
}
"""
