"""Redraw at most a few times a second, by wall time, and never leave the last change undrawn.

Recording a value is cheap; drawing it is not (decimation, then a comm message to the browser).
:class:`Throttle` never runs its action on the thread that asks (``poke()``: a Keras hook, a
training loop's ``log()``): it marks a run as due, at once when the interval has passed since the
last run, else when it is up, and one waiting thread carries it out beside training. So a hook
only records, and the final values of a loop that stops logging are drawn without waiting for
the next call. ``flush()`` runs it now, on the caller (training end). The action never runs twice
at once (Keras's batch worker threads, the waiting thread and the main thread may all ask).

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
        >>> import time; time.sleep(0.5); len(calls)    # one run, on the waiting thread
        1
        >>> throttle.poke(); throttle.pending           # the next waits for the interval
        True
        >>> throttle.flush(); len(calls)                # flush() runs now and drops it
        2
        >>> throttle.pending
        False
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
        """Something changed: make sure a run is due, now if the interval has passed.

        Returns at once: the run happens on the waiting thread, never on the caller's; with an
        interval of 0 (no throttling asked for), every poke runs now, on the caller.
        """
        if self.interval == 0:
            self.flush()
            return
        with self._state:
            if self._due is None:
                self._set_due(max(time.monotonic(), self._last + self.wait_between()))

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
        self._run()

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
                    self._run()
                finally:
                    self._state.acquire()

    def _run(self) -> None:
        with self._running:
            start = time.thread_time()
            try:
                self.runs += 1
                self._action()
            finally:
                self.cost += 0.5 * (time.thread_time() - start - self.cost)
