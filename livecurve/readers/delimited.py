"""Text tables (CSV, TSV, Keras ``CSVLogger`` ``.log`` files and alike) to a :class:`.Table`.

What real log files do, and what this reader does about it:

* the separator is a comma, tab, semicolon, ``|`` or runs of spaces: it is sniffed from the first
  rows (the header must split into as many cells as the rows do);
* ``\\r\\n`` and ``\\r\\r\\n`` line endings, blank lines and a UTF-8 byte order mark are ignored;
* names padded with spaces are stripped (Ultralytics ``results.csv``);
* a header mangled into one quoted cell (``"Iteration\\td1_loss\\tg_loss",,,``) is split again;
* a header line repeated later (appending writers) is skipped, and the rows after one with other
  columns fill those columns; where the rows have no axis column to tell runs apart, a header
  line starts a new run;
* a torn row (fewer cells, or two rows run together when a crash cut a line ending) is skipped
  and reported, and the next row starts a new run; a last row cut in the middle of a number too;
* quoted cells may span lines (printed numpy arrays): the csv module reads them as one cell.

A first line of numbers only is data, not a header: the columns are then named ``column 1``...

Lines starting with ``#`` before the header are comments, not the header. Stable-Baselines3's
``Monitor`` writes ``#{"t_start": ..., "env_id": ...}`` before its ``r,l,t`` header: its columns
are read as ``episode reward``, ``episode length`` and ``time`` (a timer: the run's summary),
on an ``episode`` axis.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from itertools import islice

from .cells import BAD, to_cell
from .errors import LogReadError, listing, plural, warn
from .table import Table

# Separators in order of preference; None: runs of spaces.
_SEPARATORS: tuple[str | None, ...] = (",", "\t", ";", "|", None)
_SNIFF_ROWS = 50
_LONGEST_LINE = 1_000_000  # characters; no training log writes such a row


def normalise_newlines(text: str) -> str:
    """``\\r\\r\\n``, ``\\r\\n`` and lone ``\\r`` to ``\\n``."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _records(text: str, separator: str | None) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, cells)`` of each record, blank ones included."""
    if separator is None:
        for number, line in enumerate(text.split("\n"), start=1):
            yield number, line.split()
        return
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    previous = 0
    for cells in reader:
        yield previous + 1, cells
        previous = reader.line_num


