"""The legend under a panel: a checkbox per series, with a line sample in its colour and dash.

One widget per panel (an anywidget), rather than a ``Checkbox``, an ``HTML`` swatch, a box and a
``jslink`` per mark for every series: the figure is built inside ``fit()``, and each widget costs
a comm message and its traits (about 2 ms per series before, one model per panel now).

Clicking a checkbox shows or hides the series' marks in the browser (``legend.js``), so it works
while ``fit()`` runs and the kernel reads no widget messages; the change is also sent to the
kernel, which applies it when it is free (:attr:`Legend.shown`), so saved pictures leave the
series out. Python can set it too: :meth:`Legend.show`.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable
from typing import Any

import traitlets
from ipywidgets import widget_serialization

from .module_widget import ModuleWidget, module_text

SeriesKey = tuple[int, str]


def entry_id(key: SeriesKey) -> str:
    """A series' key in the widget's state: ``"0:val_loss"`` (names may hold any text)."""
    return f"{key[0]}:{key[1]}"


def series_key(entry: str) -> SeriesKey:
    """The inverse of :func:`entry_id`."""
    run_index, name = entry.split(":", 1)
    return int(run_index), name


class Legend(ModuleWidget):
    """The series of one panel, each a labelled checkbox that shows or hides all its marks.

    Args:
        on_change: called with ``(key, shown)`` when a checkbox changed (once the kernel is free
            when it was clicked in the browser), after the marks were updated.

    Example:
        >>> import bqplot as bq
        >>> legend = Legend()
        >>> line = bq.Lines()
        >>> legend.add((0, "loss"), "loss", "#1f77b4", dashed=False, marks=[line])
        >>> legend.show((0, "loss"), False)
        >>> line.visible, legend.is_shown((0, "loss"))
        (False, False)
    """

    _esm = module_text(pathlib.Path(__file__).with_name("legend.js"))
    _css = module_text(pathlib.Path(__file__).with_name("legend.css"))

    # [{"id": "0:loss", "label": "loss", "colour": "#...", "dashed": false}], in display order;
    # "folded": true (many runs, set by the runs table) puts an entry under "+ N more runs"
    entries = traitlets.List(traitlets.Dict()).tag(sync=True)
    marks = traitlets.Dict().tag(sync=True, **widget_serialization)  # id -> [mark, ...]
    shown = traitlets.Dict().tag(sync=True)  # id -> bool

    def __init__(self, on_change: Callable[[SeriesKey, bool], None] | None = None) -> None:
        super().__init__()
        self._on_change = on_change
        self.observe(self._shown_changed, "shown")

    # -- building ------------------------------------------------------------------------
    def add(
        self,
        key: SeriesKey,
        label: str,
        colour: str,
        *,
        dashed: bool,
        marks: Iterable[Any],
        shown: bool = True,
    ) -> None:
        """Add a series (once) with its marks, shown or hidden."""
        entry = entry_id(key)
        if entry in self.marks:
            return
        marks = list(marks)
        for mark in marks:
            mark.visible = shown
        with self.hold_sync():
            self.entries = [
                *self.entries,
                {"id": entry, "label": label, "colour": colour, "dashed": dashed},
            ]
            self.marks = {**self.marks, entry: marks}
            self.shown = {**self.shown, entry: shown}

    def attach(self, key: SeriesKey, mark: Any) -> None:
        """Let the series' checkbox also show and hide ``mark`` (made later: a best marker)."""
        entry = entry_id(key)
        mark.visible = self.shown.get(entry, True)
        self.marks = {**self.marks, entry: [*self.marks.get(entry, []), mark]}

    def restyle(self, changes: dict[SeriesKey, dict[str, str]]) -> None:
        """Change series' ``label`` or ``colour`` (runs added: coloured by run, labelled by it).

        One pass, and nothing is sent unless something changed (it is asked at every redraw).
        """
        by_id = {entry_id(key): change for key, change in changes.items()}
        entries = [{**item, **by_id.get(item["id"], {})} for item in self.entries]
        if entries != self.entries:
            self.entries = entries

    # -- state -----------------------------------------------------------------------------
    def series(self) -> list[SeriesKey]:
        """The series in display order."""
        return [series_key(item["id"]) for item in self.entries]

    def label(self, key: SeriesKey) -> str:
        entry = entry_id(key)
        return next(item["label"] for item in self.entries if item["id"] == entry)

    def is_shown(self, key: SeriesKey) -> bool:
        return bool(self.shown.get(entry_id(key), True))

    def show(self, key: SeriesKey, shown: bool = True) -> None:
        """Tick or untick a series' checkbox: its marks are shown or hidden."""
        entry = entry_id(key)
        if entry in self.marks and self.shown.get(entry) != shown:
            self.shown = {**self.shown, entry: bool(shown)}

    def _shown_changed(self, change: dict) -> None:
        old, new = change["old"] or {}, change["new"] or {}
        for entry, shown in new.items():
            if old.get(entry) == shown:
                continue
            for mark in self.marks.get(entry, []):
                mark.visible = bool(shown)
            if self._on_change is not None:
                self._on_change(series_key(entry), bool(shown))
