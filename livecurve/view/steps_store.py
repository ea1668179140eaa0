"""Every recorded step of the drawn step series, held in the browser, for full-resolution zoom.

A redraw sends each per-step series as a bounded min/max-reduced line (:mod:`..model.decimate`):
right for the whole run, too coarse once a person zooms into a few hundred steps of 10^6. The
kernel cannot answer a zoom while a cell trains (it reads no widget messages then), so the
browser keeps every step itself:

- At each redraw, :meth:`StepsStore.feed` sends only the rows recorded since the last one, as
  binary custom messages: per run one ``float64`` x column (two numbers where the steps are
  evenly spaced, as a step loop's are) and a ``float32`` column per drawn series (4·S bytes a
  row for S series, +8 for uneven x); the browser holds 8 + 4·S bytes a row: 10^6 steps × 8
  series take 40 MB there.
  A series that starts later gets its history once (``column``), a truncated table (a restart
  from a checkpoint) starts over (``reset``).
- ``steps_store.js`` holds them and, when a panel's x scale is zoomed or panned, draws the
  visible range on the browser-side marks with :func:`..model.envelope.envelope` (its JS twin):
  every step where they fit in the panel's pixel columns, else each column's min and max.
  Reset puts back the kernel's line. Nothing of it is sent back to the kernel.
- A page reloaded (or opened late) sees in ``rows_sent`` that it holds fewer rows than were
  sent (or gets rows after a gap) and asks for the rest with a ``hello`` message; the kernel
  answers when it reads it (at once when idle, when the cell ends while busy) with messages of
  at most ``chunk_bytes`` each. A second display in the same page shares the model's copy.
- Past ``cap_points`` values held in all (rows × series), a run is no longer held (``capped``)
  and zooming it shows the kernel's min/max line, as before.
- With ``budget_bytes`` set (what a live figure's throttled redraws do), one redraw sends at most
  that many bytes in all, less what the kernel's step lines re-send in the same redraw (never
  less than ``MIN_BUDGET``): the oldest unsent rows first, the rest in later redraws
  (:attr:`backlog`). A redraw with ``budget_bytes=None`` (the final one, or an explicit
  ``refresh()``) sends every row, in messages of at most ``chunk_bytes``. ``rows_total`` says
  how many rows the kernel holds: a zoom that reaches rows the browser has not got yet shows
  the kernel's line until they arrive.
"""

from __future__ import annotations

import pathlib
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import traitlets
from ipywidgets import Widget, widget_serialization

from ..model.run import Run
from ..model.steptable import StepTable
from .module_widget import ModuleWidget, module_text

CHUNK_BYTES = 1 << 20
REDRAW_BYTES = 96_000  # a throttled redraw's budget, lines and new rows (the target: 100 KB)
MIN_BUDGET = 16_000  # the new rows a throttled redraw sends at least, however big the lines
CAP_POINTS = 20_000_000
PROBE = 64
TAIL = 4096


@dataclass
class _Held:
    """What the browser was sent of one run's step table."""

    table: StepTable
    generation: int
    rows: int = 0
    names: list[str] = field(default_factory=list)
    capped: bool = False
    # x of every PROBE-th row sent (and of the last one): rows moved since (Keras places a
    # generator's batches once the epoch's length is known) are found and sent again
    probe_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    probe_x: np.ndarray = field(default_factory=lambda: np.empty(0))
    tail_x: np.ndarray = field(default_factory=lambda: np.empty(0))  # of the last TAIL rows sent


def _spacing(x: np.ndarray) -> list[float] | None:
    """``[first, step]`` when ``x`` is exactly ``first + step * i`` (a step loop), else None."""
    if x.size < 2:
        return None
    first, step = float(x[0]), float(x[1] - x[0])
    if np.array_equal(first + step * np.arange(x.size, dtype=np.float64), x):
        return [first, step]
    return None


