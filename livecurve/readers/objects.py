"""In-memory logs to a :class:`.Table`: Keras ``History``, dicts of lists, lists of dicts, pandas.

* ``History`` (anything with a ``.history`` dict): its lists, at x = ``History.epoch`` + 1 (Keras
  counts epochs from 0, and ``fit(initial_epoch=...)`` starts later), else 1..N.
* A dict of lists (``history.history``, or such a dict saved as JSON): one column per list; nested
  dicts are flattened with ``/`` (``{"train": {"loss": [...]}}`` gives ``train/loss``), and a list
  of dicts gives one column per key (``{"val_metrics": [{"mse": ...}, ...]}`` gives
  ``val_metrics/mse``). Values that are not lists (``"best_metric": 0.3``) are not series. Lists
  of different lengths are placed evenly when the longest is a multiple of the shorter one (Keras
  with ``validation_freq=2`` logs ``val_loss`` every 2nd epoch), else from the first row; either
  way with a warning.
* A list of dicts (one per epoch or logging step, keys may differ between entries, as in Hugging
  Face's ``log_history``): one row per dict, nested dicts flattened with ``/``.
* A pandas ``DataFrame``: its columns, and its index when the index has a name (``epoch``). NaN
  is "not logged in this row", as pandas reads an empty CSV cell.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ..model.names import goal, is_learning_rate, parse
from .errors import LogReadError, listing, warn
from .table import Table


def is_dataframe(value: Any) -> bool:
    """A pandas DataFrame (checked without importing pandas)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def is_history(value: Any) -> bool:
    """A Keras ``History`` or anything else holding a dict in ``.history``."""
    return not isinstance(value, Mapping) and isinstance(getattr(value, "history", None), Mapping)


