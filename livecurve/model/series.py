"""One series of numbers: x (epochs or steps) and y, in growable numpy buffers.

Appends are amortised O(1) (the buffers double), safe to call from a worker thread while another
thread reads (Keras 3 runs batch hooks off the main thread on JAX and torch), and every change bumps
:attr:`Series.version` so a view can tell cheaply whether it has to redraw.
"""

from __future__ import annotations

import math
import threading

import numpy as np

_INITIAL_CAPACITY = 64


class Series:
    """Points ``(x, y)`` of one metric, in the order they were logged.

    Example:
        >>> s = Series("loss")
        >>> s.append(1, 0.9); s.append(2, 0.5)
        >>> s.x.tolist(), s.y.tolist()
        ([1.0, 2.0], [0.9, 0.5])
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._x = np.empty(_INITIAL_CAPACITY, dtype=np.float64)
        self._y = np.empty(_INITIAL_CAPACITY, dtype=np.float64)
        self._n = 0
        self._lock = threading.Lock()
        self.version = 0

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return f"Series({self.name!r}, {self._n} points)"

    def append(self, x: float, y: float) -> None:
        """Add one point; ``y`` may be NaN (drawn as a gap)."""
        with self._lock:
            self._reserve(self._n + 1)
            self._x[self._n] = x
            self._y[self._n] = y
            self._n += 1
            self.version += 1

    def extend(self, xs: np.ndarray | list[float], ys: np.ndarray | list[float]) -> None:
        """Add many points at once."""
        x_arr = np.asarray(xs, dtype=np.float64).ravel()
        y_arr = np.asarray(ys, dtype=np.float64).ravel()
        if x_arr.shape != y_arr.shape:
            raise ValueError(
                f"Series {self.name!r}: x has {x_arr.size} values but y has {y_arr.size}"
            )
        with self._lock:
            self._reserve(self._n + x_arr.size)
            self._x[self._n : self._n + x_arr.size] = x_arr
            self._y[self._n : self._n + y_arr.size] = y_arr
            self._n += x_arr.size
            self.version += 1

    def truncate_from(self, x: float) -> int:
        """Drop every point at or after ``x`` (a run restarted from an earlier epoch).

        Returns how many points were dropped.
        """
        with self._lock:
            keep = self._x[: self._n] < x
            dropped = int(self._n - keep.sum())
            if dropped:
                kept_x = self._x[: self._n][keep]
                kept_y = self._y[: self._n][keep]
                self._n = kept_x.size
                self._x[: self._n] = kept_x
                self._y[: self._n] = kept_y
                self.version += 1
            return dropped

    def snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """Consistent copies of x and y (safe while another thread appends)."""
        with self._lock:
            return self._x[: self._n].copy(), self._y[: self._n].copy()

    @property
    def x(self) -> np.ndarray:
        """A read-only view of the x values."""
        view = self._x[: self._n]
        view.flags.writeable = False
        return view

    @property
    def y(self) -> np.ndarray:
        """A read-only view of the y values."""
        view = self._y[: self._n]
        view.flags.writeable = False
        return view

    def last(self) -> tuple[float, float] | None:
        """The last finite point, or None."""
        with self._lock:
            finite = np.flatnonzero(np.isfinite(self._y[: self._n]))
            if finite.size == 0:
                return None
            i = finite[-1]
            return float(self._x[i]), float(self._y[i])

    def best(self, goal: str | None) -> tuple[float, float] | None:
        """The best finite point for ``goal`` (``"min"`` or ``"max"``), first one on ties."""
        if goal not in ("min", "max"):
            return None
        with self._lock:
            y = self._y[: self._n]
            finite = np.isfinite(y)
            if not finite.any():
                return None
            masked = np.where(finite, y, math.inf if goal == "min" else -math.inf)
            i = int(np.argmin(masked) if goal == "min" else np.argmax(masked))
            return float(self._x[i]), float(y[i])

    def _reserve(self, size: int) -> None:
        capacity = self._x.size
        if size <= capacity:
            return
        while capacity < size:
            capacity *= 2
        for attr in ("_x", "_y"):
            old = getattr(self, attr)
            new = np.empty(capacity, dtype=np.float64)
            new[: self._n] = old[: self._n]
            setattr(self, attr, new)
