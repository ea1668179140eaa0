"""Incremental decimation: what to draw of a growing table, at a cost that does not grow with it.

A :class:`TableDigest` splits a :class:`StepTable`'s rows into at most ``buckets`` runs of equal
length (a power of two) and keeps, for each bucket and each column, the rows of its smallest and
largest value (min/max decimation: spikes and the envelope of a noisy curve survive), a row that
is not finite (so a gap stays a gap), and its last finite row. New rows are folded in as they
arrive, every column at once; when the buckets run out, neighbours merge in pairs. So a redraw
costs O(new rows + buckets) and sends O(buckets) points per series, whatever the length of the
run, while the smoothed line is computed over every row (see :mod:`livecurve.model.smoothing`),
never over the decimated ones.
"""

from __future__ import annotations

import itertools

import numpy as np

from .smoothing import Smoother
from .steptable import ABSENT, StepTable

_NONE = -1
_NO_ROW = np.iinfo(np.int64).max
# Versions of drawn rows come from one counter for every digest, so a version is never repeated:
# not by a digest that started over (truncated table), nor by a new one (another smoothing).
_CHANGES = itertools.count(1)


class TableDigest:
    """Row numbers worth drawing for every column of a :class:`StepTable`, kept up to date.

    Args:
        buckets: the most buckets (each gives up to 3 raw points and 1 smoothed point).
        smoothing: the weight of the smoothed lines (0: none).

    Example:
        >>> table = StepTable()
        >>> table.extend(np.arange(8.0), {"loss": np.array([5.0, 1, 2, 0, 3, 3, 9, 4])})
        >>> digest = TableDigest(buckets=2)
        >>> digest.update(table)
        True
        >>> digest.raw_rows("loss").tolist()  # per half: its extremes, and the latest row
        [0, 3, 4, 6, 7]
    """

    def __init__(self, buckets: int = 1000, smoothing: float = 0.0) -> None:
        self.buckets = max(int(buckets), 2)
        self.smoothing = smoothing
        self.reset()

    def reset(self) -> None:
        """Forget every row (the table was truncated or moved)."""
        self.size = 1  # rows per bucket
        self.rows = 0  # rows folded in so far
        self.names: list[str] = []
        self.versions: dict[str, int] = {}  # per column: a new number when its drawn rows change
        self._column: dict[str, int] = {}
        cap = self.buckets + 1
        # Per bucket and column: rows of the extremes, of a gap and of the last finite value,
        # the extreme values, and the smoothed value at the last finite row.
        self._low = np.full((cap, 0), _NONE, dtype=np.int64)
        self._high = np.full((cap, 0), _NONE, dtype=np.int64)
        self._gap = np.full((cap, 0), _NONE, dtype=np.int64)
        self._last = np.full((cap, 0), _NONE, dtype=np.int64)
        self._low_v = np.full((cap, 0), np.inf)
        self._high_v = np.full((cap, 0), -np.inf)
        self._smooth = np.full((cap, 0), np.nan)
        self._smoother = Smoother(self.smoothing, 0)
        self._generation = -1

    _STATE = (
        ("_low", _NONE),
        ("_high", _NONE),
        ("_gap", _NONE),
        ("_last", _NONE),
        ("_low_v", np.inf),
        ("_high_v", -np.inf),
        ("_smooth", np.nan),
    )

    def update(self, table: StepTable) -> bool:
        """Fold in the rows (and columns) added since the last call; True when anything changed."""
        if table.generation != self._generation:
            self.reset()
            self._generation = table.generation
        names = table.names
        changed = False
        if len(names) > len(self.names):
            changed = self._add_columns(table, names[len(self.names) :])
        start = self.rows
        if len(table) <= start or not self.names:
            return changed
        _, columns = table.rows(start, self.names)
        block = np.stack([columns[name] for name in self.names], axis=1)
        self._fold(start, block, 0)
        return True

    def _add_columns(self, table: StepTable, names: list[str]) -> bool:
        """New columns: their history so far, folded in at the current bucket size."""
        first = len(self.names)
        for name in names:
            self._column[name] = len(self.names)
            self.names.append(name)
            self.versions[name] = next(_CHANGES)
        for attr, empty in self._STATE:
            old = getattr(self, attr)
            extra = np.full((old.shape[0], len(names)), empty, dtype=old.dtype)
            setattr(self, attr, np.concatenate((old, extra), axis=1))
        self._smoother.add_columns(len(names))
        if not self.rows:
            return False
        _, columns = table.rows(0, names)
        block = np.stack([columns[name][: self.rows] for name in names], axis=1)
        self._fold(0, block, first)
        return True

    def _fold(self, start: int, y32: np.ndarray, first: int) -> None:
        """Fold rows ``start …`` of columns ``first …`` (``y32``: one column per name)."""
        stop = start + y32.shape[0]
        while -(-stop // self.size) > self.buckets:
            self._merge()
        cols = slice(first, first + y32.shape[1])
        y = y32.astype(np.float64)
        present = y != np.float64(ABSENT)
        finite = present & np.isfinite(y)
        if self.smoothing:
            smoother = self._smoother if first == 0 else Smoother(self.smoothing, y.shape[1])
            smoothed = smoother.update(np.where(present, y, np.nan))
            if first:  # a new column's smoother continues from here
                self._smoother.last[cols] = smoother.last
                self._smoother.count[cols] = smoother.count
        rows = np.arange(start, stop)[:, None]
        bucket = rows[:, 0] // self.size
        starts = np.concatenate(([0], np.flatnonzero(np.diff(bucket)) + 1))
        b = bucket[starts]
        # Per bucket touched and column: extremes, a gap row, the last finite row.
        low_y = np.where(finite, y, np.inf)
        high_y = np.where(finite, y, -np.inf)
        low_v = np.minimum.reduceat(low_y, starts, axis=0)
        high_v = np.maximum.reduceat(high_y, starts, axis=0)
        seg = np.repeat(np.arange(starts.size), np.diff(np.append(starts, y.shape[0])))
        low_row = _first(low_y == low_v[seg], rows, starts)
        high_row = _first(high_y == high_v[seg], rows, starts)
        gap_row = _first(present & ~finite, rows, starts)
        last_row = np.maximum.reduceat(np.where(finite, rows, _NONE), starts, axis=0)

        def keep(attr: str, new: np.ndarray, take: np.ndarray) -> None:
            state = getattr(self, attr)
            state[b, cols] = np.where(take, new, state[b, cols])

        better = low_v < self._low_v[b, cols]
        keep("_low", low_row, better)
        keep("_low_v", low_v, better)
        better = high_v > self._high_v[b, cols]
        keep("_high", high_row, better)
        keep("_high_v", high_v, better)
        keep("_gap", gap_row, self._gap[b, cols] == _NONE)
        has_last = last_row != _NONE
        keep("_last", last_row, has_last)
        if self.smoothing:
            at = np.where(has_last, last_row - start, 0)
            keep("_smooth", np.take_along_axis(smoothed, at, axis=0), has_last)
        for name, touched in zip(self.names[cols], present.any(axis=0)):
            if touched:
                self.versions[name] = next(_CHANGES)
        if first == 0:
            self.rows = stop

    def _merge(self) -> None:
        """Halve the number of buckets: bucket i takes over buckets 2i and 2i + 1."""
        used = -(-self.rows // self.size)
        pairs = -(-used // 2)
        a = np.arange(pairs) * 2
        b = np.minimum(a + 1, self.buckets)  # an odd last bucket pairs with an empty one
        b_valid = ((a + 1) < used)[:, None]

        def pick(
            rows: np.ndarray, values: np.ndarray, better: np.ufunc, empty: float
        ) -> tuple[np.ndarray, np.ndarray]:
            rb = np.where(b_valid, rows[b], _NONE)
            vb = np.where(b_valid, values[b], empty)
            take_b = better(vb, values[a])
            return np.where(take_b, rb, rows[a]), np.where(take_b, vb, values[a])

        low, low_v = pick(self._low, self._low_v, np.less, np.inf)
        high, high_v = pick(self._high, self._high_v, np.greater, -np.inf)
        gap_b = np.where(b_valid, self._gap[b], _NONE)
        gap = np.where(self._gap[a] != _NONE, self._gap[a], gap_b)
        last_b = np.where(b_valid, self._last[b], _NONE)
        smooth_b = np.where(b_valid, self._smooth[b], np.nan)
        last = np.where(last_b != _NONE, last_b, self._last[a])
        smooth = np.where(last_b != _NONE, smooth_b, self._smooth[a])
        merged = {
            "_low": low,
            "_high": high,
            "_gap": gap,
            "_last": last,
            "_low_v": low_v,
            "_high_v": high_v,
            "_smooth": smooth,
        }
        for attr, empty in self._STATE:
            array = getattr(self, attr)
            array[:pairs] = merged[attr]
            array[pairs:] = empty
        self.size *= 2

    # -- what to draw --------------------------------------------------------------------
    def raw_rows(self, name: str) -> np.ndarray:
        """Sorted row numbers of ``name``'s decimated raw line (extremes, gaps, the latest row)."""
        used = -(-self.rows // self.size)
        j = self._column.get(name)
        if not used or j is None:
            return np.empty(0, dtype=np.int64)
        # Buckets are in row order: sort the <= 4 rows inside each, then drop repeats and holes.
        picked = np.stack(
            (self._low[:used, j], self._high[:used, j], self._gap[:used, j], self._last[:used, j]),
            axis=1,
        )
        picked[:-1, 3] = _NONE  # the last row of the last bucket only: the latest point
        picked = np.where(picked == _NONE, _NO_ROW, picked)
        picked.sort(axis=1)
        flat = picked.ravel()
        keep = flat != _NO_ROW
        keep[1:] &= flat[1:] != flat[:-1]
        return flat[keep]

    def smoothed(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and values of ``name``'s smoothed line, one point per bucket."""
        used = -(-self.rows // self.size)
        j = self._column.get(name)
        if j is None:
            return np.empty(0, dtype=np.int64), np.empty(0)
        rows = self._last[:used, j]
        keep = rows != _NONE
        return rows[keep], self._smooth[:used, j][keep]


def _first(mask: np.ndarray, rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per segment (rows ``starts[i] …``) and column, the first row where ``mask`` holds, or -1."""
    first = np.minimum.reduceat(np.where(mask, rows, _NO_ROW), starts, axis=0)
    return np.where(first == _NO_ROW, _NONE, first)


class RunDigests:
    """One :class:`TableDigest` per run with per-step values, brought up to date together.

    A view calls :meth:`update` once per redraw; each series then reads its rows from
    :meth:`get`. Changing ``smoothing`` starts every digest over (the smoothed lines are
    recomputed over every step).
    """

    def __init__(self, buckets: int, smoothing: float = 0.0) -> None:
        self.buckets = buckets
        self.smoothing = smoothing
        self._digests: dict[int, tuple[StepTable, TableDigest]] = {}

    def set_smoothing(self, smoothing: float) -> None:
        if smoothing != self.smoothing:
            self.smoothing = smoothing
            self._digests.clear()

    def update(self, tables: list[StepTable | None], only: set[int] | None = None) -> None:
        """Fold in what each run's table (None: no per-step values) gained since the last call;
        ``only``: the runs that may have gained rows (None: any)."""
        for index, table in enumerate(tables):
            if table is None or (only is not None and index not in only):
                continue
            held = self._digests.get(index)
            if held is None or held[0] is not table:
                held = self._digests[index] = (table, TableDigest(self.buckets, self.smoothing))
            held[1].update(table)

    def get(self, run_index: int) -> TableDigest | None:
        held = self._digests.get(run_index)
        return None if held is None else held[1]
