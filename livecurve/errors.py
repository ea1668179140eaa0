"""What livecurve raises and warns: one module, below every other, so any layer can report.

- :class:`LiveCurveWarning`: input livecurve skips or cannot draw (once per cause).
- :class:`LogReadError`: a log that cannot be read, whatever the entry point (``show``, ``load``,
  ``LivePlot(log=...)``, ``LiveCurve(log=...)``, following). The message names the file.
- :class:`LogFileError`: the kind of :class:`LogReadError` raised for livecurve's own log file
  (``log=``, following): ``except LogReadError`` catches both.
- :class:`SaveError`: a figure or data file that could not be written.
"""

from __future__ import annotations


class LiveCurveWarning(UserWarning):
    """Raised (as a warning, once per cause) for input livecurve skips or cannot draw."""


class LogReadError(ValueError):
    """A log could not be read: a missing or empty file, a header with no rows, a file that is not
    a training log, a directory without TensorBoard event files. The message names the file."""


class LogFileError(LogReadError):
    """A file that is not a livecurve training log, or one damaged before its last line.

    Raised for ``log=`` files and followed logs; a :class:`LogReadError` (and so a
    ``ValueError``). The message names the file and the line. livecurve never writes to such a
    file.
    """


class SaveError(OSError):
    """The figure or data could not be written; the message names the path and the reason."""
