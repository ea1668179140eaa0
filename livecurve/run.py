"""A training run: named series of numbers, grouped into panels by metric family.

This is the centre of livecurve. It imports neither Keras nor widgets: the Keras callback, the
custom-loop API and the file readers feed it; the bqplot view and the static exporter read it.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .names import MetricName, goal, is_learning_rate, parse
from .series import Series


class LiveCurveWarning(UserWarning):
    """Raised (as a warning, once per cause) for input livecurve skips or cannot draw."""


@dataclass
class Panel:
    """One set of axes: a metric family and the series drawn on it (train first, then val)."""

    family: str
    names: list[str] = field(default_factory=list)

    @property
    def goal(self) -> str | None:
        return goal(self.family)


def to_scalar(value: Any) -> float | None:
    """Convert a logged value to a float, or None when it is not a single number.

    Accepts Python and numpy numbers, 0-d or one-element arrays and framework tensors (anything
    numpy can turn into one number, or whose ``.item()`` gives one, such as a torch tensor that
    requires grad). Strings, vectors, complex numbers and None give None; an integer too large
    for a float gives ``±inf``.
    """
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if value is None or isinstance(value, (str, bytes, complex, np.complexfloating, Mapping)):
        return None
    try:
        arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    except Exception:
        item = getattr(value, "item", None)
        try:
            number = item() if callable(item) else None
        except Exception:
            return None
        if isinstance(number, (bool, int, float)):
            return to_scalar(number)
        return None
    if arr.size != 1 or not (
        np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
        or arr.dtype == bool
    ):
        return None
    return float(arr.reshape(()))


def align(
    snapshots: Mapping[str, tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The union of the series' x values, and for each series the row of each of its points.

    ``snapshots`` maps names to ``(x, y)``. Returns ``(xs, {name: rows})`` with ``xs`` sorted and
    ``xs[rows] == x`` for every series.
    """
    if not snapshots:
        return np.empty(0), {}
    xs = np.unique(np.concatenate([x for x, _ in snapshots.values()]))
    return xs, {name: np.searchsorted(xs, x) for name, (x, _) in snapshots.items()}


def families(runs: list[Run], visible: Mapping[tuple[int, str], bool] | None = None) -> list[str]:
    """Metric families of several runs in panel order (each run's :meth:`Run.panels` order).

    With ``visible``, only families that still have a series to draw. The live widget and the
    saved pictures both place and colour their panels by this order.
    """
    order: list[str] = []
    for run_index, run in enumerate(runs):
        for panel in run.panels():
            shown = visible is None or any(visible.get((run_index, n), True) for n in panel.names)
            if shown and panel.family not in order:
                order.append(panel.family)
    return order


