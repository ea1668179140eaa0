"""The tooltips of a panel's markers: only the runs drawn on their own carry them.

A marker layer's tooltip is two widgets (the ``Tooltip`` and its ``Layout``). A search of 200
trials gave every trial's epoch markers and best markers one: 2400 of the figure's 4500 widgets,
for markers the figure does not draw (the runs the ranking does not name are rows of the grey
lines, :mod:`livecurve.view.grey`). Here a run's markers get their tooltips while it is named and
give them back (closed, so the browser drops their models too) when it turns grey; a grey run
hovered in the runs table shows its markers without one.

While training, markers made by a redraw get their tooltip at the next one (``fresh``): the first
epoch's build makes half the widgets.

Example:
    >>> import bqplot as bq
    >>> tips = Tips("epoch")
    >>> a, b = bq.Scatter(), bq.Scatter()
    >>> tips.add(0, a, "loss"); tips.add(1, b, "loss")
    >>> tips.follow({0})
    >>> a.tooltip.labels, b.tooltip
    (['epoch', 'loss'], None)
    >>> tips.follow({1})
    >>> a.tooltip, b.tooltip.labels
    (None, ['epoch', 'loss'])
"""

from __future__ import annotations

import bqplot as bq


def tooltip(x_label: str, name: str) -> bq.Tooltip:
    """A marker layer's tooltip: its x and its value."""
    return bq.Tooltip(fields=["x", "y"], labels=[x_label, name], formats=["~g", ".6~g"])


class Tips:
    """Which marker layers of a panel carry a tooltip (see the module's doc)."""

    def __init__(self, x_label: str) -> None:
        self.x_label = x_label
        self._marks: dict[int, list[tuple[bq.Scatter, str]]] = {}  # run -> (layer, its label)
        self._fresh: set[int] = set()  # ids of layers made by this redraw while training
        self._pending: set[int] = set()  # runs with layers not yet brought in line
        self._named: set[int] | None = None  # as last followed (None: every run)

    def add(self, run_index: int, mark: bq.Scatter, label: str, fresh: bool = False) -> None:
        """A marker layer of run ``run_index`` (made without a tooltip), its tooltip saying
        ``label``; ``fresh``: made while training, it gets one at the next redraw."""
        self._marks.setdefault(run_index, []).append((mark, label))
        self._pending.add(run_index)
        if fresh:
            self._fresh.add(id(mark))

    def is_fresh(self, mark: bq.Scatter) -> bool:
        """Whether ``mark`` was made by this redraw while training."""
        return id(mark) in self._fresh

    def new_redraw(self) -> None:
        """A redraw begins: the layers made by the last one are no longer fresh."""
        self._fresh.clear()

    def follow(self, named: set[int] | None) -> None:
        """Give the named runs' layers (every run's: None) their tooltips, take the others'."""
        if named is None or self._named is None:
            runs = set(self._marks) if named != self._named else set(self._pending)
        else:
            runs = self._pending | (named ^ self._named)
        self._named = None if named is None else set(named)
        self._pending = set()
        for run in runs:
            shown = named is None or run in named
            for mark, label in self._marks.get(run, ()):
                if id(mark) in self._fresh:
                    self._pending.add(run)
                elif shown and mark.tooltip is None:
                    mark.tooltip = tooltip(self.x_label, label)
                elif not shown and mark.tooltip is not None:
                    old, mark.tooltip = mark.tooltip, None
                    old.layout.close()  # the browser drops both models
                    old.close()
