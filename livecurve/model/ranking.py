"""Which runs a figure of many runs names: the best few by the objective, and the live run.

With more runs than :data:`NAMED_ABOVE`, a legend that lists every run is unreadable. Each run is
scored by its best epoch of the *objective* (as the search's ``★``: the tuner's objective when one
is known, else ``val_loss``, else ``loss``); runs are ordered best first, runs with no objective
value (never logged, or only NaN) last. The best :data:`BEST_NAMED` and the live run (the run
being trained: the last one by default) are *named*: drawn in their colour and listed in the
legend; the others are drawn thin and grey and counted ("+ 187 more runs").

The saved picture, the live legend and the runs table all read this module, so they agree on
which runs are best.

Example:
    >>> from livecurve.model.run import Run
    >>> runs = [Run(f"r{i}") for i in range(3)]
    >>> for i, run in enumerate(runs):
    ...     run.log(1, {"val_loss": [0.5, 0.2, float("nan")][i]})
    >>> ranking = rank(runs)
    >>> ranking.objective.name, ranking.order, ranking.scores
    ('val_loss', [1, 0, 2], [0.5, 0.2, None])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .names import goal, parse, series_goal
from .run import Run

Direction = Literal["min", "max"]

NAMED_ABOVE = 8  # up to this many runs every run is named (one palette colour each)
BEST_NAMED = 5  # above it: the best this many, and the live run


@dataclass(frozen=True)
class Objective:
    """The metric runs are ranked by and which way is better."""

    name: str
    direction: Direction

    def describe(self) -> str:
        """``"best val_loss (lower is better)"``."""
        way = "lower" if self.direction == "min" else "higher"
        return f"best {self.name} ({way} is better)"


@dataclass
class Ranking:
    """Runs ranked by their best value of :attr:`objective`.

    Attributes:
        objective: what was ranked on.
        scores: per run (in the runs' order) its best value, ``None`` when it has none.
        order: run indices, best first; runs with no score last, in run order.
        named: run indices drawn in colour and named in legends (best first, the live run last
            when it is not among the best).
        live: the live run's index (``None`` for none).
    """

    objective: Objective
    scores: list[float | None]
    order: list[int]
    named: list[int] = field(default_factory=list)
    live: int | None = None
    _place: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def hidden(self) -> int:
        """How many runs are drawn grey and only counted."""
        return len(self.scores) - len(self.named)

    @property
    def unscored(self) -> int:
        """How many runs have no value of the objective."""
        return sum(score is None for score in self.scores)

    def rank_of(self, run_index: int) -> int:
        """1 for the best run (by :attr:`order`)."""
        if len(self._place) != len(self.order):
            self._place = {index: place for place, index in enumerate(self.order)}
        return self._place[run_index] + 1

    def is_named(self, run_index: int) -> bool:
        return run_index in self.named

    def note(self) -> str:
        """A line for under a legend: ``"+ 187 more runs (grey); ranked by best val_loss"``."""
        parts = []
        if self.hidden:
            parts.append(f"+ {self.hidden} more run{'s' if self.hidden != 1 else ''} (grey)")
        if len(self.scores) > 1:
            parts.append(f"ranked by {self.objective.describe()}")
        if self.unscored:
            parts.append(
                f"{self.unscored} run{'s' if self.unscored != 1 else ''} "
                f"without {self.objective.name} ranked last"
            )
        return "; ".join(parts)


def objective_for(runs: Sequence[Run], objective: tuple[str, str] | None = None) -> Objective:
    """The objective to rank ``runs`` by: ``objective`` (a tuner's ``(name, direction)``) when
    given, else the one the runs were scored by (:attr:`Run.objective`, the first run's that
    has one: a search's trials), else ``val_loss`` if any run has it, else ``loss``, else the
    first loss-like series (validation first), else the first score.

    >>> objective_for([]).name, objective_for([], ("val_auc", "max")).direction
    ('val_loss', 'max')
    >>> trial = Run("trial 1")
    >>> trial.objective = ("val_accuracy", "max")
    >>> objective_for([trial]).describe()
    'best val_accuracy (higher is better)'
    """
    if objective is None:
        objective = next((run.objective for run in runs if run.objective is not None), None)
    if objective is not None and objective[1] in ("min", "max"):
        return Objective(objective[0], objective[1])  # type: ignore[arg-type]
    if objective is not None:
        return Objective(objective[0], goal(objective[0]) or "min")
    for name in ("val_loss", "loss"):
        if any(run.has_points(name) for run in runs):
            return Objective(name, "min")
    return _named_objective(runs) or Objective("val_loss", "min")


def _named_objective(runs: Sequence[Run]) -> Objective | None:
    """Runs with neither ``val_loss`` nor ``loss`` (a Detectron2 log's ``total_loss``): the first
    validation series that is minimised, then the first training one, then the same for a
    maximised score; a ``total`` loss goes before its parts.

    >>> run = Run("a")
    >>> run.log(1, {"loss_cls": 0.5, "total_loss": 1.0, "fast_rcnn/cls_accuracy": 0.9})
    >>> objective_for([run]).name
    'total_loss'
    """
    names: dict[str, None] = {}
    for run in runs:
        names.update(dict.fromkeys(n for n in run.names if run.has_points(n)))
    for direction in ("min", "max"):
        for validation in (True, False):
            found = [
                name
                for name in names
                if series_goal(name) == direction and parse(name).is_validation == validation
            ]
            if found:
                best = next((name for name in found if "total" in name.lower()), found[0])
                return Objective(best, direction)
    return None


def score(run: Run, objective: Objective) -> float | None:
    """The run's best finite value of the objective (``None`` when it has none)."""
    series = run.points(objective.name)
    if series is None or not len(series):
        return None
    best = series.best(objective.direction)
    return None if best is None or not math.isfinite(best[1]) else best[1]


def rank(
    runs: Sequence[Run],
    objective: tuple[str, str] | Objective | None = None,
    *,
    live: int | None = -1,
    best: int = BEST_NAMED,
    named_above: int = NAMED_ABOVE,
    scores: Sequence[float | None] | None = None,
) -> Ranking:
    """Rank ``runs`` and pick the named ones (see the module's doc).

    ``live``: the live run's index (``-1``: the last run; ``None``: no live run). Up to
    ``named_above`` runs, every run is named. ``scores``: each run's :func:`score`, when the
    caller has them already (the runs table keeps them per run).
    """
    runs = list(runs)
    found = objective if isinstance(objective, Objective) else objective_for(runs, objective)
    scores = list(scores) if scores is not None else [score(run, found) for run in runs]
    sign = 1.0 if found.direction == "min" else -1.0
    order = sorted(
        range(len(runs)),
        key=lambda i: (scores[i] is None, sign * (scores[i] or 0.0), i),
    )
    live_index = None
    if live is not None and runs:
        live_index = live % len(runs)
    if len(runs) <= named_above:
        named = list(order)
    else:
        named = order[:best]
        if live_index is not None and live_index not in named:
            named.append(live_index)
    return Ranking(found, scores, order, named, live_index)
