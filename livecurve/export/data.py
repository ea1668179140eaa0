"""Export runs as data: CSV (one row per x, like Keras's CSVLogger) and JSON (exact round trip).

CSV: the first column is the axis. For epoch runs it is Keras's 0-based ``epoch`` index (x − 1),
so the file reads like a ``CSVLogger`` file; several runs add a leading ``run`` column. A logged NaN
is written ``nan``; a metric absent at that x is an empty cell. Floats are written with ``repr``,
so they read back bit for bit.

JSON: ``{"livecurve": 1, "runs": [{"label", "axis", "series": {name: {"x": [...], "y": [...]}}}]}``
with ``null`` for NaN (and for an infinity, which JSON cannot write; a :class:`Run` never holds
one).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping

import numpy as np

from ..run import Run, align

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


def to_csv(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> str:
    """All visible series as CSV text."""
    visible = visible or {}
    names: list[str] = []
    for run_index, run in enumerate(runs):
        for name in run.names:
            if visible.get((run_index, name), True) and name not in names:
                names.append(name)
    axis = runs[0].axis if runs else "epoch"
    many = len(runs) > 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["run"] if many else []) + [axis, *names])
    for run_index, run in enumerate(runs):
        snapshots = {
            n: run[n].snapshot() for n in names if n in run and visible.get((run_index, n), True)
        }
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


def to_json(runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None) -> str:
    """All visible series as JSON text (exact floats, ``null`` for NaN)."""
    visible = visible or {}
    payload = {"livecurve": JSON_FORMAT_VERSION, "runs": []}
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
        payload["runs"].append({"label": run.label, "axis": run.axis, "series": series})
    return json.dumps(payload, indent=1, allow_nan=False)
