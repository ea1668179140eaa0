"""A :class:`~.table.Table` to :class:`~livecurve.model.run.Run` objects.

Every reader ends here. This module

* cleans the names and keeps the columns that hold numbers (:mod:`.columns`),
* chooses the x axis (:mod:`.axis`) and finds the runs (:mod:`.split`),
* gives every series only the rows where it has a value (sparse logs such as PyTorch Lightning's
  put training and validation metrics on different rows), so x values never shift.

A column named ``run`` (as livecurve's own CSV export writes for several runs) names the run of
each row.
"""

from __future__ import annotations

import math

from ..model.run import Run
from . import axis as axes
from .cells import to_cell
from .columns import clean_names, counts, is_index, numeric_columns
from .errors import LogReadError, listing, plural, warn
from .side import split_side, summaries
from .split import Split, join_single_rows, split_runs
from .table import Table

_RUN_KEY_NAMES = frozenset({"run"})


def to_runs(table: Table, label: str) -> list[Run]:
    """The runs in a table; ``label`` names the first, later ones get ``" (run 2)"``...

    Raises:
        LogReadError: the table has no rows, or no column holds numbers.
    """
    if not table.rows:
        raise LogReadError(f"{table.source}: has a header but no rows of values")
    width = max(len(table.names), max(len(row) for row in table.rows))
    for row in table.rows:
        row.extend([None] * (width - len(row)))
    names = clean_names([*table.names, *[""] * (width - len(table.names))], table.source)
    run_key = next((j for j, n in enumerate(names) if n.lower() in _RUN_KEY_NAMES), None)
    notes: list[str] = []
    numeric = numeric_columns(table, names, run_key, notes)
    if 0 in numeric and is_index(names[0], numeric[0]):
        del numeric[0]
    for j in numeric:
        names[j] = names[j] or f"column {j + 1}"
    counters = axes.axis_columns(names) | ({names.index(table.axis)} if table.axis else set())
    counting = [j for j in numeric if j not in counters and counts(numeric[j])]
    if any(j not in counters and j not in counting for j in numeric):
        counters.update(counting)  # a column that only counts is not a metric
    else:
        counting = []  # nothing else to plot: draw what there is
    metrics = [j for j in numeric if j not in counters]
    present = {j: [i for i, v in enumerate(numeric[j]) if v is not None] for j in metrics}
    metrics, side = split_side(
        metrics,
        names,
        {j: len(rows) for j, rows in present.items()},
        {j: rows[-1] for j, rows in present.items() if rows},
    )
    if not metrics:
        raise LogReadError(
            f"{table.source}: no column holds numbers to plot (columns: "
            f"{listing([n for n in names if n] or ['none'])}); is it a training log?"
        )
    for note in notes:
        warn(note)
    masks = [0] * len(table.rows)  # which metric columns each row fills, as bits
    for k, j in enumerate(metrics):
        bit = 1 << k
        for i, value in enumerate(numeric[j]):
            if value is not None:
                masks[i] |= bit
    empty: list[float | None] = [None] * len(table.rows)
    chosen = axes.choose(
        names,
        [numeric.get(j, empty) for j in range(width)],
        masks,
        table.axis,
        table.zero_based,
        counting[0] if counting else None,
    )
    groups = _groups(table, run_key)
    runs: list[Run] = []
    for key, rows in groups.items():
        base = label if key is None else key
        found = _group_runs(table, rows, names, numeric, metrics, masks, chosen, base)
        if side and found:
            mine = set(rows)
            own: dict[int, tuple[list[int], list[float]]] = {}
            for j in side:
                column = numeric[j]
                at = [i for i in present[j] if i in mine and math.isfinite(column[i])]  # type: ignore[arg-type]
                own[j] = (at, [column[i] for i in at])  # type: ignore[misc]
            starts = [rows[0], *(first for _, first in found[1:])]
            for (run, _), summary in zip(found, summaries(starts, names, own)):
                run.summary.update(summary)
        runs.extend(run for run, _ in found)
    if not runs:
        raise LogReadError(f"{table.source}: holds no values to plot")
    return runs


def _groups(table: Table, run_key: int | None) -> dict[str | None, list[int]]:
    if run_key is None:
        return {None: list(range(len(table.rows)))}
    groups: dict[str | None, list[int]] = {}
    for i, row in enumerate(table.rows):
        cell = row[run_key]
        number = to_cell(cell)
        key = f"{number:g}" if isinstance(number, float) else str(cell or "").strip()
        groups.setdefault(key or "run", []).append(i)
    return groups


