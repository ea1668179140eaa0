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
from dataclasses import dataclass

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


@dataclass
class Smoother:
    """The running state of one smoothed series.

    Example:
        >>> s = Smoother(0.5)
        >>> s.update(np.array([1.0, 2.0])).round(4).tolist()
        [1.0, 1.6667]
        >>> s.update(np.array([float("nan"), 3.0])).round(4).tolist()
        [nan, 2.4286]
    """

    weight: float
    last: float = 0.0
    count: int = 0

    def update(self, values: np.ndarray) -> np.ndarray:
        """The smoothed values of ``values`` (continuing the series), NaN where not finite."""
        y = np.asarray(values, dtype=np.float64)
        out = np.full(y.shape, np.nan)
        finite = np.flatnonzero(np.isfinite(y))
        if finite.size == 0:
            return out
        w = self.weight
        if w == 0.0:
            out[finite] = y[finite]
            self.last, self.count = float(y[finite[-1]]), self.count + finite.size
            return out
        v = y[finite]
        smoothed = np.empty(v.size)
        step = _block_length(w)
        for start in range(0, v.size, step):
            block = v[start : start + step]
            powers = w ** np.arange(1, block.size + 1, dtype=np.float64)
            # a_j = w^j * (a_0 + (1 - w) * sum_{i<=j} w^-i v_i)
            scaled = np.cumsum(block / powers)
            running = powers * (self.last + (1.0 - w) * scaled)
            self.last = float(running[-1])
            n = self.count + np.arange(start + 1, start + block.size + 1, dtype=np.float64)
            smoothed[start : start + block.size] = running / (1.0 - w**n)
        self.count += v.size
        out[finite] = smoothed
        return out


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """The debiased moving average of a whole series (see the module docstring)."""
    return Smoother(check_weight(weight)).update(values)
