"""livecurve's own log files, decoded in one place for everything that reads them.

:class:`~livecurve.logfile.LogFile` (reading a log back on start), the follower
(``show(path, follow=True)``, reading it as it grows) and the readers (``load(path)``,
``show(path)``) all turn a ``.csv``/``.jsonl`` log into values through the functions here, so they
agree by construction on:

* **the accepted suffixes**: :data:`SUFFIXES` (``.csv`` in Keras's ``CSVLogger`` layout,
  ``.jsonl``/``.ndjson`` JSON Lines);
* **bytes → rows**: :func:`split_lines` (complete lines; the rest is a tail without its newline)
  and :func:`parse_line` (UTF-8, ``\\r\\n`` line ends, one :class:`~.formats.Row` per line);
* **the torn tail**: a last line without its newline is a write cut short, never read, and must
  look like the start of a row (:func:`check_torn`);
* **the epoch → x rule**: an epoch row is drawn at x = epoch + 1 (epochs completed), a step row of
  a step log at its step, a per-batch row of an epoch log (``{"step", "epoch", "x", ...}``) at its
  ``"x"`` (:func:`x_of`), with the numbers :func:`values_of` finds in it.

:func:`decode` reads a whole file (LogFile, the readers); the follower feeds the same functions
line by line as bytes arrive.

Example:
    >>> data = (b'{"epoch": 0, "loss": 0.5}\\n{"step": 0, "epoch": 1, "x": 1.5, "loss": 0.4}\\n'
    ...         b'{"epoch": 1, "loss": 0.3}\\n{"epo')
    >>> log = decode(data, "run.jsonl", "epoch")
    >>> series(log)
    {'loss': ([1.0, 2.0], [0.5, 0.3])}
    >>> log.steps.column("loss")[0].tolist(), log.tail
    ([1.5], b'{"epo')
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LogFileError
from ..model.names import parse as parse_name
from ..model.steptable import StepTable
from .formats import KINDS, CsvFormat, Format, JsonlFormat, Row, plain

SUFFIXES: dict[str, type[Format]] = {
    ".csv": CsvFormat,
    ".jsonl": JsonlFormat,
    ".ndjson": JsonlFormat,
}
"""The suffixes of livecurve's own log files (lower case) and the format each is written in."""

Series = dict[str, tuple[list[float], list[float]]]


def format_for(path: str | Path, axis: str) -> Format | None:
    """The format of an own log named ``path`` (by its suffix), or None for another name."""
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    return None if fmt is None else fmt(str(path), axis)


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """The complete lines of ``data`` (without their ``\\n``) and what follows the last one."""
    cut = data.rfind(b"\n") + 1
    return data[:cut].split(b"\n")[:-1], data[cut:]


def parse_line(fmt: Format, chunk: bytes, line: int) -> Row:
    """The row one complete line (without its ``\\n``) holds; raises :class:`LogFileError`.

    The row keeps the line's bytes (``raw``, with the newline) and number; a first line ending in
    ``\\r`` sets the format's line end to ``\\r\\n`` (kept when the file is written to).
    """
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        raise LogFileError(f"{fmt.path}, line {line}: not UTF-8 text; not a training log") from None
    if line == 1 and text.endswith("\r"):
        fmt.newline = "\r\n"
    row = fmt.parse(text.removesuffix("\r"), line)
    row.raw, row.line = chunk + b"\n", line
    return row


def check_torn(fmt: Format, tail: bytes, line: int) -> None:
    """Accept a last line without its newline only when it looks like a row cut short.

    Raises :class:`LogFileError` for anything else (the file is not a training log).
    """
    if not tail or b"\0" in tail:  # a crash can leave the end of a file zero-filled
        return
    text = tail.decode("utf-8", errors="replace").removesuffix("\r")
    if fmt.looks_torn(text):
        return
    copy.copy(fmt).parse(text, line)  # a whole row, only its newline missing


