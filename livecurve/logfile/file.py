"""``LogFile``: one training log on disk, read on start, appended durably, never silently lost."""

from __future__ import annotations

import copy
import dataclasses
import math
import os
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import LiveCurveWarning, LogFileError
from ..model.steptable import StepTable
from ..model.values import to_scalar
from . import decode, disk
from .formats import KINDS, JsonlFormat, Row, plain

# Per-step rows are gathered and appended in blocks of about this many bytes (and at every
# epoch row, redraw and end), never held as rows in memory.
_STEP_BUFFER = 1 << 16

Series = dict[str, tuple[list[float], list[float]]]


class LogFile:
    """A training log that survives the process: read on start, appended as values arrive.

    Args:
        path: the file, ``.csv`` (Keras ``CSVLogger`` layout) or ``.jsonl``/``.ndjson`` (JSON
            Lines); see :data:`~livecurve.logfile.decode.SUFFIXES`.
            It need not exist yet; its directory is created on the first write.
        axis: what the rows count: ``"epoch"`` (0-based in the file; x = epoch + 1 in a
            :class:`~livecurve.Run`) or ``"step"``.

    Call :meth:`load` first: it reads the earlier rows, repairs a last line cut short by a killed
    process (keeping a copy of the file as it was), and raises :class:`LogFileError` for a file
    that is not a training log. Then :meth:`write` appends each epoch (flushed and fsync'ed) and
    :meth:`rewind` drops the rows a rerun replaces (keeping a copy first).

    Raises:
        ValueError: for an extension other than ``.csv``, ``.jsonl`` or ``.ndjson``, or another
            axis.

    Example:
        >>> import tempfile, pathlib
        >>> log = LogFile(pathlib.Path(tempfile.mkdtemp()) / "run.jsonl")
        >>> log.load()
        {}
        >>> log.write(1, {"loss": 0.5})
        >>> log.path.read_text()
        '{"epoch": 0, "loss": 0.5}\\n'
    """

    def __init__(self, path: str | os.PathLike[str], *, axis: str = "epoch") -> None:
        target = Path(path).expanduser().absolute()
        fmt = decode.SUFFIXES.get(target.suffix.lower())
        if fmt is None:
            raise ValueError(
                f"cannot log to {str(target)!r}: unknown extension {target.suffix or '(none)'!r}; "
                "accepted: .csv (Keras CSVLogger layout) and .jsonl or .ndjson (JSON Lines)"
            )
        if axis not in KINDS:
            raise ValueError(f"a log file counts 'epoch' or 'step', not {axis!r}")
        self.path = target
        self.axis = axis
        self._format = fmt(str(target), axis)
        self._rows: list[Row] = []
        self._size = 0  # the file's length as livecurve last left it
        self._lock = threading.RLock()
        self.steps = StepTable()  # per-step values read by load(): dense rows, not Row objects
        self._last_step: float | None = None
        self._pending: list[bytes] = []  # per-step rows not yet written
        self._pending_size = 0
        self._torn: bytes | None = None  # the file as load() found it, when its last line was cut
        self._repaired = True  # nothing found by load() is left to mend

    def __repr__(self) -> str:
        return f"LogFile({str(self.path)!r}, axis={self.axis!r})"

    # -- reading -------------------------------------------------------------------------
    def load(self, *, repair: bool = True) -> Series:
        """Read the file: ``{name: (xs, ys)}`` of its rows on this axis, in first-seen order.

        A last line without its newline (the writing process was killed) is not read; it is
        removed by :meth:`repair` — here, or with ``repair=False`` before the first write (a
        Keras callback touches its file when training begins, not when it is made).
        Raises :class:`LogFileError`, leaving the file untouched, for anything else that is not
        a training log: not text, not CSV/JSON, no epoch column, epochs out of order, no numbers.
        """
        with self._lock:
            data, rows, tail = self._read()
            self._rows, self._size = rows, len(data) - len(tail)
            self._torn, self._repaired = (data if tail else None), False
            if repair:
                self.repair()
            return self._series()

    def repair(self) -> None:
        """Mend what :meth:`load` found: a torn last line is removed, after the whole file is
        copied to ``<name>.torn-<time>.<ext>`` (a :class:`LiveCurveWarning` says so), and
        temporary files a killed rewrite left are deleted. Nothing to do for a sound file; runs
        at most once per load."""
        with self._lock:
            if self._repaired:
                return
            self._repaired = True
            disk.remove_temporaries(self.path)
            data, self._torn = self._torn, None
            if data is None:
                return
            backup = disk.backup(self.path, "torn", data, len(data))
            disk.replace(self.path, data[: self._size], len(data))
            warnings.warn(
                f"livecurve: the last line of {self.path} was cut short (the process writing "
                f"it was stopped mid-write) and is removed; the file as it was is kept in "
                f"{backup}.",
                LiveCurveWarning,
                stacklevel=3,
            )

    def _read(self) -> tuple[bytes, list[Row], bytes]:
        """The file's bytes, its complete rows, and an unfinished last line (checked, kept)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        except IsADirectoryError:
            raise LogFileError(f"{self.path} is a directory, not a log file") from None
        log = self._decode(data)
        return data, log.rows, log.tail

    def _decode(self, data: bytes) -> decode.Decoded:
        """Decode the file's bytes with a fresh format (see :mod:`.decode`); keep its steps."""
        self._format = type(self._format)(str(self.path), self.axis)
        log = decode.decode(data, self.path, self.axis, self._format)
        self.steps, self._last_step = log.steps, log.last_step
        return log

    def _series(self) -> Series:
        log = decode.Decoded(self._format, self._rows)
        return decode.series(log, self.axis)

    @property
    def last_x(self) -> float | None:
        """The x (epochs completed, or step) of the last row on this axis, or None."""
        row = self._last_row(self.axis)
        last = None if row is None else self._x(row.index)
        if self.axis == "step" and self._last_step is not None:
            last = self._last_step if last is None else max(last, self._last_step)
        return last

    def _last_row(self, kind: str) -> Row | None:
        return next((row for row in reversed(self._rows) if row.kind == kind), None)

    def _x(self, index: float) -> float:
        return index + 1 if self.axis == "epoch" else index

    def _index(self, x: float) -> float:
        return float(x) - 1 if self.axis == "epoch" else float(x)

    # -- writing -------------------------------------------------------------------------
    def write(self, x: float, values: Mapping[str, Any], *, durable: bool | None = None) -> None:
        """Append the values at ``x``, or merge them into the last row when it is at ``x``.

        Values that are not single numbers are skipped (as :meth:`Run.log` does); NaN and
        infinities are written as NaN. The row is flushed; with ``durable`` (the default for
        epoch logs) it is also fsync'ed. A CSV log gains a column for a new metric by rewriting
        the file atomically. Raises ``OSError`` when the file cannot be written (it is then left
        as it was) and :class:`LogFileError` when ``x`` comes before the last row (see
        :meth:`rewind`) or the file was changed by someone else.
        """
        cells = self._cells(values)
        if not cells:
            return
        with self._lock:
            self.repair()
            index = self._index(x)
            last = self._last_row(self.axis)
            if last is not None and index < last.index:
                raise LogFileError(
                    f"{self.path}: cannot write {self.axis} {plain(index)} after "
                    f"{self.axis} {plain(last.index)}; rewind() first"
                )
            if last is not None and index == last.index:
                merged = Row(last.kind, last.index, last.epoch, {**last.cells, **cells})
                if merged.cells == last.cells:
                    return
                if isinstance(self._format, JsonlFormat):
                    # A JSON Lines row may repeat the last epoch: append the new values only.
                    new = {k: v for k, v in cells.items() if last.cells.get(k) != v}
                    last.cells.update(new)
                    addition = Row(last.kind, last.index, last.epoch, new)
                    self._flush_steps()
                    data = self._format.render(addition)
                    disk.append(self.path, data, self._size, durable=True)
                    self._size += len(data)
                    return
                self._commit([merged if row is last else row for row in self._rows], True)
                return
            row = Row(self.axis, index, index if self.axis == "epoch" else None, cells)
            self._commit(
                [*self._rows, row], False, self.axis == "epoch" if durable is None else durable
            )

    def write_step(self, step: int, values: Mapping[str, Any], *, epoch: int | None = None) -> None:
        """Append a per-step row to an epoch log (JSON Lines only): ``{"step", "epoch", ...}``.

        Step rows are flushed, not fsync'ed (the next epoch row makes them durable); they are not
        plotted on the epoch axis and are dropped with their epoch by :meth:`rewind`.
        """
        if not isinstance(self._format, JsonlFormat) or self.axis != "epoch":
            raise ValueError(f"per-step rows in an epoch log need a .jsonl file, not {self.path}")
        cells = self._cells(values)
        if not cells:
            return
        with self._lock:
            last = self._last_row("step")
            if last is not None and step <= last.index:
                raise LogFileError(f"{self.path}: step {step} after step {plain(last.index)}")
            row = Row("step", float(step), None if epoch is None else float(epoch), cells)
            self._commit([*self._rows, row], False, False)

    def write_steps(self, x: float, values: Mapping[str, Any]) -> None:
        """Append per-step values at ``x`` (batches in ``fit()``, a custom loop's steps).

        In a ``.jsonl`` epoch log a row is ``{"step": n, "epoch": e, "x": x, ...}`` (``n`` counts
        the log's rows of batches, ``e`` is the 0-based epoch, ``x`` the epochs completed); in a
        ``.jsonl`` step log it is ``{"step": x, ...}``. Rows are gathered and appended in blocks
        (at every epoch row and :meth:`flush` too), flushed but not fsync'ed, and never kept in
        memory. A ``.csv`` epoch log keeps the epoch table only (nothing is written); a ``.csv``
        step log gets ordinary rows (keep long per-step logs in ``.jsonl``).
        """
        if not isinstance(self._format, JsonlFormat):
            if self.axis == "step":
                self.write(x, values, durable=False)
            return
        cells = self._cells(values)
        if not cells:
            return
        with self._lock:
            if self.axis == "epoch":
                step = 0.0 if self._last_step is None else self._last_step + 1
                epoch = float(max(math.ceil(x) - 1, 0))
                cells = {"x": float(x), **cells}
            else:
                if self._last_step is not None and x < self._last_step:
                    raise LogFileError(
                        f"{self.path}: cannot write step {plain(x)} after step "
                        f"{plain(self._last_step)}; rewind() first"
                    )
                step, epoch = float(x), None
            data = self._format.render(Row("step", step, epoch, cells))
            self._last_step = step
            self._pending.append(data)
            self._pending_size += len(data)
            if self._pending_size >= _STEP_BUFFER:
                self._flush_steps()

    def flush(self) -> None:
        """Write the per-step rows gathered so far (flushed, not fsync'ed)."""
        with self._lock:
            self._flush_steps()

    def _flush_steps(self) -> None:
        if not self._pending:
            return
        self.repair()
        data = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        disk.append(self.path, data, self._size, durable=False)
        self._size += len(data)

    def _cells(self, values: Mapping[str, Any]) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for name, value in values.items():
            number = to_scalar(value)
            if str(name) not in KINDS and number is not None:
                cells[str(name)] = self._format.cell(number if math.isfinite(number) else math.nan)
        return cells

    def rewind(self, x: float) -> Path | None:
        """Drop every row at or after ``x`` (training went back to an earlier checkpoint).

        The file as it was is first copied to ``<name>.replaced-<time>.<ext>`` next to it, and a
        :class:`LiveCurveWarning` names that copy. Returns its path, or None when no row is at or
        after ``x`` (the file is then unchanged).
        """
        with self._lock:
            self.repair()
            self._flush_steps()
            index = self._index(x)
            if isinstance(self._format, JsonlFormat):
                return self._rewind_lines(index)
            cut = next(
                (i for i, row in enumerate(self._rows) if self._at_or_after(row, index)), None
            )
            if cut is None:
                return None
            dropped = [row.index for row in self._rows[cut:] if row.kind == self.axis]
            backup = disk.backup(self.path, "replaced", None, self._size)
            kept = self._rows[:cut]
            if not any(row.kind in KINDS for row in kept):
                kept = []  # the file starts over: a CSV header follows the new run's metrics
            self._commit(kept, True)
            self._warn_replaced(index, dropped, backup)
            return backup

    def _rewind_lines(self, index: float) -> Path | None:
        """Rewind a JSON Lines log: keep the bytes before its first row at or after ``index``.

        The file is read line by line (per-step rows are not in memory), cut, and read again.
        """
        data = self.path.read_bytes()[: self._size]
        offset = 0
        cut: int | None = None
        dropped: list[float] = []
        for number, chunk in enumerate(data.split(b"\n")[:-1], start=1):
            row = decode.parse_line(self._format, chunk, number)
            if row.kind in KINDS and self._at_or_after(row, index):
                cut = offset if cut is None else cut
                batch = decode.is_batch(row, self.axis)
                if (row.kind == self.axis and not batch) or self.axis == "step":
                    dropped.append(row.index)
            offset += len(chunk) + 1
        if cut is None:
            return None
        backup = disk.backup(self.path, "replaced", data, self._size)
        kept = data[:cut] if b'"epoch"' in data[:cut] or b'"step"' in data[:cut] else b""
        disk.replace(self.path, kept, self._size)
        self._size = len(kept)
        self._rows = self._decode(kept).rows
        self._warn_replaced(index, dropped, backup)
        return backup

    def _warn_replaced(self, index: float, dropped: list[float], backup: Path) -> None:
        what = f"{self.axis}s {plain(dropped[0])}–{plain(dropped[-1])}" if dropped else "rows"
        hint = ""
        if self.axis == "epoch" and index == 0 and dropped:
            hint = (
                " If this training continues the logged one, resume it at epoch "
                f"{plain(dropped[-1] + 1)} instead (Keras: fit(initial_epoch="
                f"{plain(dropped[-1] + 1)}))."
            )
        warnings.warn(
            f"livecurve: {self.path} held {what}, and training now runs {self.axis} "
            f"{plain(index)} again: the new rows replace them (the newer run wins). "
            f"The file as it was is kept in {backup}.{hint}",
            LiveCurveWarning,
            stacklevel=3,
        )

    def _at_or_after(self, row: Row, index: float) -> bool:
        if row.kind == self.axis:
            return row.index >= index
        return self.axis == "epoch" and row.epoch is not None and row.epoch >= index

    # -- the file ------------------------------------------------------------------------
    def _commit(self, rows: list[Row], rewrite: bool, durable: bool = True) -> None:
        """Make the file hold ``rows``: append the new ones, or rewrite it atomically."""
        self.repair()
        self._flush_steps()
        saved = copy.copy(self._format)
        try:
            if not rows:
                self._format.forget()
            rows, wider = self._format.layout(rows)
            rows = [
                row
                if row.raw is not None
                else dataclasses.replace(row, raw=self._format.render(row))
                for row in rows
            ]
            if rewrite or wider:
                content = b"".join(row.raw or b"" for row in rows)
                disk.replace(self.path, content, self._size)
                self._size = len(content)
            else:
                data = b"".join(row.raw or b"" for row in rows[len(self._rows) :])
                disk.append(self.path, data, self._size, durable=durable)
                self._size += len(data)
        except BaseException:
            self._format = saved
            raise
        self._rows = rows


def read(path: str | os.PathLike[str], *, axis: str = "epoch") -> Series:
    """The series of a log file, ``{name: (xs, ys)}``, without changing the file.

    For reading a log another process may be writing: an unfinished last line is left out (and
    left in the file). Raises :class:`LogFileError` as :meth:`LogFile.load` does.
    """
    log = LogFile(path, axis=axis)
    log._rows = log._read()[1]
    return log._series()
