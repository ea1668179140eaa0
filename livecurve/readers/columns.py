"""The columns of a :class:`~.table.Table`: their names, and which of them hold numbers.

* Names are stripped of spaces and quotes; a repeated name is renamed ``loss.1`` (with a warning).
* A column is numeric when more of its cells are numbers than not; the cells that are not are
  skipped with a warning naming the column and the lines. Columns holding text, lists or printed
  arrays, columns with no value and columns that are NaN in every row are skipped, with one
  warning each.
* An unnamed first column of whole numbers (also ``Unnamed: 0`` and ``index``) is pandas's index,
  written by ``DataFrame.to_csv()``: it is not a metric.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .cells import BAD, to_cell
from .errors import listing, plural, warn

if TYPE_CHECKING:
    from .table import Table

_INDEX_NAMES = re.compile(r"(unnamed:?\s*0|index)", re.IGNORECASE)


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
    if name and not _INDEX_NAMES.fullmatch(name):
        return False
    present = [v for v in values if v is not None]
    return bool(present) and all(math.isfinite(v) and v.is_integer() for v in present)
