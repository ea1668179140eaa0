"""Follow a training log that another process is writing, and redraw as its rows arrive.

``livecurve.show("run.jsonl", follow=True)`` in a notebook, or ``livecurve plot run.csv --follow
-o curves.png`` in a terminal, watch a log written by ``LiveCurve(log=...)``/``LivePlot(log=...)``
(``.jsonl``, ``.ndjson``), by Keras's ``CSVLogger`` or in its layout (``.csv``, ``.log``,
``.tsv``...). Own logs are decoded by :mod:`livecurve.logfile.decode`, as ``LogFile`` and
``load()`` decode them.

How the file is read:

* **Polling**, every ``interval`` seconds (0.5 by default): one ``stat`` and, when the file grew,
  one read of the new bytes only (the offset is kept). Polling needs no dependency, works the same
  on every OS and on network file systems (where inotify-based watchers such as ``watchdog`` miss
  writes made on another machine), and half a second is well below an epoch.
* **A torn last line** (the writer is mid-``write``) is held back until its newline arrives.
* **A restart**: a file replaced (another inode, as livecurve's atomic rewrites do), truncated
  (smaller than what was read) or rewritten in place (the bytes before the offset changed) is
  read again from its start, after the figure's points are dropped with ``LivePlot.rewind``.
  A Keras ``CSVLogger(append=True)`` file whose epochs start over is a restart too.
* **A missing file** is waited for (the notebook is often started before the job): the status
  says so. A file deleted while followed keeps the figure as it is and is waited for again.
* **Not a log** (not text, no ``epoch``/``step`` column, not JSON objects): ``LogFileError``
  naming the file and the line, raised by :meth:`Follower.start` (or by ``show``) when the file
  is already there; when it only turns up later, the follower stops, ``error`` holds it, and a
  :class:`~livecurve.LiveCurveWarning` says so.

Why a thread, not an asyncio task on the kernel's loop: a daemon thread runs while the kernel is
idle *and* while another cell is busy (the loop is blocked then), and the same code serves a
plain Python process, which has no running loop. ipywidgets sends trait changes made on a thread
to the browser (ipykernel's iopub channel is thread-safe). The thread ends with :meth:`stop`, at
interpreter exit or kernel shutdown (it is a daemon, and ``atexit`` stops it), and Ctrl-C in
:meth:`Follower.wait` stops it.

Example:
    ```python
    import livecurve

    fig = livecurve.show("run.jsonl", follow=True)   # the last line of a cell: the live widget
    fig.follower.status                              # 'following run.jsonl: 12 rows'
    fig.stop()
    ```
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..errors import LogFileError
from ..logfile import decode
from ..logfile.formats import CsvFormat, Format, Row
from .plot import LivePlot
from .polling import Polling

_SEEN = 64  # bytes before the offset compared on each read, to notice a rewrite in place


def log_format(path: Path, axis: str) -> Format:
    """The format that parses ``path``: an own log's by its suffix (:data:`SUFFIXES`), else a
    CSVLogger-style table (``.log``, ``.tsv``... written by other tools)."""
    fmt = decode.format_for(path, axis)
    if fmt is not None:
        return fmt
    if path.suffix.lower() == ".json":
        raise ValueError(
            f"cannot follow {str(path)!r}: a .json file is rewritten whole, not appended; follow "
            "a .jsonl (LiveCurve(log='run.jsonl')) or a .csv log (CSVLogger layout)"
        )
    return CsvFormat(str(path), axis)


def axis_of(path: str | os.PathLike[str]) -> str | None:
    """What the rows of an existing log count, ``"epoch"`` or ``"step"``; None when unknown
    (:func:`livecurve.logfile.decode.axis_of_bytes` of its first 64 kB)."""
    try:
        with open(path, "rb") as file:
            head = file.read(1 << 16)
    except OSError:
        return None
    return decode.axis_of_bytes(head, Path(path))


class Follower(Polling):
    """Feeds a :class:`~livecurve.LivePlot` from a log file another process appends to.

    Args:
        path: the log: ``.jsonl`` (livecurve's JSON Lines) or a CSVLogger-style table (``.csv``,
            ``.log``, ``.tsv``...). It need not exist yet.
        plot: the figure to feed, through ``record``, ``refresh`` and ``rewind``; its x axis
            (``"epoch"`` or ``"step"``) says which rows to draw.
        interval: seconds between polls (> 0).

    :meth:`poll` reads once (the CLI calls it in its own loop); :meth:`start` polls once, raising
    what is wrong with the file, then goes on in a daemon thread until :meth:`stop`.

    Example:
        ```python
        plot = LivePlot()
        follower = Follower("run.csv", plot, interval=1.0).start()
        ...
        follower.stop()
        ```
    """

    # What the last poll saw of the file (reset by _forget when it is replaced or truncated).
    _identity: tuple[int, int] | None
    _deleted: bool
    _mtime: int
    _offset: int
    _seen: bytes

    def __init__(self, path: str | os.PathLike[str], plot: LivePlot, *, interval: float = 0.5):
        super().__init__(path, interval)
        self.plot = plot
        self.axis = plot.run.axis
        self._format = log_format(self.path, self.axis)
        self.rows = 0  # data rows drawn since the last restart
        self.restarts = 0
        self.bytes_read = 0  # every byte read from the file, for proof that only new ones are
        self._forget()

    def __repr__(self) -> str:
        return f"Follower({str(self.path)!r}, {self.status!r})"

    def start(self) -> Follower:
        """Poll once (raising ``LogFileError`` for a file that is not a log), then keep polling
        in a daemon thread (again after :meth:`stop`). Returns ``self``."""
        super().start()
        return self

    def _summary(self) -> str:
        return _rows(self.rows)

    # -- reading -------------------------------------------------------------------------
    def poll(self) -> bool:
        """Read what was appended since the last poll and draw it; True when the figure changed.

        Raises ``LogFileError`` (a ``ValueError``) when the file is not a training log, and
        ``OSError`` when it cannot be read (other than not existing: that is waited for).
        """
        with self._lock:
            try:
                with open(self.path, "rb") as file:
                    info = os.fstat(file.fileno())
                    identity = (info.st_dev, info.st_ino)
                    why = None
                    if not self._deleted and (identity, info.st_size, info.st_mtime_ns) == (
                        self._identity,
                        self._offset,
                        self._mtime,
                    ):
                        return False  # nothing new: no read at all
                    if self._deleted or self._identity not in (None, identity):
                        why = "was replaced"
                    elif info.st_size < self._offset:
                        why = "was truncated"
                    else:
                        file.seek(self._offset - len(self._seen))
                        data = file.read()
                        self.bytes_read += len(data)
                        if not data.startswith(self._seen):
                            why = "was rewritten"
                    changed = why is not None and self._restart()
                    if why is not None:
                        file.seek(0)
                        data = file.read()
                        self.bytes_read += len(data)
            except FileNotFoundError:
                if self._identity is not None and not self._deleted:
                    self._deleted = True
                    self.status = f"{self.path.name} was deleted; waiting for it to come back"
                return False
            except IsADirectoryError:
                raise LogFileError(
                    f"{self.path} is a directory, not a log file; follow a .csv or .jsonl log "
                    "(TensorBoard directories are read whole with show(), not followed)"
                ) from None
            self._identity, self._deleted, self._mtime = identity, False, info.st_mtime_ns
            new = data[len(self._seen) :]
            self._offset += len(new)
            self._seen = data[-_SEEN:]
            changed = self._consume(new) or changed
            self.status = f"following {self.path.name}: {_rows(self.rows)}"
            if why is not None:
                self.status = (
                    f"{self.path.name} {why}; read again from its start: {_rows(self.rows)}"
                )
            if changed:
                self.plot.refresh()
            return changed

    def _restart(self) -> bool:
        """Start reading from the top; True when the figure lost points."""
        had = self.rows > 0
        self._forget()
        self.restarts += 1
        if had:
            self.plot.rewind(-math.inf)
        return had

    def _forget(self) -> None:
        self._format = log_format(self.path, self.axis)
        self._identity = None
        self._deleted = False
        self._mtime = -1
        self._offset = 0
        self._seen = b""
        self._pending = b""
        self._line = 0
        self._last_x: float | None = None
        self._last_batch_x: float | None = None
        self.rows = 0

    def _consume(self, new: bytes) -> bool:
        """Parse the complete lines of ``new`` (after the held-back torn line) and draw them."""
        chunks, self._pending = decode.split_lines(self._pending + new)
        changed = False
        for chunk in chunks:
            self._line += 1
            changed = self._feed(self._parse(chunk, self._line)) or changed
        # A line without newline yet must look like the start of a row, or this is no log.
        decode.check_torn(self._format, self._pending, self._line + 1)
        return changed

    def _parse(self, chunk: bytes, line: int) -> Row:
        fmt = self._format
        try:
            return decode.parse_line(fmt, chunk, line)
        except LogFileError:
            # A CSVLogger(append=True) file carries a second header after a restart.
            if not isinstance(fmt, CsvFormat) or fmt.columns is None:
                raise
            text = chunk.decode("utf-8", errors="replace")
            if text.split(fmt.delimiter, 1)[0].strip().strip('"') != self.axis:
                raise
            fmt.forget()
            return decode.parse_line(fmt, chunk, line)

    def _feed(self, row: Row) -> bool:
        """Draw one parsed row; True when the figure changed. Every data row passes here.

        Rows on the figure's axis are drawn: an epoch row at x = epoch + 1 (epochs completed),
        a step row at x = step (training values per step, validation values as points, as
        ``LogFile`` reads them). A row at or before the last x drawn means the writer started
        over (``CSVLogger(append=True)`` after a restart): the points from there on are dropped
        first; a JSON Lines row repeating the last x adds values to it instead.
        Per-batch rows of an epoch log (``{"step": n, "epoch": e, "x": x, ...}``, as
        ``LiveCurve(log="run.jsonl")`` writes them) are drawn as per-batch values at ``x``
        (epochs completed) through ``LivePlot.record_steps``; a per-batch ``x`` before the last
        one drawn is a restart too. Step rows of an epoch log without an ``"x"`` are not drawn.
        """
        if row.kind == "step" and self.axis == "epoch":
            return self._feed_batch(row)
        if row.kind != self.axis:
            return False
        x = decode.x_of(self._format, row, self.axis)
        values = decode.values_of(self._format, row, self.axis)
        if x is None or not values:
            return False
        again = decode.adds_to_last(self._format, x, self._last_x)
        if self._last_x is not None and x <= self._last_x and not again:
            self.plot.rewind(x)
            self._last_batch_x = None
        if self.axis == "step":  # as LogFile reads a step log: training values per step
            steps, points = decode.split_step_values(values)
            if steps:
                self.plot.record_steps(x, steps)
            if points:
                self.plot.record(x, points)
        else:
            self.plot.record(x, values)
        self._last_x = x
        self.rows += 1
        return True

    def _feed_batch(self, row: Row) -> bool:
        """Draw one per-batch row of an epoch log at its ``"x"``; True when drawn."""
        x = decode.x_of(self._format, row, self.axis)
        values = decode.values_of(self._format, row, self.axis)
        if x is None or not values:
            return False
        if self._last_batch_x is not None and x < self._last_batch_x:
            self.plot.rewind(x)
            if self._last_x is not None and self._last_x >= x:
                self._last_x = None
        self.plot.record_steps(x, values)
        self._last_batch_x = x
        self.rows += 1
        return True


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"