class StepsStore(ModuleWidget):
    """The browser's copy of every drawn step series; see the module's doc.

    Args:
        controls: the controls bar (the browser reads its smoothing weight from it).
        chunk_bytes: the most bytes of values one message carries.
        cap_points: the most values (rows × series, all runs) the browser is sent.

    Example:
        >>> from livecurve.model.run import Run
        >>> store = StepsStore()
        >>> store.bytes_per_row(8)  # float64 x + 8 float32 values (32 when x is evenly spaced)
        40
    """

    _esm = module_text(pathlib.Path(__file__).with_name("steps_store.js"))

    controls = traitlets.Instance(Widget, allow_none=True).tag(sync=True, **widget_serialization)
    # [{"id": "0:loss", "run": 0, "name": "loss", "raw": mark, "smooth": mark}]
    series = traitlets.List(traitlets.Dict()).tag(sync=True, **widget_serialization)
    # False: zooming shows the kernel's reduced line, as before (the rows are still sent)
    enabled = traitlets.Bool(True).tag(sync=True)
    key = traitlets.Unicode().tag(sync=True)  # this store's name in the page
    # {run: rows sent}: a front end that holds fewer (a reloaded page) asks for the rest
    rows_sent = traitlets.Dict().tag(sync=True)
    # {run: rows the kernel holds}: more than were sent while throttled redraws catch up
    rows_total = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        controls: Widget | None = None,
        *,
        chunk_bytes: int = CHUNK_BYTES,
        cap_points: int = CAP_POINTS,
    ) -> None:
        super().__init__(controls=controls, key=uuid.uuid4().hex)
        self.chunk_bytes = max(int(chunk_bytes), 64)
        self.cap_points = int(cap_points)
        self._held: dict[int, _Held] = {}
        self._ids: set[str] = set()
        # the most bytes one feed() sends, with the step lines' (None: every unsent row)
        self.budget_bytes: int | None = None
        self.min_budget = MIN_BUDGET
        self._marks: list[Any] = []  # the step lines (raw and smoothed) of every series
        self._arrays: dict[int, tuple[Any, Any]] = {}  # id(mark) -> its (x, y) at the last feed
        self._lock = threading.RLock()
        self.on_msg(self._on_msg)

    @staticmethod
    def bytes_per_row(series: int) -> int:
        return 8 + 4 * series

    # -- the kernel side of a redraw -------------------------------------------------------
    def feed(self, runs: list[Run], panels: dict[str, Any]) -> None:
        """Register new step marks and send the rows recorded since the last call."""
        drawn: dict[int, list[str]] = {}
        new = []
        for view in panels.values():
            for (run_index, name), marks in view.series.items():
                if marks.raw is None or marks.smooth is None:
                    continue
                drawn.setdefault(run_index, []).append(name)
                entry = f"{run_index}:{name}"
                if entry not in self._ids:
                    self._ids.add(entry)
                    self._marks += [marks.raw, marks.smooth]
                    new.append(
                        {"id": entry, "run": run_index, "name": name, "raw": marks.raw,
                         "smooth": marks.smooth}
                    )  # fmt: skip
        lines = self._line_bytes()
        room = (
            None if self.budget_bytes is None else max(self.min_budget, self.budget_bytes - lines)
        )
        with self._lock:
            for run_index, names in drawn.items():
                table = runs[run_index].steps if run_index < len(runs) else None
                if table is not None:
                    room = self._send_new(run_index, table, names, room)
        sent = {str(i): h.rows for i, h in self._held.items() if not h.capped}
        total = {str(i): len(h.table) for i, h in self._held.items() if not h.capped}
        with self.hold_sync():
            if sent != self.rows_sent:
                self.rows_sent = sent
            if total != self.rows_total:
                self.rows_total = total
            if new:
                self.series = [*self.series, *new]

    def _line_bytes(self) -> int:
        """Bytes of the step lines (raw, smoothed) this redraw re-sends: those that changed."""
        lines = 0
        for mark in self._marks:
            x, y = mark.x, mark.y
            seen = self._arrays.get(id(mark))  # the arrays themselves: an id() can be reused
            if seen is None or seen[0] is not x or seen[1] is not y:
                self._arrays[id(mark)] = (x, y)
                lines += sum(a.nbytes for a in (x, y) if a is not None)
        return lines

    @property
    def backlog(self) -> int:
        """Rows recorded but not yet sent to the browser (what later redraws will send)."""
        with self._lock:
            return sum(max(0, len(h.table) - h.rows) for h in self._held.values() if not h.capped)

    def _send_new(
        self, run_index: int, table: Any, names: list[str], room: int | None
    ) -> int | None:
        """Send ``run_index``'s unsent rows, at most ``room`` bytes of them (None: all);
        returns the room left."""
        held = self._held.get(run_index)
        if held is None or held.table is not table or held.generation != table.generation:
            if held is not None:
                self.send({"event": "reset", "run": run_index})
            held = self._held[run_index] = _Held(table, table.generation)
        if held.capped:
            return room
        self._resend_moved(run_index, table, held)
        added = [n for n in names if n not in held.names and n in table]
        total = len(table)
        after = self._points() + (total - held.rows) * (len(held.names) + len(added))
        after += held.rows * len(added)
        if after > self.cap_points:
            held.capped = True
            self.send({"event": "capped", "run": run_index})
            return room
        if added and held.rows:
            _, columns = table.rows(0, added)
            for name in added:
                self._send_column(run_index, name, columns[name][: held.rows], 0)
        held.names += added
        if total > held.rows and held.names and (room is None or room > 0):
            x, columns = table.rows(held.rows, held.names)
            if room is not None:  # the oldest rows that fit; the rest go with later redraws
                fit = room // (4 * len(held.names))
                if _spacing(x[: min(fit, x.size)]) is None:  # x is sent too
                    fit = room // self.bytes_per_row(len(held.names))
                fit = max(1, min(fit, x.size))
                x, columns = x[:fit], {k: v[:fit] for k, v in columns.items()}
                room -= fit * (4 * len(held.names) + (0 if _spacing(x) else 8))
            self._send_rows(run_index, held.rows, x, columns, held.names)
            first = -(-held.rows // PROBE) * PROBE
            rows = np.arange(first, held.rows + x.size, PROBE, dtype=np.int64)
            held.probe_rows = np.concatenate((held.probe_rows, rows))
            held.probe_x = np.concatenate((held.probe_x, x[rows - held.rows]))
            held.tail_x = np.concatenate((held.tail_x, x))[-TAIL:]
            held.rows += x.size
        return room

    def _resend_moved(self, run_index: int, table: Any, held: _Held) -> None:
        """Rows sent whose x moved since: the browser drops them, and they are sent again."""
        if not held.rows:
            return
        tail = np.arange(held.rows - held.tail_x.size, held.rows)
        now_tail = table.x_at(tail)
        if now_tail.size != tail.size:
            start = 0
        elif not np.array_equal(now_tail, held.tail_x):
            start = int(tail[np.argmin(now_tail == held.tail_x)])
        else:
            start = held.rows
        now = table.x_at(held.probe_rows)
        if now.size != held.probe_rows.size:
            start = 0
        else:
            moved = np.flatnonzero(now != held.probe_x)
            if moved.size:  # from the last probe that did not move
                start = min(start, int(held.probe_rows[moved[0] - 1]) if moved[0] > 0 else 0)
        if start >= held.rows:
            return
        self.send({"event": "truncate", "run": run_index, "rows": start})
        keep = held.probe_rows < start
        held.probe_rows, held.probe_x = held.probe_rows[keep], held.probe_x[keep]
        held.tail_x = table.x_at(np.arange(max(0, start - TAIL), start))
        held.rows = start

    def _points(self) -> int:
        return sum(h.rows * len(h.names) for h in self._held.values() if not h.capped)

    def _send_rows(
        self,
        run_index: int,
        start: int,
        x: np.ndarray,
        columns: dict,
        names: list[str],
        replay: bool = False,
    ) -> None:
        step = max(1, self.chunk_bytes // self.bytes_per_row(len(names)))
        for a in range(0, x.size, step):
            b = min(a + step, x.size)
            content: dict[str, Any] = {
                "event": "rows", "run": run_index, "start": start + a, "n": b - a, "names": names
            }  # fmt: skip
            if replay:  # history a front end asked for, not a redraw's new rows
                content["replay"] = True
            xs = np.ascontiguousarray(x[a:b], dtype=np.float64)
            spacing = _spacing(xs)
            buffers = [] if spacing is not None else [xs]
            if spacing is not None:  # consecutive steps: two numbers instead of 8 bytes a row
                content["x_range"] = spacing
            buffers += [np.ascontiguousarray(columns[n][a:b], dtype=np.float32) for n in names]
            self.send(content, buffers=[buf.data for buf in buffers])

    def _send_column(self, run_index: int, name: str, y: np.ndarray, start: int) -> None:
        step = max(1, self.chunk_bytes // 4)
        for a in range(0, y.size, step):
            part = np.ascontiguousarray(y[a : a + step], dtype=np.float32)
            self.send(
                {"event": "column", "run": run_index, "name": name, "start": start + a,
                 "n": part.size},
                buffers=[part.data],
            )  # fmt: skip

    # -- a front end that asks for the history ----------------------------------------------
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "hello":
            have = content.get("have")
            self.replay(have if isinstance(have, dict) else {})

    def replay(self, have: dict[str, int] | None = None) -> None:
        """Send the rows a front end lacks (``have``: ``{run: rows it holds}``), in chunks.

        A reloaded page, or one opened late, holds nothing (or the rows after a gap): it catches
        up with messages of at most ``chunk_bytes``; rows it holds already are skipped there.
        """
        have = have or {}
        with self._lock:
            for run_index, held in self._held.items():
                start = max(0, min(int(have.get(str(run_index), 0) or 0), held.rows))
                if held.capped:
                    self.send({"event": "capped", "run": run_index})
                elif held.rows > start and held.names:
                    x, columns = held.table.rows(start, held.names)
                    n = held.rows - start
                    self._send_rows(run_index, start, x[:n], {k: v[:n] for k, v in columns.items()},
                                    held.names, replay=True)  # fmt: skip
