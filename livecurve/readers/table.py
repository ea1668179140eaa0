"""A table of logged values: rows of cells under column names, as every reader first builds it.

CSV files, JSON histories, pandas frames and Keras ``History`` objects are all turned into a
:class:`Table`; :mod:`.runs` then turns the table into runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """Logged values as rows of cells under column names.

    Attributes:
        source: what the values came from, for messages (a path, ``"History"``).
        names: the column names as found.
        rows: the cells of each row (text, numbers, None for empty); short rows are padded.
        positions: where each row is, for messages (line numbers); default 1, 2, ...
        unit: what a position counts (``"line"``, ``"entry"``, ``"row"``).
        breaks: row indexes that start a new run (after a torn row, at a changed header).
        soft_breaks: row indexes that start a new run when there is no axis column (a repeated
            header line in a file whose rows have no epoch to tell runs apart).
        nan_is_missing: a NaN cell means "not logged" (pandas), not a logged NaN.
        axis: the axis column's name, when the source says which it is (Keras ``History.epoch``).
        zero_based: with ``axis``, whether it counts epochs from 0 (None: decide from the values).
    """

    source: str
    names: list[str]
    rows: list[list[Any]]
    positions: list[int] | None = None
    unit: str = "line"
    breaks: set[int] = field(default_factory=set)
    soft_breaks: set[int] = field(default_factory=set)
    nan_is_missing: bool = False
    axis: str | None = None
    zero_based: bool | None = None

    def where(self, row: int) -> str:
        """``"line 12"``: the position of a row, for messages."""
        position = self.positions[row] if self.positions is not None else row + 1
        return f"{self.unit} {position}"
