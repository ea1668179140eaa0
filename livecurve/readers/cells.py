"""One cell of a log to a number: a value, *missing* (not logged here) or *not a number*.

Text cells accept what training scripts write: ``0.25``, ``1e-05``, ``nan``, ``inf``, a decimal
comma (``0,25``), a percent sign, and a number printed inside a wrapper such as
``tensor(0.25, device='cuda:0')`` or ``np.float32(0.25)``. Empty cells and the usual "no value"
words (``NA``, as Keras's ``CSVLogger`` writes for a metric missing in an epoch, ``None``,
``null``) are *missing*: the series has no point there. ``nan`` is a value: a logged NaN, drawn
as a gap.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from ..model.values import to_scalar


class _NotANumber:
    """The type of :data:`BAD`."""

    def __repr__(self) -> str:
        return "BAD"


#: A cell that holds something other than one number (text, a list, an array).
BAD: Final = _NotANumber()

Cell = float | None | _NotANumber

MISSING_WORDS = frozenset({"", "na", "n/a", "nan%", "none", "null", "nil", "-", "--", "?"})
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+(?:[eE][-+]?\d+)?")
# ``tensor(0.25, device='cuda:0', grad_fn=<...>)``, ``np.float32(0.25)``, ``array([0.25])``
_WRAPPED = re.compile(r"[A-Za-z_][\w.]*\(\s*\[?\s*([^,\[\]()\s]+)\s*\]?\s*(?:,.*)?\)", re.DOTALL)


def parse_text(text: str) -> Cell:
    """A text cell as a number, ``None`` (missing) or :data:`BAD`."""
    text = text.strip().strip("\ufeff").strip()
    if text.lower() in MISSING_WORDS:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    if text.endswith("%"):
        inner = parse_text(text[:-1])
        return inner if isinstance(inner, float) else BAD
    match = _WRAPPED.fullmatch(text)
    if match:
        inner = parse_text(match.group(1))
        return inner if isinstance(inner, float) else BAD
    return BAD


def to_cell(value: Any, nan_is_missing: bool = False) -> Cell:
    """Any cell (text, a Python or numpy number, a 0-d array, ``None``) as a :data:`Cell`.

    ``nan_is_missing``: a NaN means "not logged here" (pandas fills absent values with NaN)
    rather than a logged NaN.
    """
    kind = type(value)
    if kind is str:  # the common cases first: text from files, floats from JSON and pandas
        if not value:
            return None
        try:
            number: Cell = float(value)
        except ValueError:
            number = parse_text(value)
    elif kind is float:
        number = value
    elif value is None or kind.__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT
        return None
    elif isinstance(value, str):
        number = parse_text(value)
    elif isinstance(value, bytes):
        number = parse_text(value.decode("utf-8", "replace"))
    else:
        number = to_scalar(value)
        if number is None:
            return BAD
    if isinstance(number, float) and nan_is_missing and math.isnan(number):
        return None
    return number
