"""Per-batch values during ``model.fit()``: the Keras-specific half of per-batch curves.

:class:`BatchReader` turns what a Keras 3 batch hook sees (running means, see
:mod:`livecurve.keras.running_means`) into one value per batch, or per interval between two reads,
placed at fractional epochs (batch k of n in epoch e sits at e − 1 + k/n epochs completed).

What it needs to know, and where it comes from:

* which metrics are means (``loss``, every :class:`keras.metrics.Mean`, which includes accuracy,
  crossentropies, MSE/MAE...; RMSE is recovered on its square), read from ``model.metrics`` once
  per ``fit()``. Every other metric (AUC, precision, recall, F1, IoU, R²) shows its running value.
* the samples behind each read, so that a smaller last batch gets its true weight: taken from the
  data adapter of ``fit()`` (array inputs: batch size and last-batch size), found once per
  ``fit()`` on the call stack. When it is not there (``tf.data``, generators, ``PyDataset``), the
  batches are weighted equally, which is exact except for a smaller last batch.
* the batches per epoch (``params["steps"]``): when unknown (a generator without
  ``steps_per_epoch``), batches are placed by the previous epoch's count, or, in the first epoch,
  by a count that doubles as needed, and moved to their exact places when the epoch ends.

It reads no more often than it can afford: when reading (and announcing the new values, which may
redraw) costs more than ``budget`` of the time between batches (a tiny model on a fast machine), it
reads every m-th batch instead (but at least 64 times an epoch); the values are then exact interval
means. Hooks may arrive on Keras's worker threads, concurrently and out of order (JAX, torch): a
lock orders them, and a read older than the last one is dropped (the later read covers its batches
exactly).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import FrameType
from typing import Any

from .running_means import MEAN, ROOT_MEAN_SQUARE, RUNNING, RunningMeans

_FRAMES = 12  # how far up the stack fit()'s locals are looked for
_MAX_WAITING = 64  # reads held back for an earlier one still on a worker thread
MIN_READS_PER_EPOCH = 64  # a line, however short the epoch: at most ~2 ms per epoch


def metric_kinds(model: Any) -> dict[str, str]:
    """``{metric name: "mean" | "rms" | "running"}`` for the metrics of a compiled model."""
    import keras

    kinds = {"loss": MEAN}
    stack = list(getattr(model, "metrics", []) or [])
    seen: set[int] = set()
    while stack:
        metric = stack.pop()
        if id(metric) in seen:
            continue
        seen.add(id(metric))
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, list) and inner and inner[0] is not metric:
            stack.extend(inner)  # a container (compiled metrics, per-output losses)
        name = getattr(metric, "name", None)
        if not isinstance(name, str):
            continue
        if isinstance(metric, keras.metrics.RootMeanSquaredError):
            kinds[name] = ROOT_MEAN_SQUARE
        elif isinstance(metric, keras.metrics.Mean):
            kinds[name] = MEAN
        else:
            kinds.setdefault(name, RUNNING)
    return kinds


def batch_sizes() -> tuple[int | None, int | None]:
    """``(batch size, last batch size)`` of the ``fit()`` calling the callbacks, if known."""
    frame: FrameType | None = sys._getframe(1)
    for _ in range(_FRAMES):
        if frame is None:
            break
        iterator = frame.f_locals.get("epoch_iterator")
        adapter = getattr(iterator, "data_adapter", None)
        if adapter is not None:
            try:
                size = adapter.batch_size
                partial = adapter.partial_batch_size
            except Exception:
                return None, None
            if isinstance(size, int) and size > 0:
                return size, partial if isinstance(partial, int) and partial > 0 else size
            return None, None
        frame = frame.f_back
    return None, None


class BatchReader:
    """Reads Keras batch logs into per-batch rows for a :class:`~livecurve.live.plot.LivePlot`.

    Args:
        record: called with ``(x, values)`` for every per-batch row.
        notify: called after a read recorded rows (outside the lock), e.g. to ask for a redraw.
        budget: the largest share of the time between batches that reading may take.
    """

    def __init__(
        self, record: Any, notify: Callable[[], None] | None = None, budget: float = 0.003
    ) -> None:
        self._record = record
        self._notify = notify
        self.budget = budget
        self._lock = threading.Lock()
        self._means = RunningMeans(lambda name: RUNNING)
        self.begin_fit(lambda: {}, None, None, None, 0.0)

    def begin_fit(
        self,
        kinds: Any,
        steps: int | None,
        batch_size: int | None,
        last_batch: int | None,
        offset: float,
    ) -> None:
        """A new ``fit()``: its metrics, batches per epoch, batch sizes and x offset.

        ``kinds`` returns ``{name: kind}`` (see :func:`metric_kinds`); it is asked again when a
        name it did not know appears (Keras builds its compiled metrics at the first batch).
        """
        self._classify = kinds
        self._kinds: dict[str, str] = {}
        self._means = RunningMeans(self._kind)
        self.steps = steps
        self.batch_size = batch_size
        self.last_batch = last_batch
        self.offset = offset
        self.stride = 1  # read every stride-th batch
        self._cost = 0.0  # smoothed seconds per read
        self._gap = 0.0  # smoothed seconds between two batches (measured between reads)
        self._previous_call = 0.0  # when the last read batch ended, and its number
        self._previous_done = 0
        self._epoch = 0
        self._guess: int | None = self.steps  # batches per epoch used for x
        self._rows: list[tuple[float, int]] = []  # (x, batches done) of this epoch's rows
        self._waiting: dict[int, dict[str, float]] = {}  # reads that arrived before earlier ones

    @property
    def steps(self) -> int | None:
        """Batches per epoch, if known (``params["steps"]``)."""
        return self._steps

    @steps.setter
    def steps(self, steps: int | None) -> None:
        self._steps = steps if steps and steps > 0 else None
        self.final = self._steps or sys.maxsize  # the last batch of an epoch is always read

    def _kind(self, name: str) -> str:
        kind = self._kinds.get(name)
        if kind is None:
            self._kinds = {**self._classify(), **self._kinds}
            kind = self._kinds.setdefault(name, RUNNING)
        return kind

    def begin_epoch(self, epoch: int) -> None:
        with self._lock:
            self._epoch = epoch
            self._means.start_epoch()
            self._rows = []
            self._waiting = {}

    def end_epoch(self) -> list[float] | None:
        """Close the epoch; returns the exact x of its rows when they were placed by a guess."""
        with self._lock:
            self._drain(final=True)
            done = self._means.batches
            rows, self._rows = self._rows, []
            if self.steps is not None or not done:
                return None
            self._guess = done  # the next epoch likely has as many batches
            exact = [self.offset + self._epoch + k / done for _x, k in rows]
            return None if all(x == e for (x, _k), e in zip(rows, exact)) else exact

    def due(self, batch: int) -> bool:
        """Whether batch index ``batch`` is one to read (the hook's cheap first question)."""
        done = batch + 1
        return done >= self.final or done % self.stride == 0

    def batch_end(self, batch: int, logs: Mapping[str, Any] | None) -> bool:
        """One batch hook: read the logs when it is this batch's turn; True if it recorded."""
        if not logs or not self.due(batch):
            return False  # the common case, kept cheap: no clock, no lock, no copy
        done = min(batch + 1, self.final)  # steps_per_execution reports past the last batch
        now = time.perf_counter()
        with self._lock:
            batches = done - self._previous_done
            if self._previous_call and batches > 0:  # the time between batches, per batch
                per_batch = (now - self._previous_call) / batches
                self._gap += 0.2 * (per_batch - self._gap) if self._gap else per_batch
            self._previous_call, self._previous_done = now, done
            if done <= self._means.batches:
                return False
            self._waiting[done] = _floats(logs)
            self._drain(final=False)
        if self._notify is not None:
            self._notify()
        with self._lock:
            self._cost += 0.2 * (time.perf_counter() - now - self._cost)
            self._adapt()
        return True

    def _drain(self, *, final: bool) -> None:
        """Read the waiting batches in order, as far as no earlier read is still on its way.

        Keras's worker threads may deliver batch 7 before batch 6; batch 7 waits until 6 has
        come (or the epoch ends, when Keras has delivered every hook), so each batch gets its
        own value. Over ``_MAX_WAITING`` waiting reads, they are read anyway, as intervals.
        """
        waiting = self._waiting
        while waiting:
            first = min(waiting)
            previous = self._means.batches
            missing = any(j % self.stride == 0 for j in range(previous + 1, first))
            if missing and not final and len(waiting) <= _MAX_WAITING:
                return
            logs = waiting.pop(first)
            values = self._means.read(first, self._samples(first), logs)
            if values is None:
                continue
            x = self.offset + self._epoch + first / self._batches(first)
            self._record(x, values)
            self._rows.append((x, first))

    def _samples(self, done: int) -> float:
        if self.batch_size is None:
            return float(done)  # equal weights
        if self.steps is not None and done == self.steps:
            return float((done - 1) * self.batch_size + (self.last_batch or self.batch_size))
        return float(done * self.batch_size)

    def _batches(self, done: int) -> float:
        """The batch count that places batch ``done`` on the x axis."""
        if self.steps is not None:
            return float(self.steps)
        guess = self._guess or 8
        while guess < done:
            guess *= 2
        self._guess = guess
        return float(guess)

    def _adapt(self) -> None:
        """Read less often when reading costs more than the budget of the time between batches.

        Never less than :data:`MIN_READS_PER_EPOCH` times per epoch, whatever the budget: on
        short epochs of tiny batches those reads cost about as much as the epoch's own redraw,
        and the faint line keeps its shape.
        """
        if self._gap <= 0:
            return
        per_batch = self._cost / self.stride
        batches = self.steps or self._guess
        most = max(1, batches // MIN_READS_PER_EPOCH) if batches else 1 << 16
        if per_batch > self.budget * self._gap:
            self.stride = min(self.stride * 2, most, 1 << 16)
        elif self.stride > 1 and self._cost / (self.stride // 2) < 0.5 * self.budget * self._gap:
            self.stride //= 2
        self.stride = max(1, min(self.stride, most))


def _floats(logs: Mapping[str, Any]) -> dict[str, float]:
    """The numeric entries of a batch's logs as floats (Keras hands Python floats already)."""
    values: dict[str, float] = {}
    for name, value in logs.items():
        if type(value) is float:
            values[name] = value
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        values[name] = number if math.isfinite(number) else math.nan
    return values
