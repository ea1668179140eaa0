"""The runs table under the live figure: one row per run, sortable and filtered in the browser.

Shown once a figure holds two runs or more (a search's trials, ``show([...])`` of several logs).
Its rows come from :func:`livecurve.model.runs_table.runs_table` (hyperparameters from
``Run.params``, best and last values, epochs, state), sent again only when a cell changed.
Everything a person does with it happens in the browser (``runs_table.js``), so it works while a
search trains and the kernel reads no widget messages: clicking a header sorts by that column
(again: the other way), the filter box (a regular expression over the label and the
hyperparameters, or plain text when it is not a valid one) dims the curves of the runs it does
not match, and hovering or clicking a row thickens that run's curves. With many runs (more
than :data:`~livecurve.model.ranking.NAMED_ABOVE`) only the runs the ranking names keep their
colour, the others are drawn thin and grey (in the browser: :attr:`RunsTable.named`); a filter
then picks which runs keep their colour. ``note`` is a line above
the table (a search's progress, :mod:`livecurve.keras.search`).

With many runs the legends under the panels fold: the runs :mod:`livecurve.model.ranking` names
(the best few and the live run) stay, the others go under "+ N more runs"
(:meth:`RunsTable.fold_legends`).
"""

from __future__ import annotations

import itertools
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

import traitlets
from ipywidgets import widget_serialization

from ..model.ranking import Ranking, rank
from ..model.run import Run
from ..model.runs_table import RunsTable as ModelTable
from ..model.runs_table import runs_table
from .blocks import BLOCK_RUNS, MarkBlock, RowBlock, block_of
from .module_widget import ModuleWidget, module_text
from .refs import refs_serialization
from .visibility import Visibility, series_key


