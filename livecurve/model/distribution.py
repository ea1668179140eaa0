"""Distributions of arrays over time: each logged array reduced to a few quantiles.

``log_distribution(step, dense_kernel=layer.kernel)`` must not keep the array: a kernel of a
million weights logged every step would fill memory and make every redraw slower. Each call is
reduced at once to :data:`QUANTILES` — the minimum, seven percentiles and the maximum — and only
those nine numbers are stored, in growable preallocated buffers like :class:`~livecurve.Series`.

The percentiles are the ones TensorBoard's *Distributions* tab draws (its ``NORMAL_HISTOGRAM_BPS``):
for normally distributed values they sit at the mean and ±0.5, ±1 and ±1.5 standard deviations,
so the nested bands a view draws between symmetric pairs (min–max, 6.7–93.3, 15.9–84.1,
30.9–69.1, around the median line) are evenly spaced in sigma, and a picture reads the same as
the TensorBoard view users know.

Arrays may be numpy arrays, anything numpy converts, or framework tensors: TensorFlow and Keras
variables (``.numpy()``), torch tensors (detached and moved to the CPU), JAX arrays. No framework
is imported here.

Bad values never stop training (see :meth:`Distribution.append`): NaN and infinite entries are
left out of the quantiles with one :class:`~livecurve.LiveCurveWarning` per name; an empty array,
or one with no finite value, is stored as a row of NaN (a gap in the bands), also with one warning.
Input that is not an array of real numbers (text, complex numbers) raises ``TypeError``.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import LiveCurveWarning
from .values import align

QUANTILES: tuple[float, ...] = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)
"""The percentiles stored per call: min, TensorBoard's seven normal-histogram points, max."""

LABELS: tuple[str, ...] = ("min", "p6.7", "p15.9", "p30.9", "p50", "p69.1", "p84.1", "p93.3", "max")
"""Column names of :data:`QUANTILES` in exports: ``dense_kernel/p50``."""

MEDIAN = QUANTILES.index(50.0)

PAIRS: tuple[tuple[int, int], ...] = tuple((i, len(QUANTILES) - 1 - i) for i in range(MEDIAN))
"""Indices of the symmetric quantile pairs the bands fill between, outermost (min, max) first."""

_INITIAL_CAPACITY = 64
_FLOATS = (np.float16, np.float32, np.float64)


def to_array(value: Any) -> np.ndarray:
    """A numpy array of real numbers from an array, a tensor or a nested list (no copy if possible).

    torch tensors are detached and moved to the CPU; objects with ``.numpy()`` (TensorFlow, Keras
    variables) use it; anything else goes through ``np.asarray`` (JAX arrays, lists). Integers,
    booleans and low-precision floats such as ``bfloat16`` become ``float64``. Raises
    ``TypeError`` when the result is not an array of real numbers.
    """
    original = value
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch: no grad, no GPU
        value = value.detach().cpu()
        if str(getattr(value, "dtype", "")) == "torch.bfloat16":  # numpy has no bfloat16
            value = value.float()
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    except Exception as exc:
        raise TypeError(
            f"livecurve: cannot read a {type(original).__name__} as an array of numbers ({exc}); "
            "log a numpy array or a TensorFlow, torch or JAX tensor"
        ) from None
    if array.dtype.type in _FLOATS:
        return array
    if array.dtype.kind in "biuV":  # ints, bools, ml_dtypes' bfloat16 (JAX)
        try:
            return array.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise TypeError(
        f"livecurve: a distribution needs real numbers, but this {type(original).__name__} "
        f"holds {array.dtype}; log a numeric array or tensor"
    )


def summarize(array: np.ndarray) -> tuple[np.ndarray, int]:
    """The :data:`QUANTILES` of the finite values of ``array``, and how many values were not finite.

    Returns NaN quantiles when no value is finite (or the array is empty). Memory beyond the array
    itself: a boolean mask and, only when some values are not finite, a copy of the finite ones.
    """
    flat = array.reshape(-1)
    finite = np.isfinite(flat)
    dropped = int(flat.size - np.count_nonzero(finite))
    if dropped:
        flat = flat[finite]
    if flat.size == 0:
        return np.full(len(QUANTILES), np.nan), dropped
    return np.percentile(flat, QUANTILES).astype(np.float64), dropped


