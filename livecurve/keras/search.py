"""A hyperparameter search in one figure: each trial a run of the same ``LivePlot``.

KerasTuner deep-copies the callbacks for every trial (``Tuner._deepcopy_callbacks`` inside
``run_trial``). ``LiveCurve.__deepcopy__`` hands the copy the *same* figure and asks
:class:`Search` for a new run: labelled with the trial's hyperparameter values
(``units=32, learning_rate=0.001``), found by :func:`find_trial` on the caller's stack, or
``trial N`` when no trial is there (a plain ``copy.deepcopy``). The best trial so far is marked
with ``★`` in its label (checkboxes, header, legends): by the tuner's objective and direction
when the tuner is reachable (``tuner.oracle.objective``), else the lowest ``val_loss`` (or
``loss``), each trial scored by its best epoch, as KerasTuner scores it.

Nothing here imports Keras or KerasTuner: trials and tuners are read through their attributes.

Example:
    >>> from livecurve import LivePlot
    >>> search = Search(LivePlot())
    >>> first = search.add_trial(None, None)
    >>> first.log(1, {"val_loss": 0.5}); search.add_trial(None, None).log(1, {"val_loss": 0.4})
    >>> search.mark_best().label
    'trial 2 ★'
    >>> [run.label for run in search.runs]
    ['trial 1', 'trial 2 ★']
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import FrameType
from typing import Any

from ..model.names import goal
from ..model.run import Run

BEST = " ★"
_MAX_FRAMES = 40


def find_trial(start: int = 2) -> tuple[Any, Any]:
    """The nearest caller's ``trial`` local (a KerasTuner ``Trial``) and that frame's ``self``.

    Returns ``(None, None)`` when no frame up the stack holds a ``trial`` with
    ``.hyperparameters.values``.
    """
    frame: FrameType | None = sys._getframe(start)
    for _ in range(_MAX_FRAMES):
        if frame is None:
            break
        trial = frame.f_locals.get("trial")
        if isinstance(getattr(getattr(trial, "hyperparameters", None), "values", None), Mapping):
            return trial, frame.f_locals.get("self")
        frame = frame.f_back
    return None, None


def describe(values: Mapping[str, Any]) -> str:
    """``"units=32, learning_rate=0.001"``: hyperparameter values as a short label."""
    return ", ".join(
        f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in values.items()
    )


def objective_of(tuner: Any) -> tuple[str, str] | None:
    """The tuner's ``(metric name, "min" | "max")``, when it has a single objective."""
    objective = getattr(getattr(tuner, "oracle", None), "objective", None)
    name = getattr(objective, "name", None)
    direction = getattr(objective, "direction", None)
    if isinstance(name, str) and direction in ("min", "max"):
        return name, direction
    return None


class Search:
    """The trial runs of one figure, in trial order, and which is best.

    Args:
        plot: the shared :class:`~livecurve.LivePlot`; trial runs are added to ``plot.runs``.
    """

    def __init__(self, plot: Any) -> None:
        self.plot = plot
        self.runs: list[Run] = []
        self.objective: tuple[str, str] | None = None
        self.displayed = False  # the first trial shows the widget, the others draw into it
        self._base: dict[int, str] = {}  # id(run) -> its label without the mark

    def add_trial(self, trial: Any, tuner: Any) -> Run:
        """A new run for ``trial`` (or the next ``trial N``), drawn in the shared figure."""
        number = len(self.runs) + 1
        label = f"trial {number}"
        if trial is not None:
            values = describe(trial.hyperparameters.values)
            label = values or f"trial {getattr(trial, 'trial_id', number)}"
        found = objective_of(tuner)
        if found is not None:
            self.objective = found
        plot = self.plot
        if not self.runs and len(plot.runs) == 1 and not len(plot.run):
            run = plot.run  # the figure's empty run becomes the first trial
            run.label = label
        else:
            run = Run(label, axis=plot.run.axis)
            plot.runs.append(run)
        if trial is not None:
            run.params = dict(trial.hyperparameters.values)
        self.runs.append(run)
        self._base[id(run)] = label
        return run

    def score(self, run: Run) -> float | None:
        """The trial's best value of the objective (None before it has one)."""
        name, direction = self.objective or ("val_loss", "min")
        if self.objective is None and not run.has_points(name):
            name = "loss"
        series = run.points(name)
        best = None if series is None else series.best(direction or goal(name))
        return None if best is None else best[1]

    def mark_best(self) -> Run | None:
        """Put ``★`` on the best trial's label (and on no other); returns that run."""
        direction = (self.objective or ("val_loss", "min"))[1]
        scored = [(s, run) for run in self.runs if (s := self.score(run)) is not None]
        best = None
        if scored:
            pick = min if direction == "min" else max
            best = pick(scored, key=lambda item: item[0])[1]
        for run in self.runs:
            run.label = self._base[id(run)] + (BEST if run is best else "")
        return best
