"""Keep a plotting failure from stopping training: catch, report once, carry on."""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import LiveCurveWarning

T = TypeVar("T")


class Guard:
    """Runs callables, turning any exception into one warning per place it happened.

    Example:
        >>> guard = Guard()
        >>> guard.call("on_epoch_end", lambda: 1 / 0) is None
        True
    """

    def __init__(self) -> None:
        self.reported: dict[str, BaseException] = {}

    def call(self, where: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if where not in self.reported:
                self.reported[where] = exc
                detail = "".join(traceback.format_exception(exc, limit=-3)).rstrip()
                warnings.warn(
                    f"livecurve: {where} failed and is skipped; training continues "
                    f"(reported once).\n{detail}",
                    LiveCurveWarning,
                    stacklevel=2,
                )
            return None
