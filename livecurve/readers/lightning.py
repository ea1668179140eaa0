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
        add_steps(new, steps)
    return new


def add_steps(run: Run, steps: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """Put per-step values of several metrics, each at its own x, into ``run.steps`` as rows in
    x order (a metric is absent from the rows of the others' x).

    >>> run = Run("r")
    >>> add_steps(run, {"a": (np.array([1.0, 2.0]), np.array([0.5, 0.4])),
    ...                 "b": (np.array([2.0]), np.array([0.9]))})
    >>> run.steps.column("a")[0].tolist(), run.steps.column("b")[0].tolist()
    ([1.0, 2.0], [2.0])
    """
    first = next(iter(steps.values()))[0]
    if all(np.array_equal(x, first) for x, _ in steps.values()) and np.all(np.diff(first) > 0):
        run.extend_steps(first, {name: y for name, (_, y) in steps.items()})  # one x: as it is
        return
    xs = np.unique(np.concatenate([x for x, _ in steps.values()]))
    columns = {}
    for name, (x, y) in steps.items():
        column = np.full(xs.size, np.nan, dtype=np.float64)
        have = np.zeros(xs.size, dtype=bool)
        at = np.searchsorted(xs, x)
        column[at], have[at] = y, True
        columns[name] = (column, have)
    # Rows in blocks logging the same metrics (extend_steps takes the metrics of every row).
    pattern = np.zeros(xs.size, dtype=np.int64)
    for bit, (_, have) in enumerate(columns.values()):
        pattern |= have.astype(np.int64) << bit
    cuts = np.flatnonzero(np.diff(pattern)) + 1
    for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), xs.size]):
        block = {n: c[start:end] for n, (c, h) in columns.items() if h[start]}
        run.extend_steps(xs[start:end], block)
