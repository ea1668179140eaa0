"""The columns of a :class:`~.table.Table`: their names, and which of them hold numbers.

* Names are stripped of spaces and quotes; a repeated name is renamed ``loss.1`` (with a warning).
* A column is numeric when more of its cells are numbers than not; the cells that are not are
  skipped with a warning naming the column and the lines. Columns holding text, lists or printed
  arrays, columns with no value and columns that are NaN in every row are skipped, with one
  warning each.
* An unnamed first column of whole numbers (also ``Unnamed: 0`` and ``index``) is pandas's index,
  written by ``DataFrame.to_csv()``: it is not a metric.
* A column that only counts rows (``0, 1, 2, ...`` or ``1, 2, 3, ...``, whatever its name:
  ``generation``, ``Runde``, ``époque``) is the row's own number, not a metric (:func:`counts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from .cells import BAD, to_cell
from .errors import listing, plural, warn
from .table import Table

# The names pandas gives its index column when it writes it: not a metric.
INDEX_NAMES = re.compile(r"(unnamed:?\s*0|index)", re.IGNORECASE)


def clean_names(names: Sequence[Any], source: str) -> list[str]:
    """Stripped names; a repeated name gets ``.1``, ``.2`` (with one warning)."""
    cleaned = ["" if n is None else str(n).strip().strip("\"'").strip() for n in names]
    taken = set(cleaned)
    seen: set[str] = set()
    renamed: list[str] = []
    for index, name in enumerate(cleaned):
        if name and name in seen:
            k = 1
            while f"{name}.{k}" in taken:
                k += 1
            cleaned[index] = f"{name}.{k}"
            taken.add(cleaned[index])
            renamed.append(f"{name!r} (the second is named {cleaned[index]!r})")
        seen.add(cleaned[index])
    if renamed:
        warn(f"{source}: repeated column name {listing(renamed)}; both are plotted.")
    return cleaned


def numeric_columns(
    table: Table, names: list[str], skip: int | None, notes: list[str]
) -> dict[int, list[float | None]]:
    """The numeric columns by index; the others are skipped with a note (for a warning)."""
    numeric: dict[int, list[float | None]] = {}
    for j, name in enumerate(names):
        if j == skip:
            continue
        cells = [to_cell(row[j], table.nan_is_missing) for row in table.rows]
        bad = [i for i, c in enumerate(cells) if c is BAD]
        count = sum(isinstance(c, float) for c in cells)
        label = repr(name) if name else f"{j + 1} (no name)"
        if bad and len(bad) >= count:
            example = str(table.rows[bad[0]][j]).strip().replace("\n", " ")
            example = example if len(example) <= 40 else example[:37] + "..."
            notes.append(
                f"{table.source}: column {label} holds text, lists or arrays, not single numbers "
                f"({table.where(bad[0])}: {example!r}); it is skipped."
            )
            continue
        if bad:
            notes.append(
                f"{table.source}: column {label} has {plural(len(bad), 'cell')} that "
                f"{'is' if len(bad) == 1 else 'are'} not a number "
                f"({listing([table.where(i) for i in bad], 4)}); "
                f"{'it is' if len(bad) == 1 else 'they are'} skipped."
            )
            cells = [None if c is BAD else c for c in cells]
        values: list[float | None] = [c if isinstance(c, float) else None for c in cells]
        if count == 0:
            if name:
                notes.append(f"{table.source}: column {label} has no values; it is skipped.")
            continue
        if all(math.isnan(v) for v in values if v is not None):
            notes.append(f"{table.source}: column {label} is NaN in every row; it is skipped.")
            continue
        numeric[j] = values
    return numeric


def is_index(name: str, values: list[float | None]) -> bool:
    """An unnamed first column of whole numbers: pandas's index, written by ``to_csv()``."""
    if name and not INDEX_NAMES.fullmatch(name):
        return False
    present = [v for v in values if v is not None]
    return bool(present) and all(math.isfinite(v) and v.is_integer() for v in present)


def counts(values: Sequence[float | None]) -> bool:
    """Whether a column only counts its rows: ``0, 1, 2, ...`` or ``1, 2, 3, ...``.

    Every row has a whole number; the first is 0 or 1; each next one is one more, or goes back
    (appended runs that count again), and most steps are one more. At least three rows.

    >>> counts([1, 2, 3]), counts([0, 1, 2, 0, 1, 2, 3]), counts([0.1, 0.2, 0.3]), counts([2, 4, 6])
    (True, True, False, False)
    """
    if len(values) < 3 or any(v is None or not math.isfinite(v) for v in values):
        return False
    numbers = [float(v) for v in values if v is not None]
    if not all(v.is_integer() and v >= 0 for v in numbers) or numbers[0] not in (0.0, 1.0):
        return False
    steps = [b - a for a, b in pairwise(numbers)]
    ups = steps.count(1.0)
    jumps = sum(step > 1 for step in steps)
    return jumps == 0 and ups >= 2 and ups * 2 > len(numbers) - 1
