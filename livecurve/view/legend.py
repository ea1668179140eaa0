"""The legend under a panel: a checkbox per series, with a line sample in its colour and dash.

One widget per panel (an anywidget), rather than a ``Checkbox``, an ``HTML`` swatch, a box and a
``jslink`` per mark for every series: the figure is built inside ``fit()``, and each widget costs
a comm message and its traits (about 2 ms per series before, one model per panel now).

The legend holds what it shows (labels, colours, dashes); whether a series is shown belongs to
the figure's :class:`~livecurve.view.visibility.Visibility`, which the legend reads and writes
(``legend.js`` in the browser, so a click hides a line while ``fit()`` runs and the kernel reads
no widget messages). Python can tick and untick too: :meth:`Legend.show`.
"""

from __future__ import annotations

import pathlib
from typing import Any

import traitlets
from ipywidgets import widget_serialization

from .blocks import EntryBlock, block_of
from .module_widget import ModuleWidget, module_text
from .refs import refs_serialization
from .visibility import SeriesKey, Visibility, entry_id, series_key

__all__ = ["Legend", "SeriesKey", "entry_id", "series_key"]


class Legend(ModuleWidget):
    """The series of one panel, each a labelled checkbox that shows or hides all its marks.

    Args:
        visibility: the figure's owner of which series are shown (one for all the legends).

    Example:
        >>> import bqplot as bq
        >>> legend = Legend(Visibility())
        >>> line = bq.Lines()
        >>> legend.add((0, "loss"), "loss", "#1f77b4", dashed=False, marks=[line])
        >>> legend.show((0, "loss"), False)
        >>> line.visible, legend.is_shown((0, "loss"))
        (False, False)
    """

    _esm = module_text(pathlib.Path(__file__).with_name("legend.js"))
    _css = module_text(pathlib.Path(__file__).with_name("legend.css"))

    # The entries, in blocks of runs (EntryBlock widgets: a new trial re-sends its block's):
    # [{"id": "0:loss", "label": "loss", "colour": "#...", "dashed": false}], in display order;
    # "folded": true (many runs, set by the runs table) puts an entry under "+ N more runs"
    blocks: traitlets.List[EntryBlock] = traitlets.List().tag(sync=True, **refs_serialization)
    visibility = traitlets.Instance(Visibility).tag(sync=True, **widget_serialization)

    def __init__(self, visibility: Visibility) -> None:
        super().__init__(visibility=visibility)
        self._ids: set[str] = set()  # the entries' ids
        self._blocks: dict[int, EntryBlock] = {}

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry, block by block (runs in order), each block in display order."""
        return [item for block in self.blocks for item in block.entries]

    def entries_of(self, runs: set[int] | None) -> list[dict[str, Any]]:
        """The entries of ``runs`` (None: every entry), from their blocks only."""
        if runs is None:
            return self.entries
        wanted = {block_of(index) for index in runs}
        return [
            item
            for number in sorted(wanted)
            if number in self._blocks
            for item in self._blocks[number].entries
            if series_key(item["id"])[0] in runs
        ]

    def _block(self, run_index: int) -> EntryBlock:
        number = block_of(run_index)
        block = self._blocks.get(number)
        if block is None:
            block = self._blocks[number] = self.visibility.new_blocks.made(EntryBlock())
            self.blocks = sorted([*self.blocks, block], key=self._number)
        return block

    def _number(self, block: EntryBlock) -> int:
        return next(n for n, b in self._blocks.items() if b is block)

    # -- building ------------------------------------------------------------------------
    def add(
        self,
        key: SeriesKey,
        label: str,
        colour: str,
        *,
        dashed: bool,
        marks: Any,
        shown: bool = True,
        look: Any = None,
    ) -> None:
        """Add a series (once) with its marks, shown or hidden; ``look``: its
        :class:`~livecurve.style.MemberStyle` (line style and marker), drawn in the sample."""
        entry = entry_id(key)
        if entry in self._ids:
            return
        self._ids.add(entry)
        self.visibility.add(key, marks, shown)
        item = {"id": entry, "label": label, "colour": colour, "dashed": dashed}
        if look is not None:
            item.update(line_style=look.line_style, marker=look.marker)
        block = self._block(key[0])
        block.entries = [*block.entries, item]

    def attach(self, key: SeriesKey, mark: Any) -> None:
        """Let the series' checkbox also show and hide ``mark`` (made later: a best marker)."""
        self.visibility.add(key, [mark])

    def restyle(self, changes: dict[SeriesKey, dict[str, str]]) -> None:
        """Change series' ``label`` or ``colour`` (runs added: coloured by run, labelled by it).

        One pass, and nothing is sent unless something changed (it is asked at every redraw).
        """
        by_id = {entry_id(key): change for key, change in changes.items()}
        touched = {block_of(key[0]) for key in changes}
        for number in touched:
            block = self._blocks.get(number)
            if block is None:
                continue
            block.restyle(lambda item: by_id.get(item["id"], {}))

    # -- state -----------------------------------------------------------------------------
    @property
    def marks(self) -> dict[str, list[Any]]:
        """``{"0:loss": [mark, ...]}``: the marks each of this legend's checkboxes drives."""
        every = self.visibility.marks
        return {item["id"]: list(every.get(item["id"], [])) for item in self.entries}

    def series(self) -> list[SeriesKey]:
        """The series in display order."""
        return [series_key(item["id"]) for item in self.entries]

    def label(self, key: SeriesKey) -> str:
        entry = entry_id(key)
        return next(item["label"] for item in self.entries if item["id"] == entry)

    def is_shown(self, key: SeriesKey) -> bool:
        return self.visibility.is_shown(entry_id(key))

    def show(self, key: SeriesKey, shown: bool = True) -> None:
        """Tick or untick a series' checkbox: its marks are shown or hidden."""
        self.visibility.set_shown(entry_id(key), shown)
