"""Redraw at most a few times a second, by wall time, and never leave the last change undrawn.

Recording a value is cheap; drawing it is not (decimation, then a comm message to the browser).
:class:`Throttle` runs its action at once when the interval has passed since the last run, and
otherwise marks a run as due, which one waiting thread carries out when the interval is up, so
the final values of a loop that stops logging are drawn without waiting for the next call.
``flush()`` runs it now (epoch end, training end). The action never runs twice at once (Keras's
batch worker threads, the waiting thread and the main thread may all ask).

The waiting thread lives as long as runs keep falling due and ends after a few idle seconds:
starting a thread costs the caller a wait for the new thread to get the interpreter lock (about
a millisecond on a busy machine), too much to pay in a batch hook each time.

The interval also stretches with the action's own cost: a redraw that takes ``c`` seconds of CPU
waits at least ``c / budget`` after the previous one, so throttled redraws never take more than
``budget`` (0.5 %) of the time, however heavy the figure or slow the machine. The cost is the
thread's CPU time, not its wall time: a redraw on the waiting thread that waits for the
interpreter lock while training runs costs training nothing for that wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

IDLE_SECONDS = 5.0  # the waiting thread ends after this long with no run due


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

    def __init__(self, interval: float, action: Callable[[], None], budget: float = 0.005) -> None:
        if interval < 0:
            raise ValueError(f"the redraw interval must be >= 0 seconds, got {interval!r}")
        self.interval = float(interval)
        self.budget = budget
        self.cost = 0.0  # CPU seconds the action took, smoothed
        self._action = action
        self._last = -float("inf")
        self._due: float | None = None  # when the pending run is due (monotonic), if one is
        self._state = threading.Lock()  # guards _last, _due and _waiter
        self._wake = threading.Condition(self._state)
        self._waiter: threading.Thread | None = None
        self._running = threading.Lock()  # one action at a time
        self.runs = 0

    def poke(self) -> None:
        """Something changed: run now if the interval has passed, else make sure a run is due."""
        now = time.monotonic()
        with self._state:
            wait = self._last + self.wait_between() - now
            if wait > 0:
                if self._due is None:
                    self._set_due(now + wait)
                return
            self._due = None  # this run draws what the pending one was due for
            self._last = now
        self._run(blocking=False)

    def wait_between(self) -> float:
        """The least time between two throttled runs: the interval, longer for a costly action."""
        if self.interval == 0:
            return 0.0
        return max(self.interval, self.cost / self.budget)

    def flush(self) -> None:
        """Run now, whatever the time (a pending run is dropped: this one draws its change)."""
        with self._state:
            self._due = None
            self._last = time.monotonic()
        self._run(blocking=True)

    def cancel(self) -> None:
        """Drop a pending run (nothing runs later)."""
        with self._state:
            self._due = None
            self._wake.notify()

    @property
    def pending(self) -> bool:
        """Whether a run is due later."""
        return self._due is not None

    def _set_due(self, due: float) -> None:
        """Mark a run as due at ``due`` and wake the waiting thread (the state lock is held)."""
        self._due = due
        if self._waiter is None:
            self._waiter = threading.Thread(target=self._wait_loop, name="livecurve-redraw")
            self._waiter.daemon = True
            self._waiter.start()
        else:
            self._wake.notify()

    def _wait_loop(self) -> None:
        with self._state:
            while True:
                if self._due is None:
                    if not self._wake.wait(IDLE_SECONDS) and self._due is None:
                        self._waiter = None  # idle: end; the next due run starts another
                        return
                    continue
                delay = self._due - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                self._due = None
                self._last = time.monotonic()
                self._state.release()
                try:
                    self._run(blocking=True)
                finally:
                    self._state.acquire()

    def _run(self, *, blocking: bool) -> None:
        # A poke from a batch hook never waits for a redraw in progress: it skips, and the
        # change it announced is drawn by that redraw or the next one.
        if not self._running.acquire(blocking=blocking):
            with self._state:
                if self._due is None:
                    self._set_due(time.monotonic() + self.wait_between())
            return
        start = time.thread_time()
        try:
            self.runs += 1
            self._action()
        finally:
            self.cost += 0.5 * (time.thread_time() - start - self.cost)
            self._running.release()
