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
import time
from collections.abc import Mapping
from types import FrameType
from typing import Any

from ..model.names import goal
from ..model.progress import format_duration
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


def max_trials_of(tuner: Any) -> int | None:
    """The tuner's budget of trials (``tuner.oracle.max_trials``), when it has one."""
    value = getattr(getattr(tuner, "oracle", None), "max_trials", None)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


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
        self.max_trials: int | None = None  # the tuner's budget, when it says
        self._started: list[float] = []  # when each trial began (time.monotonic)
        self.clock = time.monotonic

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
        self.max_trials = max_trials_of(tuner) or self.max_trials
        self._started.append(self.clock())
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
        for each in self.runs:  # saved pictures and tables rank by the tuner's objective too
            each.objective = self.objective
        self._base[id(run)] = label
        view = getattr(plot, "_view", None)
        if view is not None:  # the runs table reads the objective and the progress line here
            view.search = self
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

    def eta(self) -> float | None:
        """Seconds left in the search: trials left times the mean trial so far (None: unknown)."""
        if self.max_trials is None or len(self._started) < 2:
            return None
        done = len(self._started) - 1  # the trials that have ended (the last one is running)
        mean = (self._started[-1] - self._started[0]) / done
        left = self.max_trials - done - (self.clock() - self._started[-1]) / mean
        return max(left, 0.0) * mean

    def progress_line(self, epoch: int | None = None) -> str:
        """``"trial 3 of 30 · epoch 2 · best val_loss 0.1234 (units=32) · about 1:20 left"``."""
        if not self.runs:
            return ""
        total = f" of {self.max_trials}" if self.max_trials else ""
        progress = getattr(self.plot, "progress", None)
        finished = progress is not None and progress.finished is not None
        over = finished and self.max_trials is not None and len(self.runs) >= self.max_trials
        parts = [f"trial {len(self.runs)}{total}" + (" · search done" if over else "")]
        last = self.runs[-1].last_x() if epoch is None else epoch
        if last is not None:
            parts.append(f"epoch {int(last)}")
        scored = [(s, run) for run in self.runs if (s := self.score(run)) is not None]
        if scored:
            direction = (self.objective or ("val_loss", "min"))[1]
            value, run = (min if direction == "min" else max)(scored, key=lambda item: item[0])
            name = (
                self.objective[0]
                if self.objective
                else ("val_loss" if run.has_points("val_loss") else "loss")
            )
            parts.append(f"best {name} {value:.4g} ({self._base.get(id(run), run.label)})")
        eta = None if over else self.eta()
        if eta is not None:
            parts.append(f"about {format_duration(eta)} left")
        return " · ".join(parts)
