"""JSON logs: livecurve's own export, Keras histories, lists of per-epoch dicts, JSON Lines.

Shapes read (``NaN`` and ``Infinity`` literals are accepted, as Python's ``json`` writes them):

* livecurve's export, ``{"livecurve": 1, "runs": [{"label", "axis", "series": {name: {"x": [..],
  "y": [.. null for NaN]}}, "steps": {...}, "params": {...}, "summary": {...}}]}``: read back
  exactly (same labels, axes, names, x and y, per-step values, ``Run.params``, ``Run.summary``);
* a dict of lists (``json.dump(history.history)``), possibly nested or holding lists of metric
  dicts, and Hugging Face's ``trainer_state.json`` (``log_history``): see :mod:`.objects`;
* a list of per-epoch dicts;
* a list of numbers: one series named after the file;
* JSON Lines: one dict per line (many PyTorch training scripts append ``json.dumps(stats)`` lines),
  also under a ``.json`` name (MMEngine's ``scalars.json``, whose validation rows are placed at
  the end of their epoch: :func:`place_validation_rows`);
* CatBoost's ``catboost_training.json``, a Keras history under another key
  (``{"training_history": {...}, "model_info": {...}}``): see :mod:`.objects`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..model.names import parse
from ..model.run import Run
from .errors import LogReadError, warn
from .lightning import add_steps
from .objects import from_mapping, from_records
from .runs import to_runs
from .table import Table


def is_livecurve_export(data: Any) -> bool:
    """livecurve's own JSON export (see :mod:`livecurve.export.data`)."""
    return isinstance(data, Mapping) and "livecurve" in data and isinstance(data.get("runs"), list)


def read_export(data: Mapping[str, Any], source: str, label: str | None) -> list[Run]:
    """Runs from livecurve's JSON export, exactly as they were saved.

    ``label`` (when given) replaces the saved labels: ``label``, ``label (run 2)``...
    """
    runs: list[Run] = []
    for number, item in enumerate(data["runs"], start=1):
        series = item.get("series") if isinstance(item, Mapping) else None
        if not isinstance(series, Mapping):
            raise LogReadError(f"{source}: run {number} has no 'series' dict")
        saved = str(item.get("label", f"run {number}"))
        name = saved if label is None else label if number == 1 else f"{label} (run {number})"
        run = Run(name, str(item.get("axis", "epoch")))
        for metric, points in series.items():
            x, y = _points(points, f"{source}: series {metric!r} of run {number}")
            run.extend(str(metric), x, y, warn=False)  # NaN kept as saved
        steps = item.get("steps")
        if isinstance(steps, Mapping) and steps:
            where = f"{source}: steps of run {number}"
            add_steps(run, {str(k): _points(v, where) for k, v in steps.items()})
        params = item.get("params")
        if isinstance(params, Mapping):
            run.params.update({str(k): v for k, v in params.items()})
        summary = item.get("summary")
        if isinstance(summary, Mapping):
            for key, value in summary.items():
                number_ = _summary_value(value)
                if number_ is not None:
                    run.summary[str(key)] = number_
        runs.append(run)
    if not runs:
        raise LogReadError(f"{source}: holds no runs")
    return runs


