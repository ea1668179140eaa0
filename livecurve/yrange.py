"""The y range a panel shows: leaving out outliers, and what a log axis needs.

TensorBoard's "ignore outliers in chart scaling" keeps one diverging value from flattening the
rest of a curve; :func:`robust_range` does the same with a fence of interquartile ranges, so a
smooth curve keeps its whole range. Used by the live widget (sent to the browser as scale
min/max) and by saved pictures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

OUTLIER_FENCE = 4.0  # interquartile ranges beyond the quartiles where outliers start
RANGE_PADDING = 0.05  # of the kept range, above and below


def robust_range(values: np.ndarray, log: bool = False) -> tuple[float, float] | None:
    """The y range that leaves out outliers, or None when no value is an outlier.

    Outliers are values more than ``OUTLIER_FENCE`` interquartile ranges beyond the quartiles of
    ``values`` (of their logarithms with ``log``; values <= 0 are ignored there). The range spans
    the other values, padded by 5 %. A loss that starts at 50 and settles near 0.3 is drawn from
    about 0.3 to its second value; a smooth curve keeps its whole range.

    Example:
        >>> robust_range(np.array([50.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7]))
        (0.635, 2.065)
        >>> robust_range(np.array([2.0, 1.5, 1.2, 1.0])) is None
        True
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if log:
        v = np.log10(v[v > 0])
    if v.size < 4:
        return None
    q1, q3 = np.percentile(v, [25, 75])
    spread = q3 - q1
    if spread <= 0:
        return None
    kept = v[(v >= q1 - OUTLIER_FENCE * spread) & (v <= q3 + OUTLIER_FENCE * spread)]
    if kept.size == v.size:
        return None
    low, high = float(kept.min()), float(kept.max())
    pad = (high - low) * RANGE_PADDING
    low, high = low - pad, high + pad
    if log:
        return float(10**low), float(10**high)
    return round(low, 12), round(high, 12)


def positive_range(values: np.ndarray) -> tuple[float, float] | None:
    """The range a log axis needs when some values are <= 0 (they are left out), else None."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    positive = v[v > 0]
    if positive.size == v.size or not positive.size:
        return None
    return float(positive.min()), float(positive.max())


def panel_ranges(values: np.ndarray) -> dict[str, Any]:
    """What the browser needs to set one panel's y range: see :class:`Controls`' ``ranges``."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    return {
        "lin": robust_range(v),
        "log": robust_range(v, log=True),
        "log_floor": positive_range(v),
        "hidden": int((v <= 0).sum()),
    }
