"""Columns that are about the run, not metrics to draw: timers, throughputs, one-point summaries.

A person reading a log does not give ``passed_time`` or ``eval_samples_per_second`` a panel: they
clock the run. Such columns go to :attr:`~livecurve.model.run.Run.summary` (their last value in
the run) instead of panels:

* **timers**: ``time``, ``t`` (only in a Stable-Baselines3 ``Monitor`` file, see
  :mod:`.delimited`), ``*_time`` and ``time_*`` (``passed_time``, ``remaining_time``,
  ``total_time``, ``epoch_time``, ``data_time``, ``time_elapsed``), ``*runtime``, ``elapsed``,
  ``eta``, ``eta_seconds``, ``wall_time``, ``time_left``;
* **throughputs and sizes**: ``*_per_second``, ``fps``, ``throughput``, ``total_flos``;
* **one-point summaries** (:func:`one_point`): a column with a single value, on the last row,
  where the other metrics have several (Hugging Face's final ``train_loss`` row).

Counters (``total_timesteps``, ``num_episodes``, ``iter``, ``global_step``) are axis columns
(:mod:`.axis`): the best of them is the x axis, the others are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence

_TIMER = re.compile(
    r"(time|.*[_ ]time|time[_ ].*|.*runtime|elapsed|eta|eta[_ ]?seconds|wall[_ ]?time|"
    r"time[_ ]?left|.*[_ ]per[_ ]second|fps|throughput|total[_ ]?flos|flos)",
    re.IGNORECASE,
)
_MONITOR_TIMER = "t"


def is_side_value(name: str) -> bool:
    """A timer, throughput or size column (see the module docstring).

    >>> [is_side_value(n) for n in ("passed_time", "time/time_elapsed", "eval_runtime", "loss")]
    [True, True, True, False]
    >>> is_side_value("train_samples_per_second"), is_side_value("lr"), is_side_value("timestep")
    (True, False, False)
    """
    last = name.strip().rsplit("/", 1)[-1].strip()
    return bool(_TIMER.fullmatch(last))


def one_point(points: Mapping[int, int], last_row: Mapping[int, int], final: int) -> set[int]:
    """The columns holding one value, on the ``final`` row, where another column has 3 or more.

    Args:
        points: column -> how many values it has.
        last_row: column -> the row of its last value.
        final: the last row holding any metric.
    """
    if not any(n >= 3 for n in points.values()):
        return set()
    return {j for j, n in points.items() if n == 1 and last_row[j] == final}


def split_side(
    metrics: list[int],
    names: list[str],
    points: Mapping[int, int],
    last_row: Mapping[int, int],
) -> tuple[list[int], list[int]]:
    """The metric columns to draw, and the side columns (see the module docstring).

    Args:
        metrics: the metric columns.
        names: every column's name.
        points: column -> how many values it has.
        last_row: column -> the row of its last value.

    When every column would be a side column, they are all drawn (there is nothing else).
    """
    side = [j for j in metrics if is_side_value(names[j])]
    rest = [j for j in metrics if j not in side]
    if rest:
        final = max((last_row[j] for j in rest if points[j]), default=-1)
        lone = one_point({j: points[j] for j in rest}, last_row, final)
        if len(lone) < len(rest):
            side += sorted(lone)
            rest = [j for j in rest if j not in lone]
    if not rest:
        return metrics, []
    return rest, sorted(side)


def summaries(
    starts: Sequence[int],
    names: list[str],
    values: Mapping[int, tuple[Sequence[int], Sequence[float]]],
) -> list[dict[str, float]]:
    """Each run's summary: the last finite value of each side column among its rows.

    Args:
        starts: the first table row of each run, in order; a run's rows go up to the next
            run's first row.
        names: every column's name.
        values: side column -> the rows of its finite values (in order) and those values.
    """
    result: list[dict[str, float]] = [{} for _ in starts]
    ends = [*starts[1:], None]
    for j, (rows, numbers) in values.items():
        for k, end in enumerate(ends):
            last = len(rows) if end is None else bisect_left(rows, end)
            if last and (k == 0 or rows[last - 1] >= starts[k]):
                result[k][names[j]] = float(numbers[last - 1])
    return result
