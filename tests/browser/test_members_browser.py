"""Two runs of Detectron2's grouped statistics in JupyterLab: the legend samples show each member's
line style and marker (colour = run), as the panel draws them (#18).

``livecurve.show`` of two ``metrics.json`` files; the ``fast_rcnn`` panel's legend has one entry
per run and statistic. The test reads the SVG samples the browser drew: a statistic's dash pattern
and marker shape are the same in both runs and differ between statistics, and the line colours
are the runs'. A screenshot is left under ``artifacts/`` to judge.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .. import log_shapes
from .lab import ARTIFACTS, cell_busy, notebook_page, run_cell, write_notebook

pytestmark = pytest.mark.browser

SAMPLES = """
() => {
  const panel = [...document.querySelectorAll('.livecurve .lc-legend')].find(
    (el) => el.textContent.includes('fast_rcnn/false_negative'));
  return [...panel.querySelectorAll('.lc-entry')].map((entry) => {
    const line = entry.querySelector('svg line'), shape = entry.querySelector('svg path');
    return {label: entry.textContent.trim(), colour: line.getAttribute('stroke'),
            dash: line.getAttribute('stroke-dasharray'), shape: shape && shape.getAttribute('d')};
  });
}
"""


def test_the_legend_samples_show_each_statistics_look(tmp_path: Path) -> None:
    a = log_shapes.detectron2_metrics(tmp_path, "a", 0.0)
    b = log_shapes.detectron2_metrics(tmp_path, "b", 0.05)
    write_notebook(
        tmp_path / "members.ipynb",
        f"import livecurve\nplot = livecurve.show([{str(a)!r}, {str(b)!r}], "
        "labels=['baseline', 'wider'])",
    )
    with notebook_page(tmp_path, "members.ipynb", failure_png="members-failure.png") as page:
        run_cell(page, 0)
        deadline = time.monotonic() + 120
        while cell_busy(page, 0) and time.monotonic() < deadline:
            time.sleep(0.5)
        page.wait_for_selector(".livecurve .lc-legend .lc-entry svg path", timeout=60_000)
        samples = page.evaluate(SAMPLES)
        page.locator(".livecurve").first.screenshot(path=str(ARTIFACTS / "members-legend.png"))
    assert len(samples) == 6, samples
    by_label = {s["label"]: s for s in samples}
    looks = {}
    for statistic in ("cls_accuracy", "false_negative", "fg_cls_accuracy"):
        one = by_label[f"baseline · fast_rcnn/{statistic}"]
        other = by_label[f"wider · fast_rcnn/{statistic}"]
        assert (one["dash"], one["shape"]) == (other["dash"], other["shape"]), statistic
        assert one["shape"], "a marker in the sample"
        assert one["colour"] != other["colour"], "colour = run"
        looks[statistic] = (one["dash"], one["shape"])
    assert len(set(looks.values())) == 3, looks
    assert len({shape for _, shape in looks.values()}) == 3, "markers name the statistics"
    assert looks["cls_accuracy"][0] is None and looks["false_negative"][0] == "2,3"
