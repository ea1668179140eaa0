"""PyTorch Lightning's ``_step``/``_epoch`` names: one quantity, not three panels.

``self.log("train_loss", on_step=True, on_epoch=True)`` writes ``train_loss_step`` on step rows and
``train_loss_epoch`` on epoch rows of ``metrics.csv``. A person reads them as one quantity,
``train_loss``: :func:`fold_step_epoch` makes the per-step values the run's per-step values
(:attr:`~livecurve.model.run.Run.steps`, drawn faint, as ``LivePlot`` draws per-batch values) and
the epoch values the series ``train_loss`` (drawn with markers), in the panel of ``val_loss``
(dashed). Only names that come in pairs (``X_step`` and ``X_epoch``) are folded.
"""

from __future__ import annotations

import numpy as np

from ..model.run import Run
from ..model.steptable import ABSENT

_STEP, _EPOCH = "_step", "_epoch"


def pairs(names: list[str]) -> dict[str, str]:
    """``{"train_loss_step": "train_loss", "train_loss_epoch": "train_loss"}`` for each pair.

    >>> pairs(["train_loss_step", "val_loss", "train_loss_epoch", "lr_step"])
    {'train_loss_step': 'train_loss', 'train_loss_epoch': 'train_loss'}
    """
    found: dict[str, str] = {}
    for name in names:
        if name.endswith(_STEP) and name[: -len(_STEP)] + _EPOCH in names:
            stem = name[: -len(_STEP)]
            if stem and stem not in names:
                found[name] = stem
                found[stem + _EPOCH] = stem
    return found


def fold_step_epoch(runs: list[Run]) -> list[Run]:
    """The runs with each ``X_step``/``X_epoch`` pair read as one quantity ``X``."""
    return [_fold(run) for run in runs]


def _fold(run: Run) -> Run:
    folded = pairs(run.names)
    if not folded:
        return run
    new = Run(run.label, run.axis)
    new.params.update(run.params)
    new.summary.update(run.summary)
    steps: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in run.names:
        series = run.points(name)
        if series is None:
            continue
        x, y = series.x, series.y
        if name.endswith(_STEP) and name in folded:
            steps[folded[name]] = (x, y)
        else:
            new.extend(folded.get(name, name), x, y, warn=False)
    if steps:
        first = next(iter(steps.values()))[0]
        if all(np.array_equal(x, first) for x, _ in steps.values()) and np.all(np.diff(first) > 0):
            new.extend_steps(first, {stem: y for stem, (_, y) in steps.items()})  # one x: as is
            return new
        xs = np.unique(np.concatenate([x for x, _ in steps.values()]))
        columns = {}
        for stem, (x, y) in steps.items():
            column = np.full(xs.size, ABSENT, dtype=np.float64)
            column[np.searchsorted(xs, x)] = y
            columns[stem] = column
        new.extend_steps(xs, columns)
    return new
