"""The runs a many-run figure does not name, drawn as one thin grey ``Lines`` mark per split.

bqplot lays out every mark of a figure again when its marks list changes; a search's panel with a
line and dots per run and series held 800 marks. The runs the ranking does not name
(:mod:`livecurve.model.ranking`) are drawn instead as the rows of one 2-D ``Lines`` mark per panel
and split (training, validation), so a new trial changes that mark's data.

Example:
    >>> import numpy as np
    >>> xs, ys = padded([(np.array([1.0, 2.0]), np.array([0.5, 0.4])),
    ...                  (np.array([1.0]), np.array([0.9]))])
    >>> ys.tolist()
    [[0.5, 0.4], [0.9, nan]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import bqplot as bq
import numpy as np

from .. import style
from .visibility import entry_id


def drawn_xy(marks: Any) -> tuple[np.ndarray, np.ndarray]:
    """What a series' own marks draw (a ``SeriesMarks``): its points' line, or for a series with
    per-step values only, its smoothed line, else its faint one."""
    x, y = marks.line.x, marks.line.y
    if not np.size(x) and marks.smooth is not None:
        x, y = marks.smooth.x, marks.smooth.y
        if not np.size(x) and marks.raw is not None:
            x, y = marks.raw.x, marks.raw.y
    return np.asarray(x), np.asarray(y)


def padded(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The rows as 2-D x and y, each row padded with NaN to the longest (a gap, not drawn)."""
    # at least 2 columns: bqplot draws only the first row of a 2-D x or y one column wide
    width = max(2, *(x.size for x, _y in rows))
    xs = np.full((len(rows), width), np.nan)
    ys = np.full((len(rows), width), np.nan)
    for i, (x, y) in enumerate(rows):
        xs[i, : x.size], ys[i, : y.size] = x, y
    return xs, ys


def grey_lines(
    xs: np.ndarray, ys: np.ndarray, scales: dict, validation: bool, opacities: list[float]
) -> bq.Lines:
    """The grey mark of one split: thin, light, dashed for validation (as the saved picture)."""
    return bq.Lines(
        x=xs,
        y=ys,
        scales=scales,
        colors=[style.OTHER_RUN_COLOUR],
        opacities=opacities,
        stroke_width=style.OTHER_RUN_WIDTH,
        line_style="dashed" if validation else "solid",
        labels=["other runs (validation)" if validation else "other runs"],
        display_legend=False,
    )


Chunk = tuple[bool, int]  # (validation split, block of GREY_CHUNK runs)
GREY_CHUNK = 20  # runs per grey mark: a change of one grey run redraws the rows of 20 runs


class GreyRows:
    """One panel's grey marks: per split and block of :data:`GREY_CHUNK` runs (by run index),
    one ``Lines`` mark whose rows are the series of the runs not named.

    bqplot redraws every row of a mark whose data changes, so a new epoch or a new trial redraws
    the rows of one block, not of 200 runs; only the blocks marked stale are looked at again.
    """

    def __init__(self, scales: dict[str, Any]) -> None:
        self.scales = scales
        self.marks: dict[Chunk, bq.Lines] = {}
        self.chunks: dict[Chunk, list[tuple[int, str]]] = {}  # each block's rows: their series
        self._drawn: dict[Chunk, tuple] = {}  # what each block was drawn from
        self._ids: dict[Chunk, tuple[list, list[str]]] = {}
        self.stale: set[int] = set()  # the blocks whose rows may have changed
        self.everything = False  # every block
        # Whether a series is drawn (its and its run's checkboxes): the rows' opacities.
        self.row_drawn: Callable[[tuple[int, str]], bool] = lambda _key: True

    def touch(self, run_index: int) -> None:
        """Run ``run_index``'s rows may have changed (drawn anew, named or not)."""
        self.stale.add(run_index // GREY_CHUNK)

    @property
    def due(self) -> bool:
        """Whether a block is to be looked at again."""
        return self.everything or bool(self.stale)

    @property
    def rows(self) -> dict[bool, list[tuple[int, str]]]:
        """Per split, the series the rows draw (every block's, in the marks' order)."""
        rows: dict[bool, list[tuple[int, str]]] = {}
        for split, block in sorted(self.chunks, key=lambda c: (c[1], c[0])):
            rows.setdefault(split, []).extend(self.chunks[(split, block)])
        return rows

    def drawn(self, split: bool | None = None) -> list[bq.Lines]:
        """The marks with rows now (of one split), in the figure's order: block by block."""
        return [
            self.marks[chunk]
            for chunk in sorted(self.marks, key=lambda c: (c[1], c[0]))
            if self.chunks.get(chunk) and (split is None or chunk[0] == split)
        ]

    def ids(self, chunk: Chunk) -> list[str]:
        """The entry ids (``"12:loss"``) of a block's rows, in order; the same list while its
        rows are unchanged (the visibility's ``grey`` is compared at every redraw)."""
        keys = self.chunks.get(chunk, [])
        held = self._ids.get(chunk)
        if held is None or held[0] is not keys:
            held = self._ids[chunk] = (keys, [entry_id(key) for key in keys])
        return held[1]

    def opacities(self, chunk: Chunk) -> list[float]:
        """Each row's opacity in a block: 0 for a series whose checkbox (or its run's) is
        unticked."""
        return [
            style.OTHER_RUN_OPACITY if self.row_drawn(key) else 0.0
            for key in self.chunks.get(chunk, [])
        ]

    def repaint(self) -> None:
        """Follow the checkboxes: the rows' opacities (visibility changed)."""
        for chunk, mark in self.marks.items():
            opacities = self.opacities(chunk)
            if list(mark.opacities) != opacities:
                mark.opacities = opacities

    def draw(
        self, of_block: Callable[[int], Sequence[Any]], blocks: Callable[[], set[int]]
    ) -> bool:
        """Send the stale blocks' rows: ``of_block(block)`` gives the series marks
        (``SeriesMarks``) of a block's runs not named, ``blocks()`` every block with a series.
        True when a block gained its first row or lost its last (the figure's marks change)."""
        numbers = blocks() | {chunk[1] for chunk in self.chunks} if self.everything else self.stale
        self.stale, self.everything = set(), False
        found: dict[Chunk, list[Any]] = {}
        for block in numbers:
            found[(False, block)], found[(True, block)] = [], []
            for marks in of_block(block):
                found[(marks.validation, block)].append(marks)
        listed = False
        for chunk, series in found.items():
            drawn = tuple((m.run_index, m.name, m.drawn_version, m.drawn_steps) for m in series)
            if drawn == self._drawn.get(chunk):
                continue
            self._drawn[chunk] = drawn
            rows = [((m.run_index, m.name), drawn_xy(m)) for m in series]
            rows = [(key, xy) for key, xy in rows if xy[0].size]
            keys = [key for key, _xy in rows]
            was = self.chunks.get(chunk, [])
            self.chunks[chunk] = keys
            listed |= bool(keys) != bool(was)
            if not keys:
                continue
            xs, ys = padded([xy for _key, xy in rows])
            opacities = self.opacities(chunk)
            mark = self.marks.get(chunk)
            if mark is None:
                self.marks[chunk] = grey_lines(xs, ys, self.scales, chunk[0], opacities)
            else:
                with mark.hold_sync():
                    mark.x, mark.y = xs, ys
                    if list(mark.opacities) != opacities:
                        mark.opacities = opacities
        return listed
