"""Find the runs in a table: appended (the x value goes back or repeats) or written in turns.

A log file often holds more than one training run. Keras's ``CSVLogger(append=True)`` adds each
new ``fit()`` after the last one, so the epoch restarts at 0; two processes writing one file
interleave their rows. Drawn as one series these make a zig-zag, so the readers split them:

* **One after another** (:func:`sequential`): a row starts a new run when its x is smaller than the
  previous row's, or equal to it while logging a metric that already has a value at that x (a
  repeated epoch). Rows that share an x but fill *different* columns (PyTorch Lightning writes
  training and validation metrics on separate rows with the same step) stay in one run. A *break*
  (a torn row, a changed header) always starts a new run.
* **In turns** (:func:`in_turns`): each row joins the run whose last x is the largest one below its
  own (the most recent run on a tie), else starts a run. This is used only where it explains the
  file far better: at least 8 runs one after another and at least 4 times as many as in turns, so
  a run resumed from an earlier checkpoint is not mistaken for two interleaved runs (and at
  most 32 runs in turns).
* **One row per restart** (:func:`join_single_rows`): ``fit(epochs=1)`` in a loop appends a row at
  the same epoch every time; such rows are one run of consecutive epochs, not runs of one point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# More runs than this written in turns is not a pattern any training setup produces.
_MAX_IN_TURNS = 32


@dataclass
class Split:
    """The runs of a table.

    Attributes:
        runs: the row positions of each run, runs ordered by their first row.
        interleaved: the runs were written in turns (rather than one after another).
        restarts: positions where a run starts because the x value went back or repeated.
        forced: positions where a run starts because of a break.
    """

    runs: list[list[int]]
    interleaved: bool = False
    restarts: list[int] = field(default_factory=list)
    forced: list[int] = field(default_factory=list)


def sequential(
    xs: Sequence[float], masks: Sequence[int], breaks: set[int] | frozenset[int] = frozenset()
) -> Split:
    """Split rows into runs one after another.

    Args:
        xs: the x value of each row.
        masks: which metric columns each row fills, as a bit mask.
        breaks: row positions that always start a new run.
    """
    result = Split(runs=[])
    current: list[int] = []
    last = 0.0
    filled_at_last = 0
    for i, (x, mask) in enumerate(zip(xs, masks)):
        if current and i in breaks:
            result.forced.append(i)
            result.runs.append(current)
            current = []
        elif current and (x < last or (x == last and mask & filled_at_last)):
            result.restarts.append(i)
            result.runs.append(current)
            current = []
        if not current or x != last:
            filled_at_last = 0
        current.append(i)
        last = x
        filled_at_last |= mask
    if current:
        result.runs.append(current)
    return result


def in_turns(
    xs: Sequence[float], masks: Sequence[int], limit: int | None = None
) -> list[list[int]] | None:
    """Split rows written in turns by several runs (see the module docstring).

    Returns None when that takes more than ``limit`` runs (the rows are not written in turns).
    """
    runs: list[list[int]] = []
    lasts: list[float] = []
    filled: list[int] = []
    for i, (x, mask) in enumerate(zip(xs, masks)):
        best = -1
        for r in range(len(runs)):
            fits = x > lasts[r] or (x == lasts[r] and not mask & filled[r])
            if fits and (best < 0 or lasts[r] >= lasts[best]):
                best = r
        if best < 0:
            if limit is not None and len(runs) >= limit:
                return None
            runs.append([i])
            lasts.append(x)
            filled.append(mask)
            continue
        if x != lasts[best]:
            filled[best] = 0
        runs[best].append(i)
        lasts[best] = x
        filled[best] |= mask
    return runs


def split_runs(
    xs: Sequence[float], masks: Sequence[int], breaks: set[int] | frozenset[int] = frozenset()
) -> Split:
    """The runs of a table: one after another, or in turns where that explains it far better.

    Rows between two breaks are considered separately; the in-turns reading never joins rows
    across a break.
    """
    one_after_another = sequential(xs, masks, breaks)
    starts = sorted({0, *(b for b in breaks if 0 < b < len(xs))})
    ends = [*starts[1:], len(xs)]
    result = Split(runs=[], forced=one_after_another.forced)
    for start, end in zip(starts, ends):
        block = sequential(xs[start:end], masks[start:end])
        turns = None
        if len(block.runs) >= 8:
            limit = min(_MAX_IN_TURNS, len(block.runs) // 4)
            turns = in_turns(xs[start:end], masks[start:end], limit)
        if turns:
            result.interleaved = True
            result.runs.extend([start + i for i in run] for run in turns)
        else:
            result.runs.extend([start + i for i in run] for run in block.runs)
            result.restarts.extend(start + i for i in block.restarts)
    result.runs.sort(key=lambda run: run[0])
    return result


def join_single_rows(found: Split, xs: Sequence[float]) -> tuple[Split, list[float]] | None:
    """One run of consecutive rows, when every run is one row and all rows have the same x.

    ``fit(epochs=1)`` called in a loop with ``CSVLogger(append=True)`` logs epoch 0 on every row,
    so read one after another every row would be a run of one point. When *every* run of the
    table is a single row at the same x (and no break, such as a torn row, separates them), the
    rows are one run whose x are x, x + 1, ... A file that also holds runs of several rows is
    left as it is: its one-row runs are restarts that stopped after their first epoch.

    Returns:
        The joined split and the new x of each row, or None when the rule does not apply.
    """
    if (
        len(found.runs) < 2
        or found.forced
        or any(len(run) != 1 for run in found.runs)
        or len({xs[run[0]] for run in found.runs}) != 1
    ):
        return None
    positions = [run[0] for run in found.runs]
    return Split(runs=[positions]), [xs[positions[0]] + k for k in range(len(xs))]
