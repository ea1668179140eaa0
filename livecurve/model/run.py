"""A training run: named series of numbers, grouped into panels by metric family.

This is the centre of livecurve. It imports neither Keras nor widgets: the Keras callback, the
custom-loop API and the file readers feed it; the bqplot view and the static exporter read it.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import LiveCurveWarning
from .distribution import Distributions
from .names import MetricName, parse
from .panels import Panel, group
from .series import Series
from .steptable import StepColumn, StepTable
from .values import align, to_scalar


class Run:
    """The metrics of one training run.

    Args:
        label: the run's name in legends and exports (``"run"`` by default).
        axis: what x counts: ``"epoch"`` (epochs completed, so the value logged at the end of
            Keras epoch index 0 sits at x=1), ``"step"``, or a file's own axis name
            (``"round"``, ``"iteration"``).

    Attributes:
        params: the run's hyperparameters, name to value (``{"units": 32, "lr": 0.01}``), empty
            when none are known. The one place every source puts them (KerasTuner trials,
            TensorBoard's hparams plugin, Lightning's ``hparams.yaml``, ``show(params=...)``)
            and every view reads them (labels, the runs table, exports).
        summary: one-point values about the run as a whole, name to number, kept out of the
            panels: end-of-run scalars (Hugging Face's ``train_runtime``, ``total_flos``,
            ``train_samples_per_second``), the last value of a timing or throughput column
            (``eval_runtime``, ``epoch_time``, ``passed_time``). Readers fill it.
        objective: the ``(metric, "min" | "max")`` the run is scored by, when its trainer says
            (a KerasTuner trial: the tuner's objective), else ``None`` (``val_loss``, else
            ``loss``). The live figure, its runs table and the saved pictures and tables all
            rank by it (:func:`livecurve.model.ranking.objective_for`).

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
        self.steps = StepTable()  # dense per-batch / per-step values, drawn faint and smoothed
        self._names: dict[str, MetricName] = {}
        self._panels: list[tuple[str, tuple[str, ...], dict[str, str], tuple[str, ...]]] = []
        self._panels_of = -1  # the number of names self._panels was grouped from
        self._lock = threading.Lock()
        self._warned: set[tuple[str, str]] = set()
        self._distributions: Distributions | None = None
        self.params: dict[str, Any] = {}
        self.summary: dict[str, float] = {}
        self.objective: tuple[str, str] | None = None
        self._top = -math.inf  # the largest x recorded: last_x() without a scan

    @property
    def distributions(self) -> Distributions:
        """The run's :class:`~livecurve.model.distribution.Distributions` (quantiles over time)."""
        if self._distributions is None:
            self._distributions = Distributions()
        return self._distributions

    # -- reading -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Series | StepColumn:
        """The points of ``name``; for a metric logged only per step, its column of steps."""
        series = self._series.get(name)
        if series is not None:
            return series
        if name in self.steps:
            return StepColumn(self.steps, name)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self._series or name in self.steps

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Run({self.label!r}, series={self.names})"

    @property
    def names(self) -> list[str]:
        """Metric names (points or steps) in the order they first appeared."""
        with self._lock:
            return list(self._names)

    def points(self, name: str) -> Series | None:
        """The points of ``name`` (epoch values, or sparse values), or None."""
        return self._series.get(name)

    def is_validation(self, name: str) -> bool:
        """Whether ``name`` is a validation metric (parsed once per name)."""
        metric = self._names.get(name)
        return (metric if metric is not None else parse(name)).is_validation

    def has_points(self, name: str) -> bool:
        """True when ``name`` has points (epoch values, or sparse values such as validation)."""
        return name in self._series

    def has_steps(self, name: str) -> bool:
        """True when ``name`` has dense per-batch / per-step values."""
        return name in self.steps

    def series(self) -> list[Series]:
        with self._lock:
            return list(self._series.values())

    @property
    def version(self) -> int:
        """Changes whenever any series changes (cheap redraw test for views)."""
        with self._lock:  # a sum over a list: a view reads every run's at each redraw
            version = sum([s.version for s in self._series.values()])
        version += len(self._names) + self.steps.version
        return version + (0 if self._distributions is None else self._distributions.version)

    def panels(self) -> list[Panel]:
        """Panels: ``loss`` first, then first-seen order, learning rate last; train before val."""
        with self._lock:
            items = list(self._names.items())
        # Names are only ever added: the grouping is computed again only when there are more.
        if self._panels_of != len(items):
            order = group([name for name, _ in items], dict(items))
            self._panels = [(p.family, tuple(p.names), dict(p.output_of), p.outputs) for p in order]
            self._panels_of = len(items)
        return [Panel(f, list(names), dict(out), every) for f, names, out, every in self._panels]

    def last_x(self) -> float | None:
        """The largest x logged so far (points, steps or distributions), or None for an empty run.

        Kept as values are recorded, so asking costs nothing however long the run.
        """
        return None if self._top == -math.inf else self._top

    def _scan_last_x(self) -> float:
        xs = [float(np.nanmax(s.x)) for s in self.series() if len(s)]
        if len(self.steps):
            xs.append(self.steps.last_x())
        shown = None if self._distributions is None else self._distributions.last_x()
        if shown is not None:
            xs.append(shown)
        return max(xs, default=-math.inf)

    def _reached(self, x: float) -> None:
        if x > self._top:
            self._top = x

    # -- writing -------------------------------------------------------------------------
    def log(self, x: float, values: Mapping[str, Any]) -> None:
        """Record one point per metric at ``x`` (epochs completed, or a step).

        NaN and infinite values are kept as NaN (a gap in the curve) with one warning per
        metric; values that are not single numbers are skipped with one warning per metric.
        """
        for name, value in values.items():
            number = self._number(str(name), value, x)
            if number is not None:
                self.ensure(str(name)).append(x, number)
                self._reached(x)

    def log_steps(self, x: float, values: Mapping[str, Any]) -> None:
        """Record one row of dense values (a batch, or a custom loop's step) at ``x``.

        Held compactly in :attr:`steps` and drawn as a faint line with a smoothed line over it.
        Values are checked as in :meth:`log`. This is the per-batch hot path: a plain finite
        float costs a type check and a dict lookup.
        """
        # The usual row: known names, plain finite floats (a sum of Python floats and ints is a
        # finite float only then; anything else, numpy scalars and tensors included, is not).
        try:
            total = sum(values.values())
        except TypeError:
            total = None
        if type(total) is float and math.isfinite(total) and self._names.keys() >= values.keys():
            self.steps.append(x, dict(values))
            if x > self._top:
                self._top = x
            return
        row: dict[str, float] = {}
        for name, value in values.items():
            if type(value) is float and math.isfinite(value):
                number: float = value
            else:
                checked = self._number(str(name), value, x)
                if checked is None:
                    continue
                number = checked
            if name not in self._names:
                name = str(name)
                with self._lock:
                    self._names.setdefault(name, parse(name))
            row[name] = number
        if row:
            self.steps.append(x, row)
            self._reached(x)

    def _number(self, name: str, value: Any, x: float) -> float | None:
        """``value`` as a float to record (NaN for a non-finite one), or None to skip it.

        Each cause is reported once per metric with a :class:`LiveCurveWarning`.
        """
        number = to_scalar(value)
        if number is None:
            self._warn_once(
                name,
                "skipped",
                f"livecurve: metric {name!r} at x={x:g} is not a single number "
                f"({type(value).__name__}); it is skipped and not plotted.",
                stacklevel=5,  # the code that called log() or log_steps()
            )
            return None
        if not math.isfinite(number):
            self._warn_once(
                name,
                "nonfinite",
                f"livecurve: metric {name!r} is {number} at x={x:g}; "
                "it is drawn as a gap. Training continues.",
                stacklevel=5,
            )
            return math.nan
        return number

    def extend_steps(self, xs: np.ndarray, columns: Mapping[str, np.ndarray]) -> None:
        """Add many rows of dense values at once (readers); NaN cells stay NaN."""
        for name in columns:
            with self._lock:
                self._names.setdefault(name, parse(name))
        self.steps.extend(xs, columns)
        if len(xs):
            self._reached(float(np.nanmax(xs)))

    def adopt_steps(self, table: StepTable) -> None:
        """Take ``table`` as this run's per-step values (an empty run's; a reloaded log's)."""
        for name in table.names:
            with self._lock:
                self._names.setdefault(name, parse(name))
        self.steps = table
        if len(table):
            self._reached(table.last_x())

    def log_distributions(self, x: float | None, arrays: Mapping[str, Any]) -> None:
        """Record the distribution of each array at ``x`` (see :meth:`LivePlot.log_distribution`).

        ``x`` None: the run's last x (1 before any), or one past a name's own last row when it
        already has one there. At or before a name's last row, its rows from ``x`` on are
        dropped first (a restarted loop).
        """
        distributions = self.distributions
        for name, array in arrays.items():
            own = distributions[name].last_x() if name in distributions else None
            at = x
            if at is None:
                last = self.last_x()
                at = 1.0 if last is None else last
                if own is not None and own >= at:
                    at = own + 1
            elif own is not None and at <= own:
                distributions[name].truncate_from(at)  # the loop went back: newer wins
            distributions.ensure(name).append(float(at), array)
            self._reached(float(at))

    def extend(
        self, name: str, xs: Iterable[float], ys: Iterable[float], *, warn: bool = True
    ) -> None:
        """Add many points of one series (readers use this).

        As in :meth:`log`, NaN and infinite values are kept as NaN with one warning per metric
        (none with ``warn=False``: a file that saved its gaps as gaps).
        """
        x_arr = np.asarray(xs if isinstance(xs, np.ndarray) else list(xs), dtype=np.float64)
        y_arr = np.asarray(ys if isinstance(ys, np.ndarray) else list(ys), dtype=np.float64)
        bad = ~np.isfinite(y_arr)
        self.ensure(name).extend(x_arr, np.where(bad, math.nan, y_arr))  # raises on bad shapes
        if x_arr.size and not np.isnan(x_arr).all():
            self._reached(float(np.nanmax(x_arr)))
        if bad.any() and warn:
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
        """Drop every point at or after ``x`` in every series, step and distribution; how many."""
        dropped = sum(s.truncate_from(x) for s in self.series()) + self.steps.truncate_from(x)
        if self._distributions is not None:
            dropped += self._distributions.truncate_from(x)
        self._top = self._scan_last_x()
        return dropped

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

    def _warn_once(self, name: str, kind: str, message: str, stacklevel: int = 3) -> None:
        key = (name, kind)
        if key in self._warned:
            return
        self._warned.add(key)
        warnings.warn(message, LiveCurveWarning, stacklevel=stacklevel)
