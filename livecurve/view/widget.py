"""The live figure: header, one panel per metric family, a checkbox per series, a save button.

A thin adapter over the data model: :meth:`CurveView.refresh` reads the runs and changes the arrays
of the marks it already has; it never rebuilds the figure. Which series and runs are shown has one
owner, :class:`Visibility` (one synced model per figure): the panels' legends and the run bar are
views of it, and it alone hides marks, in the browser too, so a click hides a line while ``fit()``
is still running and the kernel cannot read widget messages; Python sees the same state (and
``LivePlot.visible`` follows it) once the cell ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import bqplot as bq
import ipywidgets as widgets

from .. import style
from ..model.decimate import RunDigests
from ..model.flat import uninformative
from ..model.names import parse
from ..model.panels import families
from ..model.progress import Progress
from ..model.run import Run
from .bands import BandPanels
from .controls import Controls
from .header import Header
from .legend import Legend
from .panel import PanelView
from .runs_table import RunsTable
from .steps_store import StepsStore  # full-resolution zoom (issue 21)
from .visibility import BANDS, RunBox, Visibility, entry_id

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
        self._defer_tooltips = False  # marks made now get their tooltips at the next redraw
        self._coloured_for = 1  # the number of runs the marks are coloured for
        self._named_for: tuple = ()  # many runs: the named runs and series last coloured for
        # Panels left out of the grid (a counter, a constant: model.flat), and per run what
        # was found for it: (its flat families, its families).
        self._flat: set[str] = set()
        self._flat_of: dict[int, tuple[set[str], set[str]]] = {}
        self._cells: dict[str, widgets.VBox] = {}  # family -> its panel and legend, in the grid
        self._versions_drawn: list[int] = []  # each run's version at the last redraw
        self._smoothing_drawn: float | None = None
        self._names_seen: list[int] = []  # each run's number of names at the last redraw
        self._order: list[str] = []  # the panels' families, in order
        # the runs' labels the checkboxes were labelled with (None: label every one again)
        self._labels: list[str] | None = None
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
        self.controls.visibility = self.visibility  # where the browser finds the marks
        self.steps_store = StepsStore(self.controls)  # every drawn step, for zoom in the browser
        # The runs table (two runs or more: a search's trials), and the search it follows.
        self.runs_table = RunsTable(self.visibility)
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
        # A run's panels change only when it gains a name: the runs unchanged since the last
        # redraw are skipped (adding trial 200 of a search costs what adding trial 2 does).
        names = [len(run) for run in self.runs]
        seen = self._names_seen
        grown = [i for i, n in enumerate(names) if i >= len(seen) or seen[i] != n]
        known = set(self._order)
        if n_runs < len(seen) or any(
            p.family not in known for i in grown for p in self.runs[i].panels()
        ):
            # a family not seen before: the order again (a run's new names keep its families')
            self._order = families(self.runs)
        self._names_seen = names
        order = self._order
        for run_index in grown:
            run = self.runs[run_index]
            for panel in run.panels():
                view = self.panels.get(panel.family)
                if view is None:
                    view = PanelView(panel.family, self._axis(), self.max_points, self._frame())
                    view.defer_tooltips = self._defer_tooltips
                    view.greys.row_drawn = lambda key: self.visibility.drawn(entry_id(key))
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
        if n_runs > 1 and len(self.run_boxes) < n_runs:
            for run_index, run in enumerate(self.runs):
                if run_index not in self.run_boxes:
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
            self._place_panels()

    def _place_panels(self) -> None:
        """Put the panels in the grid, in order, leaving out those that cannot be useful."""
        shown = [family for family in self.panels if family not in self._flat]
        children = [
            self._cells.setdefault(
                family, widgets.VBox([self.panels[family].figure, self.legends[family]])
            )
            for family in shown or list(self.panels)  # all flat: show them rather than nothing
        ] + self.bands.figures()
        self.grid.layout.grid_template_columns = grid_columns(self.columns, len(children))
        self.grid.children = children

    def _judge_flat(self, runs_changed: set[int] | None) -> None:
        """Leave out of the grid the panels whose every series is a constant or a counter.

        The saved pictures' rule (:func:`~livecurve.model.flat.uninformative`), judged per run
        (a family is flat when it is flat in every run that has it) and again only for the
        runs that changed. A panel comes back once one of its series moves.
        """
        for index in range(len(self.runs)) if runs_changed is None else runs_changed:
            run = self.runs[index]
            self._flat_of[index] = (
                uninformative([run]),
                {panel.family for panel in run.panels()},
            )
        useful: set[str] = set()
        every: set[str] = set()
        for flat, families_of_run in self._flat_of.values():
            every |= families_of_run
            useful |= families_of_run - flat
        flat_now = every - useful
        if flat_now != self._flat:
            self._flat = flat_now
            self._place_panels()

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
                marks.paint(colour)
                look = style.member_style(member, marks.validation, n_runs)  # members: look
                marks.line.line_style, marks.dots.marker = look.line_style, look.marker
                colours[(run_index, name)] = {
                    "colour": colour,
                    "line_style": look.line_style,
                    "marker": look.marker,
                }
            self.legends[family].restyle(colours)
        self.bands.recolour(n_runs)
        self.controls.recoloured()
        self._labels = None  # label every checkbox again: "run · name" once runs are compared
        self._relabel()

    def _label(self, run_index: int, name: str) -> str:
        """The text beside a series' checkbox: its name, after its run's label when compared."""
        return f"{self.runs[run_index].label} · {name}" if len(self.runs) > 1 else name

    def _relabel(self) -> None:
        """Show each run's current label (a search marks its best trial) on its checkboxes.

        A series gets its label when added; later only a run's new label changes a checkbox's
        text, so only the runs whose label changed are relabelled (most redraws: none).
        """
        labels = [run.label for run in self.runs]
        old = self._labels
        if old is None:  # every checkbox (runs are now compared: "run · name")
            changed = set(range(len(labels)))
        else:
            changed = {i for i, (a, b) in enumerate(zip(labels, old)) if a != b}
        self._labels = labels
        if not changed:
            return
        for legend in self.legends.values():
            keys = [key for key in legend.series() if key[0] in changed]
            if keys:
                legend.restyle({key: {"label": self._label(*key)} for key in keys})
        boxes = {i: {"label": labels[i]} for i in changed if i in self.run_boxes}
        if boxes:
            self.visibility.restyle_runs(boxes)

    def _add_series(
        self, view: PanelView, run_index: int, name: str, colour: str, member: int = 0
    ) -> None:
        validation = parse(name).is_validation
        look = style.member_style(member, validation, len(self.runs))  # as the saved picture
        marks = view.add_series(run_index, name, colour, look, run=self.runs[run_index])
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
        for view in self.panels.values():  # the grey runs' rows follow their checkboxes
            if view.greys.marks:
                view.greys.repaint()

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
    @property
    def versions(self) -> list[int]:
        """Each run's version as the last redraw read it (the runs table reads it too)."""
        return self._versions_drawn

    def refresh(self) -> None:
        """Bring the widget up to date with the runs and the progress (cheap when unchanged)."""
        with contextlib.ExitStack() as held:
            # The series added now reach the browser in one message per figure and one for
            # the visibility: a figure's marks list is sent once per redraw, not per mark.
            held.enter_context(self.visibility.hold_sync())
            for view in self.panels.values():
                held.enter_context(view.figure.hold_sync())
            # A legend's entries and a block of marks are lists sent whole: once per redraw,
            # not once per series added (a search's trial 200 added four, 500 KB each time).
            for legend in self.legends.values():
                held.enter_context(legend.hold_sync())
                for entries in legend.blocks:
                    held.enter_context(entries.hold_sync())
            for block in self.visibility.blocks:
                held.enter_context(block.hold_sync())
            # Blocks made by this redraw (a new block of runs) are held too.
            self.visibility.new_blocks.stack = held
            try:
                self._refresh()
            finally:
                self.visibility.new_blocks.stack = None

    def _refresh(self) -> None:
        # While training, the markers made now get their tooltips (and their series' best
        # markers) at the next redraw: the first epoch's build makes half the widgets.
        defer = self.progress.running
        for view in self.panels.values():
            view.tips.new_redraw()  # the last redraw's markers: their tooltips when arranged
            view.defer_tooltips = defer
        self._defer_tooltips = defer
        self._ensure_marks()
        # Only the runs whose data changed since the last redraw (a search: the running trial);
        # everything is looked at again when the smoothing changed. The versions are read before
        # the digests fold the rows in: a row another thread adds meanwhile changes the version
        # again, so the next redraw looks at its run (read after, it would be taken as drawn).
        versions = [run.version for run in self.runs]
        seen = self._versions_drawn
        runs_changed: set[int] | None = {
            i for i, v in enumerate(versions) if i >= len(seen) or seen[i] != v
        }
        if self._smoothing_drawn != self.digests.smoothing:
            runs_changed = None
        self.digests.update([run.steps for run in self.runs], only=runs_changed)
        self._versions_drawn, self._smoothing_drawn = versions, self.digests.smoothing
        self._judge_flat(runs_changed)
        for view in self.panels.values():
            view.refresh(self.runs, self.digests, runs_changed)
            for key, mark in view.new_marks:  # per-step lines made now: the boxes drive them too
                self.attach(key, mark)
            view.new_marks.clear()
        self.steps_store.feed(self.runs, self.panels)  # the rows recorded since the last redraw
        self.bands.refresh(self.runs)
        self.controls.refresh(self.panels, self.runs, self.attach, runs_changed)
        self._relabel()
        self.runs_table.refresh(self)  # rows, each run's lines, legends folded with many runs
        # Many runs: the header lists the runs the table's ranking names, not every run.
        ranking = self.runs_table.ranking if len(self.runs) > 1 else None
        self.header.update(self.progress, self.runs, self._axis(), ranking)
        self._colour_named()
        # Many runs: the runs not named are rows of one grey mark per panel and split; the
        # figure's marks list holds the named runs' marks (sent once per redraw, if changed).
        named = set(ranking.named) if ranking is not None and ranking.hidden else None
        for view in self.panels.values():
            view.set_named(named)
            view.arrange()
        grey = [
            [view.figure, view.greys.marks[chunk], view.greys.ids(chunk)]
            for view in self.panels.values()
            for chunk in sorted(view.greys.marks, key=lambda c: (c[1], c[0]))
            if view.greys.chunks.get(chunk)
        ]
        if grey != self.visibility.grey:  # the browser hides and highlights rows with it
            self.visibility.grey = grey
        bar = None if named is None else sorted(named)
        if bar != self.visibility.named:  # the run bar folds the others into "+ N more runs"
            self.visibility.named = bar  # type: ignore[assignment]  # traitlets: allow_none

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
        self.runs_table.highlight = style.farthest_colour(book.values())
        for family, view in self.panels.items():
            changes = {}
            for marks in view.of_runs(set(book)):  # the named runs' series, not every run's
                colour = book[marks.run_index]
                if marks.line.colors == [colour]:
                    continue
                marks.paint(colour)
                changes[(marks.run_index, marks.name)] = {"colour": colour}
            if changes:
                self.legends[family].restyle(changes)
        for (_family, run_index, _name), mark in self.controls.best.items():
            if run_index in book and mark.colors != [book[run_index]]:
                mark.colors = [book[run_index]]
        self.visibility.restyle_runs({index: {"colour": c} for index, c in book.items()})

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
