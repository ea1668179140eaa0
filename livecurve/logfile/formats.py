"""The two log formats, one line at a time: CSV in Keras's ``CSVLogger`` layout, and JSON Lines.

A format turns one line of text into a :class:`Row` (or a :class:`LogFileError` naming the file
and the line) and a row back into bytes. Rows read from a file keep their original bytes, so the
lines livecurve does not change are written back byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import LogFileError

KINDS = ("epoch", "step")
# What a number cut short looks like: "0.12", "-1.5e", "" (a row torn right after its newline).
_NUMBER_PREFIX = re.compile(r"\s*[-+]?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?\s*")
_HEADER_START = re.compile(r'"?([A-Za-z_]+)"?(.?)')
_DELIMITERS = ",;\t|"
# Keras's CSVLogger writes "NA" for a metric missing from an epoch's logs.
_ABSENT = ("", "NA")


@dataclass(slots=True)
class Row:
    """One line of a log file: a data row, the CSV header, or a blank line.

    Attributes:
        kind: ``"epoch"`` or ``"step"`` for a data row; ``"header"`` or ``""`` (blank) otherwise.
        index: a data row's 0-based epoch, or its step.
        epoch: the 0-based epoch a data row belongs to, when known (a step row's ``"epoch"``).
        cells: the metrics as written: text (CSV) or JSON values (JSON Lines).
        raw: the line's bytes with its newline; None until the row is rendered.
        line: the line number in the file (from 1), for messages.
    """

    kind: str
    index: float = math.nan
    epoch: float | None = None
    cells: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None
    line: int = 0


def plain(value: float) -> int | float:
    """``3.0`` → ``3`` (an epoch or step reads as an integer); other values unchanged."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _number(value: Any) -> float | None:
    """A JSON value or CSV cell as a number to plot, or None (not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip() not in _ABSENT:
        try:
            return float(value)
        except ValueError:
            return None
    return None


class Format:
    """What the two formats share; see :class:`CsvFormat` and :class:`JsonlFormat`."""

    suffix = ""

    def __init__(self, path: str, axis: str) -> None:
        self.path = path
        self.axis = axis
        self.newline = "\n"

    def error(self, line: int, message: str) -> LogFileError:
        return LogFileError(f"{self.path}, line {line}: {message}")

    def parse(self, text: str, line: int) -> Row:
        """The row a line (without its newline) holds; raises :class:`LogFileError`."""
        raise NotImplementedError

    def looks_torn(self, text: str) -> bool:
        """Whether an unfinished last line looks like the start of a row (a write cut short)."""
        raise NotImplementedError

    def value(self, cell: Any) -> float | None:
        """A cell as a number to plot (NaN included), or None when it holds no number."""
        raise NotImplementedError

    def cell(self, value: float) -> Any:
        """A finite number or NaN as a cell."""
        raise NotImplementedError

    def forget(self) -> None:
        """Start over: the file is about to hold no rows (the next ones set the CSV header)."""

    def layout(self, rows: list[Row]) -> tuple[list[Row], bool]:
        """The rows with whatever the format needs around them (the CSV header).

        Returns ``(rows, rewrite)``: ``rewrite`` is True when lines already in the file change
        (a wider CSV header), so the file has to be rewritten rather than appended to.
        """
        return rows, False

    def render(self, row: Row) -> bytes:
        raise NotImplementedError


class CsvFormat(Format):
    """Keras ``CSVLogger`` layout: a header ``epoch,<metric>,...``, then one row per epoch.

    The first column is the 0-based epoch (or the step, for a step log); a metric absent at that
    epoch is an empty cell (``NA``, as ``CSVLogger`` writes it, reads the same); NaN is ``nan``.
    The separator and line ending of an existing file are kept.
    """

    suffix = ".csv"

    def __init__(self, path: str, axis: str) -> None:
        super().__init__(path, axis)
        self.delimiter = ","
        self.columns: list[str] | None = None

    def _split(self, text: str, line: int) -> list[str]:
        try:
            cells = next(csv.reader([text], delimiter=self.delimiter, strict=True), [])
        except csv.Error as exc:
            raise self.error(line, f"not CSV ({exc})") from None
        return cells

    def parse(self, text: str, line: int) -> Row:
        if not text.strip():
            return Row("")
        if self.columns is None:
            return self._parse_header(text, line)
        cells = self._split(text, line)
        if len(cells) != len(self.columns) + 1:
            raise self.error(
                line,
                f"{len(cells)} cells, but the header has {len(self.columns) + 1} "
                f"({self.axis}, {', '.join(self.columns)})",
            )
        index = _number(cells[0])
        if index is None or not math.isfinite(index):
            raise self.error(line, f"the {self.axis} {cells[0]!r} is not a number")
        return Row(
            self.axis,
            index,
            index if self.axis == "epoch" else None,
            dict(zip(self.columns, cells[1:])),
        )

    def _parse_header(self, text: str, line: int) -> Row:
        text = text.removeprefix("\ufeff")
        start = _HEADER_START.match(text)
        if start and start.group(2) and start.group(2) in _DELIMITERS:
            self.delimiter = start.group(2)
        cells = self._split(text, line)
        first = cells[0].strip() if cells else ""
        if first != self.axis:
            if first in KINDS:
                raise self.error(
                    line, f"a log of {first}s, but this plot's x axis counts {self.axis}s"
                )
            raise self.error(
                line,
                f"not a training log: its first column is {first[:40]!r}, not {self.axis!r} "
                "(livecurve writes Keras's CSVLogger layout)",
            )
        names = cells[1:]
        for name in names:
            if not name or name in KINDS or names.count(name) > 1:
                raise self.error(line, f"not a training log: bad column name {name!r}")
        self.columns = names
        return Row("header")

    def looks_torn(self, text: str) -> bool:
        if self.columns is None:  # the header itself was cut short
            text = text.removeprefix("\ufeff")
            return self.axis.startswith(text) or text.startswith(self.axis)
        first = text.split(self.delimiter, 1)[0]
        return _NUMBER_PREFIX.fullmatch(first) is not None

    def value(self, cell: Any) -> float | None:
        return _number(cell)

    def forget(self) -> None:
        self.columns = None

    def cell(self, value: float) -> str:
        return repr(float(value))  # what CSVLogger writes; reads back bit for bit

    def layout(self, rows: list[Row]) -> tuple[list[Row], bool]:
        names: list[str] = []
        for row in rows:
            if row.kind in KINDS:
                names.extend(name for name in row.cells if name not in names)
        if self.columns is None:
            if not names:
                return rows, False  # no header before the first row
            self.columns = names
            first = next((i for i, row in enumerate(rows) if row.kind in KINDS), len(rows))
            return [*rows[:first], Row("header"), *rows[first:]], False
        wider = [name for name in names if name not in self.columns]
        if not wider:
            return rows, False
        self.columns = [*self.columns, *wider]
        fresh = [Row(r.kind, r.index, r.epoch, r.cells, None, r.line) for r in rows]
        return fresh, True

    def render(self, row: Row) -> bytes:
        if row.kind == "":
            return self.newline.encode()
        columns = self.columns or []
        if row.kind == "header":
            cells = [self.axis, *columns]
        else:
            cells = [str(plain(row.index)), *(str(row.cells.get(c, "")) for c in columns)]
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator=self.newline).writerow(cells)
        return out.getvalue().encode()


class JsonlFormat(Format):
    """JSON Lines: one object per line, ``{"epoch": 0, "loss": 0.69, "val_loss": 0.71}``.

    ``"epoch"`` is 0-based as in Keras; a step row has a ``"step"`` key (and the ``"epoch"`` it
    belongs to, when known). Keys are sparse: a metric absent at a row is simply not there.
    NaN is ``null``; values that are not numbers are kept in the file and not plotted.
    """

    suffix = ".jsonl"

    def parse(self, text: str, line: int) -> Row:
        if not text.strip():
            return Row("")
        try:
            obj = json.loads(text)
        except ValueError as exc:
            detail = getattr(exc, "msg", str(exc))
            raise self.error(line, f"not JSON ({detail}); not a training log") from None
        if not isinstance(obj, dict):
            raise self.error(line, f"not a JSON object but {type(obj).__name__}")
        kind = "step" if "step" in obj else "epoch" if "epoch" in obj else None
        if kind is None:
            raise self.error(line, 'no "epoch" or "step" key: not a training log')
        index = self._index(obj[kind], kind, line)
        epoch = index if kind == "epoch" else None
        if kind == "step" and obj.get("epoch") is not None:
            epoch = self._index(obj["epoch"], "epoch", line)
        cells = {key: value for key, value in obj.items() if key not in KINDS}
        return Row(kind, index, epoch, cells)

    def _index(self, value: Any, kind: str, line: int) -> float:
        number = _number(value) if not isinstance(value, str) else None
        if number is None or not math.isfinite(number):
            raise self.error(line, f"the {kind} {value!r} is not a number")
        return number

    def looks_torn(self, text: str) -> bool:
        return text.lstrip().startswith("{")

    def value(self, cell: Any) -> float | None:
        return math.nan if cell is None else _number(cell)

    def cell(self, value: float) -> float | None:
        return None if math.isnan(value) else float(value)

    def render(self, row: Row) -> bytes:
        if row.kind == "":
            return self.newline.encode()
        obj: dict[str, Any] = {row.kind: plain(row.index)}
        if row.kind == "step" and row.epoch is not None:
            obj["epoch"] = plain(row.epoch)
        for name, value in row.cells.items():
            obj[name] = None if isinstance(value, float) and not math.isfinite(value) else value
        return (json.dumps(obj, allow_nan=False) + self.newline).encode()
