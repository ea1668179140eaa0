"""The best epoch of each validation series, marked on the curve (live and in saved pictures).

A validation series whose metric has a direction (:func:`livecurve.model.names.series_goal`: min for
losses and errors, max for accuracy-like metrics) gets one marker at its best point, the first one
on ties, as the header's "best" column reports it. Training series and series without a direction
(the learning rate, unknown names) get none: a "best" training loss says little about the model.
"""

from __future__ import annotations

from .names import parse, series_goal
from .run import Run

# Matplotlib's marker, for saved pictures (the widget draws a diamond too).
STATIC_MARKER = "D"
STATIC_SIZE = 7.5


def marks_best(name: str) -> bool:
    """Whether series ``name`` gets a best marker: a validation series with a direction."""
    return parse(name).is_validation and series_goal(name) is not None


def best_point(run: Run, name: str) -> tuple[float, float] | None:
    """The ``(x, y)`` to mark for series ``name`` of ``run``, or None (see the module's doc)."""
    if not marks_best(name):
        return None
    series = run.points(name)
    if series is None or not len(series):
        return None
    return series.best(series_goal(name))
