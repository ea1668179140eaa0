"""What every follower shares: polling a path in a daemon thread until stopped.

:class:`Polling` runs :meth:`Polling.poll` every ``interval`` seconds after :meth:`start`, stops
at the first exception (reported once with a :class:`~livecurve.LiveCurveWarning`, kept in
``error``), and offers ``stop()``, ``wait()`` and ``running``. A follower says what it reads in
``poll()`` and what it has drawn in ``_summary()``: :class:`~livecurve.live.follow.Follower`
(one log file) and :class:`~livecurve.live.follow_logdir.LogdirFollower` (a TensorBoard logdir).
"""

from __future__ import annotations

import atexit
import math
import os
import threading
import time
import warnings
from pathlib import Path

from ..errors import LiveCurveWarning


class Polling:
    """Poll ``path`` every ``interval`` seconds (> 0) in a daemon thread; see the module doc."""

    def __init__(self, path: str | os.PathLike[str], interval: float) -> None:
        if not (isinstance(interval, (int, float)) and interval > 0 and math.isfinite(interval)):
            raise ValueError(f"interval must be a positive number of seconds, got {interval!r}")
        self.path = Path(path).expanduser().absolute()
        self.interval = float(interval)
        self.error: BaseException | None = None
        self.status = f"waiting for {self.path.name} to appear"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one poll at a time

    def poll(self) -> bool:
        """Read what is new and draw it; True when the figure changed."""
        raise NotImplementedError

    def _summary(self) -> str:
        """What was drawn so far, for the status line (``"12 rows"``)."""
        raise NotImplementedError

    def start(self) -> Polling:
        """Poll once (raising what it raises), then keep polling in a daemon thread (again after
        :meth:`stop`). Returns ``self``."""
        if self.running:
            return self
        self.poll()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name=f"livecurve follow {self.path.name}", daemon=True
        )
        self._thread.start()
        atexit.register(self.stop)
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop following (idempotent); the figure keeps what it has drawn."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        atexit.unregister(self.stop)
        if self.error is None and not self.status.startswith("stopped"):
            self.status = f"stopped following {self.path.name}: {self._summary()}"

    def wait(self, timeout: float | None = None) -> None:
        """Block until following stops (an error, :meth:`stop`), ``timeout`` seconds pass, or
        Ctrl-C (which stops it). For scripts: ``show(path, follow=True).wait()``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while self.running and self._thread is not None:
                left = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
                if left <= 0:
                    return
                self._thread.join(left)
        except KeyboardInterrupt:
            self.stop()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception as exc:  # not readable any more: report once and stop
                self.error = exc
                self.status = f"stopped: {exc}"
                warnings.warn(
                    f"livecurve: stopped following {self.path}: {exc}", LiveCurveWarning, 1
                )
                return
