"""Which series and runs are shown: one synced owner for the whole figure.

Before, this lived in four places kept in step by hand: each panel legend's ``shown``, every mark's
``visible``, the run checkboxes ``jslink``-ed to every mark of their run (at five sites), and
``LivePlot.visible``. Now :class:`Visibility` holds it, once: ``shown`` maps a series (``"0:loss"``)
or a run (``"run:1"``) to whether it is ticked, and ``marks`` which marks draw each series (sent
in blocks of runs, :class:`MarkBlock`). A mark
is visible when its series *and* its run are ticked; that rule is applied in one place on each
side (``visibility.js`` in the browser, :meth:`Visibility._apply` here). The legends under the
panels and the run checkboxes are views of it: they read and write ``shown``, nothing else.

It works while ``fit()`` runs: a click changes ``shown`` in the browser, whose ``initialize``
hook hides the marks there (the kernel reads no widget messages then); the kernel receives the
same ``shown`` once it is free and mirrors it (``on_change``: ``LivePlot.visible``, which saved
pictures read). Displayed, the widget is the run bar (a checkbox per compared run).
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable
from typing import Any

import traitlets

from .. import style
from .blocks import EntryBlock, MarkBlock, NewBlocks, block_of
from .module_widget import ModuleWidget, module_text
from .refs import refs_serialization

SeriesKey = tuple[int, str]


def entry_id(key: SeriesKey) -> str:
    """A series' key in the widget's state: ``"0:val_loss"`` (names may hold any text)."""
    return f"{key[0]}:{key[1]}"


def series_key(entry: str) -> SeriesKey:
    """The inverse of :func:`entry_id`."""
    run_index, name = entry.split(":", 1)
    return int(run_index), name


BANDS = "\x00bands"  # the name part of the ids under which a run's distribution bands are held


def run_id(run_index: int) -> str:
    """A run's key in ``shown``: ``"run:1"``."""
    return f"run:{run_index}"


class RunBox:
    """A run's checkbox in the run bar, for Python: its label and whether it is ticked."""

    def __init__(self, owner: Visibility, run_index: int) -> None:
        self._owner, self.run_index = owner, run_index

    @property
    def description(self) -> str:
        return next(r["label"] for r in self._owner.runs if r["index"] == self.run_index)

    @property
    def value(self) -> bool:
        return self._owner.is_shown(run_id(self.run_index))

    @value.setter
    def value(self, shown: bool) -> None:
        self._owner.set_shown(run_id(self.run_index), shown)