def _nonblank(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    return ((n, cells) for n, cells in records if any(c.strip() for c in cells))


def sniff(text: str) -> str | None:
    """The separator: the one whose header splits like the rows, the most consistently.

    Returns ``","``, ``"\\t"``, ``";"``, ``"|"`` or None (runs of spaces).
    """
    best: tuple[tuple[bool, float, int], str | None] | None = None
    for priority, separator in enumerate(_SEPARATORS):
        try:
            counts = [
                len(cells) for _, cells in islice(_nonblank(_records(text, separator)), _SNIFF_ROWS)
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        mode, times = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        key = (counts[0] == mode, round(times / len(counts), 1), -priority)
        if best is None or key > best[0]:
            best = (key, separator)
    return best[1] if best is not None else ","


def _all_numbers(cells: list[str]) -> bool:
    values = [to_cell(c) for c in cells if c.strip()]
    return bool(values) and all(isinstance(v, float) for v in values)


def _repair_header(header: list[str], width: int, separator: str | None, source: str) -> list[str]:
    """Split a header that is one cell holding all names (and empty cells) into its names."""
    others = "".join(s for s in ",\t;|" if s != separator)
    if not any(ch in cell for cell in header for ch in others):
        return header
    if len(header) == width and all(cell.strip() for cell in header):
        return header
    parts = [p for cell in header for p in re.split(f"[{re.escape(others)}]", cell) if p.strip()]
    if len(parts) != width:
        return header
    warn(
        f"{source}: the header line holds its column names in one cell "
        f"({header[0].strip()!r}); it is read as {listing([p.strip() for p in parts], 6)}."
    )
    return parts


class _Columns:
    """The union of the column names of every header line in a file."""

    def __init__(self, header: list[str]) -> None:
        self.names: list[str] = [c.strip() for c in header]
        self.current: list[str] = [c.strip() for c in header]
        self.mapping: list[int] = list(range(len(header)))
        self.known: set[str] = {n.strip() for n in header}

    def looks_like_header(self, cells: list[str]) -> bool:
        """A line of names only, at least half of them names already seen."""
        first = next((c for c in cells if c.strip()), None)
        if first is None or to_cell(first) is not BAD:
            return False  # a data row starts with a number (its epoch or step)
        text = [c.strip() for c in cells if c.strip()]
        if any(to_cell(c) is not BAD for c in text):
            return False
        return sum(c in self.known for c in text) * 2 >= len(text)

    def switch(self, cells: list[str]) -> None:
        """Use the columns of a new header line (the same ones, or others)."""
        stripped = [c.strip() for c in cells]
        if stripped == self.current:
            return
        self.current = stripped
        self.known.update(stripped)
        self.mapping = []
        for name in stripped:
            if name in self.names and self.names.index(name) not in self.mapping:
                self.mapping.append(self.names.index(name))
            else:
                self.names.append(name)
                self.mapping.append(len(self.names) - 1)

    def place(self, cells: list[str]) -> list[str | None]:
        row: list[str | None] = [None] * len(self.names)
        for index, cell in zip(self.mapping, cells):
            row[index] = cell
        return row


def read_table(text: str, source: str) -> Table:
    """Parse a text table.

    Raises:
        LogReadError: the text holds no lines.
    """
    cut_short = not text.endswith(("\n", "\r"))
    text = normalise_newlines(text)
    text, preamble = _preamble(text)
    if len(text) > _LONGEST_LINE:
        text = _without_long_lines(text, source)
    separator = sniff(text)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # printed arrays make very long cells
    try:
        records = list(_nonblank(_records(text, separator)))
    finally:
        csv.field_size_limit(limit)
    if not records:
        raise LogReadError(f"{source}: holds no lines of text")
    header_line, header = records[0]
    body = records[1:]
    if _all_numbers(header):
        header = [f"column {j + 1}" for j in range(len(header))]
        body = records
        warn(f"{source}: has no header line; its columns are named 'column 1', 'column 2'...")
    else:
        # The rows under this header: up to a later header line with other columns.
        columns = _Columns(header)
        own = []
        for _, cells in body[:_SNIFF_ROWS]:
            if columns.looks_like_header(cells):
                break
            own.append(cells)
        widths = Counter(len(cells) for cells in own)
        if widths:
            width = widths.most_common(1)[0][0]
            header = _repair_header(header, width, separator, source)
            if width == len(header) + 1:  # rows with one more cell: a column without a name
                header = [*header, ""]
    if not body:
        raise LogReadError(f"{source}: has a header (line {header_line}) but no rows of values")
    table = _rows(body, header, source, cut_short)
    if _is_monitor(preamble, table.names):
        _read_as_monitor(table)
    return table


def _without_long_lines(text: str, source: str) -> str:
    """The text without its lines of more than a million characters (garbage, not rows)."""
    lines = text.split("\n")
    long = [n for n, line in enumerate(lines, start=1) if len(line) > _LONGEST_LINE]
    if not long:
        return text
    warn(
        f"{source}: skipped {plural(len(long), 'line')} of more than {_LONGEST_LINE:,} "
        f"characters ({listing([f'line {n}' for n in long], 4)}); no log writes such rows."
    )
    return "\n".join("" if len(line) > _LONGEST_LINE else line for line in lines)


def _preamble(text: str) -> tuple[str, list[str]]:
    """The text without its first lines that start with ``#`` (comments), and those lines."""
    lines: list[str] = []
    start = 0
    while text.startswith("#", start):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        lines.append(text[start:end].strip())
        start = end
    return text[start:], lines


def _is_monitor(preamble: list[str], names: list[str]) -> bool:
    """Stable-Baselines3's ``Monitor``: ``#{"t_start": ..., "env_id": ...}``, then ``r,l,t``."""
    if not preamble or [n.strip() for n in names][:3] != ["r", "l", "t"]:
        return False
    try:
        meta = json.loads(preamble[0].lstrip("#"))
    except ValueError:
        return False
    return isinstance(meta, dict) and "t_start" in meta


_MONITOR_NAMES = {"r": "episode reward", "l": "episode length", "t": "time"}


def _read_as_monitor(table: Table) -> None:
    """One row per episode: ``r`` is its reward, ``l`` its length, ``t`` the time since the
    start (a timer); x counts the episodes."""
    table.names = [_MONITOR_NAMES.get(n.strip(), n) for n in table.names]
    table.names.insert(0, "episode")
    for number, row in enumerate(table.rows, start=1):
        row.insert(0, float(number))


def _rows(
    body: list[tuple[int, list[str]]], header: list[str], source: str, cut_short: bool
) -> Table:
    columns = _Columns(header)
    width = len(header)
    lengths = Counter(len(cells) for _, cells in body)
    # Rows one cell short (or more) in a regular pattern are rows that leave the last columns
    # empty; a rare short row is a torn one.
    regular = {k for k, c in lengths.items() if k < width and c >= 3 and c * 5 >= len(body)}
    table = Table(source, columns.names, [], [], "line")
    torn: list[str] = []
    last_two: list[list[str]] = []  # the cells of the last two rows kept
    for line, cells in body:
        if columns.looks_like_header(cells):
            columns.switch(cells)
            width = len(cells)
            table.soft_breaks.add(len(table.rows))
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width and len(cells) not in regular:
            what = "two rows run together?" if len(cells) > width else "torn"
            torn.append(f"line {line} ({len(cells)} cells, not {width}: {what})")
            table.breaks.add(len(table.rows))
            continue
        table.rows.append(columns.place(cells))
        table.positions.append(line)  # type: ignore[union-attr]
        last_two = [*last_two[-1:], cells]
    if cut_short and len(last_two) == 2 and _cut_short(*last_two):
        torn.append(f"line {table.positions[-1]} (the last, cut off)")  # type: ignore[index]
        table.rows.pop()
        table.positions.pop()  # type: ignore[union-attr]
    if not table.rows:
        line, cells = body[0]
        raise LogReadError(
            f"{source}: no row has the {len(header)} cells of its header (line {line} has "
            f"{len(cells)}); is it a training log?"
        )
    if torn:
        warn(f"{source}: skipped {plural(len(torn), 'incomplete row')}: {listing(torn, 4)}.")
    table.names = columns.names
    return table


def _cut_short(previous: list[str], last: list[str]) -> bool:
    """The last row (with no line ending) looks cut off: a number ends in ``.``, ``e``, ``-``,
    or a cell is not a number, or its last cell is empty, where the row before has a number."""
    for index, (above, cell) in enumerate(zip(previous, last)):
        if not isinstance(to_cell(above), float):
            continue
        text = cell.strip()
        if to_cell(cell) is BAD or text.endswith((".", "e", "E", "-", "+")):
            return True
        if index == len(last) - 1 and not text:
            return True
    return False
