"""What a panel can show of a step series over an x range: every step, or a per-pixel envelope.

The browser holds every recorded step of the drawn step series (``view/steps_store.js``) and,
when a person zooms or pans, draws the visible range with :func:`envelope`: the same algorithm in
JavaScript there and in Python here, so both are tested on the same inputs (the tests run the JS
through ``node``).

- Where the range holds no more present points than the panel has pixel columns, every one of
  them is kept, exactly.
- Otherwise each pixel column keeps the rows of its smallest and largest finite value and its
  first non-finite one (a gap stays a gap, a one-step spike stays visible at any zoom): at most
  three rows a column, in row order.
- The nearest present row on each side of the range is added, so the line runs to the panel's
  edges; a range holding no row gives nothing.

Rows whose value is ``ABSENT`` (``+inf``: not logged at that step) are skipped; ``NaN`` rows are
gaps. ``x`` must be non-decreasing (step series are; the browser falls back to the kernel's
reduced line otherwise).
"""

from __future__ import annotations

import numpy as np

from .steptable import ABSENT

_EMPTY = np.empty(0, dtype=np.int64)


def envelope(x: np.ndarray, y: np.ndarray, lo: float, hi: float, columns: int) -> np.ndarray:
    """Row numbers of ``y`` to draw for ``lo <= x <= hi`` on ``columns`` pixel columns.

    Example:
        >>> x = np.arange(10.0)
        >>> y = np.array([0, 1, 0, 9, 0, 1, 0, 1, 0, 1], dtype=np.float32)
        >>> envelope(x, y, 2, 5, 100).tolist()  # few rows: all of them, and a neighbour each side
        [1, 2, 3, 4, 5, 6]
        >>> envelope(x, y, 0, 9, 2).tolist()  # 2 columns: each one's min and max (the spike)
        [0, 3, 5, 6]
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float32)
    lo, hi = float(lo), float(hi)
    if columns < 1 or not (hi >= lo) or x.size == 0:
        return _EMPTY
    i0 = int(np.searchsorted(x, lo, "left"))
    i1 = int(np.searchsorted(x, hi, "right"))
    idx = np.arange(i0, i1)[y[i0:i1] != ABSENT]
    if idx.size == 0:
        return _EMPTY
    if idx.size > columns:
        idx = _per_column(x[idx], y[idx], idx, lo, hi, columns)
    before = np.flatnonzero(y[:i0] != ABSENT)[-1:]
    after = np.flatnonzero(y[i1:] != ABSENT)[:1] + i1
    return np.concatenate((before, idx, after)).astype(np.int64)


def pixel_column(x: np.ndarray, lo: float, hi: float, columns: int) -> np.ndarray:
    """The pixel column of each x in ``[lo, hi]`` (the formula the JS uses, in float64)."""
    width = hi - lo
    if width <= 0:
        return np.zeros(np.shape(x), dtype=np.int64)
    col = np.floor((np.asarray(x, dtype=np.float64) - lo) / width * columns)
    return np.clip(col, 0, columns - 1).astype(np.int64)


def _per_column(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, lo: float, hi: float, columns: int
) -> np.ndarray:
    """Per pixel column: the rows of its min and max finite value and of its first gap."""
    col = pixel_column(x, lo, hi, columns)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(col)) + 1))
    seg = np.repeat(np.arange(starts.size), np.diff(np.append(starts, col.size)))
    finite = np.isfinite(y)
    yy = y.astype(np.float64)
    low = np.where(finite, yy, np.inf)
    high = np.where(finite, yy, -np.inf)
    low_v = np.minimum.reduceat(low, starts)
    high_v = np.maximum.reduceat(high, starts)
    pos = np.arange(col.size)
    none = col.size
    first = lambda mask: np.minimum.reduceat(np.where(mask, pos, none), starts)  # noqa: E731
    picked = np.stack(
        (
            first(finite & (low == low_v[seg])),
            first(finite & (high == high_v[seg])),
            first(~finite),
        ),
        axis=1,
    )
    picked.sort(axis=1)
    flat = picked.ravel()
    keep = flat != none
    keep[1:] &= flat[1:] != flat[:-1]
    return rows[flat[keep]]
