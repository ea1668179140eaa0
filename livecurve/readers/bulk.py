"""The fast path for regular text tables: pandas' C parser for the bulk, numpy for the runs.

Most logs are regular: one header line, then rows of numbers with as many cells as the header,
every line ended. :func:`read_regular` reads those at about the speed of ``pandas.read_csv``
and gives the same runs, with the same warnings, as the careful path (:mod:`.delimited` then
:mod:`.runs`). It returns None, having warned nothing, for anything else, and the careful path
reads the file: quoted cells, a row with another number of cells (torn, run together), a blank
line, a repeated header line, text or ``nan``/``inf`` in a cell, a last line without its line
ending, a ``run`` column, a repeated column name, rows that cannot be placed, per-step rows
among epoch rows, eight or more appended runs (maybe written in turns), one row per restart.

pandas is imported here, when a file is read, never when livecurve is imported.
"""

from __future__ import annotations

import codecs
import io
import mmap
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..model.run import Run
from . import axis as axes
from .columns import INDEX_NAMES, clean_names
from .delimited import sniff
from .runs import report_split
from .side import split_side, summaries
from .split import Split
from .table import Table

_SNIFF_LINES = 60
_MAX_SEQUENTIAL_RUNS = 8  # from here on the careful path considers runs written in turns


def _prefix(data: bytes | mmap.mmap, lines: int) -> bytes:
    """The first ``lines`` lines of ``data``."""
    end = 0
    for _ in range(lines):
        found = data.find(b"\n", end)
        if found < 0:
            return data[:]
        end = found + 1
    return data[:end]


def _regular_lines(data: bytes | mmap.mmap, separator: str, cells: int) -> int:
    """The number of lines, when every line ends with ``\\n`` and there are ``cells - 1``
    separators a line on average; else 0.

    With pandas refusing a line with more cells than the header (see :func:`_parse`), the
    average is every line's count: a line with fewer separators would need one with more.
    Two counts (:func:`_count`, about 4 ms for 16 MB) instead of a pass that keeps each line's
    shape.
    """
    if data[-1:] != b"\n":
        return 0
    lines, found = _count(data, 10, separator.encode()[0])
    return lines if lines >= 2 and found == (cells - 1) * lines else 0


def _count(data: bytes | mmap.mmap, first: int, second: int) -> tuple[int, int]:
    """How many bytes of ``data`` are ``first``, and how many ``second``: numpy compares over
    blocks of 256 kB held in the cache (5x faster than ``bytes.count``, 2x than one pass)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    block = 1 << 18
    equal = np.empty(min(block, codes.size), dtype=bool)
    counts = [0, 0]
    for start in range(0, codes.size, block):
        part = codes[start : start + block]
        same = equal[: part.size]
        for k, code in enumerate((first, second)):
            np.equal(part, code, out=same)
            counts[k] += int(np.count_nonzero(same))
    return counts[0], counts[1]


def _parse(
    data: bytes | mmap.mmap, rows: int, separator: str, width: int, path: Path | None
) -> list[np.ndarray] | None:
    """The columns as float64 (NaN: an empty cell), or None where a cell is not a number or a
    line has more than ``width`` cells (pandas' C parser refuses it: ``ParserError``).

    Only an empty cell is missing: ``nan``, ``NA`` and other words are not numbers to pandas
    here (the careful path reads them). pandas reads ``path`` when given (faster than from
    memory); when that finds other rows than ``data`` holds (the file changed since it was
    read), it reads ``data``.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.BytesIO(data) if path is None else path,
            sep=separator,
            header=0,  # the names are taken from the header line as livecurve splits it
            dtype=np.float64,
            keep_default_na=False,
            na_values=[""],
            quoting=3,  # csv.QUOTE_NONE: there are no quotes (checked)
            engine="c",
            index_col=False,
            on_bad_lines="error",  # a line with more cells: the line counts rely on it
        )
    except (OSError, ValueError, TypeError, pd.errors.ParserError):
        return None
    if frame.shape[1] != width:
        return None
    if len(frame) != rows:
        return None if path is None else _parse(data, rows, separator, width, None)
    # One float64 block: its transpose holds each column contiguous (no per-column iloc).
    block = np.ascontiguousarray(frame.to_numpy(dtype=np.float64).T)
    columns = list(block)
    if any(np.isinf(column).any() for column in columns):
        return None  # an infinite value: the careful path warns about it
    return columns


