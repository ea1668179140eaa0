"""Reduce a long series to a bounded number of points for drawing.

bqplot sends a mark's whole x and y arrays on every change, so a run of 10^6 steps must be
reduced before it reaches the browser. Min/max decimation keeps each bucket's extremes, so spikes
and the envelope of a noisy curve survive; buckets with no finite value keep one NaN so gaps stay.
"""

from __future__ import annotations

import numpy as np


def minmax(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points of ``(x, y)``, keeping each bucket's min and max, in order."""
    n = x.size
    if n <= max_points or max_points < 4:
        return x, y
    buckets = max_points // 2
    size = -(-n // buckets)  # ceil
    pad = buckets * size - n
    padded = np.concatenate([y, np.full(pad, np.nan)]).reshape(buckets, size)
    finite = np.isfinite(padded)
    has_finite = finite.any(axis=1)
    low = np.where(finite, padded, np.inf).argmin(axis=1)
    high = np.where(finite, padded, -np.inf).argmax(axis=1)
    # A bucket with no finite value keeps its first point (a NaN: the gap stays a gap).
    low = np.where(has_finite, low, 0)
    high = np.where(has_finite, high, 0)
    base = np.arange(buckets) * size
    index = np.stack([base + np.minimum(low, high), base + np.maximum(low, high)], axis=1).ravel()
    index = np.unique(index[index < n])
    return x[index], y[index]