class Visibility(ModuleWidget):
    """Which series and runs are shown, and the marks that follow (see the module's doc).

    Args:
        on_change: called with ``(key, drawn)`` for each series whose checkbox or run checkbox
            changed (once the kernel is free when it was clicked in the browser); ``drawn``: both
            are ticked. ``LivePlot.visible`` follows it, and saved pictures leave out the rest.

    Example:
        >>> import bqplot as bq
        >>> vis = Visibility()
        >>> line = bq.Lines()
        >>> vis.add((1, "loss"), [line])
        >>> vis.set_shown(run_id(1), False)  # the run's checkbox
        >>> line.visible, vis.is_shown("1:loss")
        (False, True)
    """

    _esm = module_text(pathlib.Path(__file__).with_name("visibility.js"))
    _css = module_text(pathlib.Path(__file__).with_name("legend.css"))

    shown = traitlets.Dict().tag(sync=True)  # "0:loss" or "run:1" -> bool (absent: shown)
    # The marks that draw each series, in blocks of runs (view.blocks.MarkBlock widgets).
    blocks: traitlets.List[MarkBlock] = traitlets.List().tag(sync=True, **refs_serialization)
    # The run bar: [{index, label, colour}], in blocks of runs (see ``runs``)
    run_blocks: traitlets.List[EntryBlock] = traitlets.List().tag(sync=True, **refs_serialization)
    # Many runs: [[figure, grey Lines, ["12:loss", ...]], ...]: the series each row of a panel's
    # grey lines draws (a run not named); the browser hides a row whose checkbox is unticked
    # (opacity 0), and the runs table shows a highlighted run's own marks instead of its row.
    grey: traitlets.List[list[Any]] = traitlets.List().tag(sync=True, **refs_serialization)
    grey_opacity = traitlets.Float(style.OTHER_RUN_OPACITY).tag(sync=True)
    # Many runs: the runs named (the best few, the live one); the run bar folds the others into
    # one "+ N more runs" checkbox. None: every run has its own checkbox.
    named = traitlets.List(traitlets.Int(), allow_none=True, default_value=None).tag(sync=True)

    def __init__(self, on_change: Callable[[SeriesKey, bool], None] | None = None) -> None:
        super().__init__()
        self._on_change = on_change
        self.marks: dict[str, list[Any]] = {}  # "0:loss" -> [mark, ...] (the blocks' union)
        self._blocks: dict[int, MarkBlock] = {}
        self._run_blocks: dict[int, EntryBlock] = {}
        self.new_blocks = NewBlocks()  # its blocks' and the legends' (set by the view)
        self.observe(self._shown_changed, "shown")

    @property
    def runs(self) -> list[dict[str, Any]]:
        """The run bar's runs, ``[{"index", "label", "colour"}]`` (sent in blocks of runs: a new
        trial re-sends its block's)."""
        return [run for block in self.run_blocks for run in block.entries]

    @runs.setter
    def runs(self, runs: list[dict[str, Any]]) -> None:
        wanted: dict[int, list[dict[str, Any]]] = {}
        for run in runs:
            wanted.setdefault(block_of(run["index"]), []).append(run)
        for number in sorted(set(wanted) | set(self._run_blocks)):
            block = self._run_blocks.get(number)
            if block is None:
                block = self._run_blocks[number] = self.new_blocks.made(EntryBlock())
                self.run_blocks = [self._run_blocks[n] for n in sorted(self._run_blocks)]
            if block.entries != wanted.get(number, []):
                block.entries = wanted.get(number, [])

    # -- building ------------------------------------------------------------------------
    def add(self, key: SeriesKey, marks: Iterable[Any], shown: bool | None = None) -> None:
        """Let series ``key`` show and hide ``marks`` (more can be added later); ``shown``: its
        starting state (None: as it is)."""
        entry = entry_id(key)
        marks = list(marks)
        with self.hold_sync():
            if shown is not None and self.shown.get(entry, True) != shown:
                self.shown = {**self.shown, entry: bool(shown)}
            self.marks[entry] = [*self.marks.get(entry, []), *marks]
            block = self._block(key[0])
            block.marks = {**block.marks, entry: self.marks[entry]}
        for mark in marks:
            self._apply(entry, mark)

    def _block(self, run_index: int) -> MarkBlock:
        """The block holding run ``run_index``'s marks (made, and listed, when first needed)."""
        number = block_of(run_index)
        block = self._blocks.get(number)
        if block is None:
            block = self._blocks[number] = self.new_blocks.made(MarkBlock())
            self.blocks = [*self.blocks, block]
        return block

    def add_run(self, run_index: int, label: str, colour: str) -> RunBox:
        """A checkbox for run ``run_index`` in the run bar (once); it shows and hides the run."""
        number = block_of(run_index)
        block = self._run_blocks.get(number)
        if block is None or all(r["index"] != run_index for r in block.entries):
            self.runs = [*self.runs, {"index": run_index, "label": label, "colour": colour}]
        return RunBox(self, run_index)

    def set_all_shown(self, entries: Iterable[str], shown: bool) -> None:
        """Tick or untick several runs or series at once (the run bar's "+ N more runs")."""
        new = {**self.shown, **{entry: bool(shown) for entry in entries}}
        if new != self.shown:
            self.shown = new

    def more_runs(self) -> list[int]:
        """The runs folded under the run bar's "+ N more runs" (none unless many runs)."""
        if self.named is None:
            return []
        named = set(self.named)
        return [r["index"] for r in self.runs if r["index"] not in named]

    def restyle_runs(self, changes: dict[int, dict[str, str]]) -> None:
        """Change runs' ``label`` (a search marks its best trial) or ``colour`` in the run bar;
        only the blocks of those runs are looked at, and sent only if changed."""
        for number in {block_of(index) for index in changes}:
            block = self._run_blocks.get(number)
            if block is None:
                continue
            block.restyle(lambda run: changes.get(run["index"], {}))

    # -- state -----------------------------------------------------------------------------
    def is_shown(self, entry: str) -> bool:
        """Whether series or run ``entry`` (``"0:loss"``, ``"run:1"``) is ticked."""
        return bool(self.shown.get(entry, True))

    def set_shown(self, entry: str, shown: bool) -> None:
        """Tick or untick a series or a run, as a click would."""
        if self.is_shown(entry) != shown:
            self.shown = {**self.shown, entry: bool(shown)}

    def drawn(self, entry: str) -> bool:
        """Whether series ``entry``'s marks are drawn: it and its run are ticked."""
        return self.is_shown(entry) and self.is_shown(run_id(series_key(entry)[0]))

    def _apply(self, entry: str, mark: Any) -> None:
        visible = self.drawn(entry)
        if mark.visible != visible:
            mark.visible = visible

    def _shown_changed(self, change: dict) -> None:
        old, new = change["old"] or {}, change["new"] or {}
        changed = {e for e in {*old, *new} if old.get(e, True) != new.get(e, True)}
        runs = {int(e[4:]) for e in changed if e.startswith("run:")}
        for entry, marks in self.marks.items():
            if entry not in changed and series_key(entry)[0] not in runs:
                continue
            for mark in marks:
                self._apply(entry, mark)
            key = series_key(entry)
            if self._on_change is not None and not key[1].startswith(BANDS):
                self._on_change(key, self.drawn(entry))