class Distribution:
    """The quantiles of one named array, one row per logged call.

    Example:
        >>> import numpy as np
        >>> d = Distribution("dense_kernel")
        >>> d.append(1, np.arange(101.0))
        >>> x, q = d.snapshot()
        >>> x.tolist(), q[0, [0, MEDIAN, -1]].tolist()
        ([1.0], [0.0, 50.0, 100.0])
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._x = np.empty(_INITIAL_CAPACITY, dtype=np.float64)
        self._q = np.empty((_INITIAL_CAPACITY, len(QUANTILES)), dtype=np.float64)
        self._n = 0
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self.version = 0

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return f"Distribution({self.name!r}, {self._n} points)"

    def append(self, x: float, values: Any) -> None:
        """Reduce ``values`` (an array or tensor) to its quantiles and store them at ``x``.

        NaN and infinite entries are left out, with one warning per name; an empty array, or one
        with no finite entry, is stored as NaN quantiles (a gap), with one warning per name.
        Raises ``TypeError`` for values that are not real numbers.
        """
        array = to_array(values)
        quantiles, dropped = summarize(array)
        if array.size == 0:
            self._warn_once(
                "empty",
                f"livecurve: distribution {self.name!r} at x={x:g} is an empty array; "
                "it is drawn as a gap.",
            )
        elif dropped == array.size:
            self._warn_once(
                "nonfinite-all",
                f"livecurve: distribution {self.name!r} at x={x:g} has no finite value "
                "(all NaN or inf); it is drawn as a gap.",
            )
        elif dropped:
            self._warn_once(
                "nonfinite",
                f"livecurve: distribution {self.name!r} at x={x:g} has {dropped} NaN or infinite "
                f"values out of {array.size}; its quantiles leave them out.",
            )
        with self._lock:
            self._reserve(self._n + 1)
            self._x[self._n] = x
            self._q[self._n] = quantiles
            self._n += 1
            self.version += 1

    def append_quantiles(self, x: float, quantiles: Any) -> None:
        """Store already computed :data:`QUANTILES` at ``x`` (readers of histograms use this).

        ``quantiles`` holds ``len(QUANTILES)`` numbers in that order (NaN for a gap).

        Example:
            >>> d = Distribution("kernel")
            >>> d.append_quantiles(3, [0, 1, 2, 3, 4, 5, 6, 7, 8])
            >>> d.snapshot()[1][0, MEDIAN]
            np.float64(4.0)
        """
        row = np.asarray(quantiles, dtype=np.float64).reshape(-1)
        if row.size != len(QUANTILES):
            raise ValueError(
                f"distribution {self.name!r}: got {row.size} quantiles, need {len(QUANTILES)} "
                f"(min, {', '.join(LABELS[1:-1])}, max)"
            )
        with self._lock:
            self._reserve(self._n + 1)
            self._x[self._n] = x
            self._q[self._n] = row
            self._n += 1
            self.version += 1

    def truncate_from(self, x: float) -> int:
        """Drop every row at or after ``x`` (a restarted loop); returns how many."""
        with self._lock:
            keep = self._x[: self._n] < x
            dropped = int(self._n - keep.sum())
            if dropped:
                kept_x, kept_q = self._x[: self._n][keep], self._q[: self._n][keep]
                self._n = kept_x.size
                self._x[: self._n], self._q[: self._n] = kept_x, kept_q
                self.version += 1
            return dropped

    def snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of x, shape ``(n,)``, and the quantiles, shape ``(n, len(QUANTILES))``."""
        with self._lock:
            return self._x[: self._n].copy(), self._q[: self._n].copy()

    def last_x(self) -> float | None:
        with self._lock:
            return float(self._x[: self._n].max()) if self._n else None

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers (grows with the number of calls, never with array sizes)."""
        return self._x.nbytes + self._q.nbytes

    def _reserve(self, size: int) -> None:
        capacity = self._x.size
        if size <= capacity:
            return
        while capacity < size:
            capacity *= 2
        x = np.empty(capacity, dtype=np.float64)
        q = np.empty((capacity, len(QUANTILES)), dtype=np.float64)
        x[: self._n], q[: self._n] = self._x[: self._n], self._q[: self._n]
        self._x, self._q = x, q

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            warnings.warn(message, LiveCurveWarning, stacklevel=4)


class Distributions:
    """Named distributions of one run, in the order they first appeared.

    Example:
        >>> import numpy as np
        >>> dists = Distributions()
        >>> dists.log(1, {"dense_kernel": np.ones((3, 4)), "dense_grad": np.zeros(5)})
        >>> dists.names
        ['dense_kernel', 'dense_grad']
        >>> x, columns = dists.table()
        >>> x.tolist(), columns["dense_kernel/p50"].tolist()
        ([1.0], [1.0])
    """

    def __init__(self) -> None:
        self._items: dict[str, Distribution] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Distribution:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Distributions({self.names})"

    @property
    def names(self) -> list[str]:
        with self._lock:
            return list(self._items)

    def items(self) -> list[Distribution]:
        with self._lock:
            return list(self._items.values())

    @property
    def version(self) -> int:
        """Changes whenever any distribution changes (cheap redraw test for views)."""
        return sum(d.version for d in self.items()) + len(self._items)

    def ensure(self, name: str) -> Distribution:
        with self._lock:
            item = self._items.get(name)
            if item is None:
                item = self._items[name] = Distribution(name)
            return item

    def log(self, x: float, arrays: Mapping[str, Any]) -> None:
        """Reduce and store each array at ``x`` (see :meth:`Distribution.append`)."""
        for name, values in arrays.items():
            self.ensure(str(name)).append(x, values)

    def truncate_from(self, x: float) -> int:
        return sum(d.truncate_from(x) for d in self.items())

    def last_x(self) -> float | None:
        xs = [x for x in (d.last_x() for d in self.items()) if x is not None]
        return max(xs) if xs else None

    def table(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Every quantile as a column, aligned on the union of x (NaN where a name has no row).

        Returns ``(x, {"<name>/<label>": values})`` with the labels of :data:`LABELS`, e.g.
        ``dense_kernel/min``, ``dense_kernel/p50``: ready for the CSV and JSON exports.
        """
        snapshots = {d.name: d.snapshot() for d in self.items()}
        xs, rows = align({name: (x, q[:, MEDIAN]) for name, (x, q) in snapshots.items()})
        columns: dict[str, np.ndarray] = {}
        for name, (_, q) in snapshots.items():
            for j, label in enumerate(LABELS):
                column = np.full(xs.size, math.nan)
                column[rows[name]] = q[:, j]
                columns[f"{name}/{label}"] = column
        return xs, columns
