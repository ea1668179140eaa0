"""Files that are not training logs, recognised so the error says what they look like.

A user who passes the wrong file (the console output of ``fit()`` saved with ``tee``, a crash's
traceback, notes, a binary file) gets one :class:`~livecurve.LogReadError` that names the file
and what it looks like, never a picture of nonsense: :func:`looks_like` names it.
"""

from __future__ import annotations

import re

_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):", re.MULTILINE)
# Bounded repeats only: a line of a million digits must not make these quadratic.
_KERAS_PROGRESS = re.compile(
    r"^[ \t]{0,20}\d{1,12}/\d{1,12} \[[=>.]{0,200}\]|^Epoch \d{1,9}/\d{1,9}[ \t]*$", re.MULTILINE
)
_TQDM = re.compile(r"(?<!\d)\d{1,3}%\|[^|\n]{0,200}\|[ \t]{0,5}\d{1,12}/\d{1,12}")


def looks_like(text: str) -> str | None:
    """What a text that is not a log looks like, or None when it may be a log.

    >>> looks_like("Traceback (most recent call last):\\n  File 'x.py'\\nValueError: bad\\n")
    'a Python traceback (the report of a crash: ValueError: bad)'
    >>> looks_like("epoch,loss\\n1,0.5\\n") is None
    True
    """
    head = text[:65536]
    traceback = _TRACEBACK.search(head)
    if traceback:
        last = [line for line in head[traceback.start() :].splitlines() if line.strip()]
        error = next((ln.strip() for ln in reversed(last) if not ln.startswith(" ")), "")
        return f"a Python traceback (the report of a crash{': ' + error[:80] if error else ''})"
    if len(_KERAS_PROGRESS.findall(head)) >= 2:
        return (
            "console output of Keras's fit() (progress bars, 'Epoch 1/10'); log with "
            "keras.callbacks.CSVLogger, or pass the History fit() returns"
        )
    if len(_TQDM.findall(head)) >= 2:
        return "console output with tqdm progress bars"
    return None


def describe(text: str, encoding: str = "") -> str:
    """A few words on what the text holds, for an error message: its first line, shortened,
    and its encoding where that is unusual (``"UTF-16"``)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f"{encoding + ' text; ' if encoding else ''}its first line is {first!r}"