class RunsTable(ModuleWidget):
    """The live runs table (see the module's doc).

    Example:
        >>> from livecurve.model.run import Run
        >>> runs = [Run("a"), Run("b")]
        >>> for value, run in zip([0.4, 0.3], runs):
        ...     run.params = {"units": int(value * 100)}; run.log(1, {"val_loss": value})
        >>> table = RunsTable()
        >>> table.update(runs, running=None)
        >>> [row["run"] for row in table.rows], table.layout.display
        (['a', 'b'], 'flex')
    """

    _esm = module_text(pathlib.Path(__file__).with_name("runs_table.js"))
    _css = module_text(pathlib.Path(__file__).with_name("runs_table.css"))

    # Plain lists (no per-element trait): validating 200 row dicts at every change costs more
    # than building them.
    columns: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    # The rows, without their rank, in blocks of runs (view.blocks): a new trial sends its
    # block, not 200 rows; the browser ranks them by ``rank_by`` (it moves every rank).
    row_blocks: traitlets.List[RowBlock] = traitlets.List().tag(sync=True, **refs_serialization)
    rank_by = traitlets.Dict().tag(sync=True)  # {"key": "best val_loss", "goal": "min"}
    objective = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)  # a search's progress, above the table
    # Each run's lines and dots (run index as text -> marks), for hover and filter highlights,
    # sent in blocks of runs (view.blocks): a new trial re-sends its block's, not every run's.
    blocks: traitlets.List[MarkBlock] = traitlets.List().tag(sync=True, **refs_serialization)
    # many runs: the runs drawn in colour (the best few, the live one); None: every run
    named = traitlets.List(traitlets.Int(), allow_none=True, default_value=None).tag(sync=True)
    # many runs: the colour of a grey run hovered or selected in the table, apart from every
    # named run's (style.farthest_colour); "": its own colour
    highlight = traitlets.Unicode("").tag(sync=True)
    # set in the browser (and read by Python when the kernel is free)
    filter = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)  # a run index, -1 for none
    # The figure's visibility: its ``grey`` rows (the runs not named), shown by their own marks
    # while highlighted.
    visibility = traitlets.Instance(Visibility, allow_none=True).tag(
        sync=True, **widget_serialization
    )

    def __init__(self, visibility: Visibility | None = None) -> None:
        super().__init__(layout={"display": "none", "width": "100%"}, visibility=visibility)
        self._drawn: tuple = ()  # what the rows were made from: unchanged runs, no work
        self._folded: tuple = ()  # the named runs and legend entries the legends were folded for
        self._cells: dict = {}  # per run: the cells made for its last version (runs_table cache)
        self.ranking: Ranking | None = None
        self._table: ModelTable | None = None
        self._lines: dict[int, list[Any]] = {}  # each run's marks, gathered as they are made
        self._gathered: dict[str, int] = {}  # per panel, how many of its series are gathered

    @property
    def marks(self) -> dict[str, list[Any]]:
        """Each run's lines by run index (``"12"``), as the blocks send them to the browser."""
        return {str(index): list(marks) for index, marks in self._lines.items()}

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows as the browser shows them, ranked (see :mod:`livecurve.model.runs_table`)."""
        return [] if self._table is None else self._table.rows

    def update(
        self,
        runs: Sequence[Run],
        *,
        running: int | None = -1,
        objective: tuple[str, str] | None = None,
        touched: set[int] | None = None,
        versions: Sequence[int] | None = None,
    ) -> None:
        """Bring the rows up to date with ``runs`` (and, with ``touched``, the lines of those
        runs, gathered by :meth:`refresh`); ``versions``: each run's version, read already."""
        runs = list(runs)
        if len(runs) < 2:
            return
        table = runs_table(runs, objective, running=running, cache=self._cells, versions=versions)
        self.ranking, self._table = table.ranking, table
        columns = [c.as_dict() for c in table.columns]
        target = table.objective
        with self.hold_sync():
            if self.columns != columns:
                self.columns = columns
            self._send_rows(table.unranked)
            rank_by = {}
            if target is not None:
                rank_by = {"key": f"best {target.name}", "goal": target.direction}
            if self.rank_by != rank_by:
                self.rank_by = rank_by
            if self.objective != (target.describe() if target else ""):
                self.objective = target.describe() if target else ""
            if touched:
                self._send_blocks(touched)
            if self.layout.display != "flex":
                self.layout.display = "flex"

    def _send_rows(self, rows: list[dict[str, Any]]) -> None:
        """Send the blocks of rows with a row made anew (the model keeps an unchanged row)."""
        needed = -(-len(rows) // BLOCK_RUNS)
        blocks = list(self.row_blocks)[:needed]
        for number in range(needed):
            held = rows[number * BLOCK_RUNS : (number + 1) * BLOCK_RUNS]
            if number == len(blocks):
                blocks.append(RowBlock())
            block = blocks[number]
            sent = block.rows
            if len(sent) != len(held) or any(a is not b for a, b in zip(sent, held)):
                block.rows = held
        if len(blocks) != len(self.row_blocks) or any(
            a is not b for a, b in zip(blocks, self.row_blocks)
        ):
            self.row_blocks = blocks

    def _send_blocks(self, touched: set[int]) -> None:
        """Send the blocks of the ``touched`` runs' lines (their marks made since)."""
        numbers = {block_of(index) for index in touched}
        wanted: dict[int, dict[str, list[Any]]] = {}
        for index, marks in self._lines.items():
            number = block_of(index)
            if number in numbers:
                wanted.setdefault(number, {})[str(index)] = list(marks)
        blocks = list(self.blocks)
        while len(blocks) < max(wanted, default=-1) + 1:
            blocks.append(MarkBlock())
        for number, block in enumerate(blocks):
            if number not in numbers:
                continue
            held = wanted.get(number, {})
            if held != block.marks:
                block.marks = held
        if len(blocks) != len(self.blocks):
            self.blocks = blocks

    def refresh(self, view: Any) -> None:
        """Follow a :class:`~livecurve.view.widget.CurveView`: rows, lines, folded legends."""
        runs = list(view.runs)
        if len(runs) < 2:
            return
        search = getattr(view, "search", None)
        objective = getattr(search, "objective", None)
        progress = getattr(view, "progress", None)
        running = -1 if progress is not None and progress.running else None
        line = search.progress_line() if search is not None else ""
        if self.note != line:
            self.note = line
        n_series = sum(len(panel.series) for panel in view.panels.values())
        # Best-epoch diamonds (controls.py keeps them by (family, run, name)) fade with their run.
        best = getattr(getattr(view, "controls", None), "best", None) or {}
        # Each run's version, as the view read it for this redraw (else read here).
        versions = getattr(view, "versions", None)
        if versions is None or len(versions) != len(runs):
            versions = [run.version for run in runs]
        state = (
            tuple(versions), tuple(run.label for run in runs),
            tuple(len(run.params) for run in runs),
            running, objective, n_series, len(best),
        )  # fmt: skip
        if state == self._drawn:  # a redraw with nothing new for the table (most of them)
            return
        self._drawn = state
        touched = self._gather(view.panels, best)
        self.update(runs, running=running, objective=objective, touched=touched, versions=versions)
        ranking = self.ranking or rank(runs, objective, live=running)
        folded = (tuple(ranking.named), ranking.live, n_series)
        if folded != self._folded:
            # Only the runs that joined or left the named ones, and those with new entries.
            was = set(self._folded[0]) if self._folded else None
            check = None if was is None else (was ^ set(ranking.named)) | touched
            self._folded = folded
            self.named = list(ranking.named) if ranking.hidden else None  # type: ignore[assignment]  # traitlets: allow_none
            self.fold_legends(view.legends, runs, ranking=ranking, runs_changed=check)

    def _gather(self, panels: Mapping[str, Any], best: Mapping[tuple, Any]) -> set[int]:
        """Add the marks made since the last redraw to their run's lines (series and best
        markers are only ever added); returns the runs whose lines grew."""
        touched: set[int] = set()
        for family, panel in panels.items():
            done = self._gathered.get(family, 0)
            if done == len(panel.series):
                continue
            for (run_index, _name), marks in itertools.islice(panel.series.items(), done, None):
                self._lines.setdefault(run_index, []).extend((marks.line, marks.dots))
                touched.add(run_index)
            self._gathered[family] = len(panel.series)
        done = self._gathered.get("", 0)  # the best markers
        if done != len(best):
            for (_family, run_index, _name), mark in itertools.islice(best.items(), done, None):
                self._lines.setdefault(run_index, []).append(mark)
                touched.add(run_index)
            self._gathered[""] = len(best)
        return touched

    @staticmethod
    def fold_legends(
        legends: Mapping[str, Any],
        runs: Sequence[Run],
        *,
        ranking: Ranking | None = None,
        runs_changed: set[int] | None = None,
    ) -> None:
        """Fold the legend entries of the runs not named (many runs): they go under "+ N more".

        Only entries whose state changes are restyled (a new trial: its own entries, and the
        runs that enter or leave the named few); with ``runs_changed``, only those runs'
        entries are looked at.
        """
        ranking = ranking or rank(runs)
        named = set(ranking.named)
        for legend in legends.values():
            changes = {}
            for item in legend.entries_of(runs_changed):
                key = series_key(item["id"])
                folded = key[0] not in named
                if key[0] < len(runs) and bool(item.get("folded", False)) != folded:
                    changes[key] = {"folded": folded}
            if changes:
                legend.restyle(changes)