def _group_runs(
    table: Table,
    rows: list[int],
    names: list[str],
    numeric: dict[int, list[float | None]],
    metrics: list[int],
    masks: list[int],
    chosen: axes.Axis,
    base: str,
) -> list[tuple[Run, int]]:
    """The runs of one group of rows (all rows, or those of one value of the run column), each
    with the table row where it starts."""
    breaks = set(table.breaks)
    if chosen.skip is not None:
        per_step = numeric[chosen.skip]
        dropped = [i for i in rows if per_step[i] is not None and masks[i]]
        rows = [i for i in rows if per_step[i] is None]
        if dropped:
            warn(
                f"{table.source}: has epoch rows and {plural(len(dropped), 'per-step row')} (with "
                f"a {names[chosen.skip]!r} value); the epoch rows are plotted, the per-step rows "
                "are left out."
            )
    if chosen.column is None:
        breaks |= table.soft_breaks
        kept = [i for i in rows if masks[i]]
        xs = [float(i) for i in kept]
    else:
        axis_values = numeric[chosen.column]
        kept = [i for i in rows if masks[i] and _finite(axis_values[i])]
        placed = set(kept)
        lost = [i for i in rows if masks[i] and i not in placed]
        if lost:
            warn(
                f"{table.source}: {plural(len(lost), 'row')} with no {names[chosen.column]!r} "
                f"value ({listing([table.where(i) for i in lost], 4)}) cannot be placed; "
                f"{'it is' if len(lost) == 1 else 'they are'} skipped."
            )
        xs = [axis_values[i] + chosen.shift for i in kept]  # type: ignore[operator]
    # A break on a row that is not kept moves to the next kept row.
    kept_breaks: set[int] = set()
    pending = False
    kept_set = set(kept)
    position = 0
    for i in rows:
        pending = pending or i in breaks
        if i in kept_set:
            if pending:
                kept_breaks.add(position)
            pending = False
            position += 1
    found = split_runs(xs, [masks[i] for i in kept], kept_breaks)
    joined = join_single_rows(found, xs) if chosen.name == "epoch" else None
    if joined is not None:
        _report_joined(table, kept, xs[0] - chosen.shift, joined[1], names[chosen.column or 0])
        found, xs = joined
    runs: list[Run] = []
    firsts: list[int] = []
    for number, positions in enumerate(found.runs, start=1):
        run = Run(base if number == 1 else f"{base} (run {number})", chosen.name)
        # Without an axis column, x is the row order within the run: 1, 2, ...
        run_xs = (
            [xs[p] for p in positions]
            if chosen.column is not None
            else [float(n) for n in range(1, len(positions) + 1)]
        )
        for j in metrics:
            column = numeric[j]
            cells = [(x, column[kept[p]]) for x, p in zip(run_xs, positions)]
            points = [(x, y) for x, y in cells if y is not None]
            if points:
                run.extend(names[j], [x for x, _ in points], [y for _, y in points])
        if len(run):
            runs.append(run)
            firsts.append(kept[positions[0]])
    if len(runs) > 1:
        report_split(table, kept, found, runs, chosen, names)
    return list(zip(runs, firsts))


def _report_joined(
    table: Table, kept: list[int], logged: float, placed: list[float], axis: str
) -> None:
    warn(
        f"{table.source}: every row ({table.where(kept[0])} to {table.where(kept[-1])}) logs "
        f"{axis} {logged:g}, one row per restart (fit(epochs=1) called in a loop with "
        f"CSVLogger(append=True)?); the rows are read as one run of consecutive epochs, "
        f"{placed[0]:g} to {placed[-1]:g}."
    )


def report_split(
    table: Table,
    kept: list[int],
    found: Split,
    runs: list[Run],
    chosen: axes.Axis,
    names: list[str],
) -> None:
    """Warn that the table holds several runs, where each starts (the fast path uses it too).

    Args:
        table: the table (for its source and the line of each row).
        kept: the table row of each position ``found`` refers to.
        found: the split.
        runs: the runs made.
        chosen: the x axis.
        names: the column names.
    """
    axis_name = names[chosen.column] if chosen.column is not None else "row order"
    labels = listing([repr(run.label) for run in runs], 3)
    if found.interleaved:
        warn(
            f"{table.source}: holds {len(runs)} runs written in turns (their {axis_name!r} "
            f"values interleave); each is shown as a separate run: {labels}."
        )
        return
    forced = set(found.forced)
    note = " (after a torn row or at a header line)" if found.restarts else ""
    starts = [
        table.where(kept[p]) + (note if p in forced else "")
        for p in sorted(found.restarts + found.forced)
    ]
    why = (
        f"where the {axis_name!r} goes back or repeats"
        if found.restarts
        else "after a torn row or at a header line"
    )
    warn(
        f"{table.source}: holds {len(runs)} runs appended one after another; a new run starts "
        f"{why}: {listing(starts, 6)}. Each is shown as a separate run: {labels}."
    )


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
