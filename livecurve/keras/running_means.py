"""Per-batch values from running means: what Keras 3 reports inside an epoch, undone.

Inside an epoch a Keras batch hook sees, for ``loss`` and every mean-type metric, the mean over
the epoch so far, weighted by batch size. Two reads ``m_j`` (after ``N_j`` samples) and ``m_k``
(after ``N_k``) give the exact mean of the batches between them::

    b = (N_k * m_k - N_j * m_j) / (N_k - N_j)

so reading every batch gives each batch's own value, and reading at intervals gives each
interval's mean; either way the values, weighted by their sample counts, average to the epoch's
value. A root-mean-square metric is recovered on its square. Other metrics (AUC, precision,
recall, F-scores, IoU, R²) are ratios of totals that cannot be split per batch: their running value
is passed through. Pure arithmetic: no Keras here (see :mod:`livecurve.keras.batches`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

MEAN = "mean"
ROOT_MEAN_SQUARE = "rms"
RUNNING = "running"


class RunningMeans:
    """Turns the running means of one epoch into the values of each interval between reads.

    Args:
        kind: for a metric name, ``"mean"`` (recover), ``"rms"`` (recover on the square) or
            ``"running"`` (pass through).

    Example:
        >>> means = RunningMeans(lambda name: "mean")
        >>> means.read(1, 32, {"loss": 1.0})
        {'loss': 1.0}
        >>> means.read(2, 64, {"loss": 0.75})          # the second batch alone: 0.5
        {'loss': 0.5}
        >>> round(means.read(3, 68, {"loss": 49 / 68})["loss"], 9)   # a last batch of 4 samples
        0.25
    """

    def __init__(self, kind: Callable[[str], str]) -> None:
        self._kind = kind
        self.start_epoch()

    def start_epoch(self) -> None:
        """Forget the previous epoch (Keras resets its metrics when an epoch begins)."""
        self.batches = 0  # batches done at the last read
        self._count = 0.0
        self._sums: dict[str, float] = {}

    def read(
        self, batches: int, count: float, logs: Mapping[str, float]
    ) -> dict[str, float] | None:
        """The values since the previous read, given ``batches`` done (``count`` samples).

        Returns None for a read older than the last one (Keras's worker threads may deliver
        batch hooks out of order: the later read already covers those batches exactly).
        """
        if batches <= self.batches or count <= self._count:
            return None
        span = count - self._count
        values: dict[str, float] = {}
        sums = self._sums
        for name, mean in logs.items():
            kind = self._kind(name)
            if kind == RUNNING or not math.isfinite(mean):
                values[name] = mean
                continue
            total = count * (mean * mean if kind == ROOT_MEAN_SQUARE else mean)
            before = sums.get(name, 0.0)
            sums[name] = total
            value = (total - before) / span
            if kind == ROOT_MEAN_SQUARE:
                value = math.sqrt(value) if value >= 0 else math.nan
            values[name] = value
        self.batches, self._count = batches, count
        return values
