"""livecurve's own log files (``LivePlot(log=...)``, ``LiveCurve(log=...)``), read as LogFile reads
them: through :mod:`livecurve.logfile.decode`, the one decoder shared with ``LogFile`` and the
follower, so ``load(path)``, ``LivePlot(log=path)`` and ``show(path, follow=True)`` give the same
run (the same epoch points, the same per-batch steps at the same x).

A file is taken for an own log when its suffix is one of :data:`~livecurve.logfile.decode.SUFFIXES`
and the strict decoder reads it without error; and, for an epoch log, when its first epoch is not 1
or it holds livecurve's per-batch rows (``{"step", "epoch", "x", ...}``). A hand-written log
counting epochs from 1 (``epoch,loss`` then ``1,0.9``) is left to the lenient readers, which
decide the epoch's base from its values. Anything else (CSVLogger files with restarts, other
tools' JSON Lines) is read by the lenient readers (:mod:`.delimited`, :mod:`.jsonlog`).
"""

from __future__ import annotations

import copy
import mmap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import LogFileError
from ..logfile import decode
from ..logfile.formats import CsvFormat, Format, Row
from ..model.run import Run
from . import axis as axes
from .bulk import Regular, counts_rows
from .errors import warn
from .lightning import add_steps
from .side import is_side_value, split_side


def read_own_log(data: bytes, path: Path, source: str, label: str) -> list[Run] | None:
    """The run of an own log file, or None when the file is not one (read it leniently).

    Args:
        data: the file's bytes.
        path: the file (its suffix picks the format).
        source: the path as the caller wrote it, for messages.
        label: the run's label.

    A torn last line (a write in progress, or a killed process) is left out with a warning.

    Example:
        >>> data = b'{"epoch": 0, "loss": 0.5}\\n{"epoch": 1, "loss": 0.25}\\n'
        >>> (run,) = read_own_log(data, Path("run.jsonl"), "run.jsonl", "run")
        >>> run["loss"].x.tolist(), run["loss"].y.tolist()
        ([1.0, 2.0], [0.5, 0.25])
    """
    if decode.format_for(path, "epoch") is None:
        return None
    axis = decode.axis_of_bytes(data[: 1 << 16], path)
    if axis is None:
        return None
    try:
        log = decode.decode(data.removeprefix(b"\xef\xbb\xbf"), source, axis)
    except LogFileError:
        return None
    rows = [row for row in log.rows if row.kind in ("epoch", "step")]
    on_axis = [row for row in rows if row.kind == axis]
    if not on_axis and not len(log.steps):
        return None
    if len(on_axis) < len(rows):
        return None  # step rows without an "x" in an epoch log: the lenient reader says so
    if axis == "epoch" and on_axis:
        epochs = np.array([row.index for row in on_axis])
        if not np.all(epochs == np.floor(epochs)) or (epochs[0] == 1 and not len(log.steps)):
            # Fractional epochs, or maybe a log counting epochs from 1. A first epoch past 1 is
            # Keras's 0-based count resumed into a new file (fit(initial_epoch=5)): read as
            # LogFile reads it.
            return None
    if not all(_own_cell(log.format, cell) for row in rows for cell in row.cells.values()):
        return None  # text in a cell: another tool's log
    if _whole_row(log):
        return None  # a last row without its newline, maybe hand-written: the lenient reader
    found = decode.series(log)
    index = {id(row): i for i, row in enumerate(on_axis)}
    where = {
        name: np.array([index[id(r)] for r in on_axis if name in _numbers(log, r)])
        for name in found
    }
    if not _plain_metrics(found, where, len(on_axis)):
        return None
    run = Run(label, axis)
    for name, (xs, ys) in found.items():
        run.extend(name, xs, ys, warn=False)
    if len(log.steps):
        run.adopt_steps(log.steps)
    if log.tail.strip(b"\0 \r\n\t"):
        line = data.count(b"\n") + 1
        warn(f"{source}: skipped the last line (line {line}): it is cut off.")
    return [run]


def _numbers(log: decode.Decoded, row: Row) -> dict[str, float]:
    return decode.values_of(log.format, row, log.format.axis)


