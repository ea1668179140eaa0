"""Training logs that survive the process: ``LiveCurve(log="run.csv")``, ``LivePlot(log=...)``.

Each epoch's values are appended to the file as they arrive, flushed and fsync'ed, so a process
killed at any moment (``SIGKILL``, a kernel restart, a lost machine) loses at most the epoch in
flight. Starting again with the same file puts the earlier epochs back into the figure and goes
on writing after them.

Two formats, picked by the extension (anything else is a ``ValueError``; :mod:`.decode` reads
both for LogFile, the follower and ``load()``/``show()`` alike):

``.csv``
    The layout of Keras's ``CSVLogger``, which Keras users already read, plot and load with
    pandas: a header ``epoch,<metric>,...``, then one row per epoch with the 0-based ``epoch``
    first. A metric absent at an epoch is an empty cell, NaN is ``nan``, and floats are written
    with ``repr`` so they read back bit for bit. When a metric first appears mid-run (a
    learning-rate callback, validation every few epochs), the file is rewritten atomically
    (temporary file, fsync, rename) with the wider header instead of misaligning the columns.
    A ``CSVLogger`` file (``NA`` cells, ``;`` separator, ``\\r\\n`` line ends) can be continued.

``.jsonl`` (or ``.ndjson``)
    JSON Lines, one object per line: ``{"epoch": 0, "loss": 0.69, "val_loss": 0.71}``. Keys are
    sparse, so a late metric costs nothing and no line is ever rewritten for it; per-step rows
    fit in the same file (``{"step": 120, "epoch": 3, "loss": 0.41}``, see
    :meth:`LogFile.write_step`); NaN is ``null``. A line is a complete JSON object or it is
    torn, which makes a cut-short last line unmistakable. Best for long runs and custom loops.

In both, a row is committed when its newline is in the file: a row is written with one
``write()``; if that fails (disk full), the file is cut back to its previous length. Epoch rows
are fsync'ed (they survive a power cut); step rows are only flushed (they survive a killed
process, and the next epoch's fsync makes them durable too).

Starting again (:meth:`LogFile.load`):

* a last line without its newline is a write cut short: it is removed, after the whole file is
  copied to ``<name>.torn-<time>.<ext>``, and a :class:`~livecurve.LiveCurveWarning` says so;
* anything else that is wrong (not text, not CSV or JSON, no ``epoch`` column, epochs repeated or
  out of order, no numbers at all) raises :class:`LogFileError` (a ``ValueError``) naming the file
  and the line, and the file is not touched;
* training that reruns epochs the file already holds (``fit(initial_epoch=k)`` from an earlier
  checkpoint, or a fresh ``fit()`` from epoch 0) replaces them: the newer run wins, and the
  file as it was is first copied to ``<name>.replaced-<time>.<ext>`` (a warning names it).

livecurve never overwrites a backup, and never writes to a file that changed under it.
:func:`read` reads a log without changing it (a log another process is still writing).
"""

from __future__ import annotations

from ..errors import LogFileError
from .decode import SUFFIXES
from .file import LogFile, read

ACCEPTED = tuple(SUFFIXES)

__all__ = ["ACCEPTED", "LogFile", "LogFileError", "read"]
