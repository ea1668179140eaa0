"""Training progress: epoch n of N (or step n and the rate), elapsed time and an ETA, no widget."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


def format_duration(seconds: float | None) -> str:
    """``3725.2`` → ``"1:02:05"``; ``None`` → ``"–"``."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Progress:
    """Where training stands.

    ``epoch`` counts epochs completed (``first_epoch`` is where this ``fit()`` started), and
    ``total`` is the epoch training will stop at (Keras's ``epochs`` argument).
    """

    total: int | None = None
    epoch: int = 0
    first_epoch: int = 0
    started: float | None = None
    finished: float | None = None
    clock: object = field(default=time.monotonic, repr=False)

    def start(self, total: int | None, first_epoch: int = 0) -> None:
        self.total = total
        self.first_epoch = first_epoch
        self.epoch = first_epoch
        self.started = self.clock()  # type: ignore[operator]
        self.finished = None

    def advance(self, epoch: int) -> None:
        self.epoch = epoch

    def finish(self) -> None:
        self.finished = self.clock()  # type: ignore[operator]

    @property
    def running(self) -> bool:
        return self.started is not None and self.finished is None

    @property
    def elapsed(self) -> float | None:
        if self.started is None:
            return None
        end = self.finished if self.finished is not None else self.clock()  # type: ignore[operator]
        return end - self.started

    @property
    def eta(self) -> float | None:
        """Seconds left, from the mean time per epoch of this ``fit()``; None when unknown."""
        done = self.epoch - self.first_epoch
        if not self.running or self.total is None or done <= 0 or self.elapsed is None:
            return None
        return self.elapsed / done * max(self.total - self.epoch, 0)

    @property
    def fraction(self) -> float:
        if not self.total:
            return 0.0
        return min(max(self.epoch / self.total, 0.0), 1.0)

    def describe(self) -> str:
        """``"epoch 3 / 30 · elapsed 0:12 · ETA 1:48"`` (no ``/ 30`` when the total is unknown)."""
        total = "" if self.total is None else f" / {self.total}"
        text = f"epoch {self.epoch}{total} · elapsed {format_duration(self.elapsed)}"
        if self.running:
            text += f" · ETA {format_duration(self.eta)}"
        return text

    # -- a loop that counts steps (``LivePlot(axis="step")``) ---------------------------------
    def step_rate(self, step: float | None) -> float | None:
        """Steps per second since the start, at ``step`` (the loop's latest); None when unknown."""
        elapsed = self.elapsed
        if step is None or elapsed is None or elapsed <= 0:
            return None
        done = step - self.first_epoch  # a step loop starts counting where its first step was
        return done / elapsed if done > 0 else None

    def step_fraction(self, step: float | None) -> float | None:
        """How far ``step`` is towards ``total`` steps; None (no bar) while the total is unknown."""
        if not self.total or step is None:
            return None if self.running or self.finished is None else 1.0
        return min(max(step / self.total, 0.0), 1.0)

    def describe_steps(self, step: float | None) -> str:
        """``"step 412,300 / 1,000,000 · 3,420 steps/s · elapsed 2:01 · ETA 2:52"``.

        Example:
            >>> clock = iter([0.0, 10.0, 10.0, 10.0]).__next__
            >>> p = Progress(clock=clock)
            >>> p.start(None)
            >>> p.describe_steps(25_000)
            'step 25,000 · 2,500 steps/s · elapsed 0:10'
        """
        if step is None:
            return f"no step yet · elapsed {format_duration(self.elapsed)}"
        total = "" if self.total is None else f" / {self.total:,}"
        text = f"step {format_count(step)}{total}"
        rate = self.step_rate(step)
        if rate is not None:
            text += f" · {format_rate(rate)} steps/s"
        text += f" · elapsed {format_duration(self.elapsed)}"
        if self.running and self.total is not None:
            eta = None if rate is None else max(self.total - step, 0) / rate
            text += f" · ETA {format_duration(eta)}"
        return text


def format_count(value: float) -> str:
    """``412300.0`` → ``"412,300"``; a fractional step keeps its fraction (``"12.5"``)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"


def format_rate(rate: float) -> str:
    """Steps per second with about three significant digits: ``3,420``, ``42.5``, ``0.125``."""
    if rate >= 100:
        return f"{rate:,.0f}"
    return f"{rate:.3g}"