def read_regular(
    data: bytes, source: str, label: str, path: Path | None = None
) -> list[Run] | None:
    """The runs of a regular table (see the module docstring), or None for the careful path.

    Args:
        data: the file's bytes (UTF-8; the careful path reads other encodings).
        source: the file, for messages.
        label: the first run's label.
        path: the file ``data`` was read from, as it is on disk (not decompressed): pandas
            reads it again, faster than from memory.

    Example:
        >>> runs = read_regular(b"epoch,loss\\n0,0.9\\n1,0.5\\n", "log.csv", "log")
        >>> runs[0].label, runs[0]["loss"].x.tolist()
        ('log', [1.0, 2.0])
    """
    table = regular_table(data, path)
    return None if table is None else table_runs(table, source, label)


class Regular:
    """A regular table read by pandas: its header line as split, and its columns.

    Attributes:
        header: the header line's cells, as written (livecurve's split, not pandas').
        columns: one float64 array per cell of the header (NaN: an empty cell).
    """

    __slots__ = ("columns", "header")

    def __init__(self, header: list[str], columns: list[np.ndarray]) -> None:
        self.header = header
        self.columns = columns


def regular_table(data: bytes | mmap.mmap, path: Path | None = None) -> Regular | None:
    """The header and columns of a regular table (see :func:`read_regular`), or None.

    ``data`` may be the file mapped into memory (no copy of a large file is made).
    """
    if data[:3] == codecs.BOM_UTF8 or data.find(b"\r") >= 0:
        path = None  # pandas reads the cleaned bytes
        data = bytes(data).removeprefix(codecs.BOM_UTF8)
        data = data.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data[-1:] != b"\n" or data[:1].isspace() or data.find(b'"') >= 0 or data.find(b"\0") >= 0:
        return None
    try:
        head = _prefix(data, _SNIFF_LINES).decode("utf-8")
    except UnicodeDecodeError:
        return None
    separator = _commas(head) or sniff(head)
    if separator is None or len(separator.encode()) != 1:
        return None
    header_line = head[: head.index("\n")]
    header = header_line.split(separator)
    others = "".join(s for s in ",\t;|" if s != separator)
    if len(header) < 2 or any(ch in header_line for ch in others):
        return None
    stripped = [c.strip().strip("\"'").strip() for c in header]
    named = [n for n in stripped if n]
    if len(set(named)) != len(named) or any(n.lower() == "run" for n in named):
        return None
    if all(_is_number(c) for c in stripped if c):
        return None  # no header line
    lines = _regular_lines(data, separator, len(header))
    if not lines:
        return None
    columns = _parse(data, lines - 1, separator, len(header), path)
    return None if columns is None else Regular(header, columns)


def table_runs(table: Regular, source: str, label: str) -> list[Run] | None:
    """The runs of a regular table, as the careful path finds them, or None for it."""
    return _to_runs(source, label, clean_names(table.header, source), table.columns)


def _commas(head: str) -> str | None:
    """``","`` when every line of ``head`` holds as many commas as the first (at least one):
    what :func:`.delimited.sniff` then finds (the comma comes first, and every row splits like
    the header), without trying each separator through the csv module. Quotes are not there
    (checked before)."""
    lines = head.split("\n")[:-1]
    count = lines[0].count(",") if lines else 0
    return "," if count and all(line.count(",") == count for line in lines) else None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def counts_rows(values: np.ndarray) -> bool:
    """:func:`.columns.counts` for a column without missing values."""
    if values.size < 3 or values[0] not in (0.0, 1.0):
        return False  # most metrics end here, before a pass over the column
    if not np.all(np.isfinite(values)):
        return False
    if not np.all((values == np.floor(values)) & (values >= 0)):
        return False
    steps = np.diff(values)
    ups = int(np.count_nonzero(steps == 1.0))
    return not np.any(steps > 1) and ups >= 2 and ups * 2 > values.size - 1


