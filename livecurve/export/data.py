"""Export runs as data: CSV (one row per x, like Keras's CSVLogger) and JSON (exact round trip).

CSV: the first column is the axis. For epoch runs it is Keras's 0-based ``epoch`` index (x − 1),
so the file reads like a ``CSVLogger`` file; several runs add a leading ``run`` column. A logged NaN
is written ``nan``; a metric absent at that x is an empty cell. Floats are written with ``repr``,
so they read back bit for bit.

JSON: ``{"livecurve": 1, "runs": [{"label", "axis", "series": {name: {"x": [...], "y": [...]}},
"steps": {name: {"x": [...], "y": [...]}}}]}`` with ``null`` for NaN (and for an infinity, which
JSON cannot write; a :class:`Run` never holds one). ``series`` holds the points (epoch values,
validation), ``steps`` the per-batch / per-step values (present only when there are some).

Distributions (``LivePlot.log_distribution``) are columns of the CSV named ``<name>/<quantile>``
for each of :data:`~livecurve.model.distribution.LABELS` (``dense_kernel/min``,
``dense_kernel/p6.7``, ... ``dense_kernel/p50``, ... ``dense_kernel/max``), after the metrics,
on the same axis; in JSON they are
``"distributions": {name: {"x": [...], "min": [...], "p6.7": [...], ..., "max": [...]}}`` beside
``series`` (present only when there are some).

Per-batch values of an epoch run: the CSV above keeps the epoch table, and :func:`steps_csv` writes
them as a second table, ``<name>.steps.csv`` beside it: ``[run,] x, <metrics>``, one row per batch
(or per interval between two reads), where ``x`` counts epochs completed (batch k of n in epoch e is
at e − 1 + k/n). For other axes (``LivePlot(axis="step")``) the steps are rows of the main table.
Per-step values are stored as float32 and written with float32's shortest exact text.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..model.distribution import LABELS
from ..model.run import Run
from ..model.values import align

SeriesKey = tuple[int, str]
JSON_FORMAT_VERSION = 1


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if value == 0 and math.copysign(1.0, value) < 0:
        return "-0.0"  # str(int(-0.0)) would drop the sign
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _axis_value(run: Run, x: float) -> str:
    return _number(x - 1 if run.axis == "epoch" else x)


def _in_table(run: Run, name: str) -> bool:
    """Whether ``name`` is a column of the main CSV (an epoch run's steps go beside it)."""
    return run.axis != "epoch" or run.has_points(name)


def _quantile_columns(
    run: Run, run_index: int, visible: Mapping[SeriesKey, bool]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{"<name>/<label>": (x, values)}`` for each visible distribution of ``run``."""
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if run._distributions is None:
        return columns
    for distribution in run.distributions.items():
        if not visible.get((run_index, distribution.name), True):
            continue
        x, q = distribution.snapshot()
        for j, label in enumerate(LABELS):
            columns[f"{distribution.name}/{label}"] = (x, q[:, j])
    return columns


def to_csv(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> str:
    """All visible series (and distributions' quantiles) as CSV text."""
    visible = visible or {}
    names: list[str] = []
    for run_index, run in enumerate(runs):
        for name in run.names:
            if visible.get((run_index, name), True) and name not in names and _in_table(run, name):
                names.append(name)
    quantiles = [_quantile_columns(run, i, visible) for i, run in enumerate(runs)]
    for columns in quantiles:
        names += [name for name in columns if name not in names]
    axis = runs[0].axis if runs else "epoch"
    many = len(runs) > 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["run"] if many else []) + [axis, *names])
    for run_index, run in enumerate(runs):
        snapshots = {
            n: run[n].snapshot()
            for n in names
            if n in run and visible.get((run_index, n), True) and _in_table(run, n)
        }
        snapshots.update(quantiles[run_index])
        if not snapshots:
            continue
        xs, rows = align(snapshots)
        cells = np.full((xs.size, len(names)), "", dtype=object)  # "" = absent at this x
        for column, name in enumerate(names):
            if name not in snapshots:
                continue
            for row, value in zip(rows[name], snapshots[name][1]):
                cells[row, column] = _number(float(value))
        for row, x in enumerate(xs):
            writer.writerow(
                ([run.label] if many else []) + [_axis_value(run, float(x)), *cells[row]]
            )
    return out.getvalue()


def _json_param(value: object) -> object:
    """A hyperparameter as JSON can hold it: as it is when it can, else its text."""
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return str(value)


def to_json(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> str:
    """All visible series as JSON text (exact floats, ``null`` for NaN)."""
    visible = visible or {}
    entries: list[dict[str, Any]] = []
    payload = {"livecurve": JSON_FORMAT_VERSION, "runs": entries}
    for run_index, run in enumerate(runs):
        series = {}
        for name in run.names:
            if not visible.get((run_index, name), True):
                continue
            x, y = run[name].snapshot()
            series[name] = {
                "x": [float(v) for v in x],
                "y": [float(v) if math.isfinite(v) else None for v in y],
            }
        entry = {"label": run.label, "axis": run.axis, "series": series}
        if run.params:  # the run's hyperparameters, as the runs table shows them
            entry["params"] = {str(k): _json_param(v) for k, v in run.params.items()}
        if run.summary:  # timers and end-of-run values a reader kept out of the panels
            entry["summary"] = {
                str(k): float(v) if math.isfinite(v) else None for k, v in run.summary.items()
            }
        steps = {}
        for name in run.steps.names:
            if visible.get((run_index, name), True):
                x, y = run.steps.column(name)
                steps[name] = {"x": x.tolist(), "y": [_json32(v) for v in y.astype(np.float32)]}
        if steps:
            entry["steps"] = steps
        distributions: dict[str, dict[str, list]] = {}
        for column, (x, values) in _quantile_columns(run, run_index, visible).items():
            name, _, label = column.rpartition("/")
            entry_of = distributions.setdefault(name, {"x": [float(v) for v in x]})
            entry_of[label] = [float(v) if math.isfinite(v) else None for v in values]
        if distributions:
            entry["distributions"] = distributions
        entries.append(entry)
    return json.dumps(payload, indent=1, allow_nan=False)


def _json32(value: np.float32) -> float | None:
    """A float32 as the shortest float that reads back to it (``0.1``, not ``0.100000001``)."""
    return float(str(value)) if np.isfinite(value) else None


def has_epoch_steps(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> bool:
    """Whether an epoch run holds visible per-batch values (written by :func:`steps_csv`)."""
    visible = visible or {}
    return any(
        run.axis == "epoch" and any(visible.get((i, n), True) for n in run.steps.names)
        for i, run in enumerate(runs)
    )


def steps_csv(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> str:
    """The per-batch values of epoch runs: ``[run,] x, <metrics>``, one row per batch."""
    visible = visible or {}
    many = len(runs) > 1
    names: list[str] = []
    for run_index, run in enumerate(runs):
        for name in run.steps.names:
            if visible.get((run_index, name), True) and name not in names:
                names.append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["run"] if many else []) + ["x", *names])
    for run_index, run in enumerate(runs):
        if run.axis != "epoch" or not len(run.steps):
            continue
        x, columns = run.steps.rows(0, names)
        cells = []
        for name in names:
            column = columns.get(name)
            if column is None or not visible.get((run_index, name), True):
                cells.append(np.full(x.size, "", dtype=object))
                continue
            text = column.astype(str).astype(object)  # float32's shortest repr
            text[column == np.float32(np.inf)] = ""  # not logged at this batch
            text[np.isnan(column)] = "nan"
            cells.append(text)
        for row, position in enumerate(x):
            writer.writerow(
                ([run.label] if many else []) + [repr(float(position))] + [c[row] for c in cells]
            )
    return out.getvalue()
