"""Which column is the x axis, and whether an epoch column counts from 0.

Axis columns are recognised by name, ignoring case, spaces, ``_``/``-``/``.`` and a path before a
``/`` (``Epoch``, ``global_step``, ``trainer/global_step``, ``_step``, ``Iteration``, ``iter``,
``round``, ``total_timesteps``, ``time/total_timesteps``, ``total timesteps``, ``num_episodes``).
Several kinds may be present; PyTorch Lightning writes both ``epoch`` and ``step``:

* the **epoch** is used when its values are whole numbers (one row per epoch, or train and
  validation rows of one epoch) and reading the file by epoch finds no more runs than reading it
  by step: then each epoch is one point per metric;
* otherwise the **step**-like column is used (step-level rows, whose epoch repeats for many
  metric values, and Hugging Face logs, whose epoch is a rounded fraction);
* but when some rows have an epoch and no step (epoch rows) and others a step (per-step rows, as
  livecurve's own ``.jsonl`` log writes them between epoch rows), the epoch rows are plotted on
  the epoch axis and the per-step rows are left out (one run has one x axis).

The axis columns that are not chosen are counters, not metrics, and are not plotted. Where no
column is named like an axis, a column that only counts its rows (``0, 1, 2, ...`` or
``1, 2, 3, ...`` under any name, in any language: ``generation``, ``Runde``, ``époque``) is the
axis, named after the column, and its values are used as they are.

livecurve's x for epochs is *epochs completed*: an ``epoch`` column of whole numbers whose smallest
value is 0 is Keras's 0-based epoch index and is shifted by +1; fractional epochs (Hugging Face)
and columns starting at 1 are used as they are. Other axes (step, round, iteration) are never
shifted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .split import sequential

# Normalised name -> the axis kind (also livecurve's name for the axis).
_AXIS_NAMES = {
    "epoch": "epoch",
    "epochs": "epoch",
    "step": "step",
    "steps": "step",
    "globalstep": "step",
    "globalsteps": "step",
    "iteration": "iteration",
    "iterations": "iteration",
    "iter": "iteration",
    "iters": "iteration",
    "niter": "iteration",
    "round": "round",
    "rounds": "round",
    "update": "update",
    "updates": "update",
    "numupdates": "update",
    "nupdates": "update",
    "timesteps": "timesteps",
    "totaltimesteps": "timesteps",
    "numtimesteps": "timesteps",
    "episode": "episode",
    "episodes": "episode",
    "numepisodes": "episode",
    "nepisodes": "episode",
}
# Among several step-like columns, the first kind here wins: a reinforcement-learning log's
# environment steps before its update count or episodes.
STEP_KINDS = ("timesteps", "step", "iteration", "round", "update", "episode")
_SEPARATORS = re.compile(r"[\s_\-.]+")


def axis_kind(name: str) -> str | None:
    """``"epoch"``, ``"step"``, ``"iteration"``, ``"round"``, ``"update"`` or None.

    >>> axis_kind(" Epoch"), axis_kind("trainer/global_step"), axis_kind("val_loss")
    ('epoch', 'step', None)
    """
    last = name.strip().rsplit("/", 1)[-1]
    return _AXIS_NAMES.get(_SEPARATORS.sub("", last.lower()))


@dataclass(frozen=True)
class Axis:
    """The chosen x axis of a table.

    Attributes:
        column: the axis column's index, or None (x is the row order 1..N).
        name: livecurve's axis name: ``"epoch"``, ``"step"``, ``"iteration"``, ...
        shift: added to the column's values (1 for a 0-based epoch index).
        skip: rows with a value in this column are left out (per-step rows in an epoch log).
    """

    column: int | None
    name: str = "epoch"
    shift: float = 0.0
    skip: int | None = None


def _whole(values: Sequence[float]) -> bool:
    return all(v.is_integer() for v in values)


def zero_based(values: Sequence[float]) -> bool:
    """An epoch column of whole numbers starting at 0 (Keras's 0-based index)."""
    return bool(values) and _whole(values) and min(values) == 0


def choose(
    names: Sequence[str],
    columns: Sequence[Sequence[float | None]],
    masks: Sequence[int],
    forced: str | None = None,
    forced_zero_based: bool | None = None,
    counter: int | None = None,
) -> Axis:
    """Choose the x axis among the numeric ``columns`` (None where a row has no value).

    Args:
        names: the column names.
        columns: each column's values.
        masks: which metric columns each row fills (to count runs, see :mod:`.split`).
        forced: use the column of this name.
        forced_zero_based: whether that column counts epochs from 0 (None: decide from values).
        counter: a column that only counts rows under another name (``generation``, ``Runde``):
            the axis, named after it, when no column is named like an axis.
    """
    candidates: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        kind = axis_kind(name) if forced is None else "epoch" if name == forced else None
        if kind is None:
            continue
        if any(v is not None and math.isfinite(v) for v in columns[index]):
            candidates.setdefault(kind, []).append(index)
    epoch = candidates.get("epoch", [None])[0]
    step = next((candidates[k][0] for k in STEP_KINDS if k in candidates), None)
    step_kind = next((k for k in STEP_KINDS if k in candidates), "step")
    skip = None
    if epoch is not None and step is not None:
        epochs = [v for v in columns[epoch] if v is not None and math.isfinite(v)]
        has_step = [v is not None and math.isfinite(v) for v in columns[step]]
        has_epoch = [v is not None and math.isfinite(v) for v in columns[epoch]]
        rows = range(len(masks))
        epoch_rows = any(has_epoch[i] and not has_step[i] and masks[i] for i in rows)
        if epoch_rows and any(has_step[i] and masks[i] for i in rows):
            skip = step
        elif not _whole(epochs) or _runs(columns[epoch], masks) > _runs(columns[step], masks):
            epoch = None
    if epoch is not None:
        values = [
            v
            for i, v in enumerate(columns[epoch])
            if v is not None and math.isfinite(v) and (skip is None or columns[skip][i] is None)
        ]
        if forced_zero_based is None:
            forced_zero_based = zero_based(values)
        return Axis(epoch, "epoch", 1.0 if forced_zero_based else 0.0, skip)
    if step is not None:
        return Axis(step, step_kind)
    if counter is not None:
        return Axis(counter, names[counter])
    return Axis(None)


def _runs(axis: Sequence[float | None], masks: Sequence[int]) -> int:
    rows = [i for i, v in enumerate(axis) if masks[i] and v is not None and math.isfinite(v)]
    xs = [float(axis[i]) for i in rows]  # type: ignore[arg-type]
    return len(sequential(xs, [masks[i] for i in rows]).runs)


def axis_columns(names: Sequence[str]) -> set[int]:
    """Indexes of every column named like an axis (chosen or not: none of them is a metric)."""
    return {i for i, name in enumerate(names) if axis_kind(name) is not None}