def _to_runs(
    source: str, label: str, names: list[str], columns: list[np.ndarray]
) -> list[Run] | None:
    """:func:`.runs.to_runs` with numpy, for columns of numbers (NaN: not logged)."""
    present = [~np.isnan(column) for column in columns]
    numeric = [j for j, column in enumerate(columns) if present[j].any()]
    if any(names[j] and not present[j].any() for j in range(len(names))):
        return None  # a named column without values: the careful path says so
    if 0 in numeric and (not names[0] or INDEX_NAMES.fullmatch(names[0])):
        values = columns[0][present[0]]
        if np.all(values == np.floor(values)):
            numeric.remove(0)  # pandas's index, written by DataFrame.to_csv()
    for j in numeric:
        names[j] = names[j] or f"column {j + 1}"
    counters = axes.axis_columns(names)
    counting = [
        j for j in numeric if j not in counters and present[j].all() and counts_rows(columns[j])
    ]
    if any(j not in counters and j not in counting for j in numeric):
        counters.update(counting)
    else:
        counting = []
    metrics = [j for j in numeric if j not in counters]
    where = {j: np.flatnonzero(present[j]) for j in metrics}
    metrics, side = split_side(
        metrics,
        names,
        {j: int(rows.size) for j, rows in where.items()},
        {j: int(rows[-1]) for j, rows in where.items() if rows.size},
    )
    if not metrics:
        return None
    filled = np.column_stack([present[j] for j in metrics])  # rows x metrics
    logs: np.ndarray = np.logical_or.reduce([present[j] for j in metrics])
    memo: dict[int, list[int]] = {}  # column -> its restarts, when _choose found them
    chosen = _choose(names, columns, present, numeric, filled, logs, counting, memo)
    if chosen is None:
        return None
    if chosen.column is None:
        kept = np.flatnonzero(logs)
        xs = kept.astype(np.float64)
    else:
        placed = present[chosen.column]
        if np.any(logs & ~placed):
            return None  # rows that cannot be placed: the careful path says which
        kept = np.flatnonzero(logs)
        xs = columns[chosen.column][kept] + chosen.shift
    # _choose may have found them already: the same rows (every logging row is placed), same x
    known = memo.get(chosen.column) if chosen.column is not None else None
    starts = known if known is not None else _restarts(xs, _rows(filled, kept))
    if len(starts) + 1 >= _MAX_SEQUENTIAL_RUNS:
        return None
    bounds = [0, *starts, kept.size]
    single = len(bounds) > 2 and all(b - a == 1 for a, b in pairwise(bounds))
    if chosen.name == "epoch" and single and np.all(xs == xs[0]):
        return None  # one row per restart: the careful path joins them
    runs: list[Run] = []
    firsts: list[int] = []
    for number, (start, end) in enumerate(pairwise(bounds), start=1):
        run = Run(label if number == 1 else f"{label} (run {number})", chosen.name)
        rows = kept[start:end]
        run_xs = (
            xs[start:end]
            if chosen.column is not None
            else np.arange(1, end - start + 1, dtype=np.float64)
        )
        every = rows.size == columns[0].size  # one run over every row: no gathering
        for j in metrics:
            have = present[j] if every else present[j][rows]
            if have.all():
                run.extend(names[j], run_xs, columns[j] if every else columns[j][rows])
            elif have.any():
                values = columns[j][have] if every else columns[j][rows][have]
                run.extend(names[j], run_xs[have], values)
        if len(run):
            runs.append(run)
            firsts.append(int(kept[start]))
    if side and runs:
        starts_at = [0, *firsts[1:]]
        own = {j: (where[j].tolist(), columns[j][where[j]].tolist()) for j in side}
        for run, summary in zip(runs, summaries(starts_at, names, own)):
            run.summary.update(summary)
    if len(runs) > 1:
        table = Table(source, names, [], positions=[int(i) + 2 for i in range(len(columns[0]))])
        found = Split(runs=[list(range(a, b)) for a, b in pairwise(bounds)], restarts=starts)
        report_split(table, kept.tolist(), found, runs, chosen, names)
    return runs