def _own_cell(fmt: Format, cell: Any) -> bool:
    """What livecurve writes in a cell: a number, NaN (``nan``/``null``), an absent value."""
    return cell is None or cell in ("", "NA") or fmt.value(cell) is not None


def _whole_row(log: decode.Decoded) -> bool:
    """Whether the tail without its newline is a whole row (its write may or may not have ended:
    LogFile leaves it out, the lenient readers read it)."""
    text = log.tail.decode("utf-8", errors="replace").strip()
    if not text or "\0" in text:
        return False
    try:
        copy.copy(log.format).parse(text, 0)
    except LogFileError:
        return False
    return True


def _plain_metrics(found: Mapping[str, Any], where: Mapping[str, np.ndarray], rows: int) -> bool:
    """Whether the lenient readers would draw every series as a metric too: none is named like
    an axis or counter, a timer or throughput, counts 0, 1, 2... in every row, or is one value
    on the last row (a summary). Where they would not, they read the file (so ``load()`` keeps
    counters and summaries out of panels for every log alike)."""
    names = list(found)
    if any(name != name.strip() for name in names):
        return False  # padded names: written by hand, the lenient readers strip them
    if axes.axis_columns(names) or any(is_side_value(name) for name in names):
        return False
    if any(len(ys) == rows and counts_rows(np.asarray(ys, np.float64)) for _, ys in found.values()):
        return False
    points = {j: int(where[n].size) for j, n in enumerate(names)}
    last = {j: int(where[n][-1]) for j, n in enumerate(names) if where[n].size}
    kept, _ = split_side(list(range(len(names))), names, points, last)
    return len(kept) == len(names)


def read_own_table(
    table: Regular, data: bytes | mmap.mmap, path: Path, label: str
) -> list[Run] | None:
    """The run of a regular own ``.csv`` log that pandas already read (the fast path), or
    None: another table, or an own log the whole decoder reads (:func:`read_own_log`).

    The same rules as :mod:`livecurve.logfile.decode`: the header as :class:`CsvFormat` accepts
    it, epochs or steps in order, x by :func:`~livecurve.logfile.decode.x_of_index`, an empty
    cell absent, metrics in the order their first values appear; in a step log, training
    values per step and validation values as points
    (:func:`~livecurve.logfile.decode.split_step_values`).
    """
    header = data[: data.find(b"\n")]
    axis = decode.axis_of_bytes(header + b"\n", path)
    fmt = decode.format_for(path, axis or "epoch")
    if axis is None or not isinstance(fmt, CsvFormat):
        return None
    try:
        decode.parse_line(fmt, header, 1)
    except LogFileError:
        return None
    index = table.columns[0]
    if fmt.columns is None or len(fmt.columns) + 1 != len(table.columns) or not index.size:
        return None
    if not np.all(np.isfinite(index)) or not np.all(np.diff(index) > 0):
        return None  # steps or epochs going back: the lenient readers decide
    if axis == "epoch" and (index[0] == 1 or not np.all(index == np.floor(index))):
        return None  # a log from epoch 1, or fractional epochs: not livecurve's
    xs = decode.x_of_index(index, axis)
    found = []
    for name, column in zip(fmt.columns, table.columns[1:]):
        have = ~np.isnan(column)
        if have.any():
            found.append((name, column, have))
    if not found:
        return None
    full = np.arange(index.size)
    where, series = {}, {}
    for name, column, have in found:
        whole = bool(have.all())  # the usual case: no copy
        where[name] = full if whole else np.flatnonzero(have)
        series[name] = (xs, column) if whole else (xs[have], column[have])
    if not _plain_metrics(series, where, index.size):
        return None
    run = Run(label, axis)
    ordered = [name for name, _, _ in sorted(found, key=lambda item: int(np.argmax(item[2])))]
    steps = decode.split_step_values(dict.fromkeys(ordered, 0.0))[0] if axis == "step" else {}
    for name in ordered:
        if name not in steps:
            run.extend(name, *series[name], warn=False)
    if steps:
        add_steps(run, {name: series[name] for name in steps})
    return [run]
