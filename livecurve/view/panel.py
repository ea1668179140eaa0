"""One bqplot figure for one metric family, with a line and a marker layer per series."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import bqplot as bq
import numpy as np
import traitlets

from .. import style
from ..model.decimate import RunDigests, TableDigest
from ..model.downsample import minmax
from ..model.names import parse
from ..model.run import Run
from ..model.series import Series
from .grey import GREY_CHUNK, GreyRows
from .refs import refs_serialization
from .tips import Tips

__all__ = ["GREY_CHUNK", "Figure", "PanelView", "SeriesMarks"]


class Figure(bq.Figure):
    """A bqplot ``Figure`` whose ``marks`` list is not checked mark by mark when assigned.

    bqplot validates every element of a new ``marks`` list; a search's panel holds two marks per
    trial, so adding trial 200 would check 400 marks in each panel. The view only ever puts
    bqplot marks there. The browser sees the same ``FigureModel``.
    """

    marks: traitlets.List[bq.Mark] = traitlets.List().tag(sync=True, **refs_serialization)


@dataclass
class SeriesMarks:
    """The marks that draw one series of one run.

    ``line`` and ``dots`` draw its points (epoch values), the dots carrying tooltips; ``raw``
    (faint) and ``smooth`` its per-batch / per-step values, made when it first has some (a
    validation series or an epoch-only ``fit()`` never has: fewer widgets to build in ``fit()``).
    """

    run_index: int
    name: str
    line: bq.Lines
    dots: bq.Scatter
    raw: bq.Lines | None = None
    smooth: bq.Lines | None = None
    drawn_version: int = -1
    drawn_steps: int = -1  # the digest's version of this series' rows, as drawn
    validation: bool = False  # a validation series (the grey runs' dashed lines)

    @property
    def marks(self) -> tuple[bq.Mark, ...]:
        if self.raw is None or self.smooth is None:
            return self.line, self.dots
        return self.raw, self.smooth, self.line, self.dots

    def paint(self, colour: str) -> None:
        """Draw every mark of the series in ``colour`` (a validation series' dots stay hollow)."""
        for mark in (self.raw, self.smooth, self.line):
            if mark is not None:
                mark.colors = [colour]
        self.dots.colors = [style.VALIDATION_FILL if self.validation else colour]
        self.dots.stroke = colour


class PanelView:
    """A bqplot ``Figure`` showing one metric family (e.g. ``loss`` and ``val_loss``)."""

    def __init__(
        self,
        family: str,
        axis_label: str,
        max_points: int,
        frame: tuple[bq.Scale, bq.Scale] | None = None,
    ) -> None:
        """``frame``: the figure's own 0–1 scales, one pair for all the panels of a view."""
        self.family = family
        self.max_points = max_points
        self.axis_label = axis_label
        self.x_scale = bq.LinearScale()
        self.y_scale = bq.LinearScale()
        # Steps run to millions: "200k", "1M" rather than "1000000" ticks running into each other.
        self.x_axis = bq.Axis(
            scale=self.x_scale,
            label=axis_label,
            grid_lines="solid",
            tick_format="~g" if axis_label == "epoch" else "~s",
        )
        y_axis = bq.Axis(
            scale=self.y_scale,
            orientation="vertical",
            label=family,
            grid_lines="solid",
            tick_format="~g",
            label_offset="50px",
        )
        self.figure = Figure(
            title=family,
            marks=[],
            axes=[self.x_axis, y_axis],
            fig_margin={"top": 40, "bottom": 45, "left": 70, "right": 30},
            animation_duration=0,
            **({} if frame is None else {"scale_x": frame[0], "scale_y": frame[1]}),
            padding_x=0.02,  # the last epoch's marker and best diamond are not cut in half
            layout={
                "width": "100%",
                "min_width": f"{style.PANEL_WIDTH_PX - 80}px",
                "height": f"{style.PANEL_HEIGHT_PX}px",
            },
        )
        self.figure.title_style = {"font-size": "15px", "font-weight": "600"}
        self.series: dict[tuple[int, str], SeriesMarks] = {}
        self.new_marks: list[tuple[tuple[int, str], bq.Mark]] = []  # made by refresh, for the view
        # The markers' tooltips (two widgets each): the named runs' only, and while training
        # a marker made by a redraw gets its tooltip at the next one (defer_tooltips).
        self.tips = Tips(axis_label)
        self.defer_tooltips = False
        # Every run mark of the panel: id(mark) -> (run index, layer, order, mark). The figure
        # draws those of the named runs (named: None for every run); the others' series are the
        # rows of one grey Lines mark per split (self.greys), so a new trial changes that
        # mark's data rather than the figure's marks list (bqplot lays every mark out again).
        self._owned: dict[int, tuple[int, int, int, bq.Mark]] = {}
        self.named: set[int] | None = None
        # The grey runs' lines: one mark per split and block of GREY_CHUNK runs (view.grey).
        self.greys = GreyRows({"x": self.x_scale, "y": self.y_scale})
        self._owned_by_run: dict[int, list[int]] = {}  # run index -> ids of its marks
        self.stepped: list[SeriesMarks] = []  # the series with per-step lines
        self._arranged = True
        self._by_run: dict[int, list[SeriesMarks]] = {}  # run index -> its series' marks
        self._indexed = 0  # how many of self.series are in _by_run
        self._x_ends: dict[tuple[int, str], tuple[int, tuple[float, float] | None]] = {}
        self._ticks_stale = False  # series made holding their points: the ticks follow them
        self._ticks_seen = 0  # how many of self.series the ticks looked at
        self._x_bounds: tuple[float, float] | None = None  # every series' x extent together

    def _drawn(self, series: Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What a series' line (x, y) and epoch dots (x, y) draw of its points."""
        x, y = series.snapshot()
        x, y = minmax(x, y, self.max_points)
        finite = np.isfinite(y)
        if finite.sum() <= style.MAX_MARKERS:
            return x, y, x[finite], y[finite]
        return x, y, np.zeros(0), np.zeros(0)

    def add_series(
        self,
        run_index: int,
        name: str,
        colour: str,
        look: style.MemberStyle | None = None,
        run: Run | None = None,
    ) -> SeriesMarks:
        """Create (once) the marks for ``name`` of run ``run_index``, drawn in ``colour``;
        ``look``: line style and marker (a group's member when runs are compared). With ``run``,
        the marks are made holding its points: the browser gets them with the marks, not in one
        more message per mark (a figure of 200 runs made 1600 messages more, and Jupyter drops
        a kernel's messages past 1000 a second)."""
        key = (run_index, name)
        if key in self.series:
            return self.series[key]
        validation = parse(name).is_validation
        look = look or style.member_style(0, validation, 1)
        scales = {"x": self.x_scale, "y": self.y_scale}
        series = run.points(name) if run is not None else None
        version = -1 if series is None else series.version  # read before its points are
        empty = np.zeros(0)
        x, y, dots_x, dots_y = (empty,) * 4 if series is None else self._drawn(series)
        line = bq.Lines(
            x=x,
            y=y,
            scales=scales,
            colors=[colour],
            stroke_width=style.LINE_WIDTH,
            line_style=look.line_style,
            labels=[name],
            display_legend=False,
        )
        dots = bq.Scatter(
            x=dots_x,
            y=dots_y,
            scales=scales,
            # Validation markers look hollow but are filled white: SVG only hit-tests painted
            # areas, and an unfilled ring would show no tooltip when hovered in its centre.
            # The fill is the theme's background (white outside JupyterLab): no glare when dark.
            colors=[style.VALIDATION_FILL if validation else colour],
            default_size=style.MARKER_AREA_PX,
            marker=look.marker,
            stroke=colour,
            stroke_width=1.5,
            fill=True,
            tooltip=None,  # given by self.tips while the run is drawn on its own
            labels=[name],
        )
        self.tips.add(run_index, dots, name, fresh=self.defer_tooltips)
        marks = SeriesMarks(run_index, name, line, dots, validation=validation)
        if series is not None:
            marks.drawn_version = version
            self._ticks_stale = True
        self.series[key] = marks
        # The live run (index 0) on top of compared runs (sent by arrange).
        self._own(run_index, [line, dots], layer=2 if run_index == 0 else 1)
        return marks

    def _own(self, run_index: int, marks: list[bq.Mark], layer: int) -> None:
        for mark in marks:
            self._owned[id(mark)] = (run_index, layer, len(self._owned), mark)
            self._owned_by_run.setdefault(run_index, []).append(id(mark))
        self._arranged = False
        if not self._is_named(run_index):
            self.greys.touch(run_index)

    def mark_count(self) -> int:
        """How many marks the panel holds, drawn or not (:meth:`all_marks` without the list)."""
        return len(self.greys.marks) + len(self._owned)

    def run_indices(self) -> list[int]:
        """The runs with a series in the panel."""
        self._index()
        return list(self._by_run)

    def add_run_mark(self, run_index: int, mark: bq.Mark, tip: str | None = None) -> None:
        """A mark of run ``run_index`` other than its series' (a best marker), on top of them:
        in the figure while the run is named; ``tip``: a marker layer's tooltip label."""
        self._own(run_index, [mark], layer=3)
        if tip is not None:
            self.tips.add(run_index, mark, tip)

    def all_marks(self) -> list[bq.Mark]:
        """Every mark of the panel, drawn or not: the grey lines, then every run's marks."""
        owned = sorted(self._owned.values(), key=lambda item: item[2])
        return [*self.greys.marks.values(), *(item[3] for item in owned)]

    def _is_named(self, run_index: int) -> bool:
        return self.named is None or run_index in self.named

    def set_named(self, named: set[int] | None) -> None:
        """Draw the runs in ``named`` (None: every run) with their own marks, the others as
        rows of the grey lines; sent by :meth:`arrange`."""
        if named != self.named:
            if named is None or self.named is None:
                self.greys.everything = True
            else:  # the blocks of the runs that leave or join the named ones
                for index in named ^ self.named:
                    self.greys.touch(index)
            self.named = None if named is None else set(named)
            self._arranged = False

    def flush_marks(self) -> None:
        """Send the figure's marks as they are now wanted (see :meth:`arrange`)."""
        self.arrange()

    def arrange(self) -> None:
        """Send the grey lines' rows and the figure's ``marks`` (once per redraw, when changed).

        The figure holds the grey lines (drawn first, under everything: a block made later is
        listed after the named runs' marks and put under them in the browser), then the named
        runs' marks.
        New marks go after the marks the browser already has, never before them: bqplot's
        figure keeps the views of the unchanged start of its list and builds every mark after
        the first change again. Among the new ones: per-step layers under points, the live run
        (index 0) on top, best markers last.
        """
        self.tips.follow(self.named)
        if self.greys.due and self.greys.draw(self._grey_series, self._blocks):
            self._arranged = False
        if self._arranged:
            return
        self._arranged = True
        grey = self.greys.drawn()
        greys = {id(mark) for mark in self.greys.marks.values()}
        drawn_grey = {id(mark) for mark in grey}
        kept = []
        for mark in self.figure.marks:
            owner = self._owned.get(id(mark))
            if id(mark) in greys:
                if id(mark) in drawn_grey:
                    kept.append(mark)
            elif owner is None or self._is_named(owner[0]):
                kept.append(mark)
        shown = {id(mark) for mark in kept}
        if self.named is None:
            candidates: Iterable[int] = self._owned
        else:  # the named runs' marks only: a few runs, not 200
            candidates = (m for run in self.named for m in self._owned_by_run.get(run, ()))
        added = sorted(
            (*self._owned[mark_id][1:3], mark_id) for mark_id in candidates if mark_id not in shown
        )
        # A new grey block (every GREY_CHUNK runs) goes after the marks the browser has too,
        # not before the named runs' (bqplot would build all of theirs again: ~1 s at 200
        # runs); the browser draws the grey marks first, under the others (visibility.js).
        new_grey = [mark for mark in grey if id(mark) not in shown]
        marks = [*kept, *new_grey, *(self._owned[mark_id][3] for _l, _o, mark_id in added)]
        current = self.figure.marks
        if len(marks) != len(current) or any(a is not b for a, b in zip(marks, current)):
            self.figure.marks = marks

    def _grey_series(self, block: int) -> list[SeriesMarks]:
        """The series of the runs of ``block`` that are not named (the grey rows)."""
        runs = set(range(block * GREY_CHUNK, (block + 1) * GREY_CHUNK))
        return [marks for marks in self.of_runs(runs) if not self._is_named(marks.run_index)]

    def _blocks(self) -> set[int]:
        """Every block of runs with a series in the panel."""
        return {index // GREY_CHUNK for index in self.run_indices()}

    def _add_step_marks(self, marks: SeriesMarks) -> tuple[bq.Lines, bq.Lines]:
        """Make the faint and smoothed lines of a series that now has per-step values."""
        scales = dict(marks.line.scales)
        colour = marks.line.colors[0]
        raw = bq.Lines(
            x=np.zeros(0, dtype=np.float32),
            y=np.zeros(0, dtype=np.float32),
            scales=scales,
            colors=[colour],
            opacities=[style.RAW_OPACITY],
            stroke_width=style.RAW_WIDTH,
            labels=[f"{marks.name} (per step)"],
            display_legend=False,
        )
        smooth = bq.Lines(
            x=np.zeros(0, dtype=np.float32),
            y=np.zeros(0, dtype=np.float32),
            scales=scales,
            colors=[colour],
            stroke_width=style.SMOOTH_WIDTH,
            labels=[f"{marks.name} (smoothed)"],
            display_legend=False,
        )
        marks.raw, marks.smooth = raw, smooth
        self.stepped.append(marks)
        # Per-step layers under the points made with them (sent by arrange).
        self._own(marks.run_index, [raw, smooth], layer=0)
        key = (marks.run_index, marks.name)
        self.new_marks += [(key, raw), (key, smooth)]
        return raw, smooth

    def refresh(
        self, runs: list[Run], digests: RunDigests, runs_changed: set[int] | None = None
    ) -> None:
        """Send the arrays of every series whose data changed since the last refresh.

        ``digests`` hold what to draw of the per-step values; the caller brought them up to date.
        ``runs_changed``: the runs that may have changed (None: any); the other runs' series are
        not looked at, so a search's 200th trial costs what its second does.
        """
        changed = False
        for marks in self.of_runs(runs_changed):
            run = runs[marks.run_index]
            digest = digests.get(marks.run_index)
            if digest is not None and run.has_steps(marks.name):
                changed |= self._refresh_steps(marks, run, digest)
            series = run.points(marks.name)
            if series is None or series.version == marks.drawn_version:
                continue
            marks.drawn_version = series.version
            changed = True
            if not self._is_named(marks.run_index):
                self.greys.touch(marks.run_index)
            x, y, dots_x, dots_y = self._drawn(series)
            with marks.line.hold_sync(), marks.dots.hold_sync():
                marks.line.x, marks.line.y = x, y
                marks.dots.x, marks.dots.y = dots_x, dots_y
        if (changed or self._ticks_stale) and self.axis_label == "epoch":
            self._integer_ticks(runs, runs_changed)
        self._ticks_stale = False

    def of_runs(self, runs: set[int] | None) -> list[SeriesMarks]:
        """The marks of the series of ``runs`` (None: of every run), by run."""
        if runs is None:
            return list(self.series.values())
        self._index()
        return [marks for index in sorted(runs) for marks in self._by_run.get(index, ())]

    def _index(self) -> None:
        """Index the series added since the last look by run (series are only added)."""
        if self._indexed != len(self.series):
            for marks in itertools.islice(self.series.values(), self._indexed, None):
                self._by_run.setdefault(marks.run_index, []).append(marks)
            self._indexed = len(self.series)

    def _refresh_steps(self, marks: SeriesMarks, run: Run, digest: TableDigest) -> bool:
        """Send the series' faint and smoothed lines when its digest changed."""
        drawn = digest.versions.get(marks.name, -1)  # never repeated, whichever the digest
        if drawn == marks.drawn_steps:
            return False
        marks.drawn_steps = drawn
        if not self._is_named(marks.run_index):
            self.greys.touch(marks.run_index)
        if marks.raw is None or marks.smooth is None:
            raw, smooth = self._add_step_marks(marks)
        else:
            raw, smooth = marks.raw, marks.smooth
        x, y = run.steps.gather(marks.name, digest.raw_rows(marks.name), np.float32)
        with raw.hold_sync(), smooth.hold_sync():
            raw.x, raw.y = x.astype(np.float32), y
            if digest.smoothing:
                rows, smoothed = digest.smoothed(marks.name)
                smooth.x = run.steps.x_at(rows).astype(np.float32)
                smooth.y = smoothed.astype(np.float32)
            elif smooth.x.size:
                smooth.x = smooth.y = np.zeros(0, dtype=np.float32)
        return True

    def _integer_ticks(self, runs: list[Run], runs_changed: set[int] | None = None) -> None:
        """Whole-epoch ticks while few epochs are shown (auto ticks would read 1.2, 1.4, ...).

        Each series' x extent is read when it changed: the series of ``runs_changed`` (None:
        every run) and those made since the last look; the panel's bounds grow with them and
        are taken again over every series only when one that held a bound shrank.
        """
        looked = self.of_runs(runs_changed) if runs_changed is not None else []
        looked += list(itertools.islice(self.series.values(), self._ticks_seen, None))
        self._ticks_seen = len(self.series)
        every = runs_changed is None or self._x_bounds is None
        bounds = self._x_bounds
        for marks in self.series.values() if every else looked:
            key = (marks.run_index, marks.name)
            cached = self._x_ends.get(key)
            if cached is not None and cached[0] == marks.drawn_version:
                continue
            points = runs[marks.run_index].points(marks.name)
            extent = None
            if points is not None and len(points):
                extent = (float(points.x.min()), float(points.x.max()))
            self._x_ends[key] = (marks.drawn_version, extent)
            old = None if cached is None else cached[1]
            if every or bounds is None:
                continue
            if (
                old is not None
                and (old[0] <= bounds[0] or old[1] >= bounds[1])
                and (extent is None or extent[0] > old[0] or extent[1] < old[1])
            ):
                every = True  # a bound may have gone: all of them again
                continue
            if extent is not None:
                bounds = (min(bounds[0], extent[0]), max(bounds[1], extent[1]))
        if every:
            ends = [held[1] for held in self._x_ends.values() if held[1] is not None]
            bounds = (min(e[0] for e in ends), max(e[1] for e in ends)) if ends else None
        self._x_bounds = bounds
        if bounds is None:
            return
        low, high = bounds
        if high - low <= 12 and float(low).is_integer():
            ticks = np.arange(np.ceil(low), np.floor(high) + 1)
            current = self.x_axis.tick_values
            if current is None or not np.array_equal(current, ticks):
                self.x_axis.tick_values = ticks
        elif self.x_axis.tick_values is not None:
            self.x_axis.tick_values = None
