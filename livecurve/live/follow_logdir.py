"""Follow a TensorBoard logdir that training jobs are writing, and redraw as their values arrive.

``livecurve.show("logs/", follow=True)`` in a notebook, or ``livecurve plot logs/ --follow -o
curves.png`` in a terminal, watch every run under ``logs/`` (written by Keras's ``TensorBoard``
callback, ``tf.summary``, PyTorch's ``SummaryWriter``, Lightning...):

* **Polling**, every ``interval`` seconds (``show``'s and the CLI's default: 0.5 s): the logdir's
  folders are listed and each event file gets one ``stat``; only a file that grew is read, and
  only from where the last read stopped (its offset is kept). Polling works the same on every OS
  and on a shared file system written from another node (where inotify misses writes). A quiet
  logdir of 50 runs costs well under 1 % of one core (``benchmarks/read_tensorboard.py``).
* **New runs and files** (a new trial's folder, a restarted writer's new file) are picked up on
  the next poll; a run found later is added to the figure. A file whose steps go back (training
  started again into the same folder) becomes a new run, ``label (run 2)``, as when reading.
* **A record still being written** (a short read, a length whose data is not all there) waits
  for the rest; a damaged record (a CRC mismatch) is skipped with one warning.
* **A logdir that does not exist yet, or holds no event files yet**, is waited for: the status
  says so. **Deleted** while followed: the figure keeps what it drew, the status says so, and
  the logdir is waited for again. **A run folder renamed** while followed: its files are known by
  their inode and read on from their offsets under the new name (the run keeps its label).

The reading itself is :class:`~livecurve.readers.tensorboard.LogdirReader`, the reader
``show("logs/")`` uses, so a followed logdir and a read one give the same runs.

Example:
    ```python
    fig = livecurve.show("logs/", follow=True)
    fig.follower.status          # 'following logs: 3 runs, 1,204 values'
    fig.stop()
    ```
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LiveCurveWarning
from .polling import Polling

if TYPE_CHECKING:
    from .plot import LivePlot


def is_tensorboard(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is followed as TensorBoard logs: a directory, an event file
    (``events.out.tfevents.*``), or a name ending in ``/`` or without a suffix that does not
    exist yet (``"logs"``, ``"runs/"``)."""
    text = os.fspath(path)
    target = Path(text).expanduser()
    if target.is_dir() or "tfevents" in target.name:
        return True
    if target.exists():
        return False
    return text.endswith(("/", os.sep)) or target.suffix == ""


class LogdirFollower(Polling):
    """Feeds a :class:`~livecurve.LivePlot` from a TensorBoard logdir other processes write.

    Args:
        path: the logdir (it need not exist yet).
        plot: the figure to feed: each run found is appended to ``plot.runs``.
        interval: seconds between polls (> 0).
        label: the label of a run in the logdir itself (default: the logdir's name); the runs
            of its folders are ``label/<folder>``, or their hyperparameters when logged.

    :meth:`poll` reads once (the CLI calls it in its own loop); :meth:`start` polls once, then
    goes on in a daemon thread until :meth:`stop`. The same attributes as
    :class:`~livecurve.live.follow.Follower`: ``status``, ``rows`` (values drawn), ``error``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        plot: LivePlot,
        *,
        interval: float = 0.5,
        label: str | None = None,
    ) -> None:
        super().__init__(path, interval)
        self.plot = plot
        from ..readers.tensorboard import LogdirReader

        self.reader = LogdirReader(self.path, label)
        self.rows = 0
        self._placeholder = plot.run if len(plot.run) == 0 else None

    def __repr__(self) -> str:
        return f"LogdirFollower({str(self.path)!r}, {self.status!r})"

    @property
    def bytes_read(self) -> int:
        """Every byte read from the event files (only new ones are read)."""
        return self.reader.bytes_read

    def start(self) -> LogdirFollower:
        """Poll once, then keep polling in a daemon thread (again after :meth:`stop`)."""
        super().start()
        return self

    # -- reading -------------------------------------------------------------------------
    def poll(self) -> bool:
        """Read what the event files gained since the last poll; True when the figure changed."""
        with self._lock:
            had_files = bool(self.reader.files)
            changed = self.reader.poll()
            for message in self.reader.report(str(self.path)):
                warnings.warn(f"livecurve: {message}.", LiveCurveWarning, 2)
            added = self._adopt_runs()
            self._set_status(had_files)
            if changed or added:
                self.plot.refresh()
            return changed or added

    def _adopt_runs(self) -> bool:
        """Put runs found since the last poll on the figure; True when there were any."""
        runs = self.plot.runs
        new = [run for run in self.reader.runs if not any(run is r for r in runs)]
        if not new:
            self.rows = sum(len(run[name]) for run in runs for name in run.names)
            return False
        if self._placeholder is not None and runs == [self._placeholder]:
            runs.clear()  # the empty run the figure was made with
            self._placeholder = None
        runs.extend(new)
        self.plot.run = runs[0]
        self.rows = sum(len(run[name]) for run in runs for name in run.names)
        return True

    def _set_status(self, had_files: bool) -> None:
        name = self.path.name
        files = self.reader.files.values()
        if not self.path.exists():
            self.status = (
                f"{name} was deleted; the figure keeps what it drew; waiting for it to come back"
                if had_files
                else f"waiting for {name} to appear"
            )
        elif not files:
            self.status = f"waiting for event files in {name}"
        elif all(item.gone for item in files):
            self.status = (
                f"the event files of {name} were moved or deleted; the figure keeps what it drew"
            )
        else:
            self.status = f"following {name}: {self._summary()}"

    def _summary(self) -> str:
        runs = len(self.plot.runs) if self.reader.runs else 0
        return f"{runs} run{'s' if runs != 1 else ''}, {self.rows:,} values"
