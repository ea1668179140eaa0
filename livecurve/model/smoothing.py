"""TensorBoard's smoothing: a debiased exponential moving average, computed incrementally.

With weight ``w`` in ``[0, 1)``, each finite value ``v`` updates ``a = w * a + (1 - w) * v`` and
the smoothed value is ``a / (1 - w ** n)`` after ``n`` finite values (the debiasing makes the first
points follow the data instead of starting at zero). Non-finite values are passed through as NaN
(a gap) and do not enter the average, as in TensorBoard's scalar dashboard.

The recurrence is evaluated in vectorized blocks (a scaled cumulative sum), so smoothing 10^6
points costs milliseconds, and :class:`Smoother` carries the state across calls so a growing series
is smoothed once, not again at every redraw.
"""

from __future__ import annotations

import math

import numpy as np


def check_weight(weight: float) -> float:
    """``weight`` as a float, or ``ValueError`` naming it when it is outside ``[0, 1)``."""
    try:
        value = float(weight)
    except (TypeError, ValueError):
        raise ValueError(f"smoothing must be a number in [0, 1), got {weight!r}") from None
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"smoothing must be in [0, 1) (0 draws no smoothed line, 0.6 is TensorBoard's "
            f"default, 0.99 is very smooth), got {weight!r}"
        )
    return value


def _block_length(weight: float) -> int:
    """The longest block whose scale factors ``weight ** -i`` stay far from overflow."""
    if weight <= 0.0:
        return 1 << 16
    limit = int(200.0 / -math.log10(weight))  # weight ** -limit is about 1e200
    return max(1, min(4096, limit))


class Smoother:
    """The running state of smoothed series: one, or the columns of a 2-D block at once.

    ``update`` takes the next values of a series (1-D) or the next rows of several (2-D, one
    column per series, each smoothed on its own) and returns their smoothed values.

    Example:
        >>> s = Smoother(0.5)
        >>> s.update(np.array([1.0, 2.0])).round(4).tolist()
        [1.0, 1.6667]
        >>> s.update(np.array([float("nan"), 3.0])).round(4).tolist()
        [nan, 2.4286]
    """

    def __init__(self, weight: float, columns: int = 1) -> None:
        self.weight = weight
        self.last = np.zeros(columns)  # the undebiased average of each column
        self.count = np.zeros(columns, dtype=np.int64)  # finite values seen per column

    def add_columns(self, n: int) -> None:
        """Start ``n`` more series (columns appended on the right)."""
        self.last = np.concatenate((self.last, np.zeros(n)))
        self.count = np.concatenate((self.count, np.zeros(n, dtype=np.int64)))

    def update(self, values: np.ndarray) -> np.ndarray:
        """The smoothed values of ``values`` (continuing the series), NaN where not finite."""
        y = np.asarray(values, dtype=np.float64)
        flat = y.ndim == 1
        block = y.reshape(-1, 1) if flat else y
        out = np.empty(block.shape)
        step = _block_length(self.weight)
        for start in range(0, block.shape[0], step):
            out[start : start + step] = self._block(block[start : start + step])
        return out.ravel() if flat else out

    def _block(self, y: np.ndarray) -> np.ndarray:
        # With c_t finite values up to row t (in this block), the average after row t is
        #   a_t = w^c_t * (a_0 + (1 - w) * sum over finite rows s <= t of v_s * w^-c_s),
        # so one cumulative sum per column does the recurrence; rows that are not finite leave
        # it unchanged. The block is short enough that w^-c_t stays far from overflow.
        w = self.weight
        finite = np.isfinite(y)
        seen = np.cumsum(finite, axis=0)
        count = self.count + seen
        if w == 0.0:  # no averaging: each value is its own smoothed value
            self.count = count[-1]
            return np.where(finite, y, np.nan)
        powers = w ** seen.astype(np.float64)
        scaled = np.cumsum(np.where(finite, y, 0.0) / powers, axis=0)
        running = powers * (self.last + (1.0 - w) * scaled)
        self.last, self.count = running[-1].copy(), count[-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            debiased = running / (1.0 - w ** count.astype(np.float64))
        return np.where(finite, debiased, np.nan)


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """The debiased moving average of a whole series (see the module docstring)."""
    return Smoother(check_weight(weight)).update(values)