def is_batch(row: Row, axis: str) -> bool:
    """A per-step row held as dense steps: a step log's rows, an epoch log's per-batch rows."""
    return row.kind == "step" and (axis == "step" or "x" in row.cells)


def x_of_index(index: Any, kind: str) -> Any:
    """x of an epoch or step index (a number or a numpy array): epoch + 1 (epochs completed, the
    ``"epoch"`` of a file being 0-based as in Keras), a step as it is."""
    return index + 1 if kind == "epoch" else index


def x_of(fmt: Format, row: Row, axis: str) -> float | None:
    """Where a data row is drawn on ``axis``; None when it is not drawn there.

    An epoch row at epoch + 1 (epochs completed, ``"epoch"`` being 0-based as in Keras), a step
    row of a step log at its step, a per-batch row of an epoch log at its ``"x"``.
    """
    if row.kind == "epoch":
        return x_of_index(row.index, "epoch") if axis == "epoch" else None
    if row.kind != "step":
        return None
    if axis == "step":
        return x_of_index(row.index, "step")
    x = fmt.value(row.cells.get("x"))
    return x if x is not None and math.isfinite(x) else None


def values_of(fmt: Format, row: Row, axis: str) -> dict[str, float]:
    """The numbers of a data row by metric name (NaN included; a batch row's ``"x"`` left out)."""
    skip = "x" if row.kind == "step" and axis == "epoch" else None
    values: dict[str, float] = {}
    for name, cell in row.cells.items():
        if name != skip:
            value = fmt.value(cell)
            if value is not None:
                values[name] = value
    return values


