"""Redraw at most a few times a second, by wall time, and never leave the last change undrawn.

Recording a value is cheap; drawing it is not (decimation, then a comm message to the browser).
:class:`Throttle` runs its action at once when the interval has passed since the last run, and
otherwise arms one timer thread that runs it when the interval is up, so the final values of a
loop that stops logging are drawn without waiting for the next call. ``flush()`` runs it now
(epoch end, training end). The action never runs twice at once (Keras's batch worker threads,
the timer and the main thread may all ask).

The interval also stretches with the action's own cost: a redraw that takes ``c`` seconds waits at
least ``c / budget`` after the previous one, so throttled redraws never take more than ``budget``
(1 %) of the time, however heavy the figure or slow the machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Throttle:
    """Run ``action`` at most once per ``interval`` seconds; see the module docstring.

    Example:
        >>> calls = []
        >>> throttle = Throttle(60.0, lambda: calls.append(1))
        >>> throttle.poke(); throttle.poke(); throttle.poke()
        >>> len(calls)          # the first ran, the others wait for the timer
        1
        >>> throttle.flush(); len(calls)
        2
        >>> throttle.cancel()
    """

    def __init__(self, interval: float, action: Callable[[], None], budget: float = 0.01) -> None:
        if interval < 0:
            raise ValueError(f"the redraw interval must be >= 0 seconds, got {interval!r}")
        self.interval = float(interval)
        self.budget = budget
        self.cost = 0.0  # seconds the action took, smoothed
        self._action = action
        self._last = -float("inf")
        self._timer: threading.Timer | None = None
        self._armed = 0  # which timer is current: a stale one that fires does nothing
        self._state = threading.Lock()  # guards _last and _timer
        self._running = threading.Lock()  # one action at a time
        self.runs = 0

    def poke(self) -> None:
        """Something changed: run now if the interval has passed, else make sure a timer will."""
        now = time.monotonic()
        with self._state:
            wait = self._last + self.wait_between() - now
            if wait > 0:
                if self._timer is None:
                    self._arm(wait)
                return
            self._cancel_timer()  # this run draws what the timer was armed for
            self._last = now
        self._run(blocking=False)

    def wait_between(self) -> float:
        """The least time between two throttled runs: the interval, longer for a costly action."""
        if self.interval == 0:
            return 0.0
        return max(self.interval, self.cost / self.budget)

    def _arm(self, wait: float) -> None:
        """Start the timer (the state lock is held)."""
        self._armed += 1
        self._timer = threading.Timer(wait, self._on_timer, args=(self._armed,))
        self._timer.daemon = True
        self._timer.start()

    def flush(self) -> None:
        """Run now, whatever the time (the pending timer, if any, is cancelled)."""
        with self._state:
            self._cancel_timer()
            self._last = time.monotonic()
        self._run(blocking=True)

    def cancel(self) -> None:
        """Drop a pending timer (nothing runs later)."""
        with self._state:
            self._cancel_timer()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self._armed += 1

    def _on_timer(self, armed: int) -> None:
        with self._state:
            if armed != self._armed:
                return  # cancelled, or replaced, after it started firing
            self._timer = None
            self._last = time.monotonic()
        self._run(blocking=True)

    def _run(self, *, blocking: bool) -> None:
        # A poke from a batch hook never waits for a redraw in progress: it skips, and the
        # change it announced is drawn by that redraw or the next one.
        if not self._running.acquire(blocking=blocking):
            with self._state:
                if self._timer is None:
                    self._arm(self.wait_between())
            return
        start = time.perf_counter()
        try:
            self.runs += 1
            self._action()
        finally:
            self.cost += 0.5 * (time.perf_counter() - start - self.cost)
            self._running.release()