def _points(points: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """``{"x": [numbers], "y": [numbers or null]}`` as arrays (null: NaN)."""
    try:
        x = np.asarray(points["x"], dtype=np.float64)
        y = np.asarray([math.nan if v is None else v for v in points["y"]], np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        raise LogReadError(
            f"{where} is not {{'x': [numbers], 'y': [numbers or null]}} ({exc})"
        ) from exc
    if x.shape != y.shape or x.ndim != 1:
        raise LogReadError(
            f"{where} is not {{'x': [numbers], 'y': [numbers or null]}} of equal lengths "
            f"({x.size} x, {y.size} y)"
        )
    return x, y


def _summary_value(value: Any) -> float | None:
    """A summary value as saved: a number, or null for NaN; None for anything else."""
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def table_from_data(data: Any, source: str, name: str) -> Table:
    """A parsed JSON value as a table; ``name`` names the series of a bare list of numbers."""
    if isinstance(data, Mapping):
        return from_mapping(data, source)
    if isinstance(data, list) and data and all(isinstance(i, Mapping) for i in data):
        return from_records(data, source)
    if isinstance(data, list) and data and not any(isinstance(i, (list, Mapping)) for i in data):
        return Table(source, [name], [[v] for v in data], unit="entry")
    raise LogReadError(
        f"{source}: JSON that is not a training log (expected a dict of lists, a list of "
        "per-epoch dicts or livecurve's export)"
    )


def read_json_text(text: str, source: str, stem: str, label: str | None) -> list[Run]:
    """Runs from JSON (or JSON Lines) text.

    Args:
        text: the file's text.
        source: the file, for messages.
        stem: the file's name without extension: the default label and the name of a bare list.
        label: the label the caller gave (replaces saved labels of livecurve's export).
    """
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or a number of more than 4300 digits
        lines = _json_lines(text, source)
        if lines is None:
            where = (
                f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
                if isinstance(exc, json.JSONDecodeError)
                else str(exc)[:120]
            )
            raise LogReadError(f"{source}: is not valid JSON ({where})") from exc
        records, positions = lines
        records = place_validation_rows(records)
        return to_runs(from_records(records, source, positions), label or stem)
    if is_livecurve_export(data):
        return read_export(data, source, label)
    return to_runs(table_from_data(data, source, stem), label or stem)


def _json_lines(text: str, source: str) -> tuple[list[dict[str, Any]], list[int]] | None:
    """One JSON dict per line (a torn last line is skipped); None if the text is not that."""
    records: list[dict[str, Any]] = []
    positions: list[int] = []
    lines = text.splitlines()
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:  # JSONDecodeError, or a number of more than 4300 digits
            if number == last and len(records) >= 2:
                warn(f"{source}: skipped the last line (line {number}): it is cut off.")
                break
            return None
        if not isinstance(value, dict):
            return None
        records.append(value)
        positions.append(number)
    return (records, positions) if len(records) >= 2 else None


_COUNTERS = frozenset({"epoch", "iter", "step"})


def place_validation_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """MMEngine's ``scalars.json``: validation rows hold only ``step`` among the counters, and it
    counts epochs where the training rows have an ``epoch``; such a row is placed at the last
    training step of that epoch, its metrics named as validation (``val_accuracy/top1``).
    Other records are returned as they are.

    >>> rows = [{"epoch": 1, "iter": 5, "step": 5, "loss": 0.9},
    ...         {"epoch": 1, "iter": 10, "step": 10, "loss": 0.7},
    ...         {"accuracy/top1": 61.0, "step": 1}]
    >>> place_validation_rows(rows)[-1]
    {'step': 10, 'val_accuracy/top1': 61.0}
    """
    training = [r for r in records if "step" in r and ("epoch" in r or "iter" in r)]
    validation = [r for r in records if "step" in r and "epoch" not in r and "iter" not in r]
    if not training or not validation:
        return records
    by_epoch = any("epoch" in r for r in training)
    last_step: dict[Any, Any] = {}
    for row in training:
        if by_epoch and "epoch" in row:
            last_step[row["epoch"]] = row["step"]
    placed: list[dict[str, Any]] = []
    validation_ids = {id(row) for row in validation}
    for row in records:
        if id(row) not in validation_ids:
            placed.append(row)
            continue
        step = last_step.get(row["step"], row["step"]) if by_epoch else row["step"]
        new: dict[str, Any] = {"step": step}
        for key, value in row.items():
            if key in _COUNTERS:
                continue
            new[key if parse(key).is_validation else f"val_{key}"] = value
        placed.append(new)
    return placed
