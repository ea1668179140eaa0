"""TensorBoard histograms as the quantiles a livecurve distribution stores.

Both forms writers use become the nine numbers of
:data:`~livecurve.model.distribution.QUANTILES` (minimum, seven percentiles, maximum):

* **v2**, a tensor of shape ``(k, 3)``: rows of (left edge, right edge, count), as
  ``tf.summary.histogram`` and Keras's ``TensorBoard(histogram_freq=...)`` write it;
* **v1**, a ``HistogramProto`` (``min``, ``max``, ``bucket_limit[]``, ``bucket[]``), as PyTorch's
  ``SummaryWriter.add_histogram`` and TF1 write it: bucket ``i`` spans from ``bucket_limit[i-1]``
  (``min`` for the first) to ``bucket_limit[i]``, clipped to ``[min, max]``.

The values themselves are gone; only the counts per bucket are known. A percentile ``p`` is
estimated as TensorBoard's own distribution view does: walk the cumulative count to the rank
``p/100 · total`` and interpolate linearly inside the bucket that holds it (values are taken as
spread evenly within a bucket). The minimum and maximum are ``min``/``max`` for v1, and the outer
edges of the first and last non-empty buckets for v2. The error is at most one bucket's width
(30 buckets by default for ``tf.summary``, as many as torch's ``bins``).

Example:
    >>> import numpy as np
    >>> q = quantiles_v2(np.array([[0.0, 1.0, 50.0], [1.0, 2.0, 50.0]]))
    >>> [round(float(v), 2) for v in q[[0, 4, 8]]]
    [0.0, 1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model.distribution import QUANTILES

_RANKS = np.asarray(QUANTILES) / 100.0


def _from_buckets(left: np.ndarray, right: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Quantiles of buckets ``[left, right]`` holding ``counts`` values (NaN when none)."""
    keep = counts > 0
    if not keep.any():
        return np.full(len(QUANTILES), np.nan)
    left, right, counts = left[keep], right[keep], counts[keep]
    cumulative = np.cumsum(counts)
    total = cumulative[-1]
    # Each bucket is a segment from (rank before it, left) to (rank after it, right).
    ranks = np.empty(2 * counts.size)
    ranks[0::2] = cumulative - counts
    ranks[1::2] = cumulative
    edges = np.empty(2 * counts.size)
    edges[0::2] = left
    edges[1::2] = right
    return np.interp(_RANKS * total, ranks, edges)


def quantiles_v2(buckets: np.ndarray) -> np.ndarray:
    """Quantiles of a ``(k, 3)`` array of (left, right, count) rows."""
    buckets = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    return _from_buckets(buckets[:, 0], buckets[:, 1], buckets[:, 2])


def quantiles_v1(
    low: float, high: float, limits: Sequence[float], counts: Sequence[float]
) -> np.ndarray:
    """Quantiles of a ``HistogramProto``: its ``min``, ``max``, ``bucket_limit``, ``bucket``."""
    right = np.asarray(limits, dtype=np.float64)
    count = np.asarray(counts, dtype=np.float64)
    if right.size != count.size or right.size == 0:
        return np.full(len(QUANTILES), np.nan)
    left = np.concatenate(([low], right[:-1]))
    return _from_buckets(np.clip(left, low, high), np.clip(right, low, high), count)
