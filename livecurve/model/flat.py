"""Panels that cannot be useful in a picture: every series a constant or a counter.

A column logged beside the metrics that never changes (a fixed setting, a flag) or that only
counts (``epoch``, ``step``, ``iterations``: the same whole-number step every row) draws a
straight line that says nothing a table would not. Such a panel is left out of saved pictures
(:func:`uninformative`). A series needs :data:`MIN_POINTS` points before it is judged, so the
first epochs of a live run are never hidden, and a learning rate is never left out (a constant
learning rate is a fact about the run worth seeing next to its loss).

Example:
    >>> from livecurve.model.run import Run
    >>> run = Run()
    >>> for x in range(1, 5):
    ...     run.log(x, {"loss": 1 / x, "seed": 7.0, "iterations": 100.0 * x})
    >>> sorted(uninformative([run]))
    ['iterations', 'seed']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .names import is_learning_rate
from .run import Run

MIN_POINTS = 3


def is_flat(y: np.ndarray) -> bool:
    """True for a constant, or a counter (whole numbers rising by one fixed step)."""
    values = y[np.isfinite(y)]
    if values.size < MIN_POINTS:
        return False
    steps = np.diff(values)
    if not steps.any():
        return True
    whole = bool(np.all(values == np.round(values)))
    return whole and steps[0] > 0 and bool(np.all(steps == steps[0]))


def uninformative(runs: Sequence[Run]) -> set[str]:
    """Families whose every series, in every run, is flat (see :func:`is_flat`)."""
    flat: dict[str, bool] = {}
    for run in runs:
        for panel in run.panels():
            if is_learning_rate(panel.family) or not flat.get(panel.family, True):
                continue
            for name in panel.names:
                series = run.points(name)
                if series is None or not is_flat(series.snapshot()[1]):
                    flat[panel.family] = False
                    break
            else:
                flat[panel.family] = True
    return {family for family, is_it in flat.items() if is_it}
