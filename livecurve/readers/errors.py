"""How the readers report: :class:`LogReadError` for input they cannot read, warnings for the rest.

Every message names the file (or the kind of object) it is about and, where it applies, the line,
so a user who gets one knows where to look.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from types import FrameType

from ..errors import LiveCurveWarning, LogReadError

__all__ = ["LiveCurveWarning", "LogReadError", "listing", "plural", "warn"]


def warn(message: str) -> None:
    """Emit a :class:`LiveCurveWarning` attributed to the first caller outside livecurve."""
    frame: FrameType | None = sys._getframe(1)
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("livecurve"):
        frame = frame.f_back
        level += 1
    warnings.warn(f"livecurve: {message}", LiveCurveWarning, stacklevel=level)


def listing(items: Sequence[object], limit: int = 8) -> str:
    """``"3, 7, 9"``, or the first ``limit`` items and how many more: ``"3, 7, … (12 more)"``."""
    shown = ", ".join(str(item) for item in items[:limit])
    if len(items) > limit:
        shown += f", … ({len(items) - limit} more)"
    return shown


def plural(count: int, word: str) -> str:
    """``"1 row"``, ``"3 rows"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
