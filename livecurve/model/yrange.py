"""The y range a panel shows: leaving out outliers, and what a log axis needs.

TensorBoard's "ignore outliers in chart scaling" keeps one diverging value from flattening the
rest of a curve; :func:`robust_range` does the same with a fence of interquartile ranges, so a
smooth curve keeps its whole range. Only per-batch/per-step values may be left out: the values
passed as ``keep`` (a learning curve's epoch values, the first epochs included) are always inside
the range. Used by the live widget (sent to the browser as scale min/max) and by saved pictures.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

OUTLIER_FENCE = 4.0  # interquartile ranges beyond the quartiles where outliers start
RANGE_PADDING = 0.05  # of the kept range, above and below
QUARTILE_SAMPLE = 2048  # the quartiles of longer arrays come from this many evenly spaced values


def _finite(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64).ravel()
    return v if np.isfinite(v).all() else v[np.isfinite(v)]


def _quartiles(v: np.ndarray) -> tuple[float, float]:
    """The first and third quartiles; of an evenly spaced sample when ``v`` is long.

    The fence only needs the bulk's spread, and a sample of 2048 values gives it within a few
    percent while a redraw stays cheap; the range itself is taken over every value.
    """
    if v.size > QUARTILE_SAMPLE:
        v = v[:: -(-v.size // QUARTILE_SAMPLE)]
    # np.percentile's linear interpolation, from one partial sort (percentile costs 10x more).
    last = v.size - 1
    at = np.array([0.25 * last, 0.75 * last])
    below = np.floor(at).astype(np.intp)
    above = np.minimum(below + 1, last)
    part = np.partition(v, sorted({*below.tolist(), *above.tolist()}))
    q = part[below] + (at - below) * (part[above] - part[below])
    return float(q[0]), float(q[1])


def robust_range(
    values: np.ndarray, log: bool = False, keep: np.ndarray | None = None
) -> tuple[float, float] | None:
    """The y range that leaves out outliers, or None when no value is an outlier.

    Outliers are values more than ``OUTLIER_FENCE`` interquartile ranges beyond the quartiles of
    ``values`` (of their logarithms with ``log``; values <= 0 are ignored there). The range spans
    the other values, padded by 5 %. A loss that starts at 50 and settles near 0.3 is drawn from
    about 0.3 to its second value; a smooth curve keeps its whole range. Values in ``keep``
    (epoch values, which may also be in ``values``) are never left out: the range reaches them.

    Example:
        >>> robust_range(np.array([50.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7]))
        (0.635, 2.065)
        >>> robust_range(np.array([2.0, 1.5, 1.2, 1.0])) is None
        True
        >>> robust_range(np.array([50.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7]), keep=np.array([3.0]))
        (0.585, 3.115)
    """
    return _robust(_finite(values), log, None if keep is None else _finite(keep))


def _robust(v: np.ndarray, log: bool, keep: np.ndarray | None = None) -> tuple[float, float] | None:
    """:func:`robust_range` of finite values (``keep``: finite values the range must hold)."""
    if log:
        v = v[v > 0]
        if keep is not None:
            keep = keep[keep > 0]
    if v.size < 4:
        return None
    q1, q3 = _quartiles(v)
    if log:  # quartiles commute with the logarithm: only the kept values' bounds need one
        q1, q3 = math.log10(q1), math.log10(q3)
    spread = q3 - q1
    if spread <= 0:
        return None
    low_fence, high_fence = q1 - OUTLIER_FENCE * spread, q3 + OUTLIER_FENCE * spread
    if log:
        low_fence, high_fence = 10**low_fence, 10**high_fence
    inside = (v >= low_fence) & (v <= high_fence)
    if inside.all():
        return None
    kept = v[inside]
    low, high = float(kept.min()), float(kept.max())
    if keep is not None and keep.size:  # epoch values are never outliers
        low, high = min(low, float(keep.min())), max(high, float(keep.max()))
        if low <= float(v.min()) and high >= float(v.max()):
            return None  # nothing is left out after all
    if log:
        low, high = math.log10(low), math.log10(high)
    pad = (high - low) * RANGE_PADDING
    low, high = low - pad, high + pad
    if log:
        return float(10**low), float(10**high)
    return round(low, 12), round(high, 12)


def positive_range(values: np.ndarray) -> tuple[float, float] | None:
    """The range a log axis needs when some values are <= 0 (they are left out), else None."""
    return _positive(_finite(values))


def _positive(v: np.ndarray) -> tuple[float, float] | None:
    positive = v[v > 0]
    if positive.size == v.size or not positive.size:
        return None
    return float(positive.min()), float(positive.max())


def panel_ranges(values: np.ndarray, keep: np.ndarray | None = None) -> dict[str, Any]:
    """What the browser needs to set one panel's y range: see :class:`Controls`' ``ranges``.

    ``keep``: the values the range must hold whatever the outliers (the panel's epoch values).
    """
    v = _finite(values)
    k = None if keep is None else _finite(keep)
    return {
        "lin": _robust(v, log=False, keep=k),
        "log": _robust(v, log=True, keep=k),
        "log_floor": _positive(v),
        "hidden": int((v <= 0).sum()),
    }
