"""The live figure: header, one panel per metric family, a checkbox per series, a save button.

A thin adapter over the data model: :meth:`CurveView.refresh` reads the runs and changes the arrays
of the marks it already has; it never rebuilds the figure. Which series and runs are shown has one
owner, :class:`Visibility` (one synced model per figure): the panels' legends and the run bar are
views of it, and it alone hides marks, in the browser too, so a click hides a line while ``fit()``
is still running and the kernel cannot read widget messages; Python sees the same state (and
``LivePlot.visible`` follows it) once the cell ends.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bqplot as bq
import ipywidgets as widgets

from .. import style
from ..model.decimate import RunDigests
from ..model.names import parse
from ..model.progress import Progress
from ..model.run import Run, families
from .bands import BandPanels
from .controls import Controls
from .header import Header
from .legend import Legend
from .panel import PanelView
from .runs_table import RunsTable
from .steps_store import StepsStore  # full-resolution zoom (issue 21)
from .visibility import BANDS, RunBox, Visibility

SeriesKey = tuple[int, str]


def grid_columns(columns: int, n_panels: int) -> str:
    """The grid's CSS columns: no more than there are panels, so one panel uses the cell's width.

    Example:
        >>> grid_columns(2, 1)
        '1fr'
        >>> grid_columns(2, 5)
        'repeat(2, minmax(360px, 1fr))'
    """
    n = max(1, min(columns, n_panels))
    return f"repeat({n}, minmax({style.PANEL_WIDTH_PX - 80}px, 1fr))" if n > 1 else "1fr"


class CurveView:
    """The ipywidgets/bqplot view of a list of runs.

    Args:
        runs: the runs to draw (the list is read on every refresh, so runs can be added).
        progress: the training progress shown in the header.
        visible: ``LivePlot.visible``: read for the starting state of each series, then kept a
            mirror of :attr:`visibility` (whether each series is drawn), which pictures read.
        save: called with a path when the user presses the save button; returns the saved path.
        max_points: the most points sent to the browser per series (longer series are reduced).
        smoothing: the weight of the smoothed line over per-step values (0: none).
    """

    def __init__(
        self,
        runs: list[Run],
        progress: Progress,
        visible: dict[SeriesKey, bool],
        save: Callable[[str], Path],
        *,
        title: str | None = None,
        max_points: int = 2000,
        columns: int = 2,
        smoothing: float = 0.0,
    ) -> None:
        self.runs = runs
        self.progress = progress
        self.visible = visible
        self.max_points = max_points
        self.header = Header(title)
        self.panels: dict[str, PanelView] = {}
        # The one owner of which series and runs are shown; displayed, it is the run bar.
        self.visibility = Visibility(self._shown_changed)
        self.legends: dict[str, Legend] = {}  # family -> the checkboxes under its panel
        self._legend_of: dict[SeriesKey, Legend] = {}
        self.run_boxes: dict[int, RunBox] = {}  # made when a second run comes
        self._coloured_for = 1  # the number of runs the marks are coloured for
        self._named_for: tuple = ()  # many runs: the named runs and series last coloured for
        self._frame_scales: tuple[bq.Scale, bq.Scale] | None = None
        self.bands = BandPanels(self._axis(), max_points)
        buckets = max(max_points // style.RAW_POINTS_PER_BUCKET, 2)
        self.digests = RunDigests(buckets, smoothing)
        self.columns = columns
        self.grid = widgets.GridBox(
            [], layout={"grid_template_columns": "1fr", "grid_gap": "4px 12px", "width": "100%"}
        )
        # Log scale, smoothing, outliers, pan/zoom and Save: they work while fit() runs.
        self.controls = Controls(smoothing, self.set_smoothing, save)
        self.steps_store = StepsStore(self.controls)  # every drawn step, for zoom in the browser
        # The runs table (two runs or more: a search's trials), and the search it follows.
        self.runs_table = RunsTable()
        self.search: object | None = None  # a keras.search.Search sets itself here
        self.widget = widgets.VBox(
            [
                self.header.box,
                self.visibility,
                self.grid,
                self.controls,
                self.runs_table,
                self.steps_store,
            ],
            layout={"width": "100%"},
        )
        self.widget.add_class("livecurve")

    # -- building ------------------------------------------------------------------------
    def _frame(self) -> tuple[bq.Scale, bq.Scale]:
        """The 0–1 scales every panel's figure needs for itself: one pair for all panels."""
        if self._frame_scales is None:
            self._frame_scales = (
                bq.LinearScale(min=0, max=1, allow_padding=False),
                bq.LinearScale(min=0, max=1, allow_padding=False),
            )
        return self._frame_scales

    def _axis(self) -> str:
        return style.axis_label(self.runs[0].axis) if self.runs else "epoch"

    def _ensure_marks(self) -> None:
        n_runs = len(self.runs)
        new_panels = False
        order = families(self.runs)
        for run_index, run in enumerate(self.runs):
            for panel in run.panels():
                view = self.panels.get(panel.family)
                if view is None:
                    view = PanelView(panel.family, self._axis(), self.max_points, self._frame())
                    self.panels[panel.family] = view
                    self.legends[panel.family] = Legend(self.visibility)
                    new_panels = True
                for name in panel.names:
                    if (run_index, name) not in view.series:
                        member = panel.member_index(name)
                        by_output = panel.by_output  # runs: one colour per output of a model
                        colour = style.colour(
                            panel.family, order, run_index, n_runs, member, by_output=by_output
                        )
                        self._add_series(view, run_index, name, colour, member)
            if n_runs > 1 and run_index not in self.run_boxes:
                self._add_run_box(run_index, run)
        for run_index, marks in self.bands.ensure(self.runs):
            new_panels = True  # a run's bands follow its checkbox in the run bar
            self.visibility.add((run_index, f"{BANDS}{id(marks)}"), marks.marks)
        if (n_runs > 1) != (self._coloured_for > 1):
            # One run is coloured by metric, several by run (a colour fixed by the run's index):
            # only going from one to several (or back) changes the colours already drawn.
            self._recolour(order)
        if new_panels:  # in panel order, as in the saved picture; distributions after
            self.panels = {family: self.panels[family] for family in order}
            children = [
                widgets.VBox([self.panels[family].figure, self.legends[family]]) for family in order
            ] + self.bands.figures()
            self.grid.layout.grid_template_columns = grid_columns(self.columns, len(children))
            self.grid.children = children

    def _recolour(self, order: list[str]) -> None:
        """A second run came (a search's next trial): colour every series by its run instead."""
        n_runs = self._coloured_for = len(self.runs)
        for family, view in self.panels.items():
            colours = {}
            for (run_index, name), marks in view.series.items():
                panel = next(p for p in self.runs[run_index].panels() if p.family == family)
                member = panel.member_index(name)
                colour = style.colour(
                    family, order, run_index, n_runs, member, by_output=panel.by_output
                )  # runs: by_output
                validation = parse(name).is_validation
                for mark in (marks.raw, marks.smooth, marks.line):
                    if mark is not None:
                        mark.colors = [colour]
                marks.dots.colors = [style.VALIDATION_FILL if validation else colour]
                marks.dots.stroke = colour
                look = style.member_style(member, validation, n_runs)  # members: style, marker
                marks.line.line_style, marks.dots.marker = look.line_style, look.marker
                colours[(run_index, name)] = {
                    "colour": colour,
                    "line_style": look.line_style,
                    "marker": look.marker,
                }
            self.legends[family].restyle(colours)
        self.bands.recolour(n_runs)
        self._relabel()

    def _label(self, run_index: int, name: str) -> str:
        """The text beside a series' checkbox: its name, after its run's label when compared."""
        return f"{self.runs[run_index].label} · {name}" if len(self.runs) > 1 else name

    def _relabel(self) -> None:
        """Show each run's current label (a search marks its best trial) on its checkboxes."""
        for legend in self.legends.values():
            legend.restyle({key: {"label": self._label(*key)} for key in legend.series()})
        if self.run_boxes:
            self.visibility.restyle_runs({i: self.runs[i].label for i in self.run_boxes})

    def _add_series(
        self, view: PanelView, run_index: int, name: str, colour: str, member: int = 0
    ) -> None:
        validation = parse(name).is_validation
        look = style.member_style(member, validation, len(self.runs))  # as the saved picture
        marks = view.add_series(run_index, name, colour, look)
        key = (run_index, name)
        label = self._label(run_index, name)
        legend = self._legend_of[key] = self.legends[view.family]
        dashed = style.dashed(validation)
        shown = self.visible.setdefault(key, True)
        compared = look if len(self.runs) > 1 else None  # one run: the sample shows no marker
        legend.add(key, label, colour, dashed=dashed, marks=marks.marks, shown=shown, look=compared)

    def attach(self, key: SeriesKey, mark: object) -> None:
        """Let series ``key``'s checkbox show and hide ``mark`` too (a best marker)."""
        legend = self._legend_of.get(key)
        if legend is not None:
            legend.attach(key, mark)

    def _shown_changed(self, key: SeriesKey, drawn: bool) -> None:
        self.visible[key] = drawn  # the mirror pictures read

    # -- the checkboxes, for Python ------------------------------------------------------
    def series_keys(self) -> list[SeriesKey]:
        """Every series with a checkbox, panel by panel."""
        return [key for legend in self.legends.values() for key in legend.series()]

    def is_shown(self, key: SeriesKey) -> bool:
        """Whether series ``key``'s checkbox is ticked."""
        return self._legend_of[key].is_shown(key)

    def show(self, key: SeriesKey, shown: bool = True) -> None:
        """Tick or untick series ``key``'s checkbox, as a click would: it shows or hides it."""
        self._legend_of[key].show(key, shown)

    def label(self, key: SeriesKey) -> str:
        """The text beside series ``key``'s checkbox."""
        return self._legend_of[key].label(key)

    def _add_run_box(self, run_index: int, run: Run) -> None:
        """A checkbox in the run bar that shows or hides every series of one run."""
        colour = style.run_colour(run_index, len(self.runs))
        self.run_boxes[run_index] = self.visibility.add_run(run_index, run.label, colour)

    # -- updating ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the widget up to date with the runs and the progress (cheap when unchanged)."""
        with self.visibility.hold_sync():  # the series added now reach the browser in one message
            self._refresh()

    def _refresh(self) -> None:
        self._ensure_marks()
        self.digests.update([run.steps for run in self.runs])
        for view in self.panels.values():
            view.refresh(self.runs, self.digests)
            for key, mark in view.new_marks:  # per-step lines made now: the boxes drive them too
                self.attach(key, mark)
            view.new_marks.clear()
        self.steps_store.feed(self.runs, self.panels)  # the rows recorded since the last redraw
        self.bands.refresh(self.runs)
        self.controls.refresh(self.panels, self.runs, self.attach)
        self._relabel()
        self.header.update(self.progress, self.runs, self._axis())
        self.runs_table.refresh(self)  # rows, each run's lines, legends folded with many runs
        self._colour_named()

    def _colour_named(self) -> None:
        """Many runs: the named ones in distinct colours, each kept (style.named_colours, as the
        saved picture); only when the named runs or the series change."""
        ranking = self.runs_table.ranking
        if ranking is None or not ranking.hidden:
            return
        n_series = sum(len(view.series) for view in self.panels.values())
        state = (tuple(ranking.named), n_series)
        if state == self._named_for:
            return
        self._named_for = state
        book = style.named_colours(self.runs, ranking.named)
        for family, view in self.panels.items():
            changes = {}
            for key, marks in view.series.items():
                colour = book.get(key[0])
                if colour is None or marks.line.colors == [colour]:
                    continue
                for mark in (marks.raw, marks.smooth, marks.line):
                    if mark is not None:
                        mark.colors = [colour]
                validation = parse(key[1]).is_validation
                marks.dots.colors = [style.VALIDATION_FILL if validation else colour]
                marks.dots.stroke = colour
                changes[key] = {"colour": colour}
            if changes:
                self.legends[family].restyle(changes)
        for (_family, run_index, _name), mark in self.controls.best.items():
            if run_index in book and mark.colors != [book[run_index]]:
                mark.colors = [book[run_index]]
        bar = [{**r, "colour": book.get(r["index"], r["colour"])} for r in self.visibility.runs]
        if bar != self.visibility.runs:  # the run bar's swatches
            self.visibility.runs = bar

    @property
    def smoothing(self) -> float:
        """The weight the smoothed lines are drawn with: the controls' ``kernel_smoothing``, its
        one owner (``controls.smoothing`` is the slider's, ahead of it while the kernel is busy;
        the digests compute with it)."""
        return self.controls.kernel_smoothing

    def set_smoothing(self, smoothing: float) -> None:
        """Redraw every smoothed line with another weight (the slider shows it too)."""
        self.controls.kernel_smoothing = self.controls.smoothing = smoothing
        self.digests.set_smoothing(smoothing)
        self.refresh()