def _choose(
    names: list[str],
    columns: list[np.ndarray],
    present: list[np.ndarray],
    numeric: list[int],
    filled: np.ndarray,
    logs: np.ndarray,
    counting: list[int],
    memo: dict[int, list[int]],
) -> axes.Axis | None:
    """:func:`.axis.choose` with numpy (None: leave it to the careful path)."""
    candidates: dict[str, list[int]] = {}
    for j in numeric:
        kind = axes.axis_kind(names[j])
        if kind is not None:
            candidates.setdefault(kind, []).append(j)
    epoch = candidates.get("epoch", [None])[0]
    step = next((candidates[k][0] for k in axes.STEP_KINDS if k in candidates), None)
    step_kind = next((k for k in axes.STEP_KINDS if k in candidates), "step")
    if epoch is not None and step is not None:
        has_step, has_epoch = present[step], present[epoch]
        if np.any(has_epoch & ~has_step & logs) and np.any(has_step & logs):
            return None  # per-step rows among epoch rows: the careful path leaves them out
        epochs = columns[epoch][has_epoch]
        if not np.all(epochs == np.floor(epochs)):
            epoch = None
        else:
            by_step = _count_runs(columns[step], has_step, filled, logs, memo=(memo, step))
            by_epoch = _count_runs(columns[epoch], has_epoch, filled, logs, above=by_step)
            if by_step is None or by_epoch is None:
                return None
            if by_epoch > by_step:
                epoch = None
    if epoch is not None:
        values = columns[epoch][present[epoch]]
        zero = bool(values.size) and bool(np.all(values == np.floor(values))) and values.min() == 0
        return axes.Axis(epoch, "epoch", 1.0 if zero else 0.0)
    if step is not None:
        return axes.Axis(step, step_kind)
    if counting:
        return axes.Axis(counting[0], names[counting[0]])
    return axes.Axis(None)


def _count_runs(
    column: np.ndarray,
    has: np.ndarray,
    filled: np.ndarray,
    logs: np.ndarray,
    above: int | None = None,
    memo: tuple[dict[int, list[int]], int] | None = None,
) -> int | None:
    """How many runs :func:`.split.sequential` finds on this axis; when ``above`` is given and
    the count is surely more than it, a number more than it (without counting them all).
    ``memo``: where to keep the restarts found, under this column's index."""
    rows = np.flatnonzero(logs & has)
    xs = _rows(column, rows)
    if above is not None:
        back = 1 + int(np.count_nonzero(np.diff(xs) < 0))
        if back + _first_stretch_twice(xs, filled[rows[:4096]]) > above:
            return back + 1  # a lower bound, enough to compare (the epoch of step rows)
        twice, _ = _segments(xs, _rows(filled, rows))
        least = 1 + int(np.count_nonzero(np.diff(xs) < 0)) + twice.size
        if least > above:
            return least
    restarts = _restarts(xs, _rows(filled, rows))
    if memo is not None and rows.size == np.count_nonzero(logs):
        memo[0][memo[1]] = restarts
    return len(restarts) + 1


def _rows(array: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``array[rows]``, without the copy when ``rows`` are all of them."""
    return array if rows.size == len(array) else array[rows]


def _first_stretch_twice(xs: np.ndarray, filled: np.ndarray) -> int:
    """1 when the first stretch of rows with one x (among the rows given) logs a metric twice."""
    same = np.flatnonzero(xs[1 : len(filled)] != xs[0])
    end = int(same[0]) + 1 if same.size else len(filled)
    return int(bool(np.any(filled[:end].sum(axis=0) > 1)))


def _segments(xs: np.ndarray, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of rows with one x that log a metric twice: their starts and ends."""
    same = np.flatnonzero(np.diff(xs) == 0)
    if same.size == 0:  # every row has its own x: nothing to check
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(xs) != 0) + 1))
    ends = np.concatenate((starts[1:], [xs.size]))
    longer = (ends - starts) > 1
    rows = np.flatnonzero(np.repeat(longer, ends - starts))  # the rows of those stretches
    starts, ends = starts[longer], ends[longer]
    # Sum each stretch's rows: the stretches of more than one row, laid end to end.
    offsets = np.concatenate(([0], np.cumsum(ends - starts)[:-1]))
    per_stretch = np.add.reduceat(filled[rows].view(np.uint8), offsets, axis=0, dtype=np.int64)
    twice = np.any(per_stretch > 1, axis=1)
    return starts[twice], ends[twice]


def _restarts(xs: np.ndarray, filled: np.ndarray) -> list[int]:
    """The rows where :func:`.split.sequential` starts a new run (no breaks)."""
    if xs.size == 0:
        return []
    result = (np.flatnonzero(np.diff(xs) < 0) + 1).tolist()
    starts, ends = _segments(xs, filled)
    if starts.size == 0:
        return result
    for start, end in zip(starts.tolist(), ends.tolist()):
        result.extend(_greedy(filled, start, end))
    return sorted(set(result))


def _greedy(filled: np.ndarray, start: int, end: int) -> Sequence[int]:
    """Within rows of one x: a new run where a row logs a metric already logged at that x."""
    found: list[int] = []
    seen = filled[start].copy()
    for i in range(start + 1, end):
        row = filled[i]
        if np.any(row & seen):
            found.append(i)
            seen = row.copy()
        else:
            seen |= row
    return found