def _is_list(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return True
    return getattr(value, "ndim", 0) >= 1 and hasattr(value, "tolist")


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else list(value.tolist())


def flatten(mapping: Mapping[Any, Any], prefix: str = "") -> dict[str, Any]:
    """One level of names: nested mappings joined with ``/``."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "/"))
        else:
            flat[name] = value
    return flat


def list_columns(mapping: Mapping[Any, Any]) -> dict[str, list[Any]]:
    """The lists in a (nested) mapping as columns; lists of dicts give one column per key."""
    columns: dict[str, list[Any]] = {}
    for name, value in flatten(mapping).items():
        if not _is_list(value):
            continue  # a setting or summary value, not a series
        items = _items(value)
        if items and all(isinstance(i, Mapping) for i in items if i is not None):
            entries = [flatten(i) if isinstance(i, Mapping) else {} for i in items]
            for key in dict.fromkeys(k for entry in entries for k in entry):
                columns[f"{name}/{key}"] = [entry.get(key) for entry in entries]
        else:
            columns[name] = items
    return columns


def from_columns(columns: Mapping[str, list[Any]], source: str) -> Table:
    """A table from named lists (see the module docstring for lists of different lengths)."""
    if not columns:
        raise LogReadError(f"{source}: holds no lists of values; is it a training log?")
    names = list(columns)
    longest = max(len(values) for values in columns.values())
    rows: list[list[Any]] = [[None] * len(names) for _ in range(longest)]
    placed: list[str] = []
    for j, name in enumerate(names):
        values = columns[name]
        n = len(values)
        if n == longest or n == 0:
            positions = list(range(n))
        elif longest % n == 0:
            every = longest // n
            positions = [(i + 1) * every - 1 for i in range(n)]
            placed.append(f"{name!r} ({n} values: at rows {every}, {2 * every}, ...)")
        else:
            positions = list(range(n))
            placed.append(f"{name!r} ({n} values: from the first row)")
        for position, value in zip(positions, values):
            rows[position][j] = value
    if placed:
        warn(
            f"{source}: its lists have different lengths ({longest} for the longest); "
            f"placed {listing(placed, 4)}."
        )
    return Table(source, names, rows, unit="row")


def from_mapping(mapping: Mapping[Any, Any], source: str) -> Table:
    """A dict of lists; a dict whose only list is a list of dicts is read as that list's rows
    (Hugging Face's ``trainer_state.json``: ``log_history``)."""
    if is_catboost(mapping):
        return from_catboost(mapping, source)
    lists = {str(k): v for k, v in mapping.items() if _is_list(v)}
    if not lists and "history" not in mapping:
        inner = _history_inside(mapping)
        if inner is not None:  # {"training_history": {...}, "model_info": {...}}
            return from_mapping(mapping[inner], source)
    if len(lists) == 1:
        ((key, value),) = lists.items()
        items = _items(value)
        if items and all(isinstance(i, Mapping) for i in items):
            return from_records(items, f"{source} [{key!r}]")
    history = mapping.get("history")
    if not lists and isinstance(history, Mapping):
        return from_mapping(history, source)
    if isinstance(history, Mapping):  # {"history": {...}, "epoch": [...], "params": {...}}
        table = from_columns(list_columns(history), source)
        epochs = mapping.get("epoch")
        fits = _is_list(epochs) and len(_items(epochs)) == len(table.rows)
        if fits and "epoch" not in table.names:
            _add_epochs(table, _items(epochs))
        return table
    return from_columns(list_columns(mapping), source)


def _metric_like(name: str) -> bool:
    family = parse(name).family
    return parse(name).is_validation or goal(family) is not None or is_learning_rate(family)


def _history_inside(mapping: Mapping[Any, Any]) -> Any:
    """The key of the dict inside ``mapping`` that holds a training history: the one with the
    most lists of numbers named like metrics (``loss``, ``val_accuracy``, ``lr``); None if none
    has any. The other dicts are settings (``model_info``, ``input_shape``), not series."""
    best, score = None, 0
    for key, value in mapping.items():
        if not isinstance(value, Mapping):
            continue
        found = sum(
            1
            for name, items in value.items()
            if _is_list(items)
            and _metric_like(str(name))
            and not any(isinstance(i, (list, tuple, Mapping)) for i in _items(items))
        )
        if found > score:
            best, score = key, found
    return best


def is_catboost(mapping: Mapping[Any, Any]) -> bool:
    """CatBoost's ``catboost_training.json``: ``meta`` naming the metrics, ``iterations``."""
    meta = mapping.get("meta")
    return (
        isinstance(meta, Mapping)
        and ("learn_metrics" in meta or "test_metrics" in meta)
        and isinstance(mapping.get("iterations"), list)
    )


def from_catboost(mapping: Mapping[Any, Any], source: str) -> Table:
    """CatBoost's ``catboost_training.json``: each iteration's ``learn`` and ``test`` lists hold
    the values of ``meta``'s ``learn_metrics`` and ``test_metrics``, in that order; test values
    are validation (``val_<metric>``). ``passed_time`` and ``remaining_time`` are timers."""
    meta = mapping["meta"]

    def metric_names(key: str) -> list[str]:
        metrics = meta.get(key) or []
        return [str(m.get("name", "")) if isinstance(m, Mapping) else str(m) for m in metrics]

    learn, test = metric_names("learn_metrics"), metric_names("test_metrics")
    records: list[dict[str, Any]] = []
    for entry in mapping["iterations"]:
        if not isinstance(entry, Mapping):
            continue
        row: dict[str, Any] = {
            k: v for k, v in entry.items() if k not in ("learn", "test") and not _is_list(v)
        }
        for key, names, prefix in (("learn", learn, ""), ("test", test, "val_")):
            values = entry.get(key)
            if _is_list(values):
                for name, value in zip(names, _items(values)):
                    row[f"{prefix}{name}"] = value
        records.append(row)
    if not records:
        raise LogReadError(f"{source}: a CatBoost log with no iterations")
    return from_records(records, source)


def from_records(records: Sequence[Any], source: str, positions: list[int] | None = None) -> Table:
    """A list of dicts, one row each (missing keys are empty cells)."""
    if not all(isinstance(r, Mapping) for r in records):
        raise LogReadError(f"{source}: a list of per-epoch values must hold only dicts")
    flat = [flatten(r) for r in records]
    names = list(dict.fromkeys(k for entry in flat for k in entry))
    rows = [[entry.get(name) for name in names] for entry in flat]
    unit = "line" if positions is not None else "entry"
    return Table(source, names, rows, positions=positions, unit=unit)


def from_history(history: Any) -> Table:
    """A Keras ``History``: x is ``history.epoch`` + 1 when it matches the lists."""
    table = from_mapping(history.history, type(history).__name__)
    epochs = getattr(history, "epoch", None)
    if _is_list(epochs) and len(_items(epochs)) == len(table.rows) and "epoch" not in table.names:
        _add_epochs(table, _items(epochs))
    return table


def _add_epochs(table: Table, epochs: list[Any]) -> None:
    """Put Keras's 0-based epoch indexes in front as the axis column."""
    table.names.insert(0, "epoch")
    for row, epoch in zip(table.rows, epochs):
        row.insert(0, epoch)
    table.axis = "epoch"
    table.zero_based = True


def from_dataframe(frame: Any, source: str = "DataFrame") -> Table:
    """A pandas DataFrame; a named index (``epoch``) is a column too."""
    names = [
        "/".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c)
        for c in frame.columns
    ]
    index_name = frame.index.name
    with_index = index_name is not None and str(index_name) not in names
    if with_index:
        names.insert(0, str(index_name))
    rows = [list(row) for row in frame.itertuples(index=with_index, name=None)]
    return Table(source, names, rows, unit="row", nan_is_missing=True)