def split_step_values(values: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """A step log's values at one step: ``(per-step values, points)``. Training values are
    per-step values (drawn faint and smoothed, as ``LivePlot.log`` keeps them on a step axis);
    validation values are points."""
    steps: dict[str, float] = {}
    points: dict[str, float] = {}
    for name, value in values.items():
        (points if parse_name(name).is_validation else steps)[name] = value
    return steps, points


def adds_to_last(fmt: Format, x: float, last: float | None) -> bool:
    """Whether a row at ``x`` adds values to the last row (at ``last``) rather than starting
    over: JSON Lines may repeat the last row's epoch or step (``LogFile.write`` merging values
    into it), a CSV row may not."""
    return isinstance(fmt, JsonlFormat) and last is not None and x == last


def axis_of_lines(lines: list[str], jsonl: bool) -> str | None:
    """What the rows of a log count (``"epoch"`` or ``"step"``) from its first lines; None if
    unknown. A CSV log says it in its first column; a JSON Lines log counts epochs when any row
    has an ``"epoch"`` (a per-batch row names its epoch) and steps when its rows have a
    ``"step"`` only."""
    if not jsonl:
        first = next((line for line in lines if line.strip()), "")
        cell = re.split(r"[,;\t|]", first.removeprefix("\ufeff"), maxsplit=1)[0]
        cell = cell.strip().strip('"')
        return cell if cell in KINDS else None
    kinds = set()
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            kinds.add("epoch" if "epoch" in obj else "step" if "step" in obj else None)
    return "epoch" if "epoch" in kinds else "step" if "step" in kinds else None


def axis_of_bytes(head: bytes, path: str | Path) -> str | None:
    """:func:`axis_of_lines` of the complete lines in the first bytes of a log named ``path``."""
    lines = head.decode("utf-8", errors="replace").splitlines()[: head.count(b"\n")]
    return axis_of_lines(lines, SUFFIXES.get(Path(path).suffix.lower()) is JsonlFormat)


@dataclass(slots=True)
class Decoded:
    """A whole log file, decoded.

    Attributes:
        format: the format, holding what the file set (CSV columns, separator, line end).
        rows: the rows other than dense steps, in file order (blank lines and the header too,
            each with its bytes), JSON Lines rows repeating an epoch merged into the first one.
        steps: the dense per-step values (:func:`is_batch` rows) at their x.
        points: validation values of a step log's rows (drawn as points, not dense steps).
        last_step: the last step row's step, or None.
        tail: the bytes after the last newline (a torn row; not read).
    """

    format: Format
    rows: list[Row] = field(default_factory=list)
    steps: StepTable = field(default_factory=StepTable)
    last_step: float | None = None
    tail: bytes = b""


def decode(data: bytes, path: str | Path, axis: str, fmt: Format | None = None) -> Decoded:
    """Decode a whole own log; raises :class:`LogFileError` when it is not one.

    Args:
        data: the file's bytes.
        path: its name (the suffix picks the format, unless ``fmt`` is given; for messages).
        axis: what the log counts, ``"epoch"`` or ``"step"``.
        fmt: a fresh format to use (LogFile passes its own).

    Raises :class:`LogFileError` naming the line for a file that is not an own log: not UTF-8,
    not CSV/JSON, no ``epoch``/``step`` column or key, rows out of order, no number at all, a
    tail that does not look like a row cut short.
    """
    if fmt is None:
        fmt = format_for(path, axis)
        if fmt is None:
            raise LogFileError(f"{path}: not a .csv or .jsonl log")
    chunks, tail = split_lines(data)
    out = Decoded(fmt, tail=tail)
    last: dict[str, float] = {}
    # JSON Lines may repeat the last row's epoch or step: the row adds values to it.
    repeat_ok = isinstance(fmt, JsonlFormat)
    for number, chunk in enumerate(chunks, start=1):
        row = parse_line(fmt, chunk, number)
        if row.kind in KINDS:
            previous = last.get(row.kind)
            if repeat_ok and previous is not None and row.index == previous:
                if is_batch(row, axis):
                    _take_steps(out, row, axis)
                else:
                    same = next(r for r in reversed(out.rows) if r.kind == row.kind)
                    same.cells.update(row.cells)
                    out.rows.append(Row("", raw=row.raw, line=number))  # keeps the bytes
                continue
            if previous is not None and row.index <= previous:
                raise LogFileError(
                    f"{path}, line {number}: {row.kind} {plain(row.index)} comes after "
                    f"{row.kind} {plain(previous)}, but a log holds each {row.kind} once, in "
                    "order (several runs appended to one file? give this run a new log file)"
                )
            last[row.kind] = row.index
            if is_batch(row, axis):
                _take_steps(out, row, axis)
                continue
        out.rows.append(row)
    if tail:
        check_torn(fmt, tail, line=len(chunks) + 1)
    _check_numbers(out)
    return out


def _take_steps(out: Decoded, row: Row, axis: str) -> None:
    """File a per-step row: its values into ``out.steps``, a step log's validation ones as a
    row of points."""
    values = values_of(out.format, row, axis)
    x = x_of(out.format, row, axis)
    if axis == "step":
        values, _ = split_step_values(values)
        # Validation cells stay a row (LogFile keeps it, bytes and all, to rewrite the file).
        kept = {n: c for n, c in row.cells.items() if parse_name(n).is_validation}
        if kept:
            out.rows.append(Row("step", row.index, row.epoch, kept, row.raw, row.line))
    if values and x is not None:
        out.steps.append(x, values)
    out.last_step = row.index


def _check_numbers(out: Decoded) -> None:
    data = [row for row in out.rows if row.kind in KINDS]
    if data and not any(
        out.format.value(cell) is not None for row in data for cell in row.cells.values()
    ):
        raise LogFileError(
            f"{out.format.path}, line {data[0].line}: none of its {len(data)} rows holds a "
            "number; not a training log"
        )


def series(log: Decoded, axis: str | None = None) -> Series:
    """``{name: (xs, ys)}`` of the rows drawn as points on the log's axis, in first-seen order."""
    axis = axis or log.format.axis
    out: Series = {}
    for row in log.rows:
        if row.kind != axis:
            continue
        x = x_of(log.format, row, axis)
        if x is None:
            continue
        for name, value in values_of(log.format, row, axis).items():
            xs, ys = out.setdefault(name, ([], []))
            xs.append(x)
            ys.append(value)
    return out
