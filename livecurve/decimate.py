"""Incremental decimation: what to draw of a growing column, at a cost that does not grow with it.

A :class:`ColumnDigest` splits a column's rows into at most ``buckets`` runs of equal length (a
power of two) and keeps, for each, the rows of its smallest and largest value (min/max decimation:
spikes and the envelope of a noisy curve survive), a row that is not finite (so a gap stays a gap),
and its last row. New rows are folded in as they arrive; when the buckets run out, neighbours merge
in pairs. So each redraw costs O(new rows + buckets) and sends O(buckets) points, whatever the
length of the run, while the smoothed line is computed over every row (see
:mod:`livecurve.smoothing`), never over the decimated ones.
"""

from __future__ import annotations

import numpy as np

from .smoothing import Smoother
from .steptable import ABSENT, StepTable

_NONE = -1


class ColumnDigest:
    """Row numbers worth drawing for one column of a :class:`StepTable`, kept up to date.

    Args:
        name: the column.
        buckets: the most buckets (each gives up to 3 raw points and 1 smoothed point).
        smoothing: the weight of the smoothed line (0: none).
    """

    def __init__(self, name: str, buckets: int = 1000, smoothing: float = 0.0) -> None:
        self.name = name
        self.buckets = max(int(buckets), 2)
        self.smoothing = smoothing
        self.reset()

    def reset(self) -> None:
        """Forget every row (the table was truncated, or the smoothing changed)."""
        self.size = 1  # rows per bucket
        self.rows = 0  # rows folded in so far
        cap = self.buckets + 1
        self._low = np.full(cap, _NONE, dtype=np.int64)
        self._high = np.full(cap, _NONE, dtype=np.int64)
        self._gap = np.full(cap, _NONE, dtype=np.int64)
        self._last = np.full(cap, _NONE, dtype=np.int64)  # last finite row: the smoothed point
        self._low_v = np.full(cap, np.inf)
        self._high_v = np.full(cap, -np.inf)
        self._smooth = np.full(cap, np.nan)  # the smoothed value at _last
        self._smoother = Smoother(self.smoothing)
        self._generation = -1

    def update(self, table: StepTable) -> bool:
        """Fold in the rows added since the last call; True when anything changed."""
        if table.generation != self._generation:
            self.reset()
            self._generation = table.generation
        start = self.rows
        if len(table) <= start:
            return False
        _, columns = table.rows(start, [self.name])
        y = columns.get(self.name)
        if y is None:
            self.rows = start + 0
            return False
        self._fold(start, y)
        return True

    def _fold(self, start: int, y32: np.ndarray) -> None:
        stop = start + y32.size
        while -(-stop // self.size) > self.buckets:
            self._merge()
        y = y32.astype(np.float64)
        present = y != np.float64(ABSENT)
        finite = present & np.isfinite(y)
        smoothed = self._smoother.update(np.where(present, y, np.nan)) if self.smoothing else None
        rows = np.arange(start, stop)
        bucket = rows // self.size
        # Per bucket touched: extremes of the finite values, a NaN row, the last finite row.
        boundaries = np.flatnonzero(np.diff(bucket)) + 1
        starts = np.concatenate(([0], boundaries))
        ids = bucket[starts]
        low_y = np.where(finite, y, np.inf)
        high_y = np.where(finite, y, -np.inf)
        low_v = np.minimum.reduceat(low_y, starts)
        high_v = np.maximum.reduceat(high_y, starts)
        # The row of each segment's extreme: the first row equal to it.
        seg = np.repeat(np.arange(starts.size), np.diff(np.concatenate((starts, [y.size]))))
        low_row = _first_where(low_y == low_v[seg], seg, starts.size, rows)
        high_row = _first_where(high_y == high_v[seg], seg, starts.size, rows)
        gap_row = _first_where(present & ~finite, seg, starts.size, rows)
        last_row = _last_where(finite, seg, starts.size, rows)
        b = ids
        better = np.isfinite(low_v) & (low_v < self._low_v[b])
        self._low_v[b] = np.where(better, low_v, self._low_v[b])
        self._low[b] = np.where(better, low_row, self._low[b])
        better = np.isfinite(high_v) & (high_v > self._high_v[b])
        self._high_v[b] = np.where(better, high_v, self._high_v[b])
        self._high[b] = np.where(better, high_row, self._high[b])
        self._gap[b] = np.where(self._gap[b] == _NONE, gap_row, self._gap[b])
        has_last = last_row != _NONE
        self._last[b] = np.where(has_last, last_row, self._last[b])
        if smoothed is not None:
            at = np.where(has_last, last_row - start, 0)
            self._smooth[b] = np.where(has_last, smoothed[at], self._smooth[b])
        self.rows = stop

    def _merge(self) -> None:
        """Halve the number of buckets: bucket i takes over buckets 2i and 2i + 1."""
        used = -(-self.rows // self.size)
        pairs = -(-used // 2)
        a = np.arange(pairs) * 2
        b = np.minimum(a + 1, self.buckets)  # an odd last bucket pairs with an empty one
        b_valid = (a + 1) < used

        def pick(rows: np.ndarray, values: np.ndarray, better: np.ufunc, empty: float):
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
        for array, merged, empty in (
            (self._low, low, _NONE),
            (self._high, high, _NONE),
            (self._gap, gap, _NONE),
            (self._last, last, _NONE),
            (self._low_v, low_v, np.inf),
            (self._high_v, high_v, -np.inf),
            (self._smooth, smooth, np.nan),
        ):
            array[:pairs] = merged
            array[pairs:] = empty
        self.size *= 2

    # -- what to draw --------------------------------------------------------------------
    def raw_rows(self) -> np.ndarray:
        """Sorted row numbers of the decimated raw line (extremes, gaps, the latest row)."""
        used = -(-self.rows // self.size)
        if not used:
            return np.empty(0, dtype=np.int64)
        # Buckets are in row order: sort the <= 4 rows inside each, then drop repeats and holes.
        picked = np.stack(
            (self._low[:used], self._high[:used], self._gap[:used], self._last[:used]), axis=1
        )
        picked[:-1, 3] = _NONE  # the last row of the last bucket only: the latest point
        picked = np.where(picked == _NONE, np.iinfo(np.int64).max, picked)
        picked.sort(axis=1)
        flat = picked.ravel()
        keep = flat != np.iinfo(np.int64).max
        keep[1:] &= flat[1:] != flat[:-1]
        return flat[keep]

    def smoothed(self) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and values of the smoothed line, one point per bucket."""
        used = -(-self.rows // self.size)
        rows = self._last[:used]
        keep = rows != _NONE
        return rows[keep], self._smooth[:used][keep]


def _first_where(mask: np.ndarray, seg: np.ndarray, count: int, rows: np.ndarray) -> np.ndarray:
    """For each segment, the first row where ``mask`` holds, or -1."""
    out = np.full(count, _NONE, dtype=np.int64)
    hits = np.flatnonzero(mask)
    if hits.size:
        segs = seg[hits]  # sorted: the first hit of a segment is where the segment changes
        first = np.flatnonzero(np.diff(segs, prepend=-1))
        out[segs[first]] = rows[hits[first]]
    return out


def _last_where(mask: np.ndarray, seg: np.ndarray, count: int, rows: np.ndarray) -> np.ndarray:
    """For each segment, the last row where ``mask`` holds, or -1."""
    out = np.full(count, _NONE, dtype=np.int64)
    hits = np.flatnonzero(mask)
    if hits.size:
        out[seg[hits]] = rows[hits]  # later hits overwrite earlier ones
    return out
