"""The controls bar: log scale per panel, smoothing, outlier-ignoring y range, pan/zoom, Save.

While ``fit()`` runs the kernel reads no widget messages, so every control acts in the browser:
``controls.js`` (an anywidget ES module) holds references to each panel's bqplot models and
changes them there, without telling the kernel (a browser-only change never travels back with a
later ``save_changes``). Its own state (``smoothing``, ``log_panels``, ``ignore_outliers``) is sent
at once; the kernel reads it when the cell ends and then applies the same state itself (scales,
the smoothed lines over every step), so a redisplayed or reopened widget shows what the user chose.

- **Log scale, per panel**: losses span decades while accuracies sit in [0, 1]; one switch for all
  would spoil one of them. The switch points the axis and every mark at a ``LogScale`` made in
  advance; values <= 0 are left out of a log panel (gaps), and the bar says how many.
- **Smoothing**: the kernel's smoothed line is computed over every step. While the kernel is busy
  the browser only has the drawn (decimated) points, so it draws a *preview*: the same debiased
  moving average over the drawn points, each weighted by the steps it stands for (``dx``). When the
  kernel is free it redraws the exact line.
- **Ignore outliers** (on by default): the kernel sends with each redraw a y range per panel that
  leaves out per-step values far outside the bulk (:func:`robust_range`), never an epoch value;
  the browser applies it as the scales' min/max unless the user zoomed that panel.
- **Pan/zoom** (a toggle: the mouse wheel scrolls the notebook otherwise) and **reset**: bqplot's
  ``PanZoom``, made here so no frontend has to create models.
- **Save**: PNG and SVG are drawn by the browser from what it shows and written next to the
  notebook through the Jupyter server (a download where there is none); other formats are written
  by Python, when the kernel is free.
"""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bqplot as bq
import numpy as np
import traitlets
from ipywidgets import widget_serialization

from ..model.best import best_point, marks_best
from ..model.run import Run
from ..model.yrange import panel_ranges
from .best import best_mark
from .blocks import BLOCK_RUNS, block_of
from .module_widget import ModuleWidget, module_text
from .refs import refs_serialization
from .visibility import Visibility


def _kernel_id() -> str:
    """This kernel's id (the browser finds the notebook's folder by it), or ""."""
    with contextlib.suppress(Exception):
        import ipykernel

        return Path(ipykernel.get_connection_file()).stem.removeprefix("kernel-")
    return ""


