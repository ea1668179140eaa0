"""Turning what users log into numbers, and lining up series of different x.

Pure numpy; the readers, the log files and the data model all convert values here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


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
