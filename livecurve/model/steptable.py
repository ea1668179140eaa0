"""Dense per-step values (per batch in ``fit()``, per step in a custom loop), held compactly.

One ``float64`` x column is shared by every metric and each metric has a ``float32`` column, so
10^6 steps of 8 metrics take 40 MB (5 bytes per point and series, where separate float64 x/y
series would take 16). Keras computes its metrics in float32, so the narrower column loses
nothing there; values from custom loops are rounded to float32's 7 significant digits (epoch
values, kept in :class:`~livecurve.model.series.Series`, stay float64).

A cell holds NaN for a logged value that was not finite (a gap when drawn) and ``+inf`` where the
metric was not logged at that step (left out when drawn and exported as empty). Appends are
amortised O(1) and thread-safe (Keras runs batch hooks on a worker thread on JAX and torch);
readers take consistent copies of the rows they ask for.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np

ABSENT = np.float32(np.inf)
_INF = float("inf")
_GROWTH = 1.5
_BLOCK = 512  # queued rows moved into the columns at once


class StepTable:
    """Rows of ``(x, {metric: value})``; x is usually increasing but need not be.

    Example:
        >>> table = StepTable()
        >>> table.append(0.5, {"loss": 0.9})
        >>> table.append(1.0, {"loss": 0.7, "accuracy": 0.5})
        >>> x, y = table.column("accuracy")
        >>> x.tolist(), y.tolist()
        ([1.0], [0.5])
    """

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = max(int(capacity), 16)
        self._x = np.empty(self._capacity, dtype=np.float64)
        self._columns: dict[str, np.ndarray] = {}
        self._n = 0
        self._pending: list[tuple[float, Mapping[str, float]]] = []
        # Per column: (last x, last y, min x, min y, max x, max y) of its finite values.
        self._stats: dict[str, tuple[float, float, float, float, float, float]] = {}
        self._lock = threading.Lock()
        self.version = 0  # bumped by every change
        self.generation = 0  # bumped when rows are dropped or moved (readers start over)

    def __len__(self) -> int:
        return self._n + len(self._pending)

    def __contains__(self, name: object) -> bool:
        with self._lock:
            self._flush()
            return name in self._columns

    def __repr__(self) -> str:
        return f"StepTable({self._n} rows, columns={list(self._columns)})"

    @property
    def names(self) -> list[str]:
        """Metric names in first-seen order."""
        with self._lock:
            self._flush()
            return list(self._columns)

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers (capacity included)."""
        return self._x.nbytes + sum(c.nbytes for c in self._columns.values())

    # -- writing -------------------------------------------------------------------------
    def append(self, x: float, values: Mapping[str, float]) -> None:
        """Add one row; ``values`` are floats (NaN for a non-finite value).

        The row is queued and moved into the columns in blocks (writing single numpy cells costs
        more than the whole queue), so an append costs about a microsecond.
        """
        with self._lock:
            self._pending.append((x, values))
            if len(self._pending) >= _BLOCK:
                self._flush()
            self.version += 1

    def _flush(self) -> None:
        """Move the queued rows into the columns (call with the lock held)."""
        pending = self._pending
        if not pending:
            return
        self._pending = []
        n, k = self._n, len(pending)
        if n + k > self._capacity:
            self._grow(n + k)
        self._x[n : n + k] = [row[0] for row in pending]
        first = tuple(pending[0][1])
        if all(tuple(values) == first for _, values in pending):
            # The usual block: every row logs the same names, so one array holds them all.
            block = np.array([tuple(values.values()) for _, values in pending], dtype=np.float32)
            cells = {name: block[:, j] for j, name in enumerate(first)}
        else:
            names: dict[str, None] = {}
            for _, values in pending:
                names.update(dict.fromkeys(values))
            cells = {
                name: np.array([values.get(name, _INF) for _, values in pending], np.float32)
                for name in names
            }
        for name, cell in cells.items():
            column = self._columns.get(name)
            if column is None:
                column = self._columns[name] = np.full(self._capacity, ABSENT, dtype=np.float32)
            column[n : n + k] = cell
            self._update_stats(name, n, n + k)
        self._n = n + k

    def extend(self, x: np.ndarray, values: Mapping[str, np.ndarray]) -> None:
        """Add many rows at once (readers and reloaded logs); missing cells stay absent."""
        xs = np.asarray(x, dtype=np.float64).ravel()
        with self._lock:
            self._flush()
            n = self._n
            if n + xs.size > self._capacity:
                self._grow(n + xs.size)
            self._x[n : n + xs.size] = xs
            for name, ys in values.items():
                column = self._columns.get(name)
                if column is None:
                    column = self._columns[name] = np.full(self._capacity, ABSENT, dtype=np.float32)
                y = np.asarray(ys, dtype=np.float64).ravel()
                if y.size != xs.size:
                    raise ValueError(f"{name!r}: {y.size} values for {xs.size} steps")
                # +inf is how a table says "not logged here" (as append's missing cells); other
                # non-finite values are logged gaps.
                column[n : n + xs.size] = np.where(np.isfinite(y) | np.isposinf(y), y, np.nan)
                self._update_stats(name, n, n + xs.size)
            self._n = n + xs.size
            self.version += 1

    def set_x(self, start: int, x: np.ndarray | Sequence[float]) -> None:
        """Move rows ``start …`` to new x (batches placed before their count was known)."""
        xs = np.asarray(x, dtype=np.float64)
        with self._lock:
            self._flush()
            stop = min(start + xs.size, self._n)
            self._x[start:stop] = xs[: stop - start]
            self.version += 1

    def truncate_from(self, x: float) -> int:
        """Drop every row at or after ``x`` (a restart from a checkpoint); returns how many."""
        with self._lock:
            self._flush()
            keep = self._x[: self._n] < x
            dropped = int(self._n - keep.sum())
            if dropped:
                index = np.flatnonzero(keep)
                self._x[: index.size] = self._x[index]
                for column in self._columns.values():
                    column[: index.size] = column[index]
                    column[index.size : self._n] = ABSENT
                self._n = index.size
                self.version += 1
                self.generation += 1
                self._stats.clear()
                for name in self._columns:
                    self._update_stats(name, 0, self._n)
            return dropped

    def _update_stats(self, name: str, start: int, stop: int) -> None:
        """Fold rows ``start:stop`` of ``name`` into its last/min/max (lock held)."""
        y = self._columns[name][start:stop]
        finite = np.flatnonzero(np.isfinite(y))  # ABSENT (+inf) and NaN are not finite
        if finite.size == 0:
            return
        x = self._x[start:stop]
        lo, hi, last = finite[np.argmin(y[finite])], finite[np.argmax(y[finite])], finite[-1]
        new = (x[last], y[last], x[lo], y[lo], x[hi], y[hi])
        old = self._stats.get(name)
        if old is not None:
            if old[3] <= new[3]:
                new = (*new[:2], *old[2:4], *new[4:])
            if old[5] >= new[5]:
                new = (*new[:4], *old[4:6])
        self._stats[name] = tuple(float(v) for v in new)  # type: ignore[assignment]

    def last(self, name: str) -> tuple[float, float] | None:
        """The last finite ``(x, y)`` of ``name``, or None."""
        with self._lock:
            self._flush()
            stats = self._stats.get(name)
        return None if stats is None else (stats[0], stats[1])

    def best(self, name: str, goal: str | None) -> tuple[float, float] | None:
        """The smallest (``goal="min"``) or largest (``"max"``) finite ``(x, y)``, or None."""
        if goal not in ("min", "max"):
            return None
        with self._lock:
            self._flush()
            stats = self._stats.get(name)
        if stats is None:
            return None
        return (stats[2], stats[3]) if goal == "min" else (stats[4], stats[5])

    def _grow(self, size: int) -> None:
        capacity = self._capacity
        while capacity < size:
            capacity = int(capacity * _GROWTH) + 16
        x = np.empty(capacity, dtype=np.float64)
        x[: self._n] = self._x[: self._n]
        self._x = x
        for name, old in self._columns.items():
            new = np.full(capacity, ABSENT, dtype=np.float32)
            new[: self._n] = old[: self._n]
            self._columns[name] = new
        self._capacity = capacity

    # -- reading -------------------------------------------------------------------------
    def last_x(self) -> float:
        """The x of the last row (NaN for an empty table)."""
        with self._lock:
            self._flush()
            return float(self._x[self._n - 1]) if self._n else float("nan")

    def rows(self, start: int = 0, names: list[str] | None = None) -> tuple[np.ndarray, dict]:
        """Copies of rows ``start …``: ``(x, {name: y})``, y as float32 with ``ABSENT`` cells."""
        with self._lock:
            self._flush()
            stop = self._n
            x = self._x[start:stop].copy()
            wanted = self._columns if names is None else names
            columns = {
                name: self._columns[name][start:stop].copy()
                for name in wanted
                if name in self._columns
            }
        return x, columns

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows where ``name`` was logged: ``(x, y)`` as float64 copies (NaN: not finite)."""
        x, columns = self.rows(0, [name])
        y = columns.get(name)
        if y is None:
            return np.empty(0), np.empty(0)
        present = y != ABSENT
        return x[present], y[present].astype(np.float64)

    def gather(
        self, name: str, index: np.ndarray, dtype: type = np.float64
    ) -> tuple[np.ndarray, np.ndarray]:
        """x and ``name``'s values at row numbers ``index`` (the rows a view chose to draw).

        The values come as ``dtype`` (float64 unless asked otherwise; float32 is how they are
        held, so asking for it copies nothing more than the rows).
        """
        with self._lock:
            self._flush()
            index = index[index < self._n]
            return self._x[index], self._columns[name][index].astype(dtype, copy=False)

    def x_at(self, index: np.ndarray) -> np.ndarray:
        """The x of row numbers ``index``."""
        with self._lock:
            self._flush()
            return self._x[index[index < self._n]]


class StepColumn:
    """One column of a :class:`StepTable`, read like a :class:`~livecurve.model.series.Series`."""

    def __init__(self, table: StepTable, name: str) -> None:
        self.table = table
        self.name = name

    def __repr__(self) -> str:
        return f"StepColumn({self.name!r}, {len(self)} points)"

    def __len__(self) -> int:
        return int(self.snapshot()[0].size)

    @property
    def version(self) -> int:
        return self.table.version

    def snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the column's ``(x, y)`` where it was logged."""
        return self.table.column(self.name)

    @property
    def x(self) -> np.ndarray:
        return self.snapshot()[0]

    @property
    def y(self) -> np.ndarray:
        return self.snapshot()[1]

    def last(self) -> tuple[float, float] | None:
        return self.table.last(self.name)

    def best(self, goal: str | None) -> tuple[float, float] | None:
        return self.table.best(self.name, goal)