class Controls(ModuleWidget):
    """The bar under the panels; see the module's doc. State in traits, behaviour in controls.js.

    Args:
        smoothing: the smoothed lines' weight the slider starts at.
        on_smoothing: called with a new weight when the slider moved (once the kernel is free).
        save: called with a file name for formats the browser cannot draw (pdf, html, csv, json).
    """

    _esm = module_text(pathlib.Path(__file__).with_name("controls.js"))
    _css = module_text(pathlib.Path(__file__).with_name("controls.css"))

    panels: traitlets.List[Any] = traitlets.List().tag(sync=True, **refs_serialization)
    # The figure's visibility: the browser finds each panel's series marks in its blocks (by
    # x scale); ``panels`` lists a panel's grey marks only, so a new trial sends no mark list.
    visibility = traitlets.Instance(Visibility, allow_none=True).tag(
        sync=True, **widget_serialization
    )
    smoothing = traitlets.Float(0.6).tag(sync=True)
    kernel_smoothing = traitlets.Float(0.6).tag(sync=True)
    has_steps = traitlets.Bool(False).tag(sync=True)
    log_panels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    ignore_outliers = traitlets.Bool(True).tag(sync=True)
    ranges = traitlets.Dict().tag(sync=True)  # family -> {lin, log, log_floor, hidden, dx, x}
    filename = traitlets.Unicode("training.png").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    kernel_id = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        smoothing: float,
        on_smoothing: Callable[[float], None],
        save: Callable[[str], Path],
    ) -> None:
        super().__init__(smoothing=smoothing, kernel_smoothing=smoothing, kernel_id=_kernel_id())
        self._on_smoothing = on_smoothing
        self._save = save
        self.y_log: dict[str, bq.LogScale] = {}
        self.panzoom: dict[str, bq.interacts.PanZoom] = {}
        self.best: dict[tuple[str, int, str], bq.Scatter] = {}
        self._drawn: dict[str, tuple] = {}  # family -> what was drawn when its ranges were made
        # (family, series key) -> the series' drawn version its best marker was placed for
        self._best_for: dict[tuple[str, tuple], int] = {}
        # (family, series key) -> (drawn versions, its y values, its epoch values, its x ends):
        # a new trial's series adds its own values; the others' are not read again
        self._values: dict[tuple[str, tuple], tuple] = {}
        self._marks_seen = -1
        self._look_at_all = False  # recoloured: every series' best marker at the next refresh
        self._waiting: set[int] = set()  # runs with a series whose best marker waits a redraw
        # (family, block of runs) -> (what its series drew, their y values, epoch values, ends)
        self._block_values: dict[tuple[str, int], tuple] = {}
        self.observe(self._slider_moved, "smoothing")
        self.observe(self._apply_scales, "log_panels")
        self.on_msg(self._message)

    # -- kernel side of each control -----------------------------------------------------
    def _slider_moved(self, change: dict) -> None:
        if change["new"] != self.kernel_smoothing:
            self._on_smoothing(change["new"])

    def _apply_scales(self, _change: Any = None) -> None:
        """Point each panel's axis, marks and pan/zoom at its linear or log scale."""
        for family, view in self._views.items():
            scale = self.y_log[family] if family in self.log_panels else view.y_scale
            axis = view.figure.axes[1]
            if axis.scale is not scale:
                axis.scale = scale
            for mark in view.all_marks():  # drawn or not (a grey run's own marks)
                if mark.scales.get("y") is not scale:
                    mark.scales = {**mark.scales, "y": scale}
            zoom = self.panzoom[family]
            if zoom.scales.get("y") != [scale]:
                zoom.scales = {"x": [view.x_scale], "y": [scale]}

    def _message(self, _widget: Any, content: dict, _buffers: list) -> None:
        if content.get("event") != "save":
            return
        name = str(content.get("name", ""))
        try:
            path = self._save(name)
        except Exception as exc:  # shown to the user, never raised into the frontend
            self.status = f"not saved: {exc}"
        else:
            self.status = f"saved {path} (by Python)"

    # -- following the view --------------------------------------------------------------
    def refresh(
        self,
        panels: dict[str, Any],
        runs: list[Run],
        attach: Callable[[tuple, Any], None],
        runs_changed: set[int] | None = None,
    ) -> None:
        """Called after each redraw: new panels and series, best markers, y ranges.

        ``attach(key, mark)`` lets a series' checkbox show and hide a best marker made here.
        ``runs_changed``: the runs whose series may have been drawn anew (None: any); only
        their series are looked at, so adding trial 200 costs what adding trial 2 does.
        """
        self._views = panels
        every = runs_changed is None or self._look_at_all
        self._look_at_all = False
        waiting, self._waiting = self._waiting, set()
        for family, view in panels.items():
            if family not in self.y_log:
                self.y_log[family] = bq.LogScale()
                self.panzoom[family] = bq.interacts.PanZoom(
                    scales={"x": [view.x_scale], "y": [view.y_scale]}
                )
            looked = view.of_runs(None if every or runs_changed is None else runs_changed | waiting)
            for marks in looked:
                key = (marks.run_index, marks.name)
                # Only series drawn anew since the last redraw move their best marker.
                if self._best_for.get((family, key)) == marks.drawn_version:
                    continue
                if view.tips.is_fresh(marks.dots):
                    self._waiting.add(key[0])  # made by this redraw while training: next one
                    continue
                self._best_for[(family, key)] = marks.drawn_version
                run_index, name = key
                self._ensure_best(family, view, run_index, name, marks, attach, runs[run_index])
                self._update_best(family, run_index, name, runs[run_index], marks)
        n_marks = sum(view.mark_count() for view in panels.values())
        if n_marks != self._marks_seen:
            self._marks_seen = n_marks
            if self.log_panels:
                self._apply_scales()
            wanted = [self._panel_models(f, v) for f, v in panels.items()]
            if wanted != self.panels:
                self.panels = wanted
            if not self.has_steps:
                self.has_steps = any(run.steps is not None and len(run.steps) for run in runs)
        self._update_ranges(panels, runs, None if every else runs_changed)

    def recoloured(self) -> None:
        """The view changed the marks' colours: the best markers follow at the next refresh."""
        self._best_for.clear()
        self._look_at_all = True

    def _ensure_best(self, family, view, run_index, name, marks, attach, run) -> None:  # type: ignore[no-untyped-def]
        key = (family, run_index, name)
        if key in self.best or not marks_best(name):
            return
        # Made holding its point: 200 runs' markers would each send one more message.
        point = best_point(run, name)
        scales = dict(marks.line.scales)
        mark = best_mark(marks.line.colors[0], scales, name, point)
        self.best[key] = mark
        view.add_run_mark(run_index, mark, tip=f"best {name}")  # drawn while its run is named
        attach((run_index, name), mark)

    def _update_best(self, family: str, run_index: int, name: str, run: Run, marks: Any) -> None:
        mark = self.best.get((family, run_index, name))
        if mark is None:
            return
        point = best_point(run, name)
        x, y = ([point[0]], [point[1]]) if point else ([], [])
        if list(mark.x) != x or list(mark.y) != y:
            with mark.hold_sync():
                mark.x, mark.y = np.array(x, dtype=float), np.array(y, dtype=float)
        if mark.colors != marks.line.colors:
            mark.colors = list(marks.line.colors)

    def _panel_models(self, family: str, view: Any) -> dict[str, Any]:
        return {
            "family": family,
            "figure": view.figure,
            "axis": view.figure.axes[1],
            "x_axis": view.figure.axes[0],
            "x_scale": view.x_scale,
            "y_lin": view.y_scale,
            "y_log": self.y_log[family],
            "panzoom": self.panzoom[family],
            "marks": list(view.greys.marks.values()),  # the others: in the visibility's blocks
            "steps": [[m.raw, m.smooth] for m in view.stepped],
        }

    def _update_ranges(
        self, panels: dict[str, Any], runs: list[Run], runs_changed: set[int] | None = None
    ) -> None:
        """Each panel's y range over every series it draws; a panel's series are gathered by
        block of runs (view.blocks.BLOCK_RUNS), and only the blocks of ``runs_changed`` (None:
        every block) are gathered again."""
        ranges = dict(self.ranges)
        for family, view in panels.items():
            if runs_changed is None:
                stale = {block_of(index) for index in view.run_indices()}
            else:
                stale = {block_of(index) for index in runs_changed}
            for number in stale:
                self._gather_block(family, view, number)
            # What the panel drew, by version (an array's id() can be reused by the next one).
            held = sorted(
                (number, entry) for (f, number), entry in self._block_values.items() if f == family
            )
            identity = tuple(entry[0] for _n, entry in held)
            if identity == self._drawn.get(family):
                continue
            self._drawn[family] = identity
            # The smoothed lines are averages of the raw values: they add nothing to the range.
            arrays = [entry[1] for _n, entry in held if entry[1].size]
            epochs = [entry[2] for _n, entry in held if entry[2].size]
            entry = panel_ranges(
                np.concatenate(arrays) if arrays else np.zeros(0),
                keep=np.concatenate(epochs) if epochs else None,  # never left out
            )
            entry["dx"] = _step_dx(view, runs)
            ends = [end for _n, held_entry in held for end in held_entry[3]]
            entry["x"] = [min(ends), max(ends)] if ends else None  # for the x tick labels
            ranges[family] = entry
        if ranges != self.ranges:
            self.ranges = ranges

    def _gather_block(self, family: str, view: Any, number: int) -> None:
        """The values of one block of runs' series in a panel, gathered again when one of them
        was drawn anew."""
        first = number * BLOCK_RUNS
        series = view.of_runs(set(range(first, first + BLOCK_RUNS)))
        identity = tuple((m.run_index, m.name, m.drawn_version, m.drawn_steps) for m in series)
        held = self._block_values.get((family, number))
        if held is not None and held[0] == identity:
            return
        values = [self._series_values(family, (m.run_index, m.name), m) for m in series]
        arrays = [a for _v, ys, _e, _x in values for a in ys]
        epochs = [e for _v, _ys, e, _x in values if e is not None]
        ends = [end for _v, _ys, _e, x in values for end in x]
        ends = [min(ends), max(ends)] if ends else []
        empty = np.zeros(0)
        self._block_values[(family, number)] = (
            identity,
            np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
            if arrays
            else empty,
            np.concatenate([np.asarray(e, dtype=np.float64).ravel() for e in epochs])
            if epochs
            else empty,
            ends,
        )

    def _series_values(self, family: str, key: tuple, marks: Any) -> tuple:
        """``(versions, y arrays, epoch values, x ends)`` of one series as drawn (cached)."""
        versions = (marks.drawn_version, marks.drawn_steps)
        cached = self._values.get((family, key))
        if cached is not None and cached[0] == versions:
            return cached
        ys, ends = [], []
        for mark in (marks.raw, marks.line):
            if mark is None:
                continue
            if mark.y is not None and mark.y.size:
                ys.append(mark.y)
            x = mark.x
            if x is not None and x.size:
                ends += [float(x[i]) for i in (0, -1) if np.isfinite(x[i])]
        line_y = marks.line.y
        epochs = line_y if line_y is not None and line_y.size else None
        found = (versions, ys, epochs, ends)
        self._values[(family, key)] = found
        return found

    def picture_options(self) -> dict[str, Any]:
        """What a saved picture takes from the controls: log panels and the outlier range."""
        return {"log_panels": tuple(self.log_panels), "ignore_outliers": self.ignore_outliers}


def _step_dx(view: Any, runs: list[Run]) -> float | None:
    """The x distance between two steps of the panel's per-step lines (for the preview)."""
    for marks in view.stepped:  # the series with a per-step line (few of a search's trials)
        steps = runs[marks.run_index].steps
        x = marks.raw.x
        if steps is not None and len(steps) > 1 and x is not None and x.size > 1:
            return float(x[-1] - x[0]) / (len(steps) - 1) or None
    return None