class Run:
    """The metrics of one training run.

    Args:
        label: the run's name in legends and exports (``"run"`` by default).
        axis: what x counts: ``"epoch"`` (epochs completed, so the value logged at the end of
            Keras epoch index 0 sits at x=1), ``"step"``, or a file's own axis name
            (``"round"``, ``"iteration"``).

    Example:
        >>> run = Run()
        >>> run.log(1, {"loss": 0.9, "val_loss": 1.0})
        >>> run.log(2, {"loss": 0.5, "val_loss": 0.7})
        >>> [p.family for p in run.panels()], run["val_loss"].y.tolist()
        (['loss'], [1.0, 0.7])
    """

    def __init__(self, label: str = "run", axis: str = "epoch") -> None:
        self.label = label
        self.axis = axis
        self._series: dict[str, Series] = {}
        self._names: dict[str, MetricName] = {}
        self._lock = threading.Lock()
        self._warned: set[tuple[str, str]] = set()

    # -- reading -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Series:
        return self._series[name]

    def __contains__(self, name: object) -> bool:
        return name in self._series

    def __len__(self) -> int:
        return len(self._series)

    def __repr__(self) -> str:
        return f"Run({self.label!r}, series={list(self._series)})"

    @property
    def names(self) -> list[str]:
        """Series names in the order they first appeared."""
        with self._lock:
            return list(self._series)

    def series(self) -> list[Series]:
        with self._lock:
            return list(self._series.values())

    @property
    def version(self) -> int:
        """Changes whenever any series changes (cheap redraw test for views)."""
        return sum(s.version for s in self.series()) + len(self._series)

    def panels(self) -> list[Panel]:
        """Panels: ``loss`` first, then first-seen order, learning rate last; train before val."""
        panels: dict[str, Panel] = {}
        with self._lock:
            items = list(self._names.items())
        for name, metric in items:
            panels.setdefault(metric.family, Panel(metric.family)).names.append(name)
        for panel in panels.values():
            panel.names.sort(key=lambda n: self._names[n].is_validation)
        # Keras sorts its log keys, which would put "accuracy" before "loss": loss leads.
        return sorted(
            panels.values(), key=lambda p: (is_learning_rate(p.family), p.family != "loss")
        )

    def last_x(self) -> float | None:
        """The largest x logged so far, or None for an empty run."""
        xs = [float(s.x.max()) for s in self.series() if len(s)]
        return max(xs) if xs else None

    # -- writing -------------------------------------------------------------------------
    def log(self, x: float, values: Mapping[str, Any]) -> None:
        """Record one point per metric at ``x`` (epochs completed, or a step).

        NaN and infinite values are kept as NaN (a gap in the curve) with one warning per
        metric; values that are not single numbers are skipped with one warning per metric.
        """
        for name, value in values.items():
            name = str(name)
            number = to_scalar(value)
            if number is None:
                self._warn_once(
                    name,
                    "skipped",
                    f"livecurve: metric {name!r} at x={x:g} is not a single number "
                    f"({type(value).__name__}); it is skipped and not plotted.",
                )
                continue
            if not math.isfinite(number):
                self._warn_once(
                    name,
                    "nonfinite",
                    f"livecurve: metric {name!r} is {number} at x={x:g}; "
                    "it is drawn as a gap. Training continues.",
                )
                number = math.nan
            self.ensure(name).append(x, number)

    def extend(self, name: str, xs: Iterable[float], ys: Iterable[float]) -> None:
        """Add many points of one series (readers use this).

        As in :meth:`log`, NaN and infinite values are kept as NaN with one warning per metric.
        """
        x_arr = np.asarray(list(xs), dtype=np.float64)
        y_arr = np.asarray(list(ys), dtype=np.float64)
        bad = ~np.isfinite(y_arr)
        self.ensure(name).extend(x_arr, np.where(bad, math.nan, y_arr))  # raises on bad shapes
        if bad.any():
            first = int(np.flatnonzero(bad.ravel())[0])
            self._warn_once(
                name,
                "nonfinite",
                f"livecurve: metric {name!r} is {y_arr.ravel()[first]} at "
                f"x={x_arr.ravel()[first]:g}; it is drawn as a gap.",
            )

    def ensure(self, name: str) -> Series:
        """The series called ``name``, created if needed."""
        series = self._series.get(name)
        if series is None:
            with self._lock:
                series = self._series.get(name)
                if series is None:
                    series = Series(name)
                    self._names[name] = parse(name)
                    self._series[name] = series
        return series

    def truncate_from(self, x: float) -> int:
        """Drop every point at or after ``x`` in every series; returns how many."""
        return sum(s.truncate_from(x) for s in self.series())

    # -- exporting -----------------------------------------------------------------------
    def table(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """All series aligned on the union of their x values (NaN where a series has none).

        Returns ``(x, {name: y})``. When a series has several points at one x (it should not),
        the last one wins.
        """
        snapshots = {s.name: s.snapshot() for s in self.series()}
        xs, rows = align(snapshots)
        columns: dict[str, np.ndarray] = {}
        for name, (_, y) in snapshots.items():
            column = np.full(xs.size, np.nan)
            column[rows[name]] = y
            columns[name] = column
        return xs, columns

    def _warn_once(self, name: str, kind: str, message: str) -> None:
        key = (name, kind)
        if key in self._warned:
            return
        self._warned.add(key)
        warnings.warn(message, LiveCurveWarning, stacklevel=3)
